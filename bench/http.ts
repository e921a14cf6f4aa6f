// npm run bench:http — store and search through the HTTP handlers (JWT, zod, JSON, the local server) against
// the same SQL functions called directly on the same pool, alternating, in one run. The difference is the
// API's overhead (target: p50 under 3 ms).
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import postgres from "postgres";
import { createVerifier } from "../shared/auth/jwt.ts";
import { postgresRequestDatabase } from "../shared/db/request-db.ts";
import { postgresExecutor } from "../shared/db/executor.ts";
import { OfflineEmbedder } from "../shared/embeddings/offline.ts";
import { memorySearchHandler } from "../shared/handlers/memory-search.ts";
import { memoryStoreHandler } from "../shared/handlers/memory-store.ts";
import { callFunction } from "../shared/handlers/sql-call.ts";
import { readMigrations } from "../shared/migrations/files.ts";
import { migrateUp } from "../shared/migrations/apply.ts";
import { serveFunctions } from "../local/server.ts";
import { userToken } from "../local/demo-auth.ts";
import { bootstrap, MIGRATIONS_DIR, recreateDatabase, startStack, urlFor } from "../scripts/db/local-stack.ts";
import { machine } from "./lib/machine.ts";
import { ms, summarize, timed } from "./lib/stats.ts";
import { writeSection } from "./lib/report.ts";

const DB = "memory_bench_http";
const N = Number(process.env.BENCH_REQUESTS ?? 300);
const SEED = 1000;
const SECRET = "bench-secret-for-the-memory-api-32-chars!";
const ISSUER = "http://127.0.0.1/auth/v1";
const WORDS = ["tea", "jazz", "Lisbon", "running", "cats", "poetry", "chess", "sailing", "bread", "opera", "hiking", "cameras"];

async function main() {
  await startStack();
  await recreateDatabase(DB);
  await bootstrap(DB, { testHelpers: false });
  const pool = postgres(urlFor(DB), { max: 4, onnotice: () => {}, prepare: false });
  await migrateUp(postgresExecutor(pool), await readMigrations(MIGRATIONS_DIR));
  const [{ id: user }] = await pool`insert into auth.users (id) values (gen_random_uuid()) returning id`;
  const embedder = new OfflineEmbedder();
  const db = postgresRequestDatabase(pool);
  const claims = { role: "authenticated" as const, sub: user as string };
  const word = (i: number) => WORDS[i % WORDS.length];

  async function rpcStore(fact: string) {
    const [vector] = await embedder.embed([fact]);
    return db.asCaller(claims, (tx) => callFunction(tx, "store_memory", {
      fact: [fact, "text"], embedding: [vector, "vector"], embedding_model: [embedder.model, "text"],
    }));
  }
  async function rpcSearch(query: string) {
    const [vector] = await embedder.embed([query]);
    return db.asCaller(claims, (tx) => callFunction(tx, "search_memories", {
      query: [query, "text"], query_embedding: [vector, "vector"], embedding_model: [embedder.model, "text"],
    }));
  }
  for (let i = 0; i < SEED; i++) await rpcStore(`seed ${i}: likes ${word(i)} and ${word(i * 7 + 3)} ${randomUUID()}`);

  const deps = { db, verify: createVerifier({ jwtSecret: SECRET, issuer: ISSUER }), embedder, embedTimeoutMs: 3000 };
  const server = await serveFunctions({ "memory-store": memoryStoreHandler(deps), "memory-search": memorySearchHandler(deps) }, 0);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/functions/v1`;
  const token = await userToken(user, SECRET, ISSUER, 3600);
  const post = async (fn: string, body: unknown) => {
    const response = await fetch(`${base}/${fn}`, {
      method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`${fn}: HTTP ${response.status} ${await response.text()}`);
    return response.json();
  };

  const samples = { httpStore: [] as number[], rpcStore: [] as number[], httpSearch: [] as number[], rpcSearch: [] as number[] };
  for (let i = 0; i < N + 30; i++) {
    const keep = i >= 30;
    const [a] = await timed(() => post("memory-store", { fact: `http fact ${i} about ${word(i)} ${randomUUID()}` }));
    const [b] = await timed(() => rpcStore(`rpc fact ${i} about ${word(i)} ${randomUUID()}`));
    const [c] = await timed(() => post("memory-search", { query: `${word(i)} ${word(i + 5)}` }));
    const [d] = await timed(() => rpcSearch(`${word(i)} ${word(i + 5)}`));
    if (keep) {
      samples.httpStore.push(a);
      samples.rpcStore.push(b);
      samples.httpSearch.push(c);
      samples.rpcSearch.push(d);
    }
  }
  server.close();
  await pool.end();

  const s = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)])) as Record<keyof typeof samples, ReturnType<typeof summarize>>;
  const row = (name: string, http: typeof s.httpStore, rpc: typeof s.httpStore) =>
    `| ${name} | ${ms(http.p50)} | ${ms(http.p95)} | ${ms(rpc.p50)} | ${ms(rpc.p95)} | ${ms(http.p50 - rpc.p50)} | < 3 ms |`;
  const report = `## bench:http — the API over HTTP against the same RPC called directly

Machine: ${machine()}. Run: ${new Date().toISOString()}. Local PostgreSQL, one user with ${SEED.toLocaleString("en")} memories,
offline embedder on both paths; n=${N} of each, alternating; the client is Node's fetch with keep-alive.

| call | HTTP p50 | HTTP p95 | RPC p50 | RPC p95 | overhead (p50) | target |
| --- | --- | --- | --- | --- | --- | --- |
${row("store (POST memory-store vs store_memory)", s.httpStore, s.rpcStore)}
${row("search (POST memory-search vs search_memories)", s.httpSearch, s.rpcSearch)}

The overhead is JWT verification (jose), zod parsing, JSON in and out, and the Node HTTP adapter.
`;
  console.log(report);
  await writeSection("http", report);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
