// Scheduled maintenance with the real pg_cron, in the one database it lives in (cron.database_name = postgres):
// the jobs exist once however often the schedules are applied, each job's command has its effect, and pg_cron
// itself runs one to success.
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresExecutor } from "../shared/db/executor.ts";
import { migrateUp, readMigrations, rollback, type MigrationFile } from "../shared/migrations/manager.ts";
import { bootstrap, MIGRATIONS_DIR, ROOT, urlFor } from "../scripts/db/local-stack.ts";
import { execFile } from "node:child_process";
import { holdCronDatabase } from "./support/cron-database.ts";

const JOBS = ["memory-cleanup", "memory-deduplicate", "memory-expire", "memory-fold-access", "memory-prune-cron-history"];
let sql: postgres.Sql;
let files: MigrationFile[];
let user: string;
let release: (() => Promise<void>) | undefined;

beforeAll(async () => {
  release = await holdCronDatabase();
  await bootstrap("postgres", { testHelpers: false });
  sql = postgres(urlFor("postgres"), { max: 2, onnotice: () => {} });
  files = await readMigrations(MIGRATIONS_DIR);
  await migrateUp(postgresExecutor(sql), files);
  [{ id: user }] = await sql`insert into auth.users (id, email) values (gen_random_uuid(), ${`cron-${Date.now()}@example.com`}) returning id`;
});
afterAll(async () => {
  try {
    if (!sql) return;
    if (user) await sql`delete from auth.users where id = ${user}`;
    await sql`update public.maintenance_jobs set schedule = '*/15 * * * *' where job_name = 'memory-expire'`;
    await sql`select public.schedule_maintenance()`;
    await sql.end();
  } finally {
    await release?.();
  }
});

const scheduled = async () =>
  (await sql`select jobname from cron.job where jobname like 'memory-%' order by jobname`).map((r) => r.jobname);

describe("maintenance jobs in pg_cron", () => {
  it("exist exactly once, also after the migration is rolled back and applied again and scheduled twice", async () => {
    expect(await scheduled()).toEqual(JOBS);
    const last = files.find((f) => f.name === "schedule_maintenance")!;
    const before = files[files.indexOf(last) - 1].version;
    await rollback(postgresExecutor(sql), files, { to: before, yes: true });
    expect(await scheduled()).toEqual([]);
    await migrateUp(postgresExecutor(sql), files);
    await sql`select public.schedule_maintenance()`;
    await sql`select public.schedule_maintenance()`;
    expect(await scheduled()).toEqual(JOBS);
    const [{ n }] = await sql`select count(*)::int as n from cron.job where jobname like 'memory-%'`;
    expect(n).toBe(JOBS.length);
  });

  it("follow their table: a disabled job is unscheduled, a changed schedule is applied", async () => {
    await sql`update public.maintenance_jobs set enabled = false where job_name = 'memory-cleanup'`;
    await sql`update public.maintenance_jobs set schedule = '45 2 * * *' where job_name = 'memory-deduplicate'`;
    await sql`select public.schedule_maintenance()`;
    expect(await scheduled()).toEqual(JOBS.filter((j) => j !== "memory-cleanup"));
    const [{ schedule }] = await sql`select schedule from cron.job where jobname = 'memory-deduplicate'`;
    expect(schedule).toBe("45 2 * * *");
    await sql`update public.maintenance_jobs set enabled = true where job_name = 'memory-cleanup'`;
    await sql`update public.maintenance_jobs set schedule = '15 3 * * *' where job_name = 'memory-deduplicate'`;
    await sql`select public.schedule_maintenance()`;
    expect(await scheduled()).toEqual(JOBS);
  });

  it("each job's command, run as pg_cron runs it, has its effect", async () => {
    await sql`insert into public.user_memories (user_id, fact, memory_type, created_at, expires_at) values
      (${user}, 'Flight to Madeira on Monday', 'event', now() - interval '2 days', now() - interval '1 hour')`;
    await sql`insert into public.user_memories (user_id, fact, memory_type, is_active, created_at, updated_at) values
      (${user}, 'Used to live in Faro', 'fact', false, now() - interval '200 days', now() - interval '200 days')`;
    await sql`insert into public.user_memories (user_id, fact, memory_type, importance_score) values
      (${user}, 'Drinks oat milk in coffee', 'preference', 0.8), (${user}, 'In coffee, drinks oat milk', 'preference', 0.3)`;
    await sql`insert into cron.job_run_details (jobid, runid, command, status, start_time, end_time)
      values (0, -42, 'old run', 'succeeded', now() - interval '30 days', now() - interval '30 days')`;
    const commands = Object.fromEntries((await sql`select job_name, command from public.maintenance_jobs`).map((r) => [r.job_name, r.command]));
    await sql.unsafe(commands["memory-expire"]);
    await sql.unsafe(commands["memory-cleanup"]);
    await sql.unsafe(commands["memory-deduplicate"]);
    await sql.unsafe(commands["memory-prune-cron-history"]);
    await sql`insert into public.memory_access_log (memory_id, user_id)
      select id, user_id from public.user_memories where user_id = ${user} and fact = 'Drinks oat milk in coffee'`;
    await sql.unsafe(commands["memory-fold-access"]);
    const [access] = await sql`select a.access_count::int from public.memory_access a join public.user_memories m on m.id = a.memory_id
      where m.user_id = ${user}`;
    expect(access).toEqual({ access_count: 1 });
    const rows = await sql`select fact, is_active, duplicate_of is not null as duplicate from public.user_memories where user_id = ${user} order by fact`;
    expect(rows).toEqual([
      { fact: "Drinks oat milk in coffee", is_active: true, duplicate: false },
      { fact: "Flight to Madeira on Monday", is_active: false, duplicate: false },
      { fact: "In coffee, drinks oat milk", is_active: false, duplicate: true },
    ]);
    const [{ old }] = await sql`select count(*)::int as old from cron.job_run_details where runid = -42`;
    expect(old).toBe(0);
  });

  it("is run by pg_cron itself, and its health is reported", async () => {
    await sql`update public.maintenance_jobs set schedule = '* * * * *' where job_name = 'memory-expire'`;
    await sql`select public.schedule_maintenance()`;
    let status: string | undefined;
    for (let waited = 0; waited < 75 && status !== "succeeded"; waited++) {
      await new Promise((r) => setTimeout(r, 1000));
      const [last] = await sql`select d.status from cron.job_run_details d join cron.job j using (jobid)
        where j.jobname = 'memory-expire' order by d.start_time desc limit 1`;
      status = last?.status;
    }
    expect(status).toBe("succeeded");
    const health = await sql`select * from public.maintenance_job_health() where job_name = 'memory-expire'`;
    expect(health[0]).toMatchObject({ job_name: "memory-expire", active: true, last_status: "succeeded", failures_last_day: "0" });
    // And `memory jobs` shows it: a header, and every job's columns aligned under it.
    const printed = await new Promise<string>((resolve) => execFile("node", [`${ROOT}bin/memory.js`, "jobs", "--db-url", urlFor("postgres")],
      (_, stdout) => resolve(stdout)));
    const lines = printed.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^job\s+schedule\s+state\s+last run\s+last status\s+failures 24h$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[0])).toEqual(expect.arrayContaining(JOBS));
    const column = lines[0].indexOf("schedule");
    expect(lines.slice(1).every((l) => l[column - 1] === " " && l[column] !== " ")).toBe(true);
    expect(lines.find((l) => l.startsWith("memory-expire "))).toMatch(/\* \* \* \* \*\s+active\s+\S+\s+succeeded\s+0$/);
  }, 90_000);
});
