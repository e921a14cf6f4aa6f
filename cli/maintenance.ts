// The jobs pg_cron runs, by hand: `memory dedupe|cleanup|expire|fold|stats|jobs`, on Supabase or plain PostgreSQL.
import { parseArgs } from "node:util";
import { databaseUrl, EXIT, failureMessage, operatorConnection, UsageError } from "./common.ts";
import { isUuid } from "../shared/schemas/fields.ts";

const USAGE = `usage: memory <dedupe|cleanup|expire|fold|stats|jobs> [options]

  dedupe [--user ID]      deduplicate one user's memories, or every user's
  cleanup [--days N]      hard-delete memories inactive for more than N days (default 90)
  expire                  deactivate memories past their expires_at
  fold                    fold the search-access log into memory_access (last access, count per memory)
  stats [--user ID]       one user's statistics, or every user's counters and quota use
  jobs                    the scheduled maintenance jobs (pg_cron) and their health

options:
  --db-url URL            database (default: $SUPABASE_DB_URL, then $DATABASE_URL); a service or owner role
  --json                  machine-readable output
  -h, --help              this text`;


export async function maintenanceCommand(command: string, argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        "db-url": { type: "string" }, user: { type: "string" }, days: { type: "string" },
        json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    console.error(`memory ${command}: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (values.help) {
    console.log(USAGE);
    return EXIT.ok;
  }
  if (values.user !== undefined && !isUuid(values.user)) {
    console.error(`memory ${command}: --user must be a user id (UUID), not '${values.user}'`);
    return EXIT.usage;
  }
  const days = Number(values.days ?? 90);
  if (!Number.isInteger(days) || days < 1) {
    console.error(`memory ${command}: --days must be a whole number of at least 1`);
    return EXIT.usage;
  }
  let url: string;
  try {
    url = databaseUrl(values["db-url"], command);
  } catch (error) {
    if (error instanceof UsageError) { console.error(error.message); return EXIT.usage; }
    throw error;
  }
  const sql = operatorConnection(url, `memory-${command}`);
  const print = (json: unknown, text: string) => console.log(values.json ? JSON.stringify(json, null, 2) : text);
  try {
    switch (command) {
      case "dedupe": {
        if (values.user) {
          const [r] = await sql`select * from public.deduplicate_memories(${values.user})`;
          print({ user_id: values.user, ...r }, `user ${values.user}: ${r.duplicates_found} duplicate pairs found, ${r.duplicates_removed} memories removed`);
        } else {
          const [{ n }] = await sql`select count(*)::int as n from public.memory_user_stats`;
          const [r] = await sql`select * from public.deduplicate_all_memories(${Math.max(n, 1)})`;
          print(r, `${r.users} users: ${r.duplicates_found} duplicate pairs found, ${r.duplicates_removed} memories removed`);
        }
        return EXIT.ok;
      }
      case "cleanup": {
        const [{ deleted }] = await sql`select public.cleanup_old_memories(${days}) as deleted`;
        print({ days, deleted: Number(deleted) }, `deleted ${deleted} memories inactive for more than ${days} days`);
        return EXIT.ok;
      }
      case "expire": {
        const [{ expired }] = await sql`select public.expire_memories() as expired`;
        print({ expired: Number(expired) }, `deactivated ${expired} expired memories`);
        return EXIT.ok;
      }
      case "fold": {
        let folded = 0;
        // Batches until the log is empty (or a concurrent fold holds it: that one finishes the job).
        for (let batch = -1; batch !== 0;) {
          const [row] = await sql`select public.fold_memory_access() as n`;
          batch = Number(row.n);
          folded += batch;
        }
        print({ folded }, `folded ${folded} access log entries into memory_access`);
        return EXIT.ok;
      }
      case "stats": {
        if (values.user) {
          const [{ stats }] = await sql`select public.get_memory_stats(${values.user}) as stats`;
          print(stats, Object.entries(stats).map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`).join("\n"));
        } else {
          const rows = await sql`select * from public.get_memory_overview()`;
          print(rows, ["user_id                               active  inactive  quota  used", ...rows.map((r) =>
            `${r.user_id}  ${String(r.active).padStart(6)}  ${String(r.inactive).padStart(8)}  ${String(r.quota).padStart(5)}  ${(100 * r.quota_used_ratio).toFixed(1)}%`)].join("\n"));
        }
        return EXIT.ok;
      }
      case "jobs": {
        const rows = await sql`select * from public.maintenance_job_health()`;
        print(rows, rows.length ? rows.map((r) => `${r.job_name}  ${r.schedule}  ${r.active ? "active" : "paused"}  last: ${r.last_status ?? "never"}  failures/24h: ${r.failures_last_day}`).join("\n")
          : "no pg_cron in this database; run the jobs by hand (memory dedupe, cleanup, expire, fold)");
        return EXIT.ok;
      }
    }
    console.error(USAGE);
    return EXIT.usage;
  } catch (error) {
    console.error(`memory ${command}: ${failureMessage(error)}`);
    return EXIT.failed;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
