// Latency summaries for benchmarks: every figure is reported beside its baseline from the same run.
import { performance } from "node:perf_hooks";

export interface Summary { n: number; p50: number; p95: number; mean: number }

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

export async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await fn();
  return [performance.now() - started, result];
}

export const ms = (x: number) => `${x.toFixed(2)} ms`;
