// Handler dependencies from the environment: the one place the edge functions and `npm start` assemble them, and
// the one place their defaults live.
import { authConfigFromEnv, createVerifier } from "../auth/jwt.ts";
import { connect, databaseUrlFromEnv } from "../db/connect.ts";
import { postgresRequestDatabase, type RequestDatabase } from "../db/request-db.ts";
import { embedderFromEnv } from "../embeddings/from-env.ts";
import type { HandlerDeps } from "./context.ts";

type Env = Record<string, string | undefined>;

/** How long one statement may run (MEMORY_STATEMENT_TIMEOUT_MS), and an embedding call (EMBEDDINGS_TIMEOUT_MS). */
export function timeoutsFromEnv(env: Env): { statementTimeoutMs: number; embedTimeoutMs: number } {
  return {
    statementTimeoutMs: Number(env.MEMORY_STATEMENT_TIMEOUT_MS ?? 8000),
    embedTimeoutMs: Number(env.EMBEDDINGS_TIMEOUT_MS ?? 3000),
  };
}

/** The handlers' dependencies around a database and a verifier the caller chose (npm start has its own). */
export function depsWith(env: Env, db: RequestDatabase, verify: HandlerDeps["verify"]): HandlerDeps {
  return { db, verify, embedder: embedderFromEnv(env), embedTimeoutMs: timeoutsFromEnv(env).embedTimeoutMs };
}

/** As a Supabase edge function gets them: SUPABASE_DB_URL, the project's JWT settings, the embedding provider. */
export function depsFromEnv(env: Env): HandlerDeps {
  const url = databaseUrlFromEnv(env);
  if (!url) throw new Error("no database: set SUPABASE_DB_URL (given to Supabase edge functions) or DATABASE_URL");
  const { statementTimeoutMs } = timeoutsFromEnv(env);
  const sql = connect(url, { max: Number(env.MEMORY_DB_POOL_SIZE ?? 5), statementTimeoutMs, applicationName: "memory-edge-function" });
  return depsWith(env, postgresRequestDatabase(sql, { deadlineMs: statementTimeoutMs }), createVerifier(authConfigFromEnv(env)));
}
