// Runs every pgTAP file in supabase/tests (the `supabase test db` convention) against the real local
// PostgreSQL, each in its own database cloned from the migrated template, and fails on any `not ok`,
// a plan that does not match the tests run, or an SQL error.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./support/database.ts";
import { bootstrap, MIGRATIONS_DIR, ROOT, run } from "../scripts/db/local-stack.ts";
import { migrateUp, readMigrations } from "../shared/migrations/manager.ts";

const TESTS_DIR = `${ROOT}supabase/tests`;
const files = readdirSync(TESTS_DIR).filter((f) => f.endsWith(".sql")).sort();

interface TapResult {
  planned: number | null;
  passed: number;
  failed: string[];
}

function parseTap(output: string): TapResult {
  let planned: number | null = null;
  let passed = 0;
  const failed: string[] = [];
  for (const line of output.split("\n")) {
    const plan = /^1\.\.(\d+)/.exec(line);
    if (plan) planned = Number(plan[1]);
    else if (/^ok \d+/.test(line)) passed++;
    else if (/^not ok \d+/.test(line)) failed.push(line);
  }
  return { planned, passed, failed };
}

describe("pgTAP", () => {
  it("finds pgTAP files", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.concurrent.each(files)("%s", async (file) => {
    const database = await createTestDatabase({ max: 1 });
    try {
      const { stdout } = await run(
        "psql",
        ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", database.url, "-f", `${TESTS_DIR}/${file}`],
        { maxBuffer: 16 << 20, env: { ...process.env, PGOPTIONS: "-c client_min_messages=warning" } },
      ).catch((error: { stdout?: string; stderr?: string }) => {
        throw new Error(`${file} stopped with an SQL error:\n${error.stderr}\n--- output so far ---\n${error.stdout}`);
      });
      const tap = parseTap(stdout);
      expect(tap.failed, stdout).toEqual([]);
      expect(tap.planned, `no plan in output:\n${stdout}`).not.toBeNull();
      expect(tap.passed, stdout).toBe(tap.planned);
    } finally {
      await database.drop();
    }
  });
});

describe("pgTAP as `supabase test db` runs it", () => {
  // One database with the migrations and no helpers; pg_prove runs every file of supabase/tests in name order
  // in it, the first installing the helpers the others use.
  it("passes under pg_prove, helpers from supabase/tests", async () => {
    const database = await createTestDatabase({ template: null, max: 1 });
    try {
      await bootstrap(database.name, { testHelpers: false });
      await migrateUp(database.db, await readMigrations(MIGRATIONS_DIR));
      const [{ helpers }] = await database.sql`select to_regnamespace('tests') is not null as helpers`;
      expect(helpers).toBe(false);
      const { stdout } = await run("pg_prove", ["-d", database.url, ...files.map((f) => `${TESTS_DIR}/${f}`)],
        { maxBuffer: 16 << 20, env: { ...process.env, PGOPTIONS: "-c client_min_messages=warning" } })
        .catch((error: { stdout?: string; stderr?: string }) => {
          throw new Error(`pg_prove failed:\n${error.stdout}\n${error.stderr}`);
        });
      expect(stdout).toMatch(/All tests successful\./);
      expect(stdout).toMatch(new RegExp(`Files=${files.length},`));
    } finally {
      await database.drop();
    }
  }, 240_000);
});
