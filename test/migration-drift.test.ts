// Drift: the database and the migration files disagree. status and verify report it; up refuses.
import { appendFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrateUp, MigrationRefused, readMigrations, status, verify } from "../shared/migrations/manager.ts";
import type { TestDatabase } from "./support/database.ts";
import { copyMigrations, createEmptyDatabase, type ProjectCopy } from "./support/migrations.ts";
import { supabase } from "./support/supabase-cli.ts";

let database: TestDatabase;
let folder: ProjectCopy;
beforeEach(async () => {
  database = await createEmptyDatabase();
  folder = await copyMigrations();
});
afterEach(async () => {
  await database?.drop();
  await folder?.cleanup();
});

async function lastFile() {
  const files = await readMigrations(folder.dir);
  return files[files.length - 1];
}

describe("drift", () => {
  it("an applied file edited afterwards is reported by status and verify, and up refuses", async () => {
    await migrateUp(database.db, await readMigrations(folder.dir));
    const last = await lastFile();
    await appendFile(last.path, "\ncomment on table public.user_memories is 'edited after it was applied';\n");
    await writeFile(join(folder.dir, "29990101000000_later.sql"), "create table public.later (id int);\n");
    await writeFile(join(folder.dir, "down", "29990101000000_later.sql"), "drop table public.later;\n");
    const files = await readMigrations(folder.dir);

    const report = await status(database.db, files);
    expect(report.drift.map((d) => [d.version, d.drift])).toEqual([[last.version, "changed"]]);
    expect(report.drift[0].detail).toMatch(/changed after it was applied \(checksum differ/);
    const result = await verify(database.db, files);
    expect(result.ok).toBe(false);
    expect(result.drift.map((d) => d.version)).toEqual([last.version]);

    const refusal = await migrateUp(database.db, files).catch((e) => e);
    expect(refusal).toBeInstanceOf(MigrationRefused);
    expect(refusal.reason).toBe("drift");
    expect(refusal.message).toMatch(/write a new migration/);
    const [{ later }] = await database.sql`select to_regclass('public.later') is not null as later`;
    expect(later).toBe(false);
  });

  it("a file applied by the Supabase CLI and edited afterwards is found through the recorded statements", async () => {
    await supabase(["db", "push", "--db-url", `${database.url}?sslmode=disable`, "--yes", "--workdir", folder.workdir]);
    let files = await readMigrations(folder.dir);
    const pushed = await status(database.db, files);
    expect(pushed.migrations.map((m) => [m.state, m.appliedBy])).toEqual(files.map(() => ["applied", "other"]));
    expect(pushed.drift).toEqual([]);
    const last = files[files.length - 1];
    await writeFile(last.path, `${last.sql}\nselect 'a statement added after the push';\n`);
    files = await readMigrations(folder.dir);
    const report = await status(database.db, files);
    expect(report.drift.map((d) => [d.version, d.drift, d.appliedBy])).toEqual([[last.version, "changed", "other"]]);
    expect(report.drift[0].detail).toMatch(/recorded statements differ/);
  });

  it("an applied version with no file is reported", async () => {
    await migrateUp(database.db, await readMigrations(folder.dir));
    const last = await lastFile();
    await rm(last.path);
    const result = await verify(database.db, await readMigrations(folder.dir));
    expect(result.ok).toBe(false);
    expect(result.drift.map((d) => [d.version, d.drift])).toEqual([[last.version, "missing_file"]]);
  });

  it("a pending file older than the newest applied one is reported, and applied only with includeAll", async () => {
    await migrateUp(database.db, await readMigrations(folder.dir));
    await writeFile(join(folder.dir, "20200101000000_forgotten.sql"), "create table public.forgotten (id int);\n");
    await writeFile(join(folder.dir, "down", "20200101000000_forgotten.sql"), "drop table public.forgotten;\n");
    const files = await readMigrations(folder.dir);
    const report = await status(database.db, files);
    expect(report.drift.map((d) => [d.version, d.state, d.drift])).toEqual([["20200101000000", "pending", "out_of_order"]]);
    const refusal = await migrateUp(database.db, files).catch((e) => e);
    expect(refusal.reason).toBe("out_of_order");
    expect(refusal.message).toMatch(/--include-all/);
    const ran = await migrateUp(database.db, files, { includeAll: true });
    expect(ran.map((m) => m.version)).toEqual(["20200101000000"]);
  });

  it("a pending migration without a rollback script is listed by status and refused by up", async () => {
    await writeFile(join(folder.dir, "29990101000000_no_way_back.sql"), "create table public.no_way_back (id int);\n");
    const files = await readMigrations(folder.dir);
    expect((await status(database.db, files)).missingRollbacks).toEqual(["29990101000000_no_way_back.sql"]);
    const refusal = await migrateUp(database.db, files).catch((e) => e);
    expect(refusal.reason).toBe("missing_rollback");
    expect(refusal.message).toMatch(/down\/<same file name>/);
    const [{ n }] = await database.sql`select count(*)::int as n from supabase_migrations.schema_migrations`.catch(() => [{ n: 0 }]);
    expect(n).toBe(0);
  });
});
