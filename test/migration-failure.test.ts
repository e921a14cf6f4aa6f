// A migration that fails halfway leaves no trace; concurrent runs apply each migration once.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import postgres from "postgres";
import { postgresExecutor } from "../shared/db/executor.ts";
import { migrateUp, MigrationError, readMigrations } from "../shared/migrations/manager.ts";
import type { TestDatabase } from "./support/database.ts";
import { copyMigrations, createEmptyDatabase, type ProjectCopy } from "./support/migrations.ts";

describe("a migration that fails halfway", () => {
  let database: TestDatabase;
  let folder: ProjectCopy;
  beforeAll(async () => {
    database = await createEmptyDatabase();
    folder = await copyMigrations();
    await writeFile(join(folder.dir, "29990101000000_broken.sql"),
      "create table public.half_done (id int);\ninsert into public.half_done values (1);\nselect 1 / 0;\ncreate table public.never (id int);\n");
    await writeFile(join(folder.dir, "down", "29990101000000_broken.sql"), "drop table public.half_done;\n");
  });
  afterAll(async () => {
    await database?.drop();
    await folder?.cleanup();
  });

  it("names the file and the statement, and leaves no partial schema and no history row", async () => {
    const files = await readMigrations(folder.dir);
    const error = await migrateUp(database.db, files).catch((e) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.file).toBe("29990101000000_broken.sql");
    expect(error.message).toMatch(/29990101000000_broken\.sql: statement 3 of 4 failed: division by zero\nselect 1 \/ 0/);
    const [state] = await database.sql`
      select to_regclass('public.half_done') is null as no_table,
             (select count(*)::int from supabase_migrations.schema_migrations where version = '29990101000000') as history,
             (select count(*)::int from supabase_migrations.memory_migration_audit where version = '29990101000000') as audit,
             (select count(*)::int from supabase_migrations.schema_migrations) as applied`;
    expect(state).toEqual({ no_table: true, history: 0, audit: 0, applied: files.length - 1 });
  });
});

describe("concurrent up runs", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createEmptyDatabase();
  });
  afterAll(async () => database?.drop());

  it("apply each migration exactly once", async () => {
    const files = await readMigrations(join(import.meta.dirname, "../supabase/migrations"));
    const pools = Array.from({ length: 3 }, () => postgres(database.url, { max: 1, onnotice: () => {} }));
    try {
      const runs = await Promise.all(pools.map((pool) => migrateUp(postgresExecutor(pool), files)));
      expect(runs.flat().map((m) => m.version).sort()).toEqual(files.map((m) => m.version));
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
    const audit = await database.sql`
      select version, count(*)::int as ups from supabase_migrations.memory_migration_audit
       where direction = 'up' group by version order by version`;
    expect(audit).toEqual(files.map((f) => ({ version: f.version, ups: 1 })));
    const history = await database.sql`select version from supabase_migrations.schema_migrations order by version`;
    expect(history.map((r) => r.version)).toEqual(files.map((f) => f.version));
  });
});
