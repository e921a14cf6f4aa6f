// Either tool sees what the other applied: the pinned Supabase CLI and this project's manager.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrateUp, readMigrations, status, verify, type MigrationFile } from "../shared/migrations/manager.ts";
import type { TestDatabase } from "./support/database.ts";
import { MIGRATIONS_DIR } from "../scripts/db/local-stack.ts";
import { createEmptyDatabase } from "./support/migrations.ts";
import { parseMigrationList, supabase } from "./support/supabase-cli.ts";

let database: TestDatabase;
let files: MigrationFile[];
beforeEach(async () => {
  database = await createEmptyDatabase();
  files = await readMigrations(MIGRATIONS_DIR);
});
afterEach(async () => database?.drop());

describe("interop with the Supabase CLI", () => {
  it("after `supabase db push`, status shows everything applied with no drift and up has nothing to do", async () => {
    await supabase(["db", "push", "--db-url", `${database.url}?sslmode=disable`, "--yes"]);
    const report = await status(database.db, files);
    expect(report.migrations.map((m) => [m.version, m.state])).toEqual(files.map((f) => [f.version, "applied"]));
    expect(report.drift).toEqual([]);
    expect((await verify(database.db, files)).ok).toBe(true);
    expect(await migrateUp(database.db, files)).toEqual([]);
  });

  it("after this manager's up, `supabase migration list` shows both sides and `supabase db push` has nothing to do", async () => {
    await migrateUp(database.db, files);
    const list = await supabase(["migration", "list", "--db-url", `${database.url}?sslmode=disable`]);
    expect(parseMigrationList(list)).toEqual(files.map((f) => ({ local: f.version, remote: f.version })));
    const push = await supabase(["db", "push", "--db-url", `${database.url}?sslmode=disable`, "--yes"]);
    expect(push).toMatch(/database is up to date/i);
    const [{ n }] = await database.sql`select count(*)::int as n from supabase_migrations.schema_migrations`;
    expect(n).toBe(files.length);
  });
});
