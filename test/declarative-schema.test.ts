// supabase/schemas/ (the current definition of every object, by capability) and supabase/migrations/ (what
// `supabase db push` deploys) describe the same database: one database is built from each, and their catalogs
// must be identical (pg_dump -s, grants and comments included) and migra must find nothing to migrate.
import { readdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminSql, PG_BIN, run, TEMPLATE_DB, urlFor } from "../scripts/db/local-stack.ts";
import { buildFromSchemas, migraDiff, SCHEMAS_DIR } from "../scripts/db/schemas.ts";

const FROM_SCHEMAS = `schemas_${process.pid}`;

/** The schema of the memory system as pg_dump writes it, without the per-run \restrict key. */
async function catalog(database: string): Promise<string> {
  const { stdout } = await run(`${PG_BIN}/pg_dump`, ["--schema-only", "--schema=public", "--schema=private", "--no-owner", urlFor(database)],
    { maxBuffer: 64 * 1024 * 1024 });
  return stdout.split("\n").filter((line) => !/^\\(un)?restrict /.test(line)).join("\n");
}

beforeAll(async () => buildFromSchemas(FROM_SCHEMAS), 60_000);
afterAll(async () => {
  const sql = adminSql();
  try { await sql.unsafe(`drop database if exists "${FROM_SCHEMAS}" with (force)`); } finally { await sql.end(); }
});

describe("declarative schema", () => {
  it("has one file per capability, each applied in order", async () => {
    const files = (await readdir(SCHEMAS_DIR)).filter((f) => f.endsWith(".sql")).sort();
    expect(files).toEqual(["00_schemas.sql", "10_text_rules.sql", "15_word_forms.sql", "16_ordinary_words.sql", "20_tables.sql", "30_store.sql", "40_search.sql",
      "50_hygiene.sql", "60_maintenance.sql", "70_access.sql", "80_portability.sql"]);
  });

  it("makes the same catalog as the migrations: every table, function, policy, grant and comment", async () => {
    const [migrated, declared] = await Promise.all([catalog(TEMPLATE_DB), catalog(FROM_SCHEMAS)]);
    expect(declared.length).toBeGreaterThan(100_000);
    expect(declared).toBe(migrated);
  });

  it("leaves migra nothing to migrate between the two", async () => {
    expect(await migraDiff(TEMPLATE_DB, FROM_SCHEMAS)).toBe("");
  }, 60_000);
});
