// Every migration also applies on PGlite with pgvector (no pg_cron there), and the schema works there.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEmbedded, type EmbeddedDatabase } from "../shared/db/pglite.ts";
import { readMigrations } from "../shared/migrations/files.ts";
import { migrateUp } from "../shared/migrations/apply.ts";
import { readApplied } from "../shared/migrations/history.ts";
import { MIGRATIONS_DIR, ROOT } from "../scripts/db/local-stack.ts";

describe("migrations on PGlite", () => {
  let embedded: EmbeddedDatabase;
  beforeAll(async () => {
    embedded = await openEmbedded(undefined, `${ROOT}scripts/db/bootstrap.sql`);
  });
  afterAll(async () => embedded?.close());

  it("applies every migration and records it as the Supabase CLI would", async () => {
    const migrations = await readMigrations(MIGRATIONS_DIR);
    const ran = await migrateUp(embedded.db, migrations);
    expect(ran.map((m) => m.version)).toEqual(migrations.map((m) => m.version));
    const applied = await readApplied(embedded.db);
    expect(applied.map((m) => [m.version, m.name, m.statements])).toEqual(
      migrations.map((m) => [m.version, m.name, m.statements]),
    );
    expect(await migrateUp(embedded.db, migrations)).toEqual([]);
  });

  it("stores, constrains and finds memories by full text and by cosine distance", async () => {
    const { db } = embedded;
    const [user] = await db.query<{ id: string }>(
      `insert into auth.users (id, email) values (gen_random_uuid(), 'lite@example.com') returning id`,
    );
    const vec = (seed: number) => `[${Array.from({ length: 384 }, (_, i) => Math.sin(seed * (i + 1) + i).toFixed(6)).join(",")}]`;
    for (const [fact, seed] of [["prefers vegetarian food", 1], ["sister is called Ana", 2], ["lives in Lisbon", 3]] as const) {
      await db.query(
        `insert into public.user_memories (user_id, fact, memory_type, embedding, embedding_model)
         values ($1, $2, 'fact', $3::extensions.vector, 'test-model')`,
        [user.id, fact, vec(seed)],
      );
    }
    const text = await db.query<{ fact: string }>(
      `select fact from public.user_memories where is_active and fts @@ websearch_to_tsquery('english', 'vegetarian')`,
    );
    expect(text.map((r) => r.fact)).toEqual(["prefers vegetarian food"]);
    const nearest = await db.query<{ fact: string }>(
      `select fact from public.user_memories where is_active
       order by embedding operator(extensions.<=>) $1::extensions.vector limit 1`,
      [vec(2)],
    );
    expect(nearest[0].fact).toBe("sister is called Ana");
    await expect(
      db.query(`insert into public.user_memories (user_id, fact, memory_type) values ($1, '  ', 'fact')`, [user.id]),
    ).rejects.toThrow(/user_memories_fact_not_blank/);
  });

  it("enforces row-level security for the authenticated role", async () => {
    const { db } = embedded;
    const visible = await db.transaction(async (tx) => {
      await tx.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: crypto.randomUUID(), role: "authenticated" })]);
      await tx.exec("set local role authenticated");
      return tx.query<{ n: number }>(`select count(*)::int as n from public.user_memories`);
    });
    expect(visible[0].n).toBe(0);
    const all = await db.query<{ n: number }>(`select count(*)::int as n from public.user_memories`);
    expect(all[0].n).toBe(3);
  });
});
