// npm start: the memory API on http://127.0.0.1:54321/functions/v1/..., against an embedded PGlite with pgvector
// (persisted in .local/pglite, migrations applied on start) or against DATABASE_URL when it is set.
import { fileURLToPath } from "node:url";
import { mkdir } from "node:fs/promises";
import { openEmbedded } from "../shared/db/pglite.ts";
import { postgresExecutor } from "../shared/db/executor.ts";
import { connect } from "../shared/db/connect.ts";
import { pgliteRequestDatabase, postgresRequestDatabase, type RequestDatabase } from "../shared/db/request-db.ts";
import { MIGRATIONS_DIR, readMigrations } from "../shared/migrations/files.ts";
import { migrateUp } from "../shared/migrations/apply.ts";
import { createVerifier } from "../shared/auth/jwt.ts";
import { depsWith, timeoutsFromEnv } from "../shared/handlers/from-env.ts";
import { foldAccessLog } from "../shared/maintenance/jobs.ts";
import type { SqlExecutor } from "../shared/db/executor.ts";
import { memoryStoreHandler } from "../shared/handlers/memory-store.ts";
import { memorySearchHandler } from "../shared/handlers/memory-search.ts";
import { type FunctionServer, serveFunctions } from "./server.ts";
import { createServer } from "node:net";
import { DOCS_PATH, docsPages, OPENAPI_PATH } from "./docs.ts";
import { DEMO_USER_ID, LOCAL_JWT_SECRET, localIssuer, serviceToken, userToken } from "./demo-auth.ts";
import { ensureLocalUser, withLocalUsers } from "./local-users.ts";
import { keepDocsExamples } from "./docs-examples.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const port = Number(process.env.PORT ?? 54321);
const secret = process.env.SUPABASE_JWT_SECRET ?? LOCAL_JWT_SECRET;
const issuer = localIssuer(port);

async function openDatabase(): Promise<{ admin: SqlExecutor; requests: RequestDatabase; label: string; close: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const { statementTimeoutMs } = timeoutsFromEnv(process.env);
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

/** Refuses a port already taken before any data is opened or migrated, naming the variable that picks another. */
function checkPortFree(): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once("error", (error: NodeJS.ErrnoException) => {
      reject(new StartError(error.code === "EADDRINUSE"
        ? `port ${port} is already in use (another npm start?): stop it, or choose another port with PORT=<port> npm start`
        : `cannot listen on 127.0.0.1:${port} (${error.code ?? error.message}); choose another port with PORT=<port>`));
    });
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

/** A failure to start that one line explains (no stack trace). */
class StartError extends Error {}

async function main() {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new StartError(`PORT must be a port number, not ${process.env.PORT}`);
  await checkPortFree();
  let server: FunctionServer | undefined;
  let fold: NodeJS.Timeout | undefined;
  let stopping = false;
  const database = await openDatabase();
  // Ctrl-C (SIGINT) or SIGTERM: stop accepting, let the requests in flight finish, close the database, say so.
  const stop = async (signal: string) => {
    if (stopping) {
      console.log(`memory API: ${signal} again, exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    clearInterval(fold);
    await server?.drain();
    await database.close();
    console.log(`memory API stopped (${signal}): requests in flight finished, database closed`);
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  const ran = await migrateUp(database.admin, await readMigrations(MIGRATIONS_DIR));
  await ensureLocalUser(database.admin, DEMO_USER_ID, "demo@example.com");
  await keepDocsExamples(database.admin, DEMO_USER_ID);
  const deps = depsWith(process.env, database.requests, withLocalUsers(createVerifier({ jwtSecret: secret, issuer }), database.admin));
  // pg_cron folds the search-access log every minute on Supabase; PGlite has no pg_cron, so this process does.
  fold = setInterval(() => {
    foldAccessLog(database.admin).catch((error) => console.error("fold_memory_access:", error.message));
  }, 60_000);
  fold.unref();
  const token = await userToken(DEMO_USER_ID, secret, issuer);
  server = await serveFunctions({ "memory-store": memoryStoreHandler(deps), "memory-search": memorySearchHandler(deps) }, port,
    undefined, undefined, docsPages({ token }));
  const service = await serviceToken(secret, issuer);
  const base = `http://127.0.0.1:${port}/functions/v1`;
  console.log(`memory API ready on ${base} (database: ${database.label}; ${ran.length} migrations applied now; embeddings: ${deps.embedder?.model ?? "none"})

Demo user ${DEMO_USER_ID}; a token for it, valid 7 days:
export TOKEN=${token}
Another local user: export TOKEN=$(npx memory token --user <uuid>) (made on its first call)

A service_role token (may act for any user with "user_id"):
export SERVICE_TOKEN=${service}

API reference (try the calls as the demo user): http://127.0.0.1:${port}${DOCS_PATH}
OpenAPI document: http://127.0.0.1:${port}${OPENAPI_PATH}

Try:
curl -s -X POST ${base}/memory-store -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
  -d '{"fact":"Prefers vegetarian food","memory_type":"preference","importance_score":0.8}'
curl -s -X POST ${base}/memory-search -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
  -d '{"query":"what does the user like to eat?"}'
`);
}

main().catch((error) => {
  console.error(error instanceof StartError ? `npm start: ${error.message}` : error);
  process.exit(1);
});
