// npm run bench:db — the write and read path at 1,000,000 memories (100 users × 10,000, 384-dim embeddings):
// store_memory against a bare INSERT into the same table, search_memories against a bare pgvector query,
// and the recall of the vector ranking (match_memories) against an exact scan. Each figure with its baseline.
import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { postgresExecutor } from "../shared/db/executor.ts";
import { checksumOf, readMigrations } from "../shared/migrations/files.ts";
import { migrateUp } from "../shared/migrations/apply.ts";
import { adminSql, bootstrap, MIGRATIONS_DIR, recreateDatabase, startStack, urlFor } from "../scripts/db/local-stack.ts";
import { databaseFor, migrationsAt } from "./lib/schema-at.ts";
import { machine } from "./lib/machine.ts";
import { ms, summarize, timed } from "./lib/stats.ts";
import { rng, vectorLiteral } from "./lib/vectors.ts";
import { loadMemories, MODEL, space, THINGS, TOPICS } from "./lib/memories.ts";
import { writeSection } from "./lib/report.ts";

const DB = "memory_bench";
// BENCH_COMPARE_REF=<git ref>: the same data and calls on the schema at that commit too, in the same run.
const COMPARE_REF = process.env.BENCH_COMPARE_REF;
const USERS = Number(process.env.BENCH_USERS ?? 100);
const PER_USER = Number(process.env.BENCH_PER_USER ?? 10_000);
const WRITES = Number(process.env.BENCH_WRITES ?? 500);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);

/** The schema the data was loaded under: a changed migration means a reload. */
async function schemaFingerprint(dir: string): Promise<string> {
  return checksumOf((await readMigrations(dir)).map((m) => m.checksum).join());
}

async function loaded(sql: postgres.Sql, dir: string): Promise<boolean> {
  const [row] = await sql`select to_regclass('public.bench_loaded') is not null as ok,
    exists (select 1 from information_schema.columns where table_name = 'bench_loaded' and column_name = 'schema') as current`;
  if (!row.ok || !row.current) return false;
  const [marker] = await sql`select n, schema from public.bench_loaded`;
  return Number(marker.n) === USERS * PER_USER && marker.schema === await schemaFingerprint(dir);
}

async function load(db: string, dir: string): Promise<void> {
  console.log(`loading ${USERS} users × ${PER_USER} memories into ${db} ...`);
  await recreateDatabase(db);
  await bootstrap(db, { testHelpers: false });
  const sql = postgres(urlFor(db), { max: 1, onnotice: () => {} });
  try {
    await migrateUp(postgresExecutor(sql), await readMigrations(dir));
    await loadMemories(sql, USERS, PER_USER);
    await sql`create table public.bench_loaded as select ${USERS * PER_USER}::bigint as n, ${await schemaFingerprint(dir)}::text as schema`;
  } finally {
    await sql.end();
  }
}

/** A database with the data loaded under the given migrations (reloaded only when they changed). */
async function prepared(db: string, dir: string): Promise<{ writer: string; reader: string; n: number; version: string }> {
  const admin = adminSql();
  const [{ exists }] = await admin`select exists (select 1 from pg_database where datname = ${db}) as exists`;
  await admin.end();
  const sql = exists ? postgres(urlFor(db), { max: 1, onnotice: () => {} }) : null;
  if (!sql || !(await loaded(sql, dir))) await load(db, dir);
  await sql?.end();
  const setup = postgres(urlFor(db), { max: 1, onnotice: () => {} });
  try {
    const [{ version }] = await setup`select version()`;
    const [{ id: writer }] = await setup`select id from auth.users order by id limit 1`;
    const [{ id: reader }] = await setup`select id from auth.users order by id offset 1 limit 1`;
    // Writes add to the user's memories; lift the quota so the bench measures stores, not refusals. What earlier
    // runs wrote goes first, so every run (and both schemas of a comparison) starts from the same 10,000.
    await setup`update public.memory_user_stats set quota_limit = 1000000 where user_id = ${writer}`;
    const [{ count }] = await setup`with gone as (delete from public.user_memories where user_id = ${writer}
      and (fact like 'stored fact %' or fact like 'bare insert %') returning 1) select count(*)::int as count from gone`;
    if (count > 0) await setup`vacuum analyze public.user_memories`;
    const [{ n }] = await setup`select count(*)::int as n from public.user_memories where user_id = ${reader} and is_active`;
    return { writer, reader, n, version };
  } finally {
    await setup.end();
  }
}

/** One connection acting as `user` for the whole session, as PostgREST would per request. */
async function userSession(db: string, user: string): Promise<postgres.ReservedSql & { end: () => Promise<void> }> {
  const pool = postgres(urlFor(db), { max: 1, onnotice: () => {}, prepare: true });
  const conn = await pool.reserve();
  await conn`select set_config('request.jwt.claims', ${JSON.stringify({ sub: user, role: "authenticated" })}, false)`;
  await conn`set role authenticated`;
  return Object.assign(conn, { end: async () => { conn.release(); await pool.end(); } });
}

interface Target { db: string; user: string }

/** Writes on each target in turn, the same inputs for each, so a comparison sees the same moments of the run. */
async function benchWrites(targets: Target[]) {
  const conns = await Promise.all(targets.map((t) => userSession(t.db, t.user)));
  const random = rng(11);
  const out = targets.map(() => ({ bare: [] as number[], store: [] as number[], textOnly: [] as number[] }));
  try {
    for (let i = 0; i < WRITES + 50; i++) {
      const topic = Math.floor(random() * TOPICS);
      const a = vectorLiteral(space.sample(topic, random));
      const b = vectorLiteral(space.sample(topic, random));
      for (const [k, conn] of conns.entries()) {
        const user = targets[k].user;
        const [bareMs] = await timed(() => conn`insert into public.user_memories (user_id, fact, memory_type, importance_score,
          embedding, embedding_model) values (${user}, ${`bare insert ${randomUUID()}`}, 'fact', 0.5, ${a}::extensions.vector, ${MODEL})`);
        const [storeMs] = await timed(() => conn`select * from public.store_memory(${`stored fact ${randomUUID()}`}, 'fact',
          importance_score => 0.5, embedding => ${b}::extensions.vector, embedding_model => ${MODEL})`);
        // Without an embedding only the text checks run: the difference is the vector duplicate check's cost.
        const [textMs] = await timed(() => conn`select * from public.store_memory(${`stored fact ${randomUUID()}`}, 'fact',
          importance_score => 0.5)`);
        if (i >= 50) { out[k].bare.push(bareMs); out[k].store.push(storeMs); out[k].textOnly.push(textMs); }
      }
    }
  } finally {
    for (const conn of conns) await conn.end();
  }
  return out.map((o) => ({ bare: summarize(o.bare), store: summarize(o.store), textOnly: summarize(o.textOnly) }));
}

/** Searches on each target in turn, the same queries for each; then, apart from the timings, the recall. */
async function benchReads(targets: Target[]) {
  const conns = await Promise.all(targets.map((t) => userSession(t.db, t.user)));
  const random = rng(23);
  const queries = Array.from({ length: QUERIES + 20 }, () => ({
    vector: vectorLiteral(space.sample(Math.floor(random() * TOPICS), random)),
    text: THINGS[Math.floor(random() * THINGS.length)],
  }));
  const out = targets.map(() => ({ bare: [] as number[], search: [] as number[], recall: 0 }));
  try {
    for (const [i, { vector: q, text }] of queries.entries()) {
      for (const [k, conn] of conns.entries()) {
        const user = targets[k].user;
        const [bareMs] = await timed(() => conn`select id from public.user_memories where user_id = ${user}
          order by embedding operator(extensions.<=>) ${q}::extensions.vector limit 10`);
        const [searchMs] = await timed(() => conn`select id from public.search_memories(${text}, ${q}::extensions.vector, ${MODEL}, 10)`);
        if (i < 20) continue;
        out[k].bare.push(bareMs);
        out[k].search.push(searchMs);
      }
    }
    // The exact answer: the same query with index scans off, so every memory of the user is compared. Apart from
    // the timed loop: each exact scan reads all of the user's rows and would disturb the next timing.
    for (const { vector: q } of queries.slice(20)) {
      for (const [k, conn] of conns.entries()) {
        const user = targets[k].user;
        const approx = await conn`select id from public.match_memories(${q}::extensions.vector, ${MODEL}, 10)`;
        await conn`begin`;
        await conn`set local enable_indexscan = off`;
        await conn`set local enable_bitmapscan = off`;
        const exact = await conn`select id from public.user_memories where user_id = ${user} and is_active
          and embedding_model = ${MODEL} order by embedding operator(extensions.<=>) ${q}::extensions.vector limit 10`;
        await conn`commit`;
        const truth = new Set(exact.map((r) => r.id));
        out[k].recall += approx.filter((r) => truth.has(r.id)).length / Math.max(1, truth.size) / QUERIES;
      }
    }
  } finally {
    for (const conn of conns) await conn.end();
  }
  return out.map((o) => ({ bare: summarize(o.bare), search: summarize(o.search), recall: o.recall }));
}

async function main() {
  await startStack();
  const { writer, reader, n, version } = await prepared(DB, MIGRATIONS_DIR);
  const compareDb = COMPARE_REF ? databaseFor(DB, COMPARE_REF) : null;
  const compared = COMPARE_REF && compareDb ? await prepared(compareDb, migrationsAt(COMPARE_REF)) : null;

  const writeTargets = [{ db: DB, user: writer }, ...(compared && compareDb ? [{ db: compareDb, user: compared.writer }] : [])];
  const readTargets = [{ db: DB, user: reader }, ...(compared && compareDb ? [{ db: compareDb, user: compared.reader }] : [])];
  const [writes, writesBefore] = await benchWrites(writeTargets);
  const [reads, readsBefore] = await benchReads(readTargets);
  const before = writesBefore && readsBefore ? { writes: writesBefore, reads: readsBefore } : null;
  const storeRatio = writes.store.p50 / writes.bare.p50;
  const report = `## bench:db — write and read path at ${(USERS * PER_USER).toLocaleString("en")} memories

Machine: ${machine()}; ${String(version).split(",")[0]}. Run: ${new Date().toISOString()}.
Data: ${USERS} users × ${PER_USER.toLocaleString("en")} memories, 384-dim embeddings clustered around ${TOPICS} topics
(loaded with COPY). Every call is one round trip on one connection acting as an \`authenticated\` user (RLS on).

| measure | p50 | p95 | baseline p50 | baseline p95 | ratio (p50) | target |
| --- | --- | --- | --- | --- | --- | --- |
| store_memory vs bare INSERT (same table, n=${writes.store.n}) | ${ms(writes.store.p50)} | ${ms(writes.store.p95)} | ${ms(writes.bare.p50)} | ${ms(writes.bare.p95)} | ${storeRatio.toFixed(2)}× | ≤ 1.5× |
| store_memory without an embedding (text duplicate checks only) vs the same bare INSERT | ${ms(writes.textOnly.p50)} | ${ms(writes.textOnly.p95)} | ${ms(writes.bare.p50)} | ${ms(writes.bare.p95)} | ${(writes.textOnly.p50 / writes.bare.p50).toFixed(2)}× | |
| search_memories vs bare \`order by embedding <=> $1 limit 10\` (user with ${n.toLocaleString("en")} memories, n=${reads.search.n}) | ${ms(reads.search.p50)} | ${ms(reads.search.p95)} | ${ms(reads.bare.p50)} | ${ms(reads.bare.p95)} | ${(reads.search.p50 / reads.bare.p50).toFixed(2)}× | p95 ≤ 10 ms |

Recall of the vector ranking inside search_memories (match_memories, top 10) against an exact scan of the
user's memories, averaged over ${QUERIES} queries: **${(reads.recall * 100).toFixed(1)}%** (target ≥ 98%).
${before ? `
The same data and calls on the schema at ${COMPARE_REF} (database ${compareDb}), in this run, each call made on both\nschemas in turn:

| measure | this schema p50 / p95 | at ${COMPARE_REF} p50 / p95 | change (p50 / p95) |
| --- | --- | --- | --- |
| store_memory | ${ms(writes.store.p50)} / ${ms(writes.store.p95)} | ${ms(before.writes.store.p50)} / ${ms(before.writes.store.p95)} | ${pctChange(writes.store.p50, before.writes.store.p50)} / ${pctChange(writes.store.p95, before.writes.store.p95)} |
| store_memory without an embedding | ${ms(writes.textOnly.p50)} / ${ms(writes.textOnly.p95)} | ${ms(before.writes.textOnly.p50)} / ${ms(before.writes.textOnly.p95)} | ${pctChange(writes.textOnly.p50, before.writes.textOnly.p50)} / ${pctChange(writes.textOnly.p95, before.writes.textOnly.p95)} |
| bare INSERT (the baseline) | ${ms(writes.bare.p50)} / ${ms(writes.bare.p95)} | ${ms(before.writes.bare.p50)} / ${ms(before.writes.bare.p95)} | ${pctChange(writes.bare.p50, before.writes.bare.p50)} / ${pctChange(writes.bare.p95, before.writes.bare.p95)} |
| search_memories | ${ms(reads.search.p50)} / ${ms(reads.search.p95)} | ${ms(before.reads.search.p50)} / ${ms(before.reads.search.p95)} | ${pctChange(reads.search.p50, before.reads.search.p50)} / ${pctChange(reads.search.p95, before.reads.search.p95)} |
` : ""}`;
  console.log(report);
  await writeSection("db", report);
}

function pctChange(now: number, then: number): string {
  const change = (now / then - 1) * 100;
  return `${change >= 0 ? "+" : ""}${change.toFixed(1)}%`;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
