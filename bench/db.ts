// npm run bench:db — the write and read path at 1,000,000 memories (100 users × 10,000, 384-dim embeddings):
// store_memory against a bare INSERT into the same table, search_memories against a bare pgvector query,
// and the recall of the vector ranking (match_memories) against an exact scan. Each figure with its baseline.
import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { postgresExecutor } from "../shared/db/executor.ts";
import { checksumOf, readMigrations } from "../shared/migrations/files.ts";
import { migrateUp } from "../shared/migrations/apply.ts";
import { adminSql, bootstrap, MIGRATIONS_DIR, recreateDatabase, startStack, urlFor } from "../scripts/db/local-stack.ts";
import { machine } from "./lib/machine.ts";
import { ms, summarize, timed } from "./lib/stats.ts";
import { rng, vectorLiteral } from "./lib/vectors.ts";
import { loadMemories, MODEL, space, THINGS, TOPICS } from "./lib/memories.ts";
import { writeSection } from "./lib/report.ts";

const DB = "memory_bench";
const USERS = Number(process.env.BENCH_USERS ?? 100);
const PER_USER = Number(process.env.BENCH_PER_USER ?? 10_000);
const WRITES = Number(process.env.BENCH_WRITES ?? 500);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);

/** The schema the data was loaded under: a changed migration means a reload. */
async function schemaFingerprint(): Promise<string> {
  return checksumOf((await readMigrations(MIGRATIONS_DIR)).map((m) => m.checksum).join());
}

async function loaded(sql: postgres.Sql): Promise<boolean> {
  const [row] = await sql`select to_regclass('public.bench_loaded') is not null as ok,
    exists (select 1 from information_schema.columns where table_name = 'bench_loaded' and column_name = 'schema') as current`;
  if (!row.ok || !row.current) return false;
  const [marker] = await sql`select n, schema from public.bench_loaded`;
  return Number(marker.n) === USERS * PER_USER && marker.schema === await schemaFingerprint();
}

async function load(): Promise<void> {
  console.log(`loading ${USERS} users × ${PER_USER} memories into ${DB} ...`);
  await recreateDatabase(DB);
  await bootstrap(DB, { testHelpers: false });
  const sql = postgres(urlFor(DB), { max: 1, onnotice: () => {} });
  try {
    await migrateUp(postgresExecutor(sql), await readMigrations(MIGRATIONS_DIR));
    await loadMemories(sql, USERS, PER_USER);
    await sql`create table public.bench_loaded as select ${USERS * PER_USER}::bigint as n, ${await schemaFingerprint()}::text as schema`;
  } finally {
    await sql.end();
  }
}

/** One connection acting as `user` for the whole session, as PostgREST would per request. */
async function userSession(user: string): Promise<postgres.ReservedSql & { end: () => Promise<void> }> {
  const pool = postgres(urlFor(DB), { max: 1, onnotice: () => {}, prepare: true });
  const conn = await pool.reserve();
  await conn`select set_config('request.jwt.claims', ${JSON.stringify({ sub: user, role: "authenticated" })}, false)`;
  await conn`set role authenticated`;
  return Object.assign(conn, { end: async () => { conn.release(); await pool.end(); } });
}

async function benchWrites(user: string) {
  const conn = await userSession(user);
  const random = rng(11);
  const bare: number[] = [];
  const store: number[] = [];
  const textOnly: number[] = [];
  try {
    for (let i = 0; i < WRITES + 50; i++) {
      const topic = Math.floor(random() * TOPICS);
      const a = vectorLiteral(space.sample(topic, random));
      const b = vectorLiteral(space.sample(topic, random));
      const [bareMs] = await timed(() => conn`insert into public.user_memories (user_id, fact, memory_type, importance_score,
        embedding, embedding_model) values (${user}, ${`bare insert ${randomUUID()}`}, 'fact', 0.5, ${a}::extensions.vector, ${MODEL})`);
      const [storeMs] = await timed(() => conn`select * from public.store_memory(${`stored fact ${randomUUID()}`}, 'fact',
        importance_score => 0.5, embedding => ${b}::extensions.vector, embedding_model => ${MODEL})`);
      // Without an embedding only the text checks run: the difference is the vector duplicate check's cost.
      const [textMs] = await timed(() => conn`select * from public.store_memory(${`stored fact ${randomUUID()}`}, 'fact',
        importance_score => 0.5)`);
      if (i >= 50) { bare.push(bareMs); store.push(storeMs); textOnly.push(textMs); }
    }
  } finally {
    await conn.end();
  }
  return { bare: summarize(bare), store: summarize(store), textOnly: summarize(textOnly) };
}

async function benchReads(user: string) {
  const conn = await userSession(user);
  const random = rng(23);
  const bare: number[] = [];
  const search: number[] = [];
  let recallSum = 0;
  try {
    for (let i = 0; i < QUERIES + 20; i++) {
      const topic = Math.floor(random() * TOPICS);
      const q = vectorLiteral(space.sample(topic, random));
      const text = THINGS[Math.floor(random() * THINGS.length)];
      const [bareMs] = await timed(() => conn`select id from public.user_memories where user_id = ${user}
        order by embedding operator(extensions.<=>) ${q}::extensions.vector limit 10`);
      const [searchMs] = await timed(() => conn`select id from public.search_memories(${text}, ${q}::extensions.vector, ${MODEL}, 10)`);
      if (i < 20) continue;
      bare.push(bareMs);
      search.push(searchMs);
      const approx = await conn`select id from public.match_memories(${q}::extensions.vector, ${MODEL}, 10)`;
      // The exact answer: the same query with index scans off, so every memory of the user is compared.
      await conn`begin`;
      await conn`set local enable_indexscan = off`;
      await conn`set local enable_bitmapscan = off`;
      const exact = await conn`select id from public.user_memories where user_id = ${user} and is_active
        and embedding_model = ${MODEL} order by embedding operator(extensions.<=>) ${q}::extensions.vector limit 10`;
      await conn`commit`;
      const truth = new Set(exact.map((r) => r.id));
      recallSum += approx.filter((r) => truth.has(r.id)).length / Math.max(1, truth.size);
    }
  } finally {
    await conn.end();
  }
  return { bare: summarize(bare), search: summarize(search), recall: recallSum / QUERIES };
}

async function main() {
  await startStack();
  const admin = adminSql();
  const [{ exists }] = await admin`select exists (select 1 from pg_database where datname = ${DB}) as exists`;
  await admin.end();
  const sql = exists ? postgres(urlFor(DB), { max: 1, onnotice: () => {} }) : null;
  if (!sql || !(await loaded(sql))) await load();
  await sql?.end();

  const setup = postgres(urlFor(DB), { max: 1, onnotice: () => {} });
  const [{ version }] = await setup`select version()`;
  const [{ id: writer }] = await setup`select id from auth.users order by id limit 1`;
  const [{ id: reader }] = await setup`select id from auth.users order by id offset 1 limit 1`;
  // Writes add to the user's memories; lift the quota so the bench measures stores, not refusals.
  await setup`update public.memory_user_stats set quota_limit = 1000000 where user_id = ${writer}`;
  const [{ n }] = await setup`select count(*)::int as n from public.user_memories where user_id = ${reader} and is_active`;
  await setup.end();

  const writes = await benchWrites(writer);
  const reads = await benchReads(reader);
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
`;
  console.log(report);
  await writeSection("db", report);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
