// The database as a request sees it: every call in one transaction as the caller (role + request.jwt.claims),
// over a postgres.js pool (Supabase, local PostgreSQL) or an embedded PGlite (npm start).
import type { Sql } from "postgres";
import { postgresExecutor, pgliteExecutor, type PgliteLike, type SqlExecutor } from "./executor.ts";
import { withClaims, type RequestClaims } from "./as-user.ts";

export interface RequestDatabase {
  asCaller<T>(claims: RequestClaims, fn: (db: SqlExecutor) => Promise<T>): Promise<T>;
}

export function postgresRequestDatabase(sql: Sql): RequestDatabase {
  return { asCaller: (claims, fn) => withClaims(sql, claims, (tx) => fn(postgresExecutor(tx))) };
}

export function pgliteRequestDatabase(pg: PgliteLike & { transaction<T>(fn: (tx: PgliteLike) => Promise<T>): Promise<T> }): RequestDatabase {
  return {
    asCaller: (claims, fn) =>
      pg.transaction(async (tx) => {
        await tx.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claims)]);
        await tx.exec(`set local role ${claims.role === "service_role" ? "service_role" : "authenticated"}`);
        return fn(pgliteExecutor(tx));
      }),
  };
}
