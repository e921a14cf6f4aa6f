// npm run bench:large-user — a user with 50,000 memories, with and without indexes of their own (migration
// 20261126150000: partial HNSW and GIN indexes of user_memories for that user, built by `memory indexes`), on bench:db's
// 4M database (BENCH_LARGE_USER_DB), in one run. Four columns, each the same queries and stores, one after another:
//   - the previous schema: the migration's rollback applied inside a transaction of the measuring session (rolled
//     back at the end, so nobody else sees it);
//   - this schema before the user's index exists;
//   - this schema with it;
//   - this schema after it is dropped again: with the one before, it brackets the host's drift during the run (the
//     ordinary user's rows, which no column changes, show it too).
// For the big user: the vector leg (match_memories) and its recall@10 against an exact scan, the text leg
// (search_memories without an embedding), the whole search and a store. For an ordinary user (10,000 memories): the
// search and a store, which take the same path as before (and the catalog look-up for an own index).
// The index is built again at the end, as `memory indexes` leaves it in production (bench:db builds it too).
import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { postgresExecutor } from "../shared/db/executor.ts";
import { MIGRATIONS_DIR, readMigrations } from "../shared/migrations/files.ts";
import { applyOwnIndexChanges } from "../shared/maintenance/jobs.ts";
import { urlFor } from "../scripts/db/local-stack.ts";
import { machine } from "./lib/machine.ts";
import { MODEL, space, THINGS, TOPICS } from "./lib/memories.ts";
import { writeSection } from "./lib/report.ts";
import { userSession, type UserSession } from "./lib/sessions.ts";
import { ms, summarize, timed, type Summary } from "./lib/stats.ts";
import { rng, vectorLiteral } from "./lib/vectors.ts";

const DB = process.env.BENCH_LARGE_USER_DB ?? "memory_bench_400";
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const WRITES = Number(process.env.BENCH_WRITES ?? 200);
const MIGRATION = "20261126150000";
const WARMUP = 20;
const FACT_PREFIX = "large-user bench";

interface Query { vector: string; text: string }
interface Phase { vector: Summary; text: Summary; search: Summary; store: Summary; ordinarySearch: Summary; ordinaryStore: Summary; recall: number }

/** The exact top 10 of each query: every one of the user's embeddings compared (no index orders by `embedding`). */
async function exactTop(conn: UserSession, user: string, queries: Query[]): Promise<Set<string>[]> {
  const out: Set<string>[] = [];
  for (const { vector } of queries) {
    const rows = await conn`select id from public.user_memories where user_id = ${user} and is_active
      and embedding_model = ${MODEL} order by embedding operator(extensions.<=>) ${vector}::extensions.vector limit 10`;
    out.push(new Set(rows.map((r) => r.id as string)));
  }
  return out;
}

/** Stores of generated facts, timed after a warm-up. */
async function stores(conn: UserSession, seed: number): Promise<number[]> {
  const random = rng(seed);
  const out: number[] = [];
  for (let i = 0; i < WRITES + WARMUP; i++) {
    const embedding = vectorLiteral(space.sample(Math.floor(random() * TOPICS), random));
    const [took] = await timed(() => conn`select * from public.store_memory(${`${FACT_PREFIX} ${randomUUID()}`}, 'fact',
      importance_score => 0.5, embedding => ${embedding}::extensions.vector, embedding_model => ${MODEL})`);
    if (i >= WARMUP) out.push(took);
  }
  return out;
}

/** The session acts as `user` from its next statement on (as PostgREST sets the claims of each request). */
const actAs = (conn: UserSession, user: string) =>
  conn`select set_config('request.jwt.claims', ${JSON.stringify({ sub: user, role: "authenticated" })}, false)`;

/**
 * One column: the big user's legs, search and recall, the ordinary user's search, then both users' stores, in one
 * session that switches between the two users. With `rollback` (the migration's rollback script), everything runs in
 * a transaction that first applies it as the table's owner, and is rolled back at the end.
 */
async function phase(big: string, ordinary: string, queries: Query[], truth: Set<string>[], rollback: string | null): Promise<Phase> {
  const conn = await userSession(DB, big);
  const samples = { vector: [] as number[], text: [] as number[], search: [] as number[], ordinarySearch: [] as number[] };
  let recall = 0;
  const vectorLeg = (q: string) => conn`select id from public.match_memories(${q}::extensions.vector, ${MODEL}, 10)`;
  const search = (q: Query) => conn`select id from public.search_memories(${q.text}, ${q.vector}::extensions.vector, ${MODEL}, 10)`;
  try {
    if (rollback) {
      await conn`begin`;
      await conn`reset role`;
      await conn.unsafe(rollback);
      await conn`set local role authenticated`;
    }
    for (const [i, q] of queries.entries()) {
      await actAs(conn, big);
      const [vectorMs] = await timed(() => vectorLeg(q.vector));
      const [textMs] = await timed(() => conn`select id from public.search_memories(${q.text}, null, null, 10)`);
      const [searchMs] = await timed(() => search(q));
      await actAs(conn, ordinary);
      const [ordinaryMs] = await timed(() => search(q));
      if (i < WARMUP) continue;
      samples.vector.push(vectorMs);
      samples.text.push(textMs);
      samples.search.push(searchMs);
      samples.ordinarySearch.push(ordinaryMs);
    }
    await actAs(conn, big);
    for (const [i, { vector }] of queries.slice(WARMUP).entries()) {
      const found = await vectorLeg(vector);
      recall += found.filter((r) => truth[i].has(r.id)).length / Math.max(1, truth[i].size) / (queries.length - WARMUP);
    }
    const store = await stores(conn, 5);
    await actAs(conn, ordinary);
    const ordinaryStore = await stores(conn, 6);
    if (rollback) await conn`rollback`;
    return {
      vector: summarize(samples.vector), text: summarize(samples.text), search: summarize(samples.search),
      store: summarize(store), ordinarySearch: summarize(samples.ordinarySearch), ordinaryStore: summarize(ordinaryStore), recall,
    };
  } finally {
    await conn.end();
  }
}

/** What the stores of this bench left, removed so that every column (and the next run) starts from the same data. */
async function removeStores(sql: postgres.Sql, users: string[]) {
  await sql`delete from public.memory_sightings where user_id = any(${users}::uuid[]) and (fact like ${`${FACT_PREFIX} %`} or memory_id in
    (select id from public.user_memories where user_id = any(${users}::uuid[]) and fact like ${`${FACT_PREFIX} %`}))`;
  await sql`delete from public.user_memories where user_id = any(${users}::uuid[]) and fact like ${`${FACT_PREFIX} %`}`;
}

/**
 * Before each column: the stores of the one before removed (or rolled back) and vacuumed away, so that no column's
 * scans wade through the dead entries of another's writes.
 */
async function settle(sql: postgres.Sql, users: string[]) {
  await removeStores(sql, users);
  await sql`vacuum analyze public.user_memories`;
}

/** The users' own indexes dropped (a threshold no user reaches), so the columns without them are measured without. */
async function dropOwnIndexes(sql: postgres.Sql) {
  const [{ threshold }] = await sql`select own_index_threshold as threshold from public.memory_settings`;
  await sql`update public.memory_settings set own_index_threshold = 2147483647`;
  try {
    await applyOwnIndexChanges(postgresExecutor(sql));
  } finally {
    await sql`update public.memory_settings set own_index_threshold = ${threshold}`;
  }
}

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

async function main() {
  const sql = postgres(urlFor(DB), { max: 1, onnotice: () => {} });
  try {
    const [big] = await sql`select user_id as id, active_count as n from public.memory_user_stats order by active_count desc limit 1`;
    const [ordinary] = await sql`select user_id as id, active_count as n from public.memory_user_stats where active_count <= 10000
      order by active_count desc, user_id limit 1`;
    const [{ total }] = await sql`select count(*)::int as total from public.user_memories`;
    if (!big || big.n <= 10_000) throw new Error(`${DB} has no user with more than 10,000 memories: run BENCH_GROWTH_USERS=400 npm run bench:db first`);
    const users = [big.id as string, ordinary.id as string];
    const migration = (await readMigrations(MIGRATIONS_DIR)).find((m) => m.version === MIGRATION);
    if (!migration?.down) throw new Error(`migration ${MIGRATION} or its rollback is missing`);
    console.log(`${DB}: ${total.toLocaleString("en")} memories; big user ${big.id} with ${big.n.toLocaleString("en")}, ordinary ${ordinary.id} with ${ordinary.n.toLocaleString("en")}`);
    // Stores add to the users' memories: the quota lifted, so the bench measures stores, not refusals.
    await sql`update public.memory_user_stats set quota_limit = 1000000 where user_id = any(${users}::uuid[])`;
    await dropOwnIndexes(sql);
    await settle(sql, users);

    const random = rng(31);
    const queries: Query[] = Array.from({ length: QUERIES + WARMUP }, () => ({
      vector: vectorLiteral(space.sample(Math.floor(random() * TOPICS), random)),
      text: THINGS[Math.floor(random() * THINGS.length)],
    }));
    const reader = await userSession(DB, big.id);
    const truth = await exactTop(reader, big.id, queries.slice(WARMUP)).finally(() => reader.end());

    const previous = await phase(big.id, ordinary.id, queries, truth, migration.down.sql);
    await settle(sql, users);
    const before = await phase(big.id, ordinary.id, queries, truth, null);
    await settle(sql, users);
    const [buildMs] = await timed(() => applyOwnIndexChanges(postgresExecutor(sql)));
    const [{ size }] = await sql`select pg_size_pretty(pg_relation_size(c.oid)) as size from pg_class c
      where c.relname = private.own_index_name(${big.id})`;
    await sql`analyze public.user_memories`;
    const indexed = await phase(big.id, ordinary.id, queries, truth, null);
    await dropOwnIndexes(sql);
    await settle(sql, users);
    const after = await phase(big.id, ordinary.id, queries, truth, null);
    await settle(sql, users);
    await applyOwnIndexChanges(postgresExecutor(sql));

    const row = (label: string, pick: (p: Phase) => Summary) => {
      const [a, b, c, d] = [pick(previous), pick(before), pick(indexed), pick(after)];
      const cell = (x: Summary) => `${ms(x.p50)} / ${ms(x.p95)}`;
      return `| ${label} | ${cell(a)} | ${cell(b)} | ${cell(c)} | ${cell(d)} | ${ratio(c.p50, (b.p50 + d.p50) / 2)} / ${ratio(c.p95, (b.p95 + d.p95) / 2)} |`;
    };
    const report = `## bench:large-user — an HNSW index of their own, for a user with ${big.n.toLocaleString("en")} memories

Machine: ${machine()}. Run: ${new Date().toISOString()}. Database ${DB}: ${total.toLocaleString("en")} memories. One session
acting as each user in turn; the same ${QUERIES} queries (after ${WARMUP} to warm up) and ${WRITES} stores in each column, the
columns one after another. "Previous schema": migration ${MIGRATION}'s rollback applied inside the measuring session's
transaction. The user's own index, built by \`memory indexes\` (concurrently) in ${(buildMs / 1000).toFixed(1)} s: HNSW on the
embedding, ${size}. The columns without it, before and after, bracket the host's drift; so do the rows of the ordinary
user, whom no column changes.

| measure (p50 / p95) | previous schema | this schema, no own index yet | with the user's own index | its index dropped again | with / without (mean of both) |
| --- | --- | --- | --- | --- | --- |
${row("big user: vector leg (match_memories)", (p) => p.vector)}
${row("big user: text leg (search_memories without an embedding)", (p) => p.text)}
${row("big user: search_memories", (p) => p.search)}
${row("big user: store_memory (its near-duplicate probe is the vector leg's query)", (p) => p.store)}
${row(`ordinary user (${ordinary.n.toLocaleString("en")} memories): search_memories`, (p) => p.ordinarySearch)}
${row("ordinary user: store_memory", (p) => p.ordinaryStore)}

Recall@10 of the big user's vector leg against an exact scan of their memories: ${pct(previous.recall)} (previous schema),
${pct(before.recall)} and ${pct(after.recall)} (no own index), ${pct(indexed.recall)} (own HNSW index; target ≥ 98%). Targets for this
user: search p95 ≤ 25 ms, store p95 ≤ 15 ms.`;
    console.log(report);
    await writeSection("large-user", report);
  } finally {
    await sql.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
