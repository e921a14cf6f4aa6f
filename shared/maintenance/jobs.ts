// The maintenance jobs pg_cron runs, callable from TypeScript (the CLI, npm start's fold timer): each is one SQL
// function of the schema, with its result typed and its counts as numbers.
import type { SqlExecutor } from "../db/executor.ts";

export interface DedupeResult { duplicates_found: number; duplicates_removed: number }
export interface DedupeAllResult extends DedupeResult { users: number }
export interface JobHealth {
  job_name: string; schedule: string; active: boolean; last_run_at: Date | null; last_status: string | null;
  failures_last_day: number; runs_last_day: number;
}
export interface OwnIndexChange { user_id: string; action: "create" | "drop"; statement: string }
export interface UserOverview { user_id: string; active: number; inactive: number; quota: number; quota_used_ratio: number }

/** Users deduplicated per call when all are: each call is its own transaction. */
export const DEDUPE_BATCH = 50;

/** The row with these columns as numbers (bigint counts arrive as strings). */
const numbers = <T extends object>(row: T, keys: (keyof T & string)[]): T =>
  ({ ...row, ...Object.fromEntries(keys.map((k) => [k, Number(row[k])])) }) as T;

export async function deduplicateUser(db: SqlExecutor, userId: string): Promise<DedupeResult> {
  const [row] = await db.query<DedupeResult>("select * from public.deduplicate_memories($1::uuid)", [userId]);
  return numbers(row, ["duplicates_found", "duplicates_removed"]);
}

/**
 * Every user with two or more active memories, a batch per call: each call takes the users deduplicated longest
 * ago, so successive calls cover everyone once.
 */
export async function deduplicateAll(db: SqlExecutor, onProgress?: (done: number, total: number) => void): Promise<DedupeAllResult> {
  const [{ n }] = await db.query<{ n: number }>("select count(*)::int as n from public.memory_user_stats where active_count > 1");
  const total: DedupeAllResult = { users: 0, duplicates_found: 0, duplicates_removed: 0 };
  while (total.users < n) {
    const [row] = await db.query<DedupeAllResult>("select * from public.deduplicate_all_memories($1::int)", [Math.min(DEDUPE_BATCH, n - total.users)]);
    if (row.users === 0) break;
    total.users += row.users;
    total.duplicates_found += Number(row.duplicates_found);
    total.duplicates_removed += Number(row.duplicates_removed);
    onProgress?.(total.users, n);
  }
  return total;
}

/** Hard-deletes memories inactive for more than `days`; returns how many. */
export async function cleanupOldMemories(db: SqlExecutor, days: number): Promise<number> {
  const [{ deleted }] = await db.query<{ deleted: string }>("select public.cleanup_old_memories($1::int) as deleted", [days]);
  return Number(deleted);
}

/** Deactivates memories past their expiry; returns how many. */
export async function expireMemories(db: SqlExecutor): Promise<number> {
  const [{ expired }] = await db.query<{ expired: string }>("select public.expire_memories() as expired");
  return Number(expired);
}

/** Folds the search-access log into memory_access, batch after batch until it is empty (or a concurrent fold holds it). */
export async function foldAccessLog(db: SqlExecutor): Promise<number> {
  let folded = 0;
  for (let batch = -1; batch !== 0;) {
    const [row] = await db.query<{ n: string }>("select public.fold_memory_access() as n");
    batch = Number(row.n);
    folded += batch;
  }
  return folded;
}

/** Whether a user id is one this database knows: in auth.users, or with counters of their own. */
export async function knownUser(db: SqlExecutor, userId: string): Promise<boolean> {
  const [{ known }] = await db.query<{ known: boolean }>(`select exists (select 1 from public.memory_user_stats where user_id = $1::uuid)
    or (to_regclass('auth.users') is not null and exists (select 1 from auth.users where id = $1::uuid)) as known`, [userId]);
  return known;
}

export async function userStats(db: SqlExecutor, userId: string): Promise<Record<string, unknown>> {
  const [{ stats }] = await db.query<{ stats: Record<string, unknown> }>("select public.get_memory_stats($1::uuid) as stats", [userId]);
  return stats;
}

export async function memoryOverview(db: SqlExecutor): Promise<UserOverview[]> {
  return db.query<UserOverview>("select * from public.get_memory_overview() order by user_id");
}

export async function jobHealth(db: SqlExecutor): Promise<JobHealth[]> {
  const rows = await db.query<JobHealth>("select * from public.maintenance_job_health()");
  return rows.map((r) => numbers(r, ["failures_last_day", "runs_last_day"]));
}

/** The users' own HNSW indexes to create and drop (public.own_index_changes), drops first. */
export async function ownIndexChanges(db: SqlExecutor): Promise<OwnIndexChange[]> {
  return db.query<OwnIndexChange>("select * from public.own_index_changes()");
}

/**
 * Carries out the changes one statement at a time, each on its own (CREATE and DROP INDEX CONCURRENTLY cannot run
 * in a transaction): no write waits for a build. Returns what was done; a failed build stops here and leaves an
 * invalid index, which the next run drops and builds again.
 */
export async function applyOwnIndexChanges(db: SqlExecutor, onChange?: (change: OwnIndexChange) => void): Promise<OwnIndexChange[]> {
  const done: OwnIndexChange[] = [];
  for (const change of await ownIndexChanges(db)) {
    onChange?.(change);
    await db.exec(change.statement);
    done.push(change);
  }
  return done;
}
