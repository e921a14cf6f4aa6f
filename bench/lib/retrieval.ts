// Retrieval baselines and measures for bench:quality: a plain BM25 over the same memories, and recall@k,
// precision@k and nDCG@k against the memories a question cites.

const STOP_WORDS = new Set(("a an and are as at be but by do does did for from has have had he her his how i in is it its " +
  "me my of on or our she so that the their them they this to was we were what when where which who why will with you your")
  .split(" "));

export function tokens(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((t) => t && !STOP_WORDS.has(t));
}

/** Okapi BM25 (k1 = 1.2, b = 0.75) over whole words, no stemming: the plain baseline a search should match. */
export class Bm25 {
  private readonly docs: { id: string; tf: Map<string, number>; length: number }[];
  private readonly df = new Map<string, number>();
  private readonly meanLength: number;

  constructor(documents: { id: string; text: string }[]) {
    this.docs = documents.map(({ id, text }) => {
      const tf = new Map<string, number>();
      const words = tokens(text);
      for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
      for (const w of tf.keys()) this.df.set(w, (this.df.get(w) ?? 0) + 1);
      return { id, tf, length: words.length };
    });
    this.meanLength = this.docs.reduce((n, d) => n + d.length, 0) / Math.max(1, this.docs.length);
  }

  search(query: string, k: number): string[] {
    const n = this.docs.length;
    const terms = [...new Set(tokens(query))];
    return this.docs
      .map((d) => ({
        id: d.id,
        score: terms.reduce((s, t) => {
          const tf = d.tf.get(t);
          if (!tf) return s;
          const df = this.df.get(t)!;
          const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
          return s + (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * d.length) / this.meanLength));
        }, 0),
      }))
      .filter((d) => d.score > 0)
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
      .slice(0, k)
      .map((d) => d.id);
  }
}

export interface Judged { ranked: string[]; relevant: Set<string> }

export const recallAt = (k: number, { ranked, relevant }: Judged) => (ranked.slice(0, k).some((id) => relevant.has(id)) ? 1 : 0);
export const precisionAt = (k: number, { ranked, relevant }: Judged) => ranked.slice(0, k).filter((id) => relevant.has(id)).length / k;
export function ndcgAt(k: number, { ranked, relevant }: Judged): number {
  const dcg = ranked.slice(0, k).reduce((s, id, i) => s + (relevant.has(id) ? 1 / Math.log2(i + 2) : 0), 0);
  const ideal = Array.from({ length: Math.min(k, relevant.size) }, (_, i) => 1 / Math.log2(i + 2)).reduce((a, b) => a + b, 0);
  return ideal ? dcg / ideal : 0;
}

export function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}
