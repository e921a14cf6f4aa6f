// npm run bench:db — the write and read path at 1,000,000 memories (100 users × 10,000, 384-dim embeddings):
// store_memory against the write a developer would make instead (an INSERT after the same user's nearest-neighbour
// probe, in one statement) and against a bare INSERT, search_memories against a bare pgvector query, the recall of
// the vector ranking (match_memories) against an exact scan, and the same for one user with 50,000 memories.
// BENCH_GROWTH_USERS=400 measures the same calls, in the same run, on a second database of 400 users × 10,000 (4M).
import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { postgresExecutor } from "../shared/db/executor.ts";
import { checksumOf, readMigrations } from "../shared/migrations/files.ts";
import { migrateUp } from "../shared/migrations/apply.ts";
import { applyOwnIndexChanges } from "../shared/maintenance/jobs.ts";
import { adminSql, bootstrap, MIGRATIONS_DIR, recreateDatabase, startStack, urlFor } from "../scripts/db/local-stack.ts";
import { databaseFor, migrationsAt } from "./lib/schema-at.ts";
import { machine } from "./lib/machine.ts";
import { ms, summarize, timed } from "./lib/stats.ts";
import { rng, vectorLiteral } from "./lib/vectors.ts";
import { loadMemories, MODEL, space, THINGS, TOPICS } from "./lib/memories.ts";
import { writeSection } from "./lib/report.ts";
import { userSession } from "./lib/sessions.ts";

const DB = "memory_bench";
// BENCH_COMPARE_REF=<git ref>: the same data and calls on the schema at that commit too, in the same run.
const COMPARE_REF = process.env.BENCH_COMPARE_REF;
const USERS = Number(process.env.BENCH_USERS ?? 100);
const PER_USER = Number(process.env.BENCH_PER_USER ?? 10_000);
const WRITES = Number(process.env.BENCH_WRITES ?? 500);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
// One user with this many memories besides the others (0: none).
const BIG_USER = Number(process.env.BENCH_BIG_USER ?? 50_000);
// A second database with this many users of PER_USER memories each, measured beside the first (0: none).
const GROWTH_USERS = Number(process.env.BENCH_GROWTH_USERS ?? 0);
// What the seed's rule calls a near duplicate for the peer write: cosine distance under 0.05.
const NEAR = 0.05;

/** The schema the data was loaded under: a changed migration means a reload. */
async function schemaFingerprint(dir: string): Promise<string> {
  return checksumOf((await readMigrations(dir)).map((m) => m.checksum).join());
}

async function loaded(sql: postgres.Sql, dir: string, users: number): Promise<boolean> {
  const [row] = await sql`select to_regclass('public.bench_loaded') is not null as ok,
    exists (select 1 from information_schema.columns where table_name = 'bench_loaded' and column_name = 'schema') as current`;
  if (!row.ok || !row.current) return false;
  const [marker] = await sql`select n, schema from public.bench_loaded`;
  if (Number(marker.n) !== users * PER_USER + BIG_USER) return false;
  const fingerprint = await schemaFingerprint(dir);
  return marker.schema === fingerprint || migratedUp(sql, dir, fingerprint);
}

/**
 * Data loaded under earlier migrations is brought up the way a project is, by applying the new ones (a 4M load
 * takes 12 minutes; most migrations take seconds). Refused (an applied migration changed since): reload.
 */
async function migratedUp(sql: postgres.Sql, dir: string, fingerprint: string): Promise<boolean> {
  try {
    const started = Date.now();
    const ran = await migrateUp(postgresExecutor(sql), await readMigrations(dir));
    await sql`update public.bench_loaded set schema = ${fingerprint}`;
    console.log(`  migrated the loaded data up: ${ran.map((m) => m.version).join(", ") || "nothing to apply"} ` +
      `(${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return true;
  } catch (error) {
    console.log(`  the loaded data cannot be migrated up (${(error as Error).message.split("\n")[0]}); reloading`);
    return false;
  }
}

async function load(db: string, dir: string, users: number): Promise<void> {
  console.log(`loading ${users} users × ${PER_USER} memories${BIG_USER ? ` and one user with ${BIG_USER}` : ""} into ${db} ...`);
  const started = Date.now();
  await recreateDatabase(db);
  await bootstrap(db, { testHelpers: false });
  const sql = postgres(urlFor(db), { max: 1, onnotice: () => {} });
  try {
    await migrateUp(postgresExecutor(sql), await readMigrations(dir));
    await loadMemories(sql, users, PER_USER, console.log, BIG_USER);
    await sql`create table public.bench_loaded as select ${users * PER_USER + BIG_USER}::bigint as n, ${await schemaFingerprint(dir)}::text as schema`;
    const [{ size }] = await sql`select pg_size_pretty(pg_database_size(current_database())) as size`;
    console.log(`  loaded in ${((Date.now() - started) / 60_000).toFixed(1)} min; database ${size}`);
  } finally {
    await sql.end();
  }
}

/** A database with the data loaded under the given migrations (reloaded only when they changed). */
async function prepared(db: string, dir: string, users = USERS): Promise<{ writer: string; reader: string; big: string | null; n: number; version: string }> {
  const admin = adminSql();
  const [{ exists }] = await admin`select exists (select 1 from pg_database where datname = ${db}) as exists`;
  await admin.end();
  const sql = exists ? postgres(urlFor(db), { max: 1, onnotice: () => {} }) : null;
  if (!sql || !(await loaded(sql, dir, users))) await load(db, dir, users);
  await sql?.end();
  const setup = postgres(urlFor(db), { max: 1, onnotice: () => {} });
  try {
    const [{ version }] = await setup`select version()`;
    // The big user is the one with the most memories (the writer has more than PER_USER after a run, until the
    // cleanup below); the writer and the reader are ordinary ones.
    const [big] = BIG_USER ? await setup`select user_id as id from public.memory_user_stats order by active_count desc limit 1` : [];
    const [{ id: writer }, { id: reader }] = await setup`select id from auth.users
      where not id = any(${big ? [big.id] : []}::uuid[]) order by id limit 2`;
    // Writes add to the user's memories; lift the quota so the bench measures stores, not refusals. What earlier
    // runs wrote goes first, so every run (and both schemas of a comparison) starts from the same 10,000.
    await setup`update public.memory_user_stats set quota_limit = 1000000 where user_id = ${writer}`;
    const [{ count }] = await setup`with gone as (delete from public.user_memories where user_id in (${writer}, ${big?.id ?? writer})
      and (fact like 'stored fact %' or fact like 'bare insert %' or fact like 'probed insert %') returning 1) select count(*)::int as count from gone`;
    if (count > 0) await setup`vacuum analyze public.user_memories`;
    // The big user's own index, as `memory indexes` builds it in production (none before 20261126150000).
    if (await setup`select 1 from pg_proc where proname = 'own_index_changes'`.then((r) => r.length)) await applyOwnIndexChanges(postgresExecutor(setup));
    const [{ n }] = await setup`select count(*)::int as n from public.user_memories where user_id = ${reader} and is_active`;
    return { writer, reader, big: big?.id ?? null, n, version };
  } finally {
    await setup.end();
  }
}

interface Target { db: string; user: string }

/** Writes on each target in turn, the same inputs for each, so a comparison sees the same moments of the run. */
async function benchWrites(targets: Target[]) {
  const conns = await Promise.all(targets.map((t) => userSession(t.db, t.user)));
  const random = rng(11);
  const out = targets.map(() => ({ bare: [] as number[], peer: [] as number[], store: [] as number[], textOnly: [] as number[] }));
  try {
    for (let i = 0; i < WRITES + 50; i++) {
      const topic = Math.floor(random() * TOPICS);
      const a = vectorLiteral(space.sample(topic, random));
      const b = vectorLiteral(space.sample(topic, random));
      for (const [k, conn] of conns.entries()) {
        const user = targets[k].user;
        const [bareMs] = await timed(() => conn`insert into public.user_memories (user_id, fact, memory_type, importance_score,
          embedding, embedding_model) values (${user}, ${`bare insert ${randomUUID()}`}, 'fact', 0.5, ${a}::extensions.vector, ${MODEL})`);
        // The write a developer would make without this project: the same user's nearest neighbour, and the
        // insert unless it is a near duplicate, in one statement.
        const [peerMs] = await timed(() => conn`with nearest as (
            select m.embedding operator(extensions.<=>) ${b}::extensions.vector as distance from public.user_memories m
             where m.user_id = ${user} and m.is_active and m.embedding_model = ${MODEL}
             order by m.embedding operator(extensions.<=>) ${b}::extensions.vector limit 1)
          insert into public.user_memories (user_id, fact, memory_type, importance_score, embedding, embedding_model)
          select ${user}, ${`probed insert ${randomUUID()}`}, 'fact', 0.5, ${b}::extensions.vector, ${MODEL}
           where not exists (select 1 from nearest where distance < ${NEAR})`);
        const [storeMs] = await timed(() => conn`select * from public.store_memory(${`stored fact ${randomUUID()}`}, 'fact',
          importance_score => 0.5, embedding => ${b}::extensions.vector, embedding_model => ${MODEL})`);
        // Without an embedding only the text checks run: the difference is the vector duplicate check's cost.
        const [textMs] = await timed(() => conn`select * from public.store_memory(${`stored fact ${randomUUID()}`}, 'fact',
          importance_score => 0.5)`);
        if (i >= 50) { out[k].bare.push(bareMs); out[k].peer.push(peerMs); out[k].store.push(storeMs); out[k].textOnly.push(textMs); }
      }
    }
  } finally {
    for (const conn of conns) await conn.end();
  }
  return out.map((o) => ({ bare: summarize(o.bare), peer: summarize(o.peer), store: summarize(o.store), textOnly: summarize(o.textOnly) }));
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
    // The exact answer: no index orders by embedding, so this query compares every memory of the user (found by
    // the user_id index; with index scans off it read the whole table, 11 GB at 4M, for each query). Apart from
    // the timed loop: each exact scan reads all of the user's rows and would disturb the next timing.
    for (const { vector: q } of queries.slice(20)) {
      for (const [k, conn] of conns.entries()) {
        const user = targets[k].user;
        const approx = await conn`select id from public.match_memories(${q}::extensions.vector, ${MODEL}, 10)`;
        const exact = await conn`select id from public.user_memories where user_id = ${user} and is_active
          and embedding_model = ${MODEL} order by embedding operator(extensions.<=>) ${q}::extensions.vector limit 10`;
        const truth = new Set(exact.map((r) => r.id));
        out[k].recall += approx.filter((r) => truth.has(r.id)).length / Math.max(1, truth.size) / QUERIES;
      }
    }
  } finally {
    for (const conn of conns) await conn.end();
  }
  return out.map((o) => ({ bare: summarize(o.bare), search: summarize(o.search), recall: o.recall }));
}

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const p50p95 = (x: { p50: number; p95: number }) => `${ms(x.p50)} / ${ms(x.p95)}`;

async function main() {
  await startStack();
  const main = await prepared(DB, MIGRATIONS_DIR);
  const compareDb = COMPARE_REF ? databaseFor(DB, COMPARE_REF) : null;
  const compared = COMPARE_REF && compareDb ? await prepared(compareDb, migrationsAt(COMPARE_REF)) : null;
  const growthDb = GROWTH_USERS ? `${DB}_${GROWTH_USERS}` : null;
  const grown = growthDb ? await prepared(growthDb, MIGRATIONS_DIR, GROWTH_USERS) : null;

  // Every call is made on each target in turn: the same moments of the run for all of them.
  const targets: { key: string; db: string; writer: string; reader: string }[] = [
    { key: "main", db: DB, writer: main.writer, reader: main.reader },
    ...(main.big ? [{ key: "big", db: DB, writer: main.big, reader: main.big }] : []),
    ...(compared && compareDb ? [{ key: "compare", db: compareDb, writer: compared.writer, reader: compared.reader }] : []),
    ...(grown && growthDb ? [{ key: "growth", db: growthDb, writer: grown.writer, reader: grown.reader }] : []),
  ];
  const writeList = await benchWrites(targets.map((t) => ({ db: t.db, user: t.writer })));
  const readList = await benchReads(targets.map((t) => ({ db: t.db, user: t.reader })));
  const at = (key: string) => {
    const i = targets.findIndex((t) => t.key === key);
    return i < 0 ? null : { writes: writeList[i], reads: readList[i] };
  };
  const { writes, reads } = at("main")!;
  const big = at("big");
  const before = at("compare");
  const growth = at("growth");
  const total = USERS * PER_USER + BIG_USER;
  const grownTotal = GROWTH_USERS * PER_USER + BIG_USER;
  const report = `## bench:db — write and read path at ${total.toLocaleString("en")} memories

Machine: ${machine()}; ${String(main.version).split(",")[0]}. Run: ${new Date().toISOString()}.
Data: ${USERS} users × ${PER_USER.toLocaleString("en")} memories${BIG_USER ? ` and one user with ${BIG_USER.toLocaleString("en")}` : ""}, 384-dim embeddings clustered around ${TOPICS} topics
(loaded with COPY). Every call is one round trip on one connection acting as an \`authenticated\` user (RLS on).
The peer write is what a developer would write without this project: the same user's nearest neighbour
(\`order by embedding <=> $1 limit 1\`) and the INSERT unless it is closer than ${NEAR}, in one statement.

| measure (user with ${PER_USER.toLocaleString("en")} memories unless said) | p50 | p95 | baseline p50 | baseline p95 | ratio (p50) | target |
| --- | --- | --- | --- | --- | --- | --- |
| store_memory vs the peer write (nearest-neighbour probe + INSERT, n=${writes.store.n}) | ${ms(writes.store.p50)} | ${ms(writes.store.p95)} | ${ms(writes.peer.p50)} | ${ms(writes.peer.p95)} | ${ratio(writes.store.p50, writes.peer.p50)} | p50 ≤ peer's, p95 ≤ 10 ms |
| store_memory vs bare INSERT (same table) | ${ms(writes.store.p50)} | ${ms(writes.store.p95)} | ${ms(writes.bare.p50)} | ${ms(writes.bare.p95)} | ${ratio(writes.store.p50, writes.bare.p50)} | (kept for history) |
| store_memory without an embedding (text duplicate checks only) vs the same bare INSERT | ${ms(writes.textOnly.p50)} | ${ms(writes.textOnly.p95)} | ${ms(writes.bare.p50)} | ${ms(writes.bare.p95)} | ${ratio(writes.textOnly.p50, writes.bare.p50)} | |
| search_memories vs bare \`order by embedding <=> $1 limit 10\` (n=${reads.search.n}) | ${ms(reads.search.p50)} | ${ms(reads.search.p95)} | ${ms(reads.bare.p50)} | ${ms(reads.bare.p95)} | ${ratio(reads.search.p50, reads.bare.p50)} | p95 ≤ 10 ms |
${big ? `| user with ${BIG_USER.toLocaleString("en")} memories: store_memory vs the peer write | ${ms(big.writes.store.p50)} | ${ms(big.writes.store.p95)} | ${ms(big.writes.peer.p50)} | ${ms(big.writes.peer.p95)} | ${ratio(big.writes.store.p50, big.writes.peer.p50)} | p95 ≤ 15 ms |
| user with ${BIG_USER.toLocaleString("en")} memories: search_memories vs bare pgvector | ${ms(big.reads.search.p50)} | ${ms(big.reads.search.p95)} | ${ms(big.reads.bare.p50)} | ${ms(big.reads.bare.p95)} | ${ratio(big.reads.search.p50, big.reads.bare.p50)} | p95 ≤ 25 ms |
` : ""}
Recall of the vector ranking inside search_memories (match_memories, top 10) against an exact scan of the
user's memories, averaged over ${QUERIES} queries: **${(reads.recall * 100).toFixed(1)}%** (target ≥ 98%)${big ? `; for the user with ${BIG_USER.toLocaleString("en")}: **${(big.reads.recall * 100).toFixed(1)}%**` : ""}.
${growth && growthDb ? `
The same calls on ${grownTotal.toLocaleString("en")} memories (${GROWTH_USERS} users × ${PER_USER.toLocaleString("en")} and the big user, database ${growthDb}) in this run, each
call made on both in turn: per-user work should not depend on the table's size.

| measure | at ${total.toLocaleString("en")} p50 / p95 | at ${grownTotal.toLocaleString("en")} p50 / p95 | ratio (p50 / p95) | target |
| --- | --- | --- | --- | --- |
| store_memory | ${p50p95(writes.store)} | ${p50p95(growth.writes.store)} | ${ratio(growth.writes.store.p50, writes.store.p50)} / ${ratio(growth.writes.store.p95, writes.store.p95)} | ≤ 1.2× |
| search_memories | ${p50p95(reads.search)} | ${p50p95(growth.reads.search)} | ${ratio(growth.reads.search.p50, reads.search.p50)} / ${ratio(growth.reads.search.p95, reads.search.p95)} | p95 ≤ 1.2× |
| bare INSERT | ${p50p95(writes.bare)} | ${p50p95(growth.writes.bare)} | ${ratio(growth.writes.bare.p50, writes.bare.p50)} / ${ratio(growth.writes.bare.p95, writes.bare.p95)} | |
` : ""}${before ? `
The same data and calls on the schema at ${COMPARE_REF} (database ${compareDb}), in this run, each call made on both\nschemas in turn:

| measure | this schema p50 / p95 | at ${COMPARE_REF} p50 / p95 | change (p50 / p95) |
| --- | --- | --- | --- |
| store_memory | ${p50p95(writes.store)} | ${p50p95(before.writes.store)} | ${pctChange(writes.store.p50, before.writes.store.p50)} / ${pctChange(writes.store.p95, before.writes.store.p95)} |
| store_memory without an embedding | ${p50p95(writes.textOnly)} | ${p50p95(before.writes.textOnly)} | ${pctChange(writes.textOnly.p50, before.writes.textOnly.p50)} / ${pctChange(writes.textOnly.p95, before.writes.textOnly.p95)} |
| bare INSERT (the baseline) | ${p50p95(writes.bare)} | ${p50p95(before.writes.bare)} | ${pctChange(writes.bare.p50, before.writes.bare.p50)} / ${pctChange(writes.bare.p95, before.writes.bare.p95)} |
| search_memories | ${p50p95(reads.search)} | ${p50p95(before.reads.search)} | ${pctChange(reads.search.p50, before.reads.search.p50)} / ${pctChange(reads.search.p95, before.reads.search.p95)} |
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
