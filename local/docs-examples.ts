// The memories the API reference's examples name (shared/openapi/examples.ts), kept for a local user so that each
// example succeeds as shown: made if missing, and made again when an earlier click forgot or erased them. Local only.
import type { SqlExecutor } from "../shared/db/executor.ts";
import { EXAMPLE_FACTS, EXAMPLE_IDS } from "../shared/openapi/examples.ts";

export async function keepDocsExamples(admin: SqlExecutor, userId: string): Promise<void> {
  await admin.transaction(async (db) => {
    // A forgotten or merged example is removed (with its history) and made again below.
    await db.query(`delete from public.user_memories where user_id = $1 and id = any ($2::uuid[]) and not is_active`,
      [userId, [EXAMPLE_IDS.memory, EXAMPLE_IDS.forgettable]]);
    // "on conflict do nothing": also when the user has stored the same words themselves.
    await db.query(`insert into public.user_memories (id, user_id, fact, memory_type, importance_score)
      values ($2, $1, $3, 'person', 0.6), ($4, $1, $5, 'fact', 0.4) on conflict do nothing`,
      [userId, EXAMPLE_IDS.memory, EXAMPLE_FACTS.memory, EXAMPLE_IDS.forgettable, EXAMPLE_FACTS.forgettable]);
    await db.query(`insert into public.memory_sightings (id, user_id, memory_id, fact, memory_type, importance_score, confidence_score, origin, similarity)
      select $2, $1, m.id, $3, 'person', 0.5, 0.5, 'store', 0.95 from public.user_memories m where m.id = $4 and m.user_id = $1
      on conflict do nothing`, [userId, EXAMPLE_IDS.sighting, EXAMPLE_FACTS.sighting, EXAMPLE_IDS.memory]);
  });
}
