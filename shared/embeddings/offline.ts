// The offline embedder: deterministic, no network, no model weights. It hashes words and word pairs into 384
// signed buckets (feature hashing) and normalizes. It is LEXICAL, not semantic: "vegetarian food" and "meat-free
// meals" are far apart. Use it locally and in tests; use gte-small or an embeddings API in production.
import { EMBEDDING_DIMENSIONS, type EmbeddingProvider } from "./provider.ts";

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function lexicalEmbedding(text: string): number[] {
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  const words = text.toLowerCase().normalize("NFKC").split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const features = [...words, ...words.slice(1).map((w, i) => `${words[i]} ${w}`)];
  for (const feature of features) {
    const hash = fnv1a(feature);
    vector[hash % EMBEDDING_DIMENSIONS] += (hash & 0x80000000) ? -1 : 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((x) => x / norm);
}

export class OfflineEmbedder implements EmbeddingProvider {
  readonly model = "offline-lexical-384";
  async embed(texts: string[]): Promise<number[][]> {
    return texts.map(lexicalEmbedding);
  }
}
