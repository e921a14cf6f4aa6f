// The maintenance jobs by hand: memory dedupe, cleanup, expire, fold, stats, jobs against a real database.
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { freePort } from "./support/processes.ts";
import { DEDUPE_BATCH } from "../shared/maintenance/jobs.ts";

let database: TestDatabase;
let user: string;

const memory = (args: string[]) => runCli([...args, "--db-url", database.url]);

beforeAll(async () => {
  database = await createTestDatabase();
  [{ id: user }] = await database.sql`insert into auth.users (id) values (gen_random_uuid()) returning id`;
  await database.sql`insert into public.user_memories (user_id, fact, memory_type, importance_score, expires_at, created_at) values
    (${user}, 'Keeps bees on the roof', 'fact', 0.9, null, now() - interval '1 day'),
    (${user}, 'On the roof, keeps bees', 'fact', 0.2, null, now() - interval '1 day'),
    (${user}, 'Concert tonight', 'event', 0.5, now() - interval '1 minute', now() - interval '1 day')`;
  await database.sql`insert into public.user_memories (user_id, fact, memory_type, is_active, updated_at, created_at) values
    (${user}, 'Old job at the bakery', 'fact', false, now() - interval '120 days', now() - interval '300 days')`;
});
afterAll(async () => database?.drop());

describe("memory maintenance commands", () => {
  it("dedupe --user removes the reworded duplicate", async () => {
    const r = await memory(["dedupe", "--user", user, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ user_id: user, duplicates_found: 1, duplicates_removed: 1 });
  });

  it("dedupe of every user finds nothing left", async () => {
    const r = await memory(["dedupe", "--json"]);
    expect(JSON.parse(r.stdout)).toEqual({ users: 1, duplicates_found: 0, duplicates_removed: 0 });
  });

  it("dedupe of everyone covers each user once, in batches of DEDUPE_BATCH users", async () => {
    const many = await createTestDatabase();
    try {
      const users = 2 * DEDUPE_BATCH + 7;
      await many.sql`with u as (insert into auth.users (id) select gen_random_uuid() from generate_series(1, ${users}) returning id)
        insert into public.user_memories (user_id, fact, memory_type, importance_score)
        select u.id, f.fact, 'fact', f.importance from u cross join (values ('Keeps bees on the roof', 0.9), ('On the roof, keeps bees', 0.2)) f(fact, importance)`;
      const dedupe = () => runCli(["dedupe", "--json", "--db-url", many.url]);
      expect(JSON.parse((await dedupe()).stdout)).toEqual({ users, duplicates_found: users, duplicates_removed: users });
      const [{ active }] = await many.sql`select count(*)::int as active from public.user_memories where is_active`;
      expect(active).toBe(users);
    } finally {
      await many.drop();
    }
  }, 60_000);

  it("expire deactivates what is past its expiry, cleanup deletes what is long inactive", async () => {
    expect(JSON.parse((await memory(["expire", "--json"])).stdout)).toEqual({ expired: 1 });
    expect(JSON.parse((await memory(["cleanup", "--days", "90", "--json"])).stdout)).toEqual({ days: 90, deleted: 1 });
    const facts = (await database.sql`select fact from public.user_memories order by fact`).map((r) => r.fact);
    expect(facts).toEqual(["Concert tonight", "Keeps bees on the roof", "On the roof, keeps bees"]);
  });

  it("fold turns the search-access log into counts, in batches until it is empty", async () => {
    const [{ id }] = await database.sql`select id from public.user_memories where fact = 'Keeps bees on the roof'`;
    await database.sql`insert into public.memory_access_log (memory_id, user_id)
      select ${id}, ${user} from generate_series(1, 10005)`;
    expect(JSON.parse((await memory(["fold", "--json"])).stdout)).toEqual({ folded: 10005 });
    expect(await database.sql`select access_count::int from public.memory_access where memory_id = ${id}`).toEqual([{ access_count: 10005 }]);
    expect(JSON.parse((await memory(["fold", "--json"])).stdout)).toEqual({ folded: 0 });
  });

  it("stats for a user and for everyone", async () => {
    const one = JSON.parse((await memory(["stats", "--user", user, "--json"])).stdout);
    expect(one).toMatchObject({ user_id: user, active: 1, duplicates: 1, quota: 10000, quota_used: 1 });
    const all = JSON.parse((await memory(["stats", "--json"])).stdout);
    expect(all).toEqual([expect.objectContaining({ user_id: user, active: 1 })]);
  });

  it("jobs says there is no pg_cron in a cloned database", async () => {
    const r = await memory(["jobs"]);
    expect([r.code, r.stdout.trim()]).toEqual([0, "no pg_cron in this database; run the jobs by hand (memory dedupe, cleanup, expire, fold)"]);
  });

  it("shows a user's statistics in a fixed order, and everyone's as an aligned table", async () => {
    const one = await memory(["stats", "--user", user]);
    const keys = one.stdout.split("\n").slice(1).map((line) => line.split(/\s+/)[0]).filter(Boolean);
    expect(keys.slice(0, 4)).toEqual(["user_id", "active", "inactive", "duplicates"]);
    expect(keys.indexOf("by_type")).toBeGreaterThan(keys.indexOf("newest"));
    const all = (await memory(["stats"])).stdout.trimEnd().split("\n");
    expect(all[0]).toMatch(/^user_id\s+active\s+inactive\s+quota\s+used$/);
    expect(all[1].indexOf(user)).toBe(0);
    expect(all.at(-1)).toBe("1 user");
  });

  it("says that a user id it does not know is unknown (exit 1), and that an empty database has no users", async () => {
    const unknown = await memory(["stats", "--user", "00000000-0000-4000-8000-0000000000aa"]);
    expect([unknown.code, unknown.stderr.trim()]).toEqual([1, "memory stats: no user 00000000-0000-4000-8000-0000000000aa"]);
    const empty = await createTestDatabase();
    try {
      const r = await runCli(["stats", "--db-url", empty.url]);
      expect(r.stdout.trim()).toBe("no user has stored a memory yet");
    } finally {
      await empty.drop();
    }
  });

  it("refuses bad arguments with exit 2, in its own words", async () => {
    expect((await memory(["cleanup", "--days", "0"])).code).toBe(2);
    const negative = await memory(["cleanup", "--days", "-5"]);
    expect([negative.code, negative.stderr.trim()]).toEqual([2, "memory cleanup: --days must be a whole number of at least 1, not '-5'"]);
    expect((await memory(["stats", "--user", "nobody"])).stderr).toMatch(/--user must be a user id/);
  });

  it("refuses an option the command does not take, with exit 2, before touching the database", async () => {
    const [before] = await database.sql`select count(*)::int as n, count(*) filter (where is_active)::int as active from public.user_memories`;
    for (const args of [["dedupe", "--dry-run"], ["cleanup", "--user", user], ["expire", "--days", "1"], ["indexes", "--user", user],
      ["jobs", "--dry-run"], ["indexes", "--dry-run=yes"]]) {
      const r = await memory(args);
      expect([r.code, r.stderr.split("\n")[0]], args.join(" ")).toEqual([2, expect.stringMatching(new RegExp(`^memory ${args[0]}: (unknown option --|--dry-run takes no value)`))]);
    }
    const [after] = await database.sql`select count(*)::int as n, count(*) filter (where is_active)::int as active from public.user_memories`;
    expect(after).toEqual(before);
  });

  it("refuses a --db-url that is not a connection string with exit 2, and no stack trace", async () => {
    const r = await run(["stats", "--db-url", "notaurl"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--db-url must be a connection string like postgresql:\/\//);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const secret = await run(["stats", "--db-url", "mysql://admin:hunter2@db.example.com/x"]);
    expect([secret.code, secret.stderr.includes("hunter2")]).toEqual([2, false]);
  });

  it("gives up on a database that never answers within the connect timeout, saying so", async () => {
    // A host that takes the TCP connection and never answers (a firewall, a proxy, a paused project).
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    const url = `postgresql://postgres:postgres@127.0.0.1:${(silent.address() as { port: number }).port}/postgres`;
    try {
      const started = Date.now();
      const r = await run(["stats", "--db-url", url, "--connect-timeout", "1"]);
      expect([r.code, r.stderr.trim()]).toEqual([1, expect.stringMatching(/did not answer within 1 s; .*--connect-timeout/)]);
      expect(Date.now() - started).toBeLessThan(8_000);
      const fromEnv = await run(["jobs", "--db-url", url], { MEMORY_CONNECT_TIMEOUT: "1" });
      expect(fromEnv.stderr).toMatch(/did not answer within 1 s/);
    } finally {
      silent.close();
    }
  }, 30_000);

  it("calls a refused connection an outage, not a SQLSTATE", async () => {
    const closed = await freePort();
    const r = await run(["stats", "--db-url", `postgresql://postgres:postgres@127.0.0.1:${closed}/postgres`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/database is unavailable \(ECONNREFUSED/);
    expect(r.stderr).not.toMatch(/SQLSTATE/);
  });
});

/** The CLI with exactly these arguments (no --db-url added). */
const run = runCli;
