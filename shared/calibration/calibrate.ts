// Calibration of one embedding model's thresholds from labelled pairs: the cosine at which store_memory calls two
// facts duplicates, and the relevance floor search applies to the vector leg. The rest of the duplicate rule
// (the value guard, the same text, word Jaccard) is asked of the database, so the sweep measures the rule as
// store_memory applies it.
import type { SqlExecutor } from "../db/executor.ts";
import type { EmbeddingProvider } from "../embeddings/provider.ts";

export interface DuplicatePair { a: string; b: string; label: "duplicate" | "distinct"; line: number }
export interface RelevanceJudgement { query: string; memory: string; label: "relevant" | "irrelevant"; line: number }
export interface LabelledSet { duplicates: DuplicatePair[]; judgements: RelevanceJudgement[] }

export interface Point {
  threshold: number; precision: number; recall: number; f1: number; tp: number; fp: number; fn: number;
  /** Meets the constraint the threshold must keep (no false merge; no answer to a question without one). */
  acceptable: boolean;
}
export interface Sweep { points: Point[]; best: Point; constraint: string }

export class LabelledSetError extends Error {}

const text = (v: unknown) => typeof v === "string" && /\S/.test(v);

/** JSONL, one pair per line: {"a","b","label":"duplicate"|"distinct"} or {"query","memory","label":"relevant"|"irrelevant"}. */
export function parseLabelledSet(source: string): LabelledSet {
  const set: LabelledSet = { duplicates: [], judgements: [] };
  source.split("\n").forEach((raw, index) => {
    const line = index + 1;
    if (!raw.trim()) return;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(raw) as Record<string, unknown>;
    } catch (error) {
      throw new LabelledSetError(`line ${line}: not JSON (${(error as Error).message})`);
    }
    if (text(row.a) && text(row.b) && (row.label === "duplicate" || row.label === "distinct")) {
      set.duplicates.push({ a: row.a as string, b: row.b as string, label: row.label, line });
    } else if (text(row.query) && text(row.memory) && (row.label === "relevant" || row.label === "irrelevant")) {
      set.judgements.push({ query: row.query as string, memory: row.memory as string, label: row.label, line });
    } else {
      throw new LabelledSetError(`line ${line}: expected {"a","b","label":"duplicate"|"distinct"} or {"query","memory","label":"relevant"|"irrelevant"}`);
    }
  });
  if (!set.duplicates.length && !set.judgements.length) throw new LabelledSetError("no labelled pairs");
  return set;
}

export function cosine(a: number[], b: number[]): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * Precision, recall and F1 at each threshold. The best is the highest F1 among the thresholds that keep the
 * constraint, or the highest F1 of all when none keeps it; of thresholds tied on it, the middle one, as far as
 * the labelled set allows from the pairs on either side.
 */
export function sweep(
  cases: { positive: boolean; predicted: (threshold: number) => boolean }[], thresholds: number[],
  constraint: { name: string; holds: (point: Omit<Point, "acceptable">) => boolean },
): Sweep {
  const points = thresholds.map((threshold) => {
    let tp = 0, fp = 0, fn = 0;
    for (const c of cases) {
      const predicted = c.predicted(threshold);
      if (predicted && c.positive) tp++;
      else if (predicted) fp++;
      else if (c.positive) fn++;
    }
    const precision = tp + fp ? tp / (tp + fp) : 1;
    const recall = tp + fn ? tp / (tp + fn) : 1;
    const point = { threshold, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, tp, fp, fn };
    return { ...point, acceptable: constraint.holds(point) };
  });
  const candidates = points.filter((p) => p.acceptable).length ? points.filter((p) => p.acceptable) : points;
  const top = Math.max(...candidates.map((p) => p.f1));
  const tied = candidates.filter((p) => p.f1 === top);
  return { points, best: tied[Math.floor((tied.length - 1) / 2)], constraint: constraint.name };
}

export const THRESHOLDS = Array.from({ length: 100 }, (_, i) => Number((i / 100).toFixed(2)));

async function embedAll(provider: EmbeddingProvider, texts: string[]): Promise<Map<string, number[]>> {
  const unique = [...new Set(texts)];
  const vectors = new Map<string, number[]>();
  for (let i = 0; i < unique.length; i += 64) {
    const batch = unique.slice(i, i + 64);
    (await provider.embed(batch)).forEach((v, j) => vectors.set(batch[j], v));
  }
  return vectors;
}

export interface Calibration { model: string; duplicates: Sweep | null; relevance: Sweep | null; jaccardThreshold: number }

export async function calibrate(db: SqlExecutor, provider: EmbeddingProvider, set: LabelledSet, model = provider.model): Promise<Calibration> {
  const vectors = await embedAll(provider, [...set.duplicates.flatMap((p) => [p.a, p.b]), ...set.judgements.flatMap((j) => [j.query, j.memory])]);
  const [{ jaccard }] = await db.query<{ jaccard: number }>(`select duplicate_threshold as jaccard from public.memory_settings`);
  let duplicates: Sweep | null = null;
  if (set.duplicates.length) {
    // What the database decides without the cosine: a value that sets the two apart, the same text, word Jaccard.
    const judged = await db.query<{ reason: string | null; same: boolean; jaccard: number }>(
      `select public.fact_value_difference(p.a, p.b) as reason, public.fact_key(p.a) = public.fact_key(p.b) as same,
              public.jaccard(public.fact_words(p.a), public.fact_words(p.b)) as jaccard
         from unnest($1::text[], $2::text[]) with ordinality as p(a, b, n) order by p.n`,
      [set.duplicates.map((p) => p.a), set.duplicates.map((p) => p.b)]);
    duplicates = sweep(set.duplicates.map((p, i) => {
      const { reason, same, jaccard: j } = judged[i];
      const similarity = cosine(vectors.get(p.a)!, vectors.get(p.b)!);
      // As private.duplicate_candidates decides: the same text; or no value differing, by words or by cosine; or
      // only a word put in place of another, when the cosine says they mean the same.
      return { positive: p.label === "duplicate",
        predicted: (t: number) => same || (reason === null && (j >= jaccard || similarity >= t)) || (reason === "word differs" && similarity >= t) };
    }), THRESHOLDS.filter((t) => t >= 0.5), { name: "no distinct pair merged", holds: (point) => point.fp === 0 });
  }
  let relevance: Sweep | null = null;
  if (set.judgements.length) {
    // A question none of whose memories is relevant must get an empty answer.
    const answered = new Set(set.judgements.filter((j) => j.label === "relevant").map((j) => j.query));
    const unanswerable = set.judgements.filter((j) => !answered.has(j.query))
      .map((j) => cosine(vectors.get(j.query)!, vectors.get(j.memory)!));
    const highest = Math.max(-1, ...unanswerable);
    relevance = sweep(set.judgements.map((j) => {
      const similarity = cosine(vectors.get(j.query)!, vectors.get(j.memory)!);
      return { positive: j.label === "relevant", predicted: (t: number) => similarity >= t };
    }), THRESHOLDS, { name: "questions without an answer get none", holds: (point) => point.threshold > highest });
  }
  return { model, duplicates, relevance, jaccardThreshold: jaccard };
}

/** Stores the best thresholds for the model (a model without a row starts from the '*' row's values). */
export async function writeCalibration(db: SqlExecutor, result: Calibration, pairs: LabelledSet): Promise<void> {
  const summary = (s: Sweep | null, count: number) => s && { pairs: count, threshold: s.best.threshold,
    precision: round(s.best.precision), recall: round(s.best.recall), f1: round(s.best.f1) };
  const calibration = { at: new Date().toISOString(), duplicates: summary(result.duplicates, pairs.duplicates.length),
    relevance: summary(result.relevance, pairs.judgements.length) };
  await db.query(
    `insert into public.memory_model_settings as s (embedding_model, duplicate_threshold, relevance_floor, calibration)
     select $1, coalesce($2::float8, d.duplicate_threshold), coalesce($3::float8, d.relevance_floor), $4::text::jsonb
       from public.memory_model_settings d where d.embedding_model = '*'
     on conflict (embedding_model) do update
        set duplicate_threshold = coalesce($2::float8, s.duplicate_threshold),
            relevance_floor = coalesce($3::float8, s.relevance_floor), calibration = $4::text::jsonb`,
    [result.model, result.duplicates?.best.threshold ?? null, result.relevance?.best.threshold ?? null, JSON.stringify(calibration)]);
}

const round = (x: number) => Math.round(x * 1000) / 1000;
