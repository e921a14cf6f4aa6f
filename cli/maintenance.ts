// The jobs pg_cron runs, by hand: `memory dedupe|cleanup|expire|fold|stats|jobs`, on Supabase or plain PostgreSQL; and
// `memory indexes`, which pg_cron cannot run (CREATE INDEX CONCURRENTLY runs in no function).
import { postgresExecutor } from "../shared/db/executor.ts";
import {
  applyOwnIndexChanges, cleanupOldMemories, deduplicateAll, deduplicateUser, expireMemories, foldAccessLog, jobHealth, knownUser, memoryOverview, ownIndexChanges, userStats,
} from "../shared/maintenance/jobs.ts";
import { DATABASE_OPTIONS, DATABASE_USAGE, EXIT, type ExitCode, parseCommand, withDatabase } from "./command.ts";
import { plural, progress, table } from "./output.ts";
import { isUuid } from "../shared/schemas/fields.ts";

const USAGE = `usage: memory <dedupe|cleanup|expire|fold|stats|jobs|indexes> [options]

  dedupe [--user ID]      deduplicate one user's memories, or every user's
  cleanup [--days N]      hard-delete memories inactive for more than N days (default 90)
  expire                  deactivate memories past their expires_at
  fold                    fold the search-access log into memory_access (last access, count per memory)
  stats [--user ID]       one user's statistics, or every user's counters and quota use
  jobs                    the scheduled maintenance jobs (pg_cron) and their health
  indexes [--dry-run]     build the own HNSW index of each user past memory_settings.own_index_threshold,
                          drop those no longer needed (concurrently: no write waits); --dry-run lists them

options:
${DATABASE_USAGE}
  --json                  machine-readable output
  -h, --help              this text`;

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

/** What deduplication did to the duplicates: merged, not removed (each is a sighting, and unmerge brings it back). */
const merged = (count: number): string =>
  `${plural(count, "memory", "memories")} merged into the memory ${count === 1 ? "it repeats" : "each repeats"} (kept as sightings: memory history shows them, memory unmerge undoes one)`;

const OPTIONS = { user: { type: "string" }, days: { type: "string" }, "dry-run": { type: "boolean" } } as const;

/**
 * The options each command takes. An option a command does not take is refused, not ignored: `dedupe --dry-run`
 * would deduplicate for real, `cleanup --user ID` would clean up every user.
 */
const TAKES: Record<string, (keyof typeof OPTIONS)[]> = {
  dedupe: ["user"], cleanup: ["days"], expire: [], fold: [], stats: ["user"], jobs: [], indexes: ["dry-run"],
};

export async function maintenanceCommand(command: string, argv: string[]): Promise<number> {
  const own = Object.fromEntries((TAKES[command] ?? []).map((name) => [name, OPTIONS[name]])) as Partial<typeof OPTIONS>;
  const parsed = parseCommand(command, USAGE, { ...DATABASE_OPTIONS, ...own } as typeof DATABASE_OPTIONS & typeof OPTIONS, argv);
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
    const db = postgresExecutor(sql);
    const unknownUser = async (user: string) => {
      if (await knownUser(db, user)) return false;
      console.error(`memory ${command}: no user ${user}`);
      return true;
    };
    switch (command) {
      case "dedupe": {
        if (values.user) {
          if (await unknownUser(values.user)) return EXIT.failed;
          const r = await deduplicateUser(db, values.user);
          print({ user_id: values.user, ...r }, `user ${values.user}: ${plural(r.duplicates_found, "duplicate pair")} found, ${merged(r.duplicates_removed)}`);
          return EXIT.ok;
        }
        const bar = progress(!values.json);
        const total = await deduplicateAll(db, (done, of) => bar.update(done, of, "users"));
        bar.stop();
        print(total, `${plural(total.users, "user")}: ${plural(total.duplicates_found, "duplicate pair")} found, ${merged(total.duplicates_removed)}`);
        return EXIT.ok;
      }
      case "cleanup": {
        const deleted = await cleanupOldMemories(db, days);
        print({ days, deleted }, `deleted ${plural(deleted, "memory", "memories")} inactive for more than ${days} days`);
        return EXIT.ok;
      }
      case "expire": {
        const expired = await expireMemories(db);
        print({ expired }, `deactivated ${plural(expired, "expired memory", "expired memories")}`);
        return EXIT.ok;
      }
      case "fold": {
        const folded = await foldAccessLog(db);
        print({ folded }, `folded ${plural(folded, "access log entry", "access log entries")} into memory_access`);
        return EXIT.ok;
      }
      case "stats": {
        if (values.user) {
          if (await unknownUser(values.user)) return EXIT.failed;
          const stats = await userStats(db, values.user);
          print(stats, formatStats(stats));
          return EXIT.ok;
        }
        const rows = await memoryOverview(db);
        print(rows, rows.length === 0 ? "no user has stored a memory yet" : `${table(["user_id", "active", "inactive", "quota", "used"],
          rows.map((r) => [r.user_id, r.active, r.inactive, r.quota, `${(100 * r.quota_used_ratio).toFixed(1)}%`]), { right: [1, 2, 3, 4] })}\n` +
          plural(rows.length, "user"));
        return EXIT.ok;
      }
      case "indexes": {
        const describe = (c: { user_id: string; action: string }) => `${c.action} the own index of user ${c.user_id}`;
        const changes = values["dry-run"] ? await ownIndexChanges(db)
          : await applyOwnIndexChanges(db, (c) => { if (!values.json) console.error(`${describe(c)} ...`); });
        print(changes, changes.length ? `${values["dry-run"] ? "to do" : "done"}:\n${changes.map((c) => `  ${describe(c)}`).join("\n")}`
          : "every user's own indexes are in place; none to create or drop");
        return EXIT.ok;
      }
      case "jobs": {
        const rows = await jobHealth(db);
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
