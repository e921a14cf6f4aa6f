// Real linters over the SQL: squawk over every migration and rollback (deliberate exceptions in .squawk.toml, each
// with its reason), and plpgsql_check over every PL/pgSQL function the migrations leave (0 errors, 0 warnings).
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import postgres from "postgres";
import { bootstrap, MIGRATIONS_DIR, ROOT, urlFor } from "../scripts/db/local-stack.ts";
import { postgresExecutor } from "../shared/db/executor.ts";
import { migrateUp, readMigrations } from "../shared/migrations/manager.ts";
import { holdCronDatabase } from "./support/cron-database.ts";

function squawk(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => execFile(`${ROOT}node_modules/.bin/squawk`, ["--reporter", "gcc", ...args],
    { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` })));
}

const sqlFiles = async (dir: string) => (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort().map((f) => `${dir}/${f}`);

describe("squawk", () => {
  it("finds nothing in the migrations beyond the exceptions .squawk.toml justifies", async () => {
    const result = await squawk(await sqlFiles(MIGRATIONS_DIR));
    expect(result.out.split("\n").filter((l) => /warning|error/.test(l))).toEqual([]);
    expect(result.code).toBe(0);
  });

  it("finds nothing in the rollbacks but the drops that are their job", async () => {
    const config = await readFile(`${ROOT}.squawk.toml`, "utf8");
    const excluded = [...config.matchAll(/^\s*"([a-z-]+)",/gm)].map((m) => m[1]);
    expect(excluded.length).toBeGreaterThan(3);
    // --exclude replaces the configured list, so it repeats it.
    const result = await squawk([`--exclude=${[...excluded, "ban-drop-table", "ban-drop-column"].join(",")}`, ...await sqlFiles(`${MIGRATIONS_DIR}/down`)]);
    expect(result.out.split("\n").filter((l) => /warning|error/.test(l))).toEqual([]);
    expect(result.code).toBe(0);
  });

  it("would report a migration that locks a table without care", async () => {
    const result = await squawk([`${ROOT}test/fixtures/unsafe-migration.sql`]);
    expect(result.out).toMatch(/changing-column-type|adding-required-field/);
  });
});

describe("plpgsql_check", () => {
  // The database pg_cron lives in (cron.database_name = postgres), migrated as maintenance-cron.test.ts does: the
  // scheduling functions refer to cron.job, which only exists there. Everything runs in a transaction that is
  // rolled back, so the extension is not left behind.
  let sql: postgres.Sql;
  let release: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    release = await holdCronDatabase();
    await bootstrap("postgres", { testHelpers: false });
    sql = postgres(urlFor("postgres"), { max: 1, onnotice: () => {} });
    await migrateUp(postgresExecutor(sql), await readMigrations(MIGRATIONS_DIR));
  });
  afterAll(async () => {
    await sql?.end();
    await release?.();
  });

  /** Runs `check` with plpgsql_check installed, then undoes everything. */
  async function withChecker<T>(check: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
    let result: T | undefined;
    await sql.begin(async (tx) => {
      await tx`create extension if not exists plpgsql_check`;
      result = await check(tx);
      throw new RollBack();
    }).catch((error) => { if (!(error instanceof RollBack)) throw error; });
    return result as T;
  }
  class RollBack extends Error {}

  /**
   * Every finding on the project's PL/pgSQL functions: errors, warnings, extra warnings and security warnings.
   * Trigger functions are checked against their table, with the transition tables they declare.
   */
  async function findings(tx: postgres.TransactionSql): Promise<string[]> {
    const rows = await tx`
      select p.oid::regprocedure::text as fn, c.lineno, c.level, c.message
        from pg_proc p
        join pg_namespace n on n.oid = p.pronamespace
        join pg_language l on l.oid = p.prolang
        -- A function behind several triggers (insert, update, delete) is checked with every transition table any of
        -- them declares, as its body handles each case.
        left join lateral (select min(t.tgrelid::int)::oid as tgrelid, max(t.tgoldtable) as tgoldtable, max(t.tgnewtable) as tgnewtable
                             from pg_trigger t where t.tgfoid = p.oid) t on true
       cross join lateral plpgsql_check_function_tb(p.oid, coalesce(t.tgrelid, 0), oldtable => t.tgoldtable, newtable => t.tgnewtable,
         fatal_errors => false, other_warnings => true, extra_warnings => true, performance_warnings => false, security_warnings => true) c
       where n.nspname in ('public', 'private') and l.lanname = 'plpgsql'
       order by 1, 2`;
    return rows
      // The one exception, the guard pattern: `v_checked uuid := private.acting_user(...)` runs the check in its
      // initializer (refusing a caller acting for another user) and the value is not needed after it.
      .filter((r) => !(r.level === "warning extra" && r.message === 'never read variable "v_checked"'))
      .map((r) => `${r.fn}:${r.lineno} ${r.level}: ${r.message}`);
  }

  it("checks the functions, and finds nothing", async () => {
    const [count, found] = await withChecker(async (tx) => [
      (await tx`select count(*)::int as n from pg_proc p join pg_language l on l.oid = p.prolang
        where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace) and l.lanname = 'plpgsql'`)[0].n as number,
      await findings(tx),
    ] as const);
    expect(count).toBeGreaterThan(30);
    expect(found).toEqual([]);
  });

  it("would report a mistake", async () => {
    const found = await withChecker(async (tx) => {
      await tx.unsafe(`create function private.lint_probe() returns integer language plpgsql set search_path = '' as $$
        declare v_unused integer; v_n integer := 'not a number'; begin return v_n + public.no_such_function(); end $$`);
      return findings(tx);
    });
    expect(found.filter((f) => f.startsWith("private.lint_probe()")).length).toBeGreaterThanOrEqual(2);
  });
});
