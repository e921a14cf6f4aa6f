// A user's own HNSW index (migration 20261126150000): `memory indexes` builds it concurrently for users past
// memory_settings.own_index_threshold and drops it under half of it, rebuilds one a failed build left invalid, and
// nearest_memories uses it (the index's own scan count rises) for that user's unfiltered searches only, with the
// answers of the exact path.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.ts";
import { applyOwnIndexChanges, ownIndexChanges } from "../shared/maintenance/jobs.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

const MODEL = "test-model";
const BIG = 60;
const THRESHOLD = 40;

let database: TestDatabase;
let big: string;
let small: string;
let dimensions: number;

const memory = (args: string[]) => runCli([...args, "--db-url", database.url]);

/** A deterministic embedding: a different direction for every seed. */
function embedding(seed: number): string {
  let x = seed * 2654435761 % 2 ** 32;
  const values = Array.from({ length: dimensions }, () => {
    x = (x * 1664525 + 1013904223) % 2 ** 32;
    return (x / 2 ** 32 - 0.5).toFixed(4);
  });
  return `[${values.join(",")}]`;
}

/** A word for a number, so that no two facts differ by a value (which would keep a near duplicate apart). */
const word = (n: number) => Array.from(String(n), (d) => "abcdefghij"[Number(d)]).join("") + "x";

async function addMemories(user: string, count: number, from: number) {
  for (let i = 0; i < count; i++) {
    await database.sql`insert into public.user_memories (user_id, fact, memory_type, category, embedding, embedding_model)
      values (${user}, ${`fact ${word(from + i)}`}, ${i % 2 ? "fact" : "preference"}, 'test', ${embedding(from + i)}::extensions.vector, ${MODEL})`;
  }
}

/** The name of the user's own index, as the schema gives it. */
let indexName: (user: string) => string;

async function indexScans(user: string): Promise<number> {
  await database.sql`select pg_stat_clear_snapshot()`;
  const [row] = await database.sql`select idx_scan from pg_stat_user_indexes where indexrelname = ${indexName(user)}`;
  return Number(row?.idx_scan ?? 0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The index's scan count once it exceeds `before`: a backend flushes its statistics a second after idling, or, when
 * the shared statistics are busy (the whole suite running beside it), ten seconds later (PostgreSQL 15's idle
 * interval): wait past that. */
async function scansAfter(user: string, before: number): Promise<number> {
  for (let i = 0; i < 150 && (await indexScans(user)) <= before; i++) await sleep(100);
  return indexScans(user);
}

/** The index's scan count once every backend has flushed: unchanged over longer than the flush delay. */
async function settledScans(user: string): Promise<number> {
  let last = await indexScans(user);
  for (let i = 0; i < 10; i++) {
    await sleep(1_500);
    const now = await indexScans(user);
    if (now === last) return now;
    last = now;
  }
  throw new Error(`the scan count of ${indexName(user)} kept changing`);
}

async function nearest(user: string, query: string, types: string[] | null = null): Promise<string[]> {
  const rows = await database.sql`select id from public.match_memories(${query}::extensions.vector, ${MODEL}, 10,
    memory_types => ${types}::text[], user_id => ${user}) order by rank`;
  return rows.map((r) => r.id as string);
}

async function exact(user: string, query: string, types: string[] | null = null): Promise<string[]> {
  const rows = await database.sql`select id from public.user_memories where user_id = ${user} and is_active
    and (${types}::text[] is null or memory_type = any(${types}::text[]))
    order by embedding operator(extensions.<=>) ${query}::extensions.vector, id limit 10`;
  return rows.map((r) => r.id as string);
}

beforeAll(async () => {
  database = await createTestDatabase();
  [{ dimensions }] = await database.sql`select public.embedding_dimensions() as dimensions`;
  [{ id: big }, { id: small }] = await database.sql`insert into auth.users (id) values (gen_random_uuid()), (gen_random_uuid()) returning id`;
  const names = new Map((await database.sql`select u as user, private.own_index_name(u) as name from unnest(${[big, small]}::uuid[]) u`)
    .map((r) => [r.user as string, r.name as string]));
  indexName = (user) => names.get(user)!;
  await database.sql`update public.memory_settings set own_index_threshold = ${THRESHOLD}`;
  // 65 memories look big to the planner only while the table has no statistics: an autoanalyze landing mid-test
  // (65 inserts pass its threshold of 50 + 10%) made it sort the user's rows instead, when its timing fell so
  // (1 run in 3 failed, at random tests). This database is the test's own: keep it without them.
  await database.sql`alter table public.user_memories set (autovacuum_enabled = false)`;
  await addMemories(big, BIG, 0);
  await addMemories(small, 5, 1000);
}, 60_000);
afterAll(async () => database?.drop());

describe("a user's own index", () => {
  it("is listed for users past the threshold only, and built concurrently by memory indexes", async () => {
    const listed = await memory(["indexes", "--dry-run", "--json"]);
    expect(listed.code).toBe(0);
    const changes = JSON.parse(listed.stdout);
    expect(changes.map((c: { user_id: string; action: string }) => [c.user_id, c.action])).toEqual([[big, "create"]]);
    expect(changes[0].statement).toContain("create index concurrently");
    expect(changes[0].statement).toContain(`vector(${dimensions})`);

    const built = await memory(["indexes"]);
    expect(built.code, built.stderr).toBe(0);
    expect(built.stdout).toContain(`create the own index of user ${big}`);
    const [index] = await database.sql`select i.indisvalid, pg_get_indexdef(i.indexrelid) as definition from pg_index i
      join pg_class c on c.oid = i.indexrelid where c.relname = ${indexName(big)}`;
    expect(index.indisvalid).toBe(true);
    expect(index.definition).toMatch(/USING hnsw/);
    expect(await ownIndexChanges(database.db)).toEqual([]);
    expect((await memory(["indexes"])).stdout).toContain("none to create or drop");
  });

  it("serves the user's unfiltered searches, with the answers of an exact scan", async () => {
    for (const seed of [3, 17, 1000, 5000]) {
      const query = embedding(seed);
      const before = await indexScans(big);
      expect(await nearest(big, query)).toEqual(await exact(big, query));
      expect(await scansAfter(big, before)).toBeGreaterThan(before);
    }
  }, 120_000);

  it("is not used with a filter, nor for another user", async () => {
    const query = embedding(42);
    const before = await settledScans(big);
    expect(await nearest(big, query, ["fact"])).toEqual(await exact(big, query, ["fact"]));
    expect(await nearest(small, query)).toEqual(await exact(small, query));
    expect(await settledScans(big)).toBe(before);
    // The same count would also follow from statistics that never arrive: the unfiltered search moves it.
    await nearest(big, query);
    expect(await scansAfter(big, before)).toBeGreaterThan(before);
  });

  it("serves the store's near-duplicate probe: a reworded fact with the same embedding is found through it", async () => {
    const [first] = await database.sql`select id from public.user_memories where user_id = ${big} and fact = ${`fact ${word(7)}`}`;
    const before = await indexScans(big);
    const [stored] = await database.sql`select * from public.store_memory('something said in other words', 'fact',
      embedding => ${embedding(7)}::extensions.vector, embedding_model => ${MODEL}, user_id => ${big})`;
    expect(stored.id).toBe(first.id);
    expect(stored.status).not.toBe("created");
    expect(await scansAfter(big, before)).toBeGreaterThan(before);
  });

  it("left invalid by a failed build, is not counted on, then dropped and built again", async () => {
    await applyOwnIndexChanges(database.db);
    await database.sql.unsafe(`drop index public.${indexName(big)}`);
    // A concurrent build that fails leaves an invalid index behind under its name.
    await expect(database.sql.unsafe(`create unique index concurrently ${indexName(big)} on public.user_memories (user_id)
      where user_id = '${big}'`)).rejects.toThrow();
    const query = embedding(8);
    expect(await nearest(big, query)).toEqual(await exact(big, query));
    expect((await ownIndexChanges(database.db)).map((c) => c.action)).toEqual(["drop", "create"]);
    await applyOwnIndexChanges(database.db);
    const [index] = await database.sql`select i.indisvalid, pg_get_indexdef(i.indexrelid) as definition from pg_index i
      join pg_class c on c.oid = i.indexrelid where c.relname = ${indexName(big)}`;
    expect(index).toMatchObject({ indisvalid: true, definition: expect.stringMatching(/USING hnsw/) });
  });

  it("is dropped when the user falls under half the threshold, and the searches take the exact path again", async () => {
    // Past the user's count, but not twice it: kept.
    await database.sql`update public.memory_settings set own_index_threshold = ${BIG * 2}`;
    expect(await ownIndexChanges(database.db)).toEqual([]);
    await database.sql`update public.memory_settings set own_index_threshold = ${BIG * 2 + 10}`;
    const changes = await ownIndexChanges(database.db);
    expect(changes.map((c) => [c.user_id, c.action])).toEqual([[big, "drop"]]);
    expect(changes[0].statement).toContain("drop index concurrently");
    await applyOwnIndexChanges(database.db);
    const [{ n }] = await database.sql`select count(*)::int as n from pg_class where relname = ${indexName(big)}`;
    expect(n).toBe(0);
    const query = embedding(9);
    expect(await nearest(big, query)).toEqual(await exact(big, query));
  });

  it("of a user who is gone is dropped", async () => {
    await database.sql`update public.memory_settings set own_index_threshold = ${THRESHOLD}`;
    await applyOwnIndexChanges(database.db);
    await database.sql`delete from public.user_memories where user_id = ${big}`;
    expect((await ownIndexChanges(database.db)).map((c) => [c.user_id, c.action])).toEqual([[big, "drop"]]);
  });

  it("refuses a threshold that is not a positive number of memories, and keeps the one it has", async () => {
    const [{ threshold }] = await database.sql`select own_index_threshold as threshold from public.memory_settings`;
    for (const [value, code] of [[0, "23514"], [-5, "23514"], [null, "23502"]] as const) {
      await expect(database.sql`update public.memory_settings set own_index_threshold = ${value}`).rejects.toMatchObject({ code });
    }
    expect((await database.sql`select own_index_threshold as threshold from public.memory_settings`)[0].threshold).toBe(threshold);
  });

  it("names only a user's own indexes as theirs", async () => {
    const [row] = await database.sql`select private.own_index_owner(private.own_index_name(${big})) as own,
      private.own_index_owner('user_memories_active_bits_idx') as other,
      private.own_index_owner('user_memories_fts_' || replace(${big}::text, '-', '')) as other_kind,
      private.own_index_owner('x' || private.own_index_name(${big})) as prefixed`;
    expect(row).toEqual({ own: big, other: null, other_kind: null, prefixed: null });
  });

  it("may be asked for by the service role only", async () => {
    const [row] = await database.sql`select has_function_privilege('service_role', 'public.own_index_changes()', 'execute') as service,
      has_function_privilege('authenticated', 'public.own_index_changes()', 'execute') as signed_in,
      has_function_privilege('anon', 'public.own_index_changes()', 'execute') as anonymous`;
    expect(row).toEqual({ service: true, signed_in: false, anonymous: false });
  });
});
