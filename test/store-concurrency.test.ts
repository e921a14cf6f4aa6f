// store_memory is exact under concurrency: many real connections at once, one user.
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withClaims } from "../shared/db/as-user.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

let database: TestDatabase;
let pool: postgres.Sql;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = postgres(database.url, { max: 200, onnotice: () => {}, idle_timeout: 5 });
});
afterAll(async () => {
  await pool?.end({ timeout: 5 });
  await database?.drop();
});

async function newUser(): Promise<string> {
  const [{ id }] = await database.sql`insert into auth.users (id) values (gen_random_uuid()) returning id`;
  return id;
}

interface Outcome { id?: string; status?: string; code?: string }

function store(userId: string, args: { fact: string; importance?: number; idempotencyKey?: string }): Promise<Outcome> {
  return withClaims(pool, { role: "authenticated", sub: userId }, async (tx) => {
    const [row] = await tx`select * from public.store_memory(${args.fact}, 'fact',
      importance_score => ${args.importance ?? 0.5}, idempotency_key => ${args.idempotencyKey ?? null})`;
    return { id: row.id as string, status: row.status as string };
  }).catch((error: { code?: string }) => ({ code: error.code ?? String(error) }));
}

describe("store_memory under concurrency", () => {
  it("50 concurrent stores of the same fact leave exactly one active memory", async () => {
    const user = await newUser();
    const variants = ["Prefers vegetarian food", "prefers vegetarian food.", "PREFERS VEGETARIAN FOOD", "Prefers  vegetarian, food!"];
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => store(user, { fact: variants[i % variants.length], importance: 0.5 })),
    );
    expect(outcomes.filter((o) => o.code)).toEqual([]);
    expect(outcomes.filter((o) => o.status === "created").length).toBe(1);
    expect(outcomes.filter((o) => o.status === "duplicate").length).toBe(49);
    const active = await database.sql`select id from public.user_memories where user_id = ${user} and is_active`;
    expect(active.length).toBe(1);
    expect(new Set(outcomes.map((o) => o.id))).toEqual(new Set([active[0].id]));
    const [stats] = await database.sql`select active_count from public.memory_user_stats where user_id = ${user}`;
    expect(stats.active_count).toBe(1);
  });

  it("200 concurrent distinct stores against 100 free places leave exactly 100 new memories", async () => {
    const user = await newUser();
    await database.sql`insert into public.memory_user_stats (user_id, quota_limit) values (${user}, 100)`;
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) => store(user, { fact: `note ${i} about subject ${crypto.randomUUID()}` })),
    );
    expect(outcomes.filter((o) => o.status === "created").length).toBe(100);
    expect(outcomes.filter((o) => o.code === "PT507").length).toBe(100);
    expect(outcomes.filter((o) => o.code && o.code !== "PT507")).toEqual([]);
    const [{ n }] = await database.sql`select count(*)::int as n from public.user_memories where user_id = ${user} and is_active`;
    expect(n).toBe(100);
    const [stats] = await database.sql`select active_count from public.memory_user_stats where user_id = ${user}`;
    expect(stats.active_count).toBe(100);
  });

  it("the same idempotency key sent concurrently stores once and returns the same id", async () => {
    const user = await newUser();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store(user, { fact: `Birthday is on the ${i}th`, idempotencyKey: "request-7" })),
    );
    expect(outcomes.filter((o) => o.code)).toEqual([]);
    expect(new Set(outcomes.map((o) => o.id)).size).toBe(1);
    const [{ n }] = await database.sql`select count(*)::int as n from public.user_memories where user_id = ${user}`;
    expect(n).toBe(1);
  });

  it("concurrent direct inserts (the table API) cannot overshoot the quota either", async () => {
    const user = await newUser();
    await database.sql`insert into public.memory_user_stats (user_id, quota_limit) values (${user}, 10)`;
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        withClaims(pool, { role: "authenticated", sub: user }, (tx) =>
          tx`insert into public.user_memories (user_id, fact, memory_type) values (${user}, ${`direct ${i}`}, 'fact')`,
        ).then(() => "ok", (error: { code?: string }) => error.code),
      ),
    );
    expect(outcomes.filter((o) => o === "ok").length).toBe(10);
    expect(outcomes.filter((o) => o !== "ok" && o !== "PT507")).toEqual([]);
  });

  it("a search does not wait for a writer's row lock", async () => {
    const user = await newUser();
    await store(user, { fact: "Locked memory about sailing" });
    await store(user, { fact: "Free memory about sailing boats" });
    const writer = await pool.reserve();
    try {
      await writer`begin`;
      // What update_memory, forget_memory and merges do: change a memory row, not yet committed.
      await writer`update public.user_memories set is_active = false where fact = 'Locked memory about sailing'`;
      const results = await withClaims(pool, { role: "authenticated", sub: user }, async (tx) => {
        await tx`set local statement_timeout = '3s'`;
        return tx`select fact from public.search_memories('sailing')`;
      });
      expect(results.map((r) => r.fact).sort()).toEqual(["Free memory about sailing boats", "Locked memory about sailing"]);
    } finally {
      await writer`rollback`;
      writer.release();
    }
    // Accesses are appended beside the memories, so a writer's lock on a memory row is never in the way.
    const touched = await database.sql`select m.fact, count(*)::int as accesses from public.user_memories m
      join public.memory_access_log a on a.memory_id = m.id where m.user_id = ${user} group by m.fact order by m.fact`;
    expect(touched).toEqual([
      { fact: "Free memory about sailing boats", accesses: 1 },
      { fact: "Locked memory about sailing", accesses: 1 },
    ]);
  });
});
