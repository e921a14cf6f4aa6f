// The database as a request sees it: every call in one transaction as the caller (role + request.jwt.claims),
// over a postgres.js pool (Supabase, local PostgreSQL) or an embedded PGlite (npm start).
import type { Sql } from "postgres";
import { postgresExecutor, pgliteExecutor, type PgliteLike, type SqlExecutor } from "./executor.ts";
import { withClaims, type RequestClaims } from "./as-user.ts";

export interface RequestDatabase {
  asCaller<T>(claims: RequestClaims, fn: (db: SqlExecutor) => Promise<T>): Promise<T>;
}

/** A request's database work did not finish within its deadline (a lost connection, a server gone quiet). */
export class DeadlineExceeded extends Error {
  readonly code = "DEADLINE_EXCEEDED";
  constructor(ms: number) {
    super(`no answer from the database within ${ms} ms`);
    this.name = "DeadlineExceeded";
  }
}

/** Settles within ms whatever the work does: a request never waits on the database longer than its deadline. */
export function withDeadline<T>(work: Promise<T>, ms: number | undefined): Promise<T> {
  if (!ms) return work;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(ms)), ms);
  });
  // Past the deadline nobody waits for the work: its failure must not surface as an unhandled rejection.
  work.catch(() => {});
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** deadlineMs: the most a request may wait on the database (the pool's statement timeout is the natural value). */
export function postgresRequestDatabase(sql: Sql, options: { deadlineMs?: number } = {}): RequestDatabase {
  return {
    asCaller: (claims, fn) => withDeadline(withClaims(sql, claims, (tx) => fn(postgresExecutor(tx))), options.deadlineMs),
  };
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
