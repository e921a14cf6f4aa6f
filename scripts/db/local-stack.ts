// The project-local PostgreSQL cluster the tests run on (scripts/db/ctl.sh), and the migrated template
// every test database is cloned from.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { postgresExecutor } from "../../shared/db/executor.ts";
import { MIGRATIONS_DIR, readMigrations } from "../../shared/migrations/files.ts";
import { migrateUp } from "../../shared/migrations/apply.ts";

export const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export { MIGRATIONS_DIR };
export const PORT = Number(process.env.MEMORY_DB_PORT ?? 54322);
export const TEMPLATE_DB = "memory_test_template";
/** The pgTAP helpers, where `supabase test db` finds them (the first file of supabase/tests). */
export const TEST_HELPERS = `${ROOT}supabase/tests/000-setup-tests-hooks.sql`;
/** The PostgreSQL 15 programs provision.sh installs (pg_dump, pg_restore, pg_ctl). */
export const PG_BIN = "/usr/lib/postgresql/15/bin";

export function urlFor(database: string): string {
  return `postgresql://postgres:postgres@127.0.0.1:${PORT}/${database}`;
}

export function adminSql(database = "postgres") {
  return postgres(urlFor(database), { max: 1, onnotice: () => {} });
}

export async function startStack(): Promise<void> {
  await run("bash", [`${ROOT}scripts/db/ctl.sh`, "start"], {
    cwd: ROOT, maxBuffer: 16 << 20, env: { ...process.env, MEMORY_DB_SKIP_MIGRATE: "1" },
  });
}

/**
 * Supabase's built-ins, plus the pgTAP helpers when the database is for tests. The bootstrap also creates and
 * grants roles, which the whole cluster shares: two at once fail with "tuple concurrently updated", so one runs at
 * a time (an advisory lock in the postgres database, as advisory locks belong to one database).
 */
export async function bootstrap(database: string, { testHelpers = true } = {}): Promise<void> {
  const gate = adminSql("postgres");
  const sql = adminSql(database);
  try {
    await gate`select pg_advisory_lock(hashtext('memory: bootstrap'))`;
    await sql.unsafe(await readFile(`${ROOT}scripts/db/bootstrap.sql`, "utf8")).simple();
    if (testHelpers) await sql.unsafe(await readFile(TEST_HELPERS, "utf8")).simple();
  } finally {
    await sql.end();
    await gate.end(); // the lock goes with the session
  }
}

export async function recreateDatabase(name: string, template?: string): Promise<void> {
  const sql = adminSql();
  try {
    await sql.unsafe(`drop database if exists "${name}" with (force)`);
    await sql.unsafe(`create database "${name}"${template ? ` template "${template}"` : ""}`);
  } finally {
    await sql.end();
  }
}

/** A new database with Supabase's built-ins (and the pgTAP helpers) and every migration applied. */
export async function buildFromMigrations(name: string): Promise<void> {
  await recreateDatabase(name);
  await bootstrap(name);
  const sql = adminSql(name);
  try {
    await migrateUp(postgresExecutor(sql), await readMigrations(MIGRATIONS_DIR));
  } finally {
    await sql.end();
  }
}

export function buildTemplate(): Promise<void> {
  return buildFromMigrations(TEMPLATE_DB);
}
