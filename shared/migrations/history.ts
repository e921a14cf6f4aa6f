// The Supabase CLI's own record of applied migrations, created and written exactly as the CLI does,
// so `supabase migration list` and this project's manager see the same history.
import type { SqlExecutor } from "../db/executor.ts";

/** One key for every run of the manager on a database, so two runs cannot interleave. */
export const MIGRATION_LOCK_KEY = 7_246_001_517;

export interface AppliedMigration {
  version: string;
  name: string | null;
  statements: string[] | null;
}

export async function ensureHistoryTable(db: SqlExecutor): Promise<void> {
  await db.exec(`
    create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations (version text not null primary key);
    alter table supabase_migrations.schema_migrations add column if not exists statements text[];
    alter table supabase_migrations.schema_migrations add column if not exists name text;
  `);
}

export async function readApplied(db: SqlExecutor): Promise<AppliedMigration[]> {
  const exists = await db.query<{ ok: boolean }>(
    `select to_regclass('supabase_migrations.schema_migrations') is not null as ok`,
  );
  if (!exists[0]?.ok) return [];
  return db.query<AppliedMigration>(
    `select version, name, statements from supabase_migrations.schema_migrations order by version`,
  );
}

export async function recordApplied(db: SqlExecutor, version: string, name: string, statements: string[]) {
  await db.query(
    `insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)`,
    [version, name, statements],
  );
}

export async function lockHistory(db: SqlExecutor): Promise<void> {
  await db.query(`select pg_advisory_xact_lock($1)`, [MIGRATION_LOCK_KEY]);
}
