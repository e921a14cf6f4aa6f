// Embeds the active memories that were stored without an embedding (the provider was down or timed out),
// a batch at a time, through the service-role SQL functions memories_pending_embedding / set_memory_embedding.
import type { SqlExecutor } from "../db/executor.ts";
import { type EmbeddingProvider, vectorLiteral } from "./provider.ts";

export interface BackfillResult {
  embedded: number;
  skipped: number;
  failedBatches: number;
  remaining: number;
}

export async function backfillEmbeddings(
  db: SqlExecutor,
  provider: EmbeddingProvider,
  options: { batchSize?: number; maxBatches?: number; onBatch?: (done: number) => void } = {},
): Promise<BackfillResult> {
  const batchSize = options.batchSize ?? 100;
  const result: BackfillResult = { embedded: 0, skipped: 0, failedBatches: 0, remaining: 0 };
  let after: string | null = null;
  for (let batch = 0; batch < (options.maxBatches ?? Infinity); batch++) {
    const pending: { id: string; fact: string }[] = await db.query(
      `select id, fact from public.memories_pending_embedding($1::int, $2::text::uuid)`, [batchSize, after]);
    if (pending.length === 0) break;
    after = pending[pending.length - 1].id;
    let vectors: number[][];
    try {
      vectors = await provider.embed(pending.map((p) => p.fact));
    } catch {
      // Leave the batch for the next run; the others may still go through.
      result.failedBatches++;
      continue;
    }
    for (const [i, memory] of pending.entries()) {
      const [{ done }] = await db.query<{ done: boolean }>(
        // The text embedded goes along: a memory updated meanwhile keeps its id, and this vector is of its old text.
        `select public.set_memory_embedding($1::text::uuid, $2::text::extensions.vector, $3::text, $4::text) as done`,
        [memory.id, vectorLiteral(vectors[i]), provider.model, memory.fact]);
      if (done) result.embedded++;
      else result.skipped++;
    }
    options.onBatch?.(result.embedded);
  }
  const [{ n }] = await db.query<{ n: number }>(
    `select count(*)::int as n from public.user_memories where is_active and embedding is null`);
  result.remaining = n;
  return result;
}
