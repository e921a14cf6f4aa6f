// Handler dependencies from the environment, the way a Supabase edge function gets them.
import { authConfigFromEnv, createVerifier } from "../auth/jwt.ts";
import { connect, databaseUrlFromEnv } from "../db/connect.ts";
import { postgresRequestDatabase } from "../db/request-db.ts";
import { embedderFromEnv } from "../embeddings/from-env.ts";
import type { HandlerDeps } from "./context.ts";

export function depsFromEnv(env: Record<string, string | undefined>): HandlerDeps {
  const url = databaseUrlFromEnv(env);
  if (!url) throw new Error("no database: set SUPABASE_DB_URL (given to Supabase edge functions) or DATABASE_URL");
  const statementTimeoutMs = Number(env.MEMORY_STATEMENT_TIMEOUT_MS ?? 8000);
  const sql = connect(url, { max: Number(env.MEMORY_DB_POOL_SIZE ?? 5), statementTimeoutMs, applicationName: "memory-edge-function" });
  return {
    db: postgresRequestDatabase(sql, { deadlineMs: statementTimeoutMs }),
    verify: createVerifier(authConfigFromEnv(env)),
    embedder: embedderFromEnv(env),
    embedTimeoutMs: Number(env.EMBEDDINGS_TIMEOUT_MS ?? 3000),
  };
}
