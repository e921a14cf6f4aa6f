// The jobs pg_cron runs, by hand: `memory dedupe|cleanup|expire|fold|stats|jobs`, on Supabase or plain PostgreSQL.
import type postgres from "postgres";
import { DATABASE_OPTIONS, DATABASE_USAGE, EXIT, type ExitCode, parseCommand, withDatabase } from "./command.ts";
import { plural, progress, table } from "./output.ts";
import { isUuid } from "../shared/schemas/fields.ts";

const USAGE = `usage: memory <dedupe|cleanup|expire|fold|stats|jobs> [options]

  dedupe [--user ID]      deduplicate one user's memories, or every user's
  cleanup [--days N]      hard-delete memories inactive for more than N days (default 90)
  expire                  deactivate memories past their expires_at
  fold                    fold the search-access log into memory_access (last access, count per memory)
  stats [--user ID]       one user's statistics, or every user's counters and quota use
  jobs                    the scheduled maintenance jobs (pg_cron) and their health

options:
${DATABASE_USAGE}
  --json                  machine-readable output
  -h, --help              this text`;

/** Users deduplicated per call when all are: each call is its own transaction, and the bar moves between them. */
const DEDUPE_BATCH = 50;

/** The order stats are shown in: the counts, then the breakdowns, then the rest. */
const STATS_ORDER = ["user_id", "active", "inactive", "duplicates", "sightings", "unmerged", "quota", "quota_used", "storage_bytes",
  "average_importance", "average_confidence", "oldest", "newest", "by_type", "by_category", "embeddings"];

function formatStats(stats: Record<string, unknown>): string {
  const keys = [...STATS_ORDER.filter((k) => k in stats), ...Object.keys(stats).filter((k) => !STATS_ORDER.includes(k)).sort()];
  return table(["statistic", "value"], keys.map((k) => {
    const v = stats[k];
    const shown = v && typeof v === "object"
      ? Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([name, n]) => `${name} ${n}`).join(", ") || "none"
      : v;
    return [k, shown];
  }));
}

/** Whether a user id is one this database knows: in auth.users, or with counters of their own. */
async function knownUser(sql: postgres.Sql, user: string): Promise<boolean> {
  const [{ known }] = await sql`select exists (select 1 from public.memory_user_stats where user_id = ${user})
    or (to_regclass('auth.users') is not null and exists (select 1 from auth.users where id = ${user})) as known`;
  return known;
}

export async function maintenanceCommand(command: string, argv: string[]): Promise<number> {
  const parsed = parseCommand(command, USAGE, { ...DATABASE_OPTIONS, user: { type: "string" }, days: { type: "string" } }, argv);
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  if (values.user !== undefined && !isUuid(values.user)) {
    console.error(`memory ${command}: --user must be a user id (UUID), not '${values.user}'`);
    return EXIT.usage;
  }
  const days = Number(values.days ?? 90);
  if (!Number.isInteger(days) || days < 1) {
    console.error(`memory ${command}: --days must be a whole number of at least 1, not '${values.days}'`);
    return EXIT.usage;
  }
  const print = (json: unknown, text: string) => console.log(values.json ? JSON.stringify(json, null, 2) : text);
  return withDatabase(command, values, async (sql): Promise<ExitCode> => {
    switch (command) {
      case "dedupe": {
        if (values.user) {
          if (!(await knownUser(sql, values.user))) { console.error(`memory dedupe: no user ${values.user}`); return EXIT.failed; }
          const [r] = await sql`select * from public.deduplicate_memories(${values.user})`;
          print({ user_id: values.user, duplicates_found: Number(r.duplicates_found), duplicates_removed: Number(r.duplicates_removed) }, `user ${values.user}: ${plural(Number(r.duplicates_found), "duplicate pair")} found, ` +
            `${plural(Number(r.duplicates_removed), "memory", "memories")} removed`);
          return EXIT.ok;
        }
        const [{ n }] = await sql`select count(*)::int as n from public.memory_user_stats where active_count > 1`;
        const bar = progress(!values.json);
        const total = { users: 0, duplicates_found: 0, duplicates_removed: 0 };
        // Each call takes the users deduplicated longest ago, so successive calls cover everyone once.
        while (total.users < n) {
          const [r] = await sql`select * from public.deduplicate_all_memories(${Math.min(DEDUPE_BATCH, n - total.users)})`;
          if (r.users === 0) break;
          total.users += r.users;
          total.duplicates_found += Number(r.duplicates_found);
          total.duplicates_removed += Number(r.duplicates_removed);
          bar.update(total.users, n, "users");
        }
        bar.stop();
        print(total, `${plural(total.users, "user")}: ${plural(total.duplicates_found, "duplicate pair")} found, ` +
          `${plural(total.duplicates_removed, "memory", "memories")} removed`);
        return EXIT.ok;
      }
      case "cleanup": {
        const [{ deleted }] = await sql`select public.cleanup_old_memories(${days}) as deleted`;
        print({ days, deleted: Number(deleted) }, `deleted ${plural(Number(deleted), "memory", "memories")} inactive for more than ${days} days`);
        return EXIT.ok;
      }
      case "expire": {
        const [{ expired }] = await sql`select public.expire_memories() as expired`;
        print({ expired: Number(expired) }, `deactivated ${plural(Number(expired), "expired memory", "expired memories")}`);
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
        print({ folded }, `folded ${plural(folded, "access log entry", "access log entries")} into memory_access`);
        return EXIT.ok;
      }
      case "stats": {
        if (values.user) {
          if (!(await knownUser(sql, values.user))) { console.error(`memory stats: no user ${values.user}`); return EXIT.failed; }
          const [{ stats }] = await sql`select public.get_memory_stats(${values.user}) as stats`;
          print(stats, formatStats(stats));
          return EXIT.ok;
        }
        const rows = await sql`select * from public.get_memory_overview() order by user_id`;
        print(rows, rows.length === 0 ? "no user has stored a memory yet" : `${table(["user_id", "active", "inactive", "quota", "used"],
          rows.map((r) => [r.user_id, r.active, r.inactive, r.quota, `${(100 * r.quota_used_ratio).toFixed(1)}%`]), { right: [1, 2, 3, 4] })}\n` +
          plural(rows.length, "user"));
        return EXIT.ok;
      }
      case "jobs": {
        const rows = await sql`select * from public.maintenance_job_health()`;
        print(rows, rows.length ? table(["job", "schedule", "state", "last run", "last status", "failures 24h"], rows.map((r) =>
          [r.job_name, r.schedule, r.active ? "active" : "paused", r.last_run_at?.toISOString?.() ?? "never", r.last_status ?? "-", r.failures_last_day]),
          { right: [5] })
          : "no pg_cron in this database; run the jobs by hand (memory dedupe, cleanup, expire, fold)");
        return EXIT.ok;
      }
    }
    console.error(USAGE);
    return EXIT.usage;
  });
}
