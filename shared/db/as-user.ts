// Runs SQL the way PostgREST does for a request: one transaction, `set local role`, and the verified JWT's
// claims in request.jwt.claims, so auth.uid() and row-level security apply to everything inside.
import type { Sql, TransactionSql } from "postgres";

export type ApiRole = "authenticated" | "service_role" | "anon";

export interface RequestClaims {
  role: ApiRole;
  sub?: string;
  [claim: string]: unknown;
}

export async function withClaims<T>(sql: Sql, claims: RequestClaims, fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
  if (!["authenticated", "service_role", "anon"].includes(claims.role)) {
    throw new Error(`refusing to assume role ${String(claims.role)}`);
  }
  return (await sql.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
    await tx.unsafe(`set local role ${claims.role}`);
    return fn(tx);
  })) as T;
}
