// Deterministic synthetic embeddings with structure: unit vectors scattered around topic centres, so that
// nearest-neighbour recall is measured on clustered data like real sentence embeddings, not uniform noise.
export const DIMENSIONS = 384;

/** Mulberry32: small, seedable, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function normalize(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}

export class TopicSpace {
  readonly centres: Float32Array[];
  constructor(topics: number, seed: number, private readonly spread = 0.8) {
    const random = rng(seed);
    this.centres = Array.from({ length: topics }, () => normalize(Float32Array.from({ length: DIMENSIONS }, () => gaussian(random))));
  }

  /** A unit vector near topic `topic`; `spread` is the noise norm relative to the centre's. */
  sample(topic: number, random: () => number): Float32Array {
    const centre = this.centres[topic % this.centres.length];
    const sigma = this.spread / Math.sqrt(DIMENSIONS);
    return normalize(Float32Array.from(centre, (c) => c + sigma * gaussian(random)));
  }
}

export function vectorLiteral(v: Float32Array, digits = 4): string {
  let out = "[";
  for (let i = 0; i < v.length; i++) out += (i ? "," : "") + v[i].toFixed(digits);
  return `${out}]`;
}
