// `memory migrate` as an operator runs it: the package's bin, real database, exit codes and --json.
import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMigrations, type MigrationFile } from "../shared/migrations/manager.ts";
import type { TestDatabase } from "./support/database.ts";
import { MIGRATIONS_DIR, ROOT } from "../scripts/db/local-stack.ts";
import { createEmptyDatabase } from "./support/migrations.ts";

interface Run { code: number; stdout: string; stderr: string }

function memory(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile("node", [`${ROOT}bin/memory.js`, ...args], { env: { ...process.env, DATABASE_URL: "", SUPABASE_DB_URL: "", ...env } },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }));
  });
}

let database: TestDatabase;
let files: MigrationFile[];
beforeAll(async () => {
  database = await createEmptyDatabase();
  files = await readMigrations(MIGRATIONS_DIR);
});
afterAll(async () => database?.drop());

describe("memory migrate", () => {
  it("--help prints the usage and exits 0; bad usage exits 2", async () => {
    const help = await memory(["migrate", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/status\|up\|down\|verify/);
    expect((await memory(["migrate", "sideways"])).code).toBe(2);
    expect((await memory(["migrate", "status"])).stderr).toMatch(/no database; pass --db-url/);
    const badCount = await memory(["migrate", "down", "--count", "0", "--db-url", database.url]);
    expect([badCount.code, badCount.stderr]).toEqual([2, expect.stringMatching(/--count must be a whole number/)]);
  });

  it("status --json lists every migration pending before up, and up --dry-run applies nothing", async () => {
    const before = await memory(["migrate", "status", "--json", "--db-url", database.url]);
    expect(before.code).toBe(0);
    expect(JSON.parse(before.stdout).migrations.map((m: { state: string }) => m.state)).toEqual(files.map(() => "pending"));
    const dry = await memory(["migrate", "up", "--dry-run", "--json", "--db-url", database.url]);
    expect(JSON.parse(dry.stdout)).toEqual({ dryRun: true, applied: files.map((f) => f.fileName) });
    const [{ exists }] = await database.sql`select to_regclass('public.user_memories') is not null as exists`;
    expect(exists).toBe(false);
  });

  it("up applies everything (DATABASE_URL from the environment) and verify exits 0", async () => {
    const up = await memory(["migrate", "up"], { DATABASE_URL: database.url });
    expect(up.code).toBe(0);
    expect(up.stdout.trim().split("\n")).toEqual(files.map((f) => `applied ${f.fileName}`));
    const ok = await memory(["migrate", "verify", "--db-url", database.url]);
    expect([ok.code, ok.stdout.trim()]).toEqual([0, `ok: ${files.length} applied migrations match their files`]);
  });

  it("down refuses to destroy rows without --yes (exit 1, JSON reason), then rolls back with it", async () => {
    const [user] = await database.sql`insert into auth.users (id) values (gen_random_uuid()) returning id`;
    await database.sql`insert into public.user_memories (user_id, fact, memory_type) values (${user.id}, 'likes tea', 'preference')`;
    const refused = await memory(["migrate", "down", "--to", files[0].version, "--json", "--db-url", database.url]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).error.reason).toBe("data_loss");
    expect(refused.stderr).toMatch(/would destroy data[\s\S]*public\.user_memories \(has rows\)[\s\S]*--yes/);
    const done = await memory(["migrate", "down", "--to", files[0].version, "--yes", "--db-url", database.url]);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/^rolled back /);
    expect(done.stdout).toMatch(/destroys public\.user_memories \(has rows\)/);
    const [{ exists }] = await database.sql`select to_regclass('public.user_memories') is not null as exists`;
    expect(exists).toBe(false);
  });

  it("verify exits 1 when an applied version has no file", async () => {
    await database.sql`insert into supabase_migrations.schema_migrations (version, name, statements) values ('29990101000000', 'ghost', '{}')`;
    const drift = await memory(["migrate", "verify", "--db-url", database.url]);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toMatch(/29990101000000 missing_file/);
  });
});
