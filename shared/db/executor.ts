// The database port: the few operations the core needs, over postgres.js (servers) or PGlite (embedded).
import type { Sql, TransactionSql } from "postgres";

export interface SqlExecutor {
  /** Runs one or more statements with the simple protocol; returns nothing. */
  exec(text: string): Promise<void>;
  /** Runs one statement with positional parameters ($1, $2 ...). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs fn in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

/** Minimal shape of a PGlite instance (or its transaction), so this file needs no PGlite import. */
export interface PgliteLike {
  exec(text: string): Promise<unknown>;
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  transaction?<T>(fn: (tx: PgliteLike) => Promise<T>): Promise<T>;
}

export function postgresExecutor(sql: Sql | TransactionSql): SqlExecutor {
  return {
    async exec(text) {
      await sql.unsafe(text).simple();
    },
    async query<T>(text: string, params: unknown[] = []) {
      return (await sql.unsafe(text, params as never[])) as unknown as T[];
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>) {
      if (!("begin" in sql)) throw new Error("nested transactions are not supported");
      return (await (sql as Sql).begin((tx) => fn(postgresExecutor(tx)))) as T;
    },
  };
}

export function pgliteExecutor(db: PgliteLike): SqlExecutor {
  return {
    async exec(text) {
      await db.exec(text);
    },
    async query<T>(text: string, params: unknown[] = []) {
      return (await db.query<T>(text, params)).rows;
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>) {
      if (!db.transaction) throw new Error("nested transactions are not supported");
      return db.transaction((tx) => fn(pgliteExecutor(tx)));
    },
  };
}
