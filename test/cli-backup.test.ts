// `memory backup` as an operator runs it: create, list, verify (and a damaged one), restore one user, prune.
import { execFile } from "node:child_process";
import { mkdtemp, rm, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../scripts/db/local-stack.ts";
import { TABLES } from "../shared/backup/index.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

let database: TestDatabase;
let dir: string;
let user: string;

function memory(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("node", [`${ROOT}bin/memory.js`, "backup", ...args, "--dir", dir, "--db-url", database.url, "--json"],
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), "cli-backups-"));
  [{ id: user }] = await database.sql`insert into auth.users (id) values (gen_random_uuid()) returning id`;
  await database.sql`select * from public.store_memory('Grows tomatoes on the balcony', user_id => ${user})`;
});
afterAll(async () => {
  await database?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe("memory backup", () => {
  let id: string;
  it("creates, lists and verifies", async () => {
    const created = await memory(["create", "--kind", "daily"]);
    expect(created.code).toBe(0);
    id = JSON.parse(created.stdout).id;
    expect(id).toMatch(/^daily-\d{8}T\d{9}Z$/);
    expect(JSON.parse((await memory(["list"])).stdout)).toEqual([expect.objectContaining({ id, kind: "daily", rows: 1 })]);
    expect(JSON.parse((await memory(["verify", id])).stdout).ok).toBe(true);
  });

  it("restores one user after a change", async () => {
    await database.sql`select * from public.forget_memory((select id from public.user_memories limit 1), user_id => ${user})`;
    const restored = await memory(["restore", id, "--user", user]);
    expect(restored.code).toBe(0);
    expect(JSON.parse(restored.stdout).restored.user_memories).toBe(1);
    const [{ active }] = await database.sql`select is_active as active from public.user_memories`;
    expect(active).toBe(true);
    // The safety backup sits with the others (newest first), and says what it is.
    const safety = JSON.parse(restored.stdout).safetyBackupId;
    expect(JSON.parse((await memory(["list"])).stdout)).toEqual([
      // Of that user alone: what the restore replaced.
      expect.objectContaining({ id: safety, kind: "safety", label: `before restoring ${id} (users ${user})`, rows: 1,
        scope: { users: [user], tables: TABLES.filter((t) => t.perUser).map((t) => t.name) } }),
      expect.objectContaining({ id, kind: "daily" }),
    ]);
    expect(safety).toMatch(/^safety-\d{8}T\d{9}Z$/);
  });

  it("reports a damaged backup with exit 1, and refuses to restore it", async () => {
    await truncate(join(dir, id, "user_memories.ndjson.gz"), 10);
    const verified = await memory(["verify", id]);
    expect(verified.code).toBe(1);
    expect(JSON.parse(verified.stdout).problems[0]).toMatchObject({ file: "user_memories.ndjson.gz" });
    const restored = await memory(["restore", id]);
    expect([restored.code, JSON.parse(restored.stdout).error.reason]).toEqual([1, "invalid_backup"]);
  });

  it("lists backups as a table with kind, date, size and users, and names an unknown id as such", async () => {
    const listed = await new Promise<string>((resolve) => execFile("node", [`${ROOT}bin/memory.js`, "backup", "list", "--dir", dir],
      (_, stdout) => resolve(stdout)));
    const lines = listed.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^id\s+kind\s+created\s+memories\s+users\s+size\s+label$/);
    expect(lines.find((l) => l.startsWith(id))).toMatch(/daily\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+1\s+1\s+[\d.]+ (B|KiB)/);
    expect(lines.at(-1)).toBe(`${JSON.parse((await memory(["list"])).stdout).length} backups`);
    for (const sub of ["verify", "restore"]) {
      const r = await memory([sub, "daily-20000101T000000000Z"]);
      expect([r.code, r.stderr.trim()]).toEqual([1, expect.stringMatching(/no backup daily-20000101T000000000Z in .*memory backup list/)]);
    }
  });

  it("refuses bad usage with exit 2", async () => {
    expect((await memory(["restore"])).code).toBe(2);
    expect((await memory(["create", "--kind", "hourly"])).code).toBe(2);
    expect((await memory(["restore", "x", "--table", "users"])).code).toBe(2);
  });

  it("prunes nothing that retention keeps", async () => {
    expect(JSON.parse((await memory(["prune"])).stdout)).toEqual({ dryRun: false, removed: [] });
  });
});
