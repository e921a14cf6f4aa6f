// Fixtures for migration tests: empty bootstrapped databases, schema dumps, copies of the migrations folder.
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "./database.ts";
import { bootstrap, MIGRATIONS_DIR, PG_BIN, run } from "../../scripts/db/local-stack.ts";

/** A database with Supabase's built-ins and no migration applied. */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase({ template: null });
  await bootstrap(database.name, { testHelpers: false });
  return database;
}

/** The rows migrations seed (settings, maintenance jobs), without their updated_at stamps. */
async function seedData(database: TestDatabase): Promise<string> {
  const out: unknown[] = [];
  for (const [table, columns, key] of [
    ["memory_settings", "id, duplicate_threshold, default_quota", "id"],
    ["maintenance_jobs", "job_name, schedule, command, enabled", "job_name"],
  ]) {
    const [{ exists }] = await database.sql`select to_regclass(${`public.${table}`}) is not null as exists`;
    if (exists) out.push(table, await database.sql.unsafe(`select ${columns} from public.${table} order by ${key}`));
  }
  return JSON.stringify(out);
}

/** The schema as pg_dump prints it, without the migration history (which is what changes), and seeded rows. */
export async function schemaDump(database: TestDatabase): Promise<string> {
  return `${await pgDumpSchema(database)}\n-- seeded rows\n${await seedData(database)}`;
}

async function pgDumpSchema(database: TestDatabase): Promise<string> {
  const { stdout } = await run(
    `${PG_BIN}/pg_dump`,
    ["--schema-only", "--no-owner", "--exclude-schema=supabase_migrations", database.url],
    { maxBuffer: 64 << 20 },
  );
  // Recent pg_dump releases fence the dump with a random \restrict key; it is not schema.
  return stdout.replace(/^\\(un)?restrict .*$/gm, "");
}

export interface ProjectCopy {
  /** A Supabase project folder (the CLI's --workdir). */
  workdir: string;
  /** Its supabase/migrations. */
  dir: string;
  cleanup(): Promise<void>;
}

/** A private copy of the project's supabase folder (config and migrations) to edit. */
export async function copyMigrations(): Promise<ProjectCopy> {
  const workdir = await mkdtemp(join(tmpdir(), "migrations-"));
  const dir = join(workdir, "supabase", "migrations");
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  await cp(join(MIGRATIONS_DIR, "..", "config.toml"), join(workdir, "supabase", "config.toml"));
  return { workdir, dir, cleanup: () => rm(workdir, { recursive: true, force: true }) };
}
