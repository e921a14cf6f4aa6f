// supabase/schemas/ is the current definition of every object; `npm run db:diff` writes the migration that takes
// the database the migrations make to the one the schemas make (migra), to be saved as a new migration with its
// rollback. test/declarative-schema.test.ts keeps the two identical.
import { readdir, readFile } from "node:fs/promises";
import { adminSql, bootstrap, buildFromMigrations, recreateDatabase, ROOT, run, startStack, urlFor } from "./local-stack.ts";

export const SCHEMAS_DIR = `${ROOT}supabase/schemas`;

/** The database the schema files make, on the same Supabase bootstrap the migrations start from. */
export async function buildFromSchemas(name: string): Promise<void> {
  await recreateDatabase(name);
  await bootstrap(name);
  const sql = adminSql(name);
  try {
    for (const file of (await readdir(SCHEMAS_DIR)).filter((f) => f.endsWith(".sql")).sort()) {
      await sql.unsafe(await readFile(`${SCHEMAS_DIR}/${file}`, "utf8")).simple();
    }
  } finally {
    await sql.end();
  }
}

/** What migra says takes `from` to `to` (privileges included; the migration history schema left out). */
export async function migraDiff(from: string, to: string): Promise<string> {
  const { stdout } = await run(`${ROOT}node_modules/.bin/migra`, ["run", urlFor(from), urlFor(to), "--unsafe", "--with-privileges",
    "--exclude-schema", "supabase_migrations"], { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

async function main() {
  await startStack();
  const [migrated, declared] = ["memory_diff_migrations", "memory_diff_schemas"];
  // One after the other: the bootstrap also touches roles, which are shared by the whole cluster.
  await buildFromMigrations(migrated);
  await buildFromSchemas(declared);
  const diff = await migraDiff(migrated, declared).finally(async () => {
    const sql = adminSql();
    try {
      for (const name of [migrated, declared]) await sql.unsafe(`drop database if exists "${name}" with (force)`);
    } finally {
      await sql.end();
    }
  });
  if (!diff) {
    console.error("db:diff: the schemas and the migrations describe the same database; nothing to migrate");
    return;
  }
  console.log(diff);
  console.error("\ndb:diff: save this as supabase/migrations/<timestamp>_<name>.sql, write its rollback in " +
    "supabase/migrations/down/, then npm test. migra does not compare comments: add a changed comment by hand.");
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
