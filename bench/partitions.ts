// npm run bench:partitions — should user_memories be hash-partitioned by user_id? The same rows in two tables of
// the same database, one plain and one with PARTITIONS hash partitions, measured in the same run: a whole load (what
// a restore does: the rows, then every index), VACUUM after churn, one user's restore (delete and insert back 10,000
// rows, indexes in place), and one user's search (nearest_memories' query: the Hamming pre-filter, then exact cosine)
// through prepared statements, as PL/pgSQL runs it. Runs on bench:db's database (BENCH_PARTITION_DB, default the 4M
// one that `BENCH_GROWTH_USERS=400 npm run bench:db` loads), in a schema of its own that it drops at the end.
import postgres from "postgres";
import { urlFor } from "../scripts/db/local-stack.ts";
import { machine } from "./lib/machine.ts";
import { ms, summarize, timed } from "./lib/stats.ts";
import { rng, vectorLiteral } from "./lib/vectors.ts";
import { MODEL, space, TOPICS } from "./lib/memories.ts";
import { writeSection } from "./lib/report.ts";

const DB = process.env.BENCH_PARTITION_DB ?? "memory_bench_400";
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 16);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const SCHEMA = "bench_partitions";
const VARIANTS = ["plain", "parted"] as const;
type Variant = (typeof VARIANTS)[number];

const seconds = (x: number) => `${(x / 1000).toFixed(1)} s`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

/**
 * The two tables, with user_memories' columns (generated ones as plain columns, copied rather than computed again,
 * the same for both) and no index yet.
 */
async function createTables(sql: postgres.Sql): Promise<void> {
  await sql.unsafe(`drop schema if exists ${SCHEMA} cascade; create schema ${SCHEMA}`);
  // Autovacuum off for both: started by the load, it ran beside the other table's measurements.
  await sql.unsafe(`create table ${SCHEMA}.plain (like public.user_memories including defaults) with (autovacuum_enabled = false)`);
  await sql.unsafe(`create table ${SCHEMA}.parted (like public.user_memories including defaults) partition by hash (user_id)`);
  for (let i = 0; i < PARTITIONS; i++) {
    await sql.unsafe(`create table ${SCHEMA}.parted_${i} partition of ${SCHEMA}.parted
      for values with (modulus ${PARTITIONS}, remainder ${i}) with (autovacuum_enabled = false)`);
  }
}

/**
 * user_memories' indexes, for one variant. A unique index on a partitioned table must hold the partition key:
 * where user_memories' does not, user_id is added (the list is part of the report).
 */
async function indexDefinitions(sql: postgres.Sql, variant: Variant): Promise<{ name: string; definition: string; widened: boolean }[]> {
  const rows = await sql`select c.relname as name, pg_get_indexdef(i.indexrelid) as definition, i.indisunique as is_unique,
      exists (select 1 from unnest(i.indkey) k join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k where a.attname = 'user_id') as has_user
    from pg_index i join pg_class c on c.oid = i.indexrelid where i.indrelid = 'public.user_memories'::regclass order by c.relname`;
  return rows.map((r) => {
    let definition = (r.definition as string).replace(/^CREATE (UNIQUE )?INDEX \S+ ON public\.user_memories/,
      `CREATE $1INDEX ${variant}_${r.name} ON ${SCHEMA}.${variant}`);
    const widened = variant === "parted" && r.is_unique && !r.has_user;
    if (widened) definition = definition.replace(/USING btree \(([^)]*)\)/, "USING btree ($1, user_id)");
    return { name: r.name as string, definition, widened };
  });
}

async function load(sql: postgres.Sql, variant: Variant) {
  const [rowsMs] = await timed(() => sql.unsafe(`insert into ${SCHEMA}.${variant} select * from public.user_memories`));
  const indexes: Record<string, number> = {};
  let widened: string[] = [];
  for (const index of await indexDefinitions(sql, variant)) {
    [indexes[index.name]] = await timed(() => sql.unsafe(index.definition));
    if (index.widened) widened = [...widened, index.name];
  }
  await sql.unsafe(`analyze ${SCHEMA}.${variant}`);
  return { rowsMs, indexMs: Object.values(indexes).reduce((a, b) => a + b, 0), indexes, widened };
}

/** VACUUM after 1% of the rows changed across every user (the first VACUUM sets the visibility map). */
async function vacuum(sql: postgres.Sql, variant: Variant) {
  await sql.unsafe(`vacuum ${SCHEMA}.${variant}`);
  await sql.unsafe(`update ${SCHEMA}.${variant} set updated_at = updated_at + interval '1 second' where hashtext(id::text) % 100 = 0`);
  const [vacuumMs] = await timed(() => sql.unsafe(`vacuum ${SCHEMA}.${variant}`));
  return vacuumMs;
}

/** One user's rows deleted and inserted back, indexes in place: a user's restore. */
async function restoreUser(sql: postgres.Sql, variant: Variant, user: string) {
  const [restoreMs] = await timed(() => sql.begin(async (tx) => {
    await tx.unsafe(`delete from ${SCHEMA}.${variant} where user_id = $1`, [user]);
    await tx.unsafe(`insert into ${SCHEMA}.${variant} select * from public.user_memories where user_id = $1`, [user]);
  }));
  return restoreMs;
}

/**
 * nearest_memories' query on one table, for one user: 1,000 Hamming candidates (2% of 50,000; 200 for 10,000). The
 * query's signs come as a parameter ($5), as nearest_memories computes them once: written as
 * binary_quantize($2) here, a generic plan computed them for every memory scanned, and a partitioned table, whose
 * plans stay custom, did not, which favoured it.
 */
const nearest = (variant: Variant) => `
  with pool as (
    select m.id from ${SCHEMA}.${variant} m
     where m.user_id = $1 and m.is_active and m.embedding_bits is not null and m.embedding_model = $3
       and (m.expires_at is null or m.expires_at > now())
     order by m.embedding_bits operator(extensions.<~>) $5::varbit
     limit $4)
  select p.id from pool p cross join lateral (select e.embedding from ${SCHEMA}.${variant} e where e.id = p.id and e.user_id = $1) x
   order by x.embedding operator(extensions.<=>) $2::extensions.vector limit 10`;

/** Searches on each variant in turn, the same queries and users, one session each (prepared, as PL/pgSQL plans). */
async function searches(users: { id: string; candidates: number }[]) {
  const sessions = VARIANTS.map(() => postgres(urlFor(DB), { max: 1, onnotice: () => {}, prepare: true }));
  const random = rng(41);
  const out = VARIANTS.map(() => [] as number[]);
  try {
    for (const s of sessions) await s`set max_parallel_workers_per_gather = 0`;
    for (let i = 0; i < QUERIES + 20; i++) {
      const user = users[i % users.length];
      const q = vectorLiteral(space.sample(Math.floor(random() * TOPICS), random));
      // binary_quantize's signs of the vector as sent: 1 for a positive component.
      const signs = q.slice(1, -1).split(",").map((x) => (Number(x) > 0 ? "1" : "0")).join("");
      // Each variant goes first on every other query: neither always finds the other's pages just read.
      for (const k of i % 2 ? [1, 0] : [0, 1]) {
        const variant = VARIANTS[k];
        const [took] = await timed(() => sessions[k].unsafe(nearest(variant), [user.id, q, MODEL, user.candidates, signs], { prepare: true }));
        if (i >= 20) out[k].push(took);
      }
    }
  } finally {
    for (const s of sessions) await s.end();
  }
  return out.map(summarize);
}

async function main() {
  const sql = postgres(urlFor(DB), { max: 1, onnotice: () => {} });
  try {
    const [{ n }] = await sql`select count(*)::int as n from public.user_memories`;
    console.log(`${DB}: ${n.toLocaleString("en")} memories; ${PARTITIONS} hash partitions against a plain table`);
    // The source settled first, so no autovacuum of it runs during one table's measurements and not the other's.
    await sql`vacuum analyze public.user_memories`;
    await createTables(sql);
    const loads = { plain: await load(sql, "plain"), parted: await load(sql, "parted") };
    console.log(`  loaded: plain ${seconds(loads.plain.rowsMs)} + ${seconds(loads.plain.indexMs)} indexes, parted ${seconds(loads.parted.rowsMs)} + ${seconds(loads.parted.indexMs)}`);
    const vacuums = { plain: await vacuum(sql, "plain"), parted: await vacuum(sql, "parted") };
    const users = await sql`select user_id as id, greatest(200, ceil(active_count / 50.0))::int as candidates, active_count
      from public.memory_user_stats order by active_count desc, user_id limit 5`;
    const ordinary = users.filter((u) => u.active_count <= 10_000).map((u) => ({ id: u.id as string, candidates: u.candidates as number }));
    const big = users.filter((u) => u.active_count > 10_000).map((u) => ({ id: u.id as string, candidates: u.candidates as number }));
    const ordinaryCount = Number(users.find((u) => u.id === ordinary[0].id)!.active_count);
    const restores = { plain: await restoreUser(sql, "plain", ordinary[0].id), parted: await restoreUser(sql, "parted", ordinary[0].id) };
    const [plainSearch, partedSearch] = await searches(ordinary);
    const [plainBig, partedBig] = big.length ? await searches(big.slice(0, 1)) : [null, null];
    const [{ plain_size, parted_size }] = await sql`select pg_size_pretty(pg_total_relation_size(${`${SCHEMA}.plain`})) as plain_size,
      pg_size_pretty((select sum(pg_total_relation_size(c.oid)) from pg_inherits h join pg_class c on c.oid = h.inhrelid
                       where h.inhparent = ${`${SCHEMA}.parted`}::regclass)::bigint) as parted_size`;
    if (!process.env.BENCH_KEEP) await sql.unsafe(`drop schema ${SCHEMA} cascade`);

    const row = (label: string, plain: number, parted: number, fmt: (x: number) => string) =>
      `| ${label} | ${fmt(plain)} | ${fmt(parted)} | ${ratio(parted, plain)} |`;
    const report = `## bench:partitions — user_memories hash-partitioned by user_id, at ${n.toLocaleString("en")} memories

Machine: ${machine()}. Run: ${new Date().toISOString()}. The same rows in two tables of database ${DB}, measured in this
run: plain, and ${PARTITIONS} hash partitions by user_id. Generated columns are copied as values in both.

| measure | plain table | ${PARTITIONS} partitions | partitioned / plain |
| --- | --- | --- | --- |
${row("load the rows (INSERT ... SELECT, no index)", loads.plain.rowsMs, loads.parted.rowsMs, seconds)}
${row(`build every index (${Object.keys(loads.plain.indexes).length})`, loads.plain.indexMs, loads.parted.indexMs, seconds)}
${row("whole load (a restore: rows, then indexes)", loads.plain.rowsMs + loads.plain.indexMs, loads.parted.rowsMs + loads.parted.indexMs, seconds)}
${row("VACUUM after 1% of rows changed", vacuums.plain, vacuums.parted, seconds)}
${row(`restore one user (${ordinaryCount.toLocaleString("en")} rows deleted and inserted, indexes in place)`, restores.plain, restores.parted, seconds)}
${row(`search one user of 10,000 memories, p50 (n=${plainSearch.n})`, plainSearch.p50, partedSearch.p50, ms)}
${row("search one user of 10,000 memories, p95", plainSearch.p95, partedSearch.p95, ms)}
${plainBig && partedBig ? `${row("search the user with 50,000 memories, p50", plainBig.p50, partedBig.p50, ms)}
${row("search the user with 50,000 memories, p95", plainBig.p95, partedBig.p95, ms)}
` : ""}
Size with indexes: plain ${plain_size}, partitioned ${parted_size}. Unique indexes that had to gain user_id to exist
on the partitioned table: ${loads.parted.widened.join(", ") || "none"}.

Slowest index builds (plain / partitioned): ${Object.keys(loads.plain.indexes).sort((a, b) => loads.plain.indexes[b] - loads.plain.indexes[a])
      .slice(0, 3).map((name) => `${name} ${seconds(loads.plain.indexes[name])} / ${seconds(loads.parted.indexes[name])}`).join("; ")}.`;
    console.log(report);
    await writeSection("partitions", report);
  } finally {
    await sql.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
