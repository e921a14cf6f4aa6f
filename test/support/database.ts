// A fresh database per test file, cloned from the migrated template: isolated suites, no cleanup order.
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { postgresExecutor, type SqlExecutor } from "../../shared/db/executor.ts";
import { adminSql, recreateDatabase, TEMPLATE_DB, urlFor } from "../../scripts/db/local-stack.ts";

export interface TestDatabase {
  name: string;
  url: string;
  /** A superuser pool on the database (like the `postgres` role on Supabase, but superuser). */
  sql: postgres.Sql;
  db: SqlExecutor;
  drop(): Promise<void>;
}

export async function createTestDatabase(options: { template?: string | null; max?: number } = {}): Promise<TestDatabase> {
  const name = `test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const template = options.template === undefined ? TEMPLATE_DB : options.template ?? undefined;
  await recreateDatabase(name, template);
  const url = urlFor(name);
  const sql = postgres(url, { max: options.max ?? 10, onnotice: () => {} });
  return {
    name,
    url,
    sql,
    db: postgresExecutor(sql),
    async drop() {
      await sql.end({ timeout: 5 });
      const admin = adminSql();
      try {
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}
