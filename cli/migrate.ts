// `memory migrate status|up|down|verify`: the migration manager from the shell.
import { postgresExecutor } from "../shared/db/executor.ts";
import {
  migrateUp, MigrationError, MigrationRefused, readMigrations, rollback, status, verify,
  type MigrationStatus,
} from "../shared/migrations/manager.ts";
import { DATABASE_OPTIONS, DATABASE_USAGE, EXIT, type ExitCode, parseCommand, withDatabase } from "./command.ts";
import { progress, table } from "./output.ts";
import { MIGRATIONS_DIR } from "../shared/migrations/files.ts";

const USAGE = `usage: memory migrate <status|up|down|verify> [options]

  status                  each migration applied or pending, and any drift between database and files
  up                      apply pending migrations (all, or through --to VERSION)
  down [N]                roll back the newest applied migration, the newest N, or all newer than --to VERSION
  verify                  check applied migrations against their files; exit 1 on any drift

options:
${DATABASE_USAGE}
  --dir DIR               migrations folder (default: this project's supabase/migrations)
  --to VERSION            up: stop at VERSION; down: keep VERSION applied (0 rolls back everything)
  --count N               down: how many to roll back (default 1)
  --dry-run               show what would run, run nothing
  --yes                   down: confirm a rollback that destroys rows
  --include-all           up: also apply pending migrations older than the newest applied one
  --json                  machine-readable output
  --quiet                 print nothing on success
  -h, --help              this text

exit status: 0 done, 1 failed, refused or drift found, 2 usage error`;

function formatStatus(rows: MigrationStatus[]): string {
  return table(["version", "state", "by", "rollback", "drift", "name"], rows.map((m) =>
    [m.version, m.state, m.appliedBy ?? "", m.hasRollback ? "yes" : "NO", m.drift ? `DRIFT ${m.drift}` : "", m.name]));
}

export async function migrateCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand("migrate", USAGE, {
    ...DATABASE_OPTIONS, dir: { type: "string" }, to: { type: "string" }, count: { type: "string" },
    "dry-run": { type: "boolean", default: false }, yes: { type: "boolean", default: false },
    "include-all": { type: "boolean", default: false }, quiet: { type: "boolean", default: false },
  }, argv);
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const [sub, countArg] = positionals;
  if (!sub || !["status", "up", "down", "verify"].includes(sub)) {
    console.error(sub ? `memory migrate: unknown subcommand '${sub}'\n\n${USAGE}` : USAGE);
    return EXIT.usage;
  }
  const countText = values.count ?? countArg;
  const count = countText === undefined ? undefined : Number(countText);
  if (count !== undefined && !(Number.isInteger(count) && count > 0)) {
    console.error(`memory migrate: --count must be a whole number above 0, not '${countText}'`);
    return EXIT.usage;
  }
  if (values.to !== undefined && !/^\d+$/.test(values.to)) {
    console.error(`memory migrate: --to must be a migration version (digits), not '${values.to}'`);
    return EXIT.usage;
  }
  const print = (json: unknown, text: string) => {
    if (values.json) console.log(JSON.stringify(json, null, 2));
    else if (!values.quiet) console.log(text);
  };
  return withDatabase(`migrate ${sub}`, values, async (sql): Promise<ExitCode> => {
    const db = postgresExecutor(sql);
    const files = await readMigrations(values.dir ?? MIGRATIONS_DIR);
    const bar = progress(!values.json && !values.quiet);
    const onProgress = (done: number, total: number, next: { fileName: string }) => bar.update(done, total, next.fileName);
    try {
      switch (sub) {
        case "status": {
          const report = await status(db, files);
          const notes = [
            ...report.drift.map((d) => `drift: ${d.detail}`),
            ...report.missingRollbacks.map((f) => `no rollback script: down/${f}`),
          ];
          print(report, [formatStatus(report.migrations), ...notes].join("\n"));
          return EXIT.ok;
        }
        case "up": {
          const plan = await migrateUp(db, files, { to: values.to, dryRun: values["dry-run"], includeAll: values["include-all"], onProgress });
          bar.stop();
          const verb = values["dry-run"] ? "would apply" : "applied";
          print({ dryRun: values["dry-run"], applied: plan.map((m) => m.fileName) },
            plan.length ? plan.map((m) => `${verb} ${m.fileName}`).join("\n") : "up to date: nothing to apply");
          return EXIT.ok;
        }
        case "down": {
          const result = await rollback(db, files, { to: values.to, count, dryRun: values["dry-run"], yes: values.yes, onProgress });
          bar.stop();
          const verb = values["dry-run"] ? "would roll back" : "rolled back";
          const loss = result.dataLoss.map((l) => `  destroys ${l.target}`);
          print({ dryRun: values["dry-run"], rolledBack: result.migrations.map((m) => m.fileName), dataLoss: result.dataLoss },
            result.migrations.length ? [...result.migrations.map((m) => `${verb} ${m.fileName}`), ...loss].join("\n") : "nothing to roll back");
          return EXIT.ok;
        }
        default: {
          const result = await verify(db, files);
          print(result, result.ok
            ? `ok: ${result.checked} applied migrations match their files`
            : `DRIFT:\n${result.drift.map((d) => `  ${d.version} ${d.drift}: ${d.detail}`).join("\n")}`);
          return result.ok ? EXIT.ok : EXIT.failed;
        }
      }
    } catch (error) {
      bar.stop();
      if (values.json && (error instanceof MigrationRefused || error instanceof MigrationError)) {
        console.log(JSON.stringify({ error: { name: error.name, message: error.message,
          ...(error instanceof MigrationRefused ? { reason: error.reason } : { file: error.file, statement: error.statementIndex + 1 }) } }, null, 2));
      }
      throw error;
    }
  });
}
