// `memory migrate ...`: the migration manager from the shell.
import { parseArgs } from "node:util";
import { connect, databaseUrlFromEnv } from "../shared/db/connect.ts";
import { postgresExecutor } from "../shared/db/executor.ts";
import { readMigrations } from "../shared/migrations/files.ts";
import { migrateUp } from "../shared/migrations/apply.ts";
import { MIGRATIONS_DIR } from "./paths.ts";

const USAGE = `usage: memory migrate <up> [options]

  up               apply pending migrations (all, or through --to VERSION)

options:
  --db-url URL     database (default: $SUPABASE_DB_URL or $DATABASE_URL)
  --dir DIR        migrations folder (default: supabase/migrations of this project)
  --to VERSION     stop at this version
  --json           machine-readable output
  --quiet          print nothing on success`;

export async function migrateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "db-url": { type: "string" },
      dir: { type: "string" },
      to: { type: "string" },
      json: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [sub] = positionals;
  if (values.help || !sub) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const url = values["db-url"] ?? databaseUrlFromEnv(process.env);
  if (!url) {
    console.error("memory migrate: no database; pass --db-url or set SUPABASE_DB_URL or DATABASE_URL");
    return 2;
  }
  const sql = connect(url, { max: 1, applicationName: "memory-migrate" });
  try {
    const db = postgresExecutor(sql);
    const migrations = await readMigrations(values.dir ?? MIGRATIONS_DIR);
    if (sub === "up") {
      const ran = await migrateUp(db, migrations, { to: values.to });
      if (values.json) console.log(JSON.stringify({ applied: ran.map((m) => m.fileName) }));
      else if (!values.quiet) console.log(ran.length ? ran.map((m) => `applied ${m.fileName}`).join("\n") : "up to date");
      return 0;
    }
    console.error(`memory migrate: unknown subcommand '${sub}'\n\n${USAGE}`);
    return 2;
  } catch (error) {
    console.error(`memory migrate ${sub}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
