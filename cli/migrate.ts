// `memory migrate status|up|down|verify`: the migration manager from the shell.
import { parseArgs } from "node:util";
import { postgresExecutor } from "../shared/db/executor.ts";
import {
  migrateUp, MigrationError, MigrationRefused, readMigrations, rollback, status, verify,
  type MigrationStatus,
} from "../shared/migrations/manager.ts";
import { databaseUrl, EXIT, failureMessage, operatorConnection, UsageError } from "./common.ts";
import { MIGRATIONS_DIR } from "./paths.ts";

const USAGE = `usage: memory migrate <status|up|down|verify> [options]

  status            each migration applied or pending, and any drift between database and files
  up                apply pending migrations (all, or through --to VERSION)
  down [N]          roll back the newest applied migration, the newest N, or all newer than --to VERSION
  verify            check applied migrations against their files; exit 1 on any drift

options:
  --db-url URL      database (default: $SUPABASE_DB_URL, then $DATABASE_URL)
  --dir DIR         migrations folder (default: this project's supabase/migrations)
  --to VERSION      up: stop at VERSION; down: keep VERSION applied (0 rolls back everything)
  --count N         down: how many to roll back (default 1)
  --dry-run         show what would run, run nothing
  --yes             down: confirm a rollback that destroys rows
  --include-all     up: also apply pending migrations older than the newest applied one
  --json            machine-readable output
  --quiet           print nothing on success
  -h, --help        this text

exit status: 0 done, 1 failed, refused or drift found, 2 usage error`;

function formatStatus(rows: MigrationStatus[]): string {
  const lines = rows.map((m) =>
    [
      m.version,
      m.state.padEnd(7),
      (m.appliedBy ?? "").padEnd(7),
      m.hasRollback ? "down:yes" : "down:NO ",
      m.drift ? `DRIFT ${m.drift}` : "",
      m.name,
    ].join("  "),
  );
  return ["version         state    by       rollback  drift  name", ...lines].join("\n");
}

export async function migrateCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        "db-url": { type: "string" },
        dir: { type: "string" },
        to: { type: "string" },
        count: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        yes: { type: "boolean", default: false },
        "include-all": { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        quiet: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    console.error(`memory migrate: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [sub, countArg] = positionals;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!sub || !["status", "up", "down", "verify"].includes(sub)) {
    console.error(sub ? `memory migrate: unknown subcommand '${sub}'\n\n${USAGE}` : USAGE);
    return 2;
  }
  const countText = values.count ?? countArg;
  const count = countText === undefined ? undefined : Number(countText);
  if (count !== undefined && !(Number.isInteger(count) && count > 0)) {
    console.error(`memory migrate: --count must be a whole number above 0, not '${countText}'`);
    return 2;
  }
  if (values.to !== undefined && !/^\d+$/.test(values.to)) {
    console.error(`memory migrate: --to must be a migration version (digits), not '${values.to}'`);
    return 2;
  }
  let url: string;
  try {
    url = databaseUrl(values["db-url"], "migrate");
  } catch (error) {
    if (error instanceof UsageError) { console.error(error.message); return EXIT.usage; }
    throw error;
  }

  const print = (json: unknown, text: string) => {
    if (values.json) console.log(JSON.stringify(json, null, 2));
    else if (!values.quiet) console.log(text);
  };
  const sql = operatorConnection(url, "memory-migrate");
  try {
    const db = postgresExecutor(sql);
    const files = await readMigrations(values.dir ?? MIGRATIONS_DIR);
    switch (sub) {
      case "status": {
        const report = await status(db, files);
        const notes = [
          ...report.drift.map((d) => `drift: ${d.detail}`),
          ...report.missingRollbacks.map((f) => `no rollback script: down/${f}`),
        ];
        print(report, [formatStatus(report.migrations), ...notes].join("\n"));
        return 0;
      }
      case "up": {
        const plan = await migrateUp(db, files, { to: values.to, dryRun: values["dry-run"], includeAll: values["include-all"] });
        const verb = values["dry-run"] ? "would apply" : "applied";
        print({ dryRun: values["dry-run"], applied: plan.map((m) => m.fileName) },
          plan.length ? plan.map((m) => `${verb} ${m.fileName}`).join("\n") : "up to date: nothing to apply");
        return 0;
      }
      case "down": {
        const result = await rollback(db, files, { to: values.to, count, dryRun: values["dry-run"], yes: values.yes });
        const verb = values["dry-run"] ? "would roll back" : "rolled back";
        const loss = result.dataLoss.map((l) => `  destroys ${l.target}`);
        print({ dryRun: values["dry-run"], rolledBack: result.migrations.map((m) => m.fileName), dataLoss: result.dataLoss },
          result.migrations.length ? [...result.migrations.map((m) => `${verb} ${m.fileName}`), ...loss].join("\n") : "nothing to roll back");
        return 0;
      }
      case "verify": {
        const result = await verify(db, files);
        print(result, result.ok
          ? `ok: ${result.checked} applied migrations match their files`
          : `DRIFT:\n${result.drift.map((d) => `  ${d.version} ${d.drift}: ${d.detail}`).join("\n")}`);
        return result.ok ? 0 : 1;
      }
    }
    return 2;
  } catch (error) {
    if (values.json && (error instanceof MigrationRefused || error instanceof MigrationError)) {
      console.log(JSON.stringify({ error: { name: error.name, message: error.message,
        ...(error instanceof MigrationRefused ? { reason: error.reason } : { file: error.file, statement: error.statementIndex + 1 }) } }, null, 2));
    }
    console.error(`memory migrate ${sub}: ${failureMessage(error)}`);
    return 1;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
