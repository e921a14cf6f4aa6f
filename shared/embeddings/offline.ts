// The offline embedder: deterministic, no network, no model weights. Words and word pairs (stop words left out)
// are hashed into 384 signed buckets (feature hashing), so the cosine of two texts is their share of features.
// That vector is sparse: nearly every sign bit would be 0, and the per-user quantized scan and deduplication's
// LSH bands read sign bits. So it is then turned by a fixed orthogonal transform (rounds of random signs,
// 128-wide Walsh-Hadamard blocks and a permutation): dense, with every cosine exactly kept. It is LEXICAL, not
// semantic: "vegetarian food" and "meat-free meals" are far apart. Use it locally and in tests; use gte-small or
// an embeddings API in production.
import { EMBEDDING_DIMENSIONS, type EmbeddingProvider } from "./provider.ts";

// Words that say nothing about a fact: left in, every "the user ..." fact looked like every question about the user.
const STOP_WORDS = new Set(("a an and are as at be but by did do does for from had has have he her his how i in is it " +
  "its me my of on or our she so that the their them they this to was we were what when where which who why will " +
  "with you your").split(" "));

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** mulberry32: the transform's signs and permutations, the same in every process. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BLOCK = 128;
const ROUNDS = (() => {
  const random = prng(384);
  return Array.from({ length: 3 }, () => {
    const signs = Array.from({ length: EMBEDDING_DIMENSIONS }, () => (random() < 0.5 ? -1 : 1));
    const permutation = Array.from({ length: EMBEDDING_DIMENSIONS }, (_, i) => i);
    for (let i = permutation.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [permutation[i], permutation[j]] = [permutation[j], permutation[i]];
    }
    return { signs, permutation };
  });
})();

/** An orthogonal map of R^384: each round flips signs, mixes 128-wide blocks (Hadamard), and permutes. */
function spread(vector: number[]): number[] {
  let v = vector;
  for (const { signs, permutation } of ROUNDS) {
    v = v.map((x, i) => x * signs[i]);
    for (let start = 0; start < EMBEDDING_DIMENSIONS; start += BLOCK) {
      for (let width = 1; width < BLOCK; width *= 2) {
        for (let i = start; i < start + BLOCK; i += 2 * width) {
          for (let j = i; j < i + width; j++) {
            const [x, y] = [v[j], v[j + width]];
            v[j] = x + y;
            v[j + width] = x - y;
          }
        }
      }
    }
    v = permutation.map((p) => v[p] / Math.sqrt(BLOCK));
  }
  return v;
}

export function lexicalEmbedding(text: string): number[] {
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  const words = text.toLowerCase().normalize("NFKC").split(/[^\p{L}\p{N}]+/u).filter((w) => w && !STOP_WORDS.has(w));
  const features = [...words, ...words.slice(1).map((w, i) => `${words[i]} ${w}`)];
  for (const feature of features) {
    const hash = fnv1a(feature);
    vector[hash % EMBEDDING_DIMENSIONS] += (hash & 0x80000000) ? -1 : 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return spread(vector.map((x) => x / norm));
}

export class OfflineEmbedder implements EmbeddingProvider {
  readonly model = "offline-lexical-dense-384";
  async embed(texts: string[]): Promise<number[][]> {
    return texts.map(lexicalEmbedding);
  }
}
