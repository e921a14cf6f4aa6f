// Live traffic never stalls: overlapping searches of one user on 8 connections, with stores, updates, forgets and
// the maintenance sweeps of that user on 8 more, for 12 seconds and then until every kind of call has completed 20
// times (at most 40 s: how fast a loaded machine runs the writes is a benchmark's question, bench:traffic; that none
// of them starves is this test's). Nothing deadlocks, nothing waits into a timeout, every kind of call keeps
// completing, and the bookkeeping is exact afterwards.
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { failures, percentile, runTraffic, seedUser, STALLS } from "./support/traffic.ts";

let database: TestDatabase;
let pool: postgres.Sql;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = postgres(database.url, { max: 16, onnotice: () => {}, idle_timeout: 5 });
});
afterAll(async () => {
  await pool?.end({ timeout: 5 });
  await database?.drop();
});

describe("live traffic on one user", () => {
  it("searches, stores, updates, forgets and sweeps at once: no deadlock, no stall, exact bookkeeping", async () => {
    const [{ id: user }] = await database.sql`insert into auth.users (id) values (gen_random_uuid()) returning id`;
    await seedUser(database.sql, user, 300);
    // Every statement gets 5 s: a call that waited on a lock that long would fail with 57014 and be counted.
    await database.sql.unsafe(`alter database "${database.name}" set statement_timeout = '5s'`);

    const report = await runTraffic({
      pool, user, seconds: 12, minimumDone: 21, maxSeconds: 40,
      workers: { search: 8, store: 3, update: 2, forget: 2, maintenance: 1 },
    });

    const summary = Object.entries(report.operations).map(([operation, r]) =>
      `${operation}: ${r.done} done, p50 ${percentile(r.latenciesMs, 50).toFixed(1)} ms, ` +
      `p99 ${percentile(r.latenciesMs, 99).toFixed(1)} ms, max ${Math.max(...r.latenciesMs).toFixed(0)} ms, errors ${JSON.stringify(r.errors)}`);
    console.log(`live traffic, ${report.connections} connections, ${report.seconds.toFixed(1)} s:\n  ${summary.join("\n  ")}`);

    const failed = failures(report);
    for (const code of STALLS) expect(failed[code] ?? 0, `${code} (deadlock, serialization or timeout)`).toBe(0);
    expect(failed).toEqual({});
    for (const [operation, r] of Object.entries(report.operations)) {
      expect(r.done, `${operation} kept completing`).toBeGreaterThan(20);
    }

    // Every result a search returned is counted once, after the log is folded.
    for (let n = -1; n !== 0;) [{ n }] = await database.sql`select public.fold_memory_access()::int as n`;
    const [{ pending }] = await database.sql`select count(*)::int as pending from public.memory_access_log`;
    expect(pending).toBe(0);
    const [{ accesses }] = await database.sql`select coalesce(sum(access_count), 0)::int as accesses
      from public.memory_access where user_id = ${user}`;
    expect(accesses).toBe(report.searchResults);
    // And the counters are a recount.
    const [counted] = await database.sql`select
        (select active_count from public.memory_user_stats where user_id = ${user}) as counter,
        (select count(*)::int from public.user_memories where user_id = ${user} and is_active) as recount`;
    expect(counted.counter).toBe(counted.recount);
  }, 90_000);
});
