// npm run bench:traffic — live traffic on one user (overlapping searches on 8 connections; stores, updates,
// forgets and maintenance sweeps on 8 more) on this schema and, in the same run, on the schema at
// BENCH_COMPARE_REF (default c9c5dc7, before the access log and the lock order): failures by SQLSTATE, the
// latency of each kind of call, and whether the access counts add up.
import postgres from "postgres";
import { postgresExecutor } from "../shared/db/executor.ts";
import { readMigrations } from "../shared/migrations/files.ts";
import { migrateUp } from "../shared/migrations/apply.ts";
import { bootstrap, MIGRATIONS_DIR, recreateDatabase, startStack, urlFor } from "../scripts/db/local-stack.ts";
import { failures, percentile, runTraffic, seedUser, type TrafficReport } from "../test/support/traffic.ts";
import { machine } from "./lib/machine.ts";
import { writeSection } from "./lib/report.ts";
import { databaseFor, migrationsAt } from "./lib/schema-at.ts";

const DB = "memory_bench_traffic";
const COMPARE_REF = process.env.BENCH_COMPARE_REF ?? "c9c5dc7";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WORKERS = JSON.parse(process.env.BENCH_WORKERS ?? "null") ?? { search: 8, store: 3, update: 2, forget: 2, maintenance: 1 };

async function run(db: string, migrations: string): Promise<TrafficReport> {
  await recreateDatabase(db);
  await bootstrap(db, { testHelpers: false });
  const sql = postgres(urlFor(db), { max: 1, onnotice: () => {} });
  const pool = postgres(urlFor(db), { max: 16, onnotice: () => {} });
  try {
    await migrateUp(postgresExecutor(sql), await readMigrations(migrations));
    const [{ id: user }] = await sql`insert into auth.users (id) values (gen_random_uuid()) returning id`;
    await seedUser(sql, user, 300);
    await sql.unsafe(`alter database "${db}" set statement_timeout = '60s'`);
    return await runTraffic({ pool, user, seconds: SECONDS, workers: WORKERS });
  } finally {
    await pool.end({ timeout: 5 });
    await sql.end();
  }
}

function rows(label: string, report: TrafficReport): string {
  return Object.entries(report.operations).map(([operation, r]) => {
    const failed = Object.entries(r.errors).map(([code, n]) => `${n} × ${code}`).join(", ") || "none";
    return `| ${label} | ${operation} | ${r.done} | ${failed} | ${percentile(r.latenciesMs, 50).toFixed(1)} ms | ` +
      `${percentile(r.latenciesMs, 99).toFixed(1)} ms | ${Math.max(...r.latenciesMs).toFixed(0)} ms |`;
  }).join("\n");
}

async function main() {
  await startStack();
  const now = await run(DB, MIGRATIONS_DIR);
  const before = await run(databaseFor(DB, COMPARE_REF), migrationsAt(COMPARE_REF));
  const total = (r: TrafficReport) => Object.entries(failures(r)).map(([code, n]) => `${n} × ${code}`).join(", ") || "none";
  const report = `## bench:traffic — live traffic on one user

Machine: ${machine()}. Run: ${new Date().toISOString()}. One user with 300 memories of overlapping words; for
${SECONDS} s, ${Object.entries(WORKERS).map(([o, n]) => `${n} ${o}`).join(", ")} connections (maintenance: the access
fold, expiry, deduplication and cleanup sweeps in turn). Each call is its own transaction acting as the user (RLS
on); statement_timeout 60 s. Conflicts a racing write may meet (PT404, PT409: the memory was forgotten meanwhile)
are outcomes, not failures.

| schema | call | done | errors | p50 | p99 | max |
| --- | --- | --- | --- | --- | --- | --- |
${rows("this one", now)}
${rows(COMPARE_REF, before)}

Failures, all calls: this schema ${total(now)}; at ${COMPARE_REF} ${total(before)}.
`;
  console.log(report);
  await writeSection("traffic", report);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
