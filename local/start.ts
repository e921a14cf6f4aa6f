// npm start: the memory API on http://127.0.0.1:54321/functions/v1/..., against an embedded PGlite with pgvector
// (persisted in .local/pglite, migrations applied on start) or against DATABASE_URL when it is set.
import { fileURLToPath } from "node:url";
import { mkdir } from "node:fs/promises";
import { openEmbedded } from "../shared/db/pglite.ts";
import { postgresExecutor } from "../shared/db/executor.ts";
import { connect } from "../shared/db/connect.ts";
import { pgliteRequestDatabase, postgresRequestDatabase, type RequestDatabase } from "../shared/db/request-db.ts";
import { readMigrations } from "../shared/migrations/files.ts";
import { migrateUp } from "../shared/migrations/apply.ts";
import { createVerifier } from "../shared/auth/jwt.ts";
import { embedderFromEnv } from "../shared/embeddings/from-env.ts";
import type { SqlExecutor } from "../shared/db/executor.ts";
import { memoryStoreHandler } from "../shared/handlers/memory-store.ts";
import { memorySearchHandler } from "../shared/handlers/memory-search.ts";
import { serveFunctions } from "./server.ts";
import { DEMO_USER_ID, LOCAL_JWT_SECRET, localIssuer, serviceToken, userToken } from "./demo-auth.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const port = Number(process.env.PORT ?? 54321);
const secret = process.env.SUPABASE_JWT_SECRET ?? LOCAL_JWT_SECRET;
const issuer = localIssuer(port);

async function openDatabase(): Promise<{ admin: SqlExecutor; requests: RequestDatabase; label: string; close: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const statementTimeoutMs = Number(process.env.MEMORY_STATEMENT_TIMEOUT_MS ?? 8000);
    const sql = connect(process.env.DATABASE_URL, { max: 10, statementTimeoutMs, applicationName: "memory-local" });
    return {
      admin: postgresExecutor(sql), requests: postgresRequestDatabase(sql, { deadlineMs: statementTimeoutMs }),
      label: "DATABASE_URL", close: () => sql.end(),
    };
  }
  const dataDir = process.env.MEMORY_PGLITE_DIR ?? `${root}.local/pglite`;
  if (dataDir !== "memory://") await mkdir(dataDir, { recursive: true });
  const embedded = await openEmbedded(dataDir === "memory://" ? undefined : dataDir, `${root}scripts/db/bootstrap.sql`);
  return { admin: embedded.db, requests: pgliteRequestDatabase(embedded.pg), label: `PGlite (${dataDir})`, close: embedded.close };
}

async function main() {
  const database = await openDatabase();
  const ran = await migrateUp(database.admin, await readMigrations(`${root}supabase/migrations`));
  await database.admin.query(`insert into auth.users (id, email, role, aud) values ($1, 'demo@example.com', 'authenticated', 'authenticated')
    on conflict (id) do nothing`, [DEMO_USER_ID]);
  const deps = {
    db: database.requests,
    verify: createVerifier({ jwtSecret: secret, issuer }),
    embedder: embedderFromEnv(process.env),
    embedTimeoutMs: Number(process.env.EMBEDDINGS_TIMEOUT_MS ?? 3000),
  };
  // pg_cron folds the search-access log every minute on Supabase; PGlite has no pg_cron, so this process does.
  const fold = setInterval(() => {
    database.admin.query("select public.fold_memory_access()").catch((error) => console.error("fold_memory_access:", error.message));
  }, 60_000);
  fold.unref();
  const server = await serveFunctions({ "memory-store": memoryStoreHandler(deps), "memory-search": memorySearchHandler(deps) }, port);
  const token = await userToken(DEMO_USER_ID, secret, issuer);
  const service = await serviceToken(secret, issuer);
  const base = `http://127.0.0.1:${port}/functions/v1`;
  console.log(`memory API ready on ${base} (database: ${database.label}; ${ran.length} migrations applied now; embeddings: ${deps.embedder?.model ?? "none"})

Demo user ${DEMO_USER_ID}; a token for it, valid 7 days:
export TOKEN=${token}

A service_role token (may act for any user with "user_id"):
export SERVICE_TOKEN=${service}

Try:
curl -s -X POST ${base}/memory-store -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
  -d '{"fact":"Prefers vegetarian food","memory_type":"preference","importance_score":0.8}'
curl -s -X POST ${base}/memory-search -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
  -d '{"query":"what does the user like to eat?"}'
`);
  const stop = async () => {
    clearInterval(fold);
    server.close();
    await database.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
