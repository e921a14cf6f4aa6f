// This project's own record of what the manager did (the CLI's table has no room for it):
// one row per migration run up or down, with checksums, who, when, how long, and when an up was undone.
import type { SqlExecutor } from "../db/executor.ts";

export interface AuditRow {
  version: string;
  direction: "up" | "down";
  migration_checksum: string;
  executed_by: string;
  executed_at: string;
  duration_ms: number;
  rolled_back_at: string | null;
}

export async function ensureAuditTable(db: SqlExecutor): Promise<void> {
  await db.exec(`
    create table if not exists supabase_migrations.memory_migration_audit (
      id bigint generated always as identity primary key,
      version text not null,
      name text not null,
      direction text not null check (direction in ('up', 'down')),
      script_checksum text not null,
      migration_checksum text not null,
      executed_by text not null default current_user,
      executed_at timestamptz not null default clock_timestamp(),
      duration_ms integer not null,
      rolled_back_at timestamptz
    );
    comment on table supabase_migrations.memory_migration_audit is
      'Audit of the memory migration manager: every up and down, with checksums; the CLI table stays as the CLI writes it.';
  `);
}

export async function recordAudit(
  db: SqlExecutor,
  entry: { version: string; name: string; direction: "up" | "down"; scriptChecksum: string; migrationChecksum: string; durationMs: number },
): Promise<void> {
  await db.query(
    `insert into supabase_migrations.memory_migration_audit
       (version, name, direction, script_checksum, migration_checksum, duration_ms)
     values ($1, $2, $3, $4, $5, $6)`,
    [entry.version, entry.name, entry.direction, entry.scriptChecksum, entry.migrationChecksum, Math.round(entry.durationMs)],
  );
  if (entry.direction === "down") {
    await db.query(
      `update supabase_migrations.memory_migration_audit set rolled_back_at = clock_timestamp()
        where version = $1 and direction = 'up' and rolled_back_at is null`,
      [entry.version],
    );
  }
}

/** The audit row of each currently applied version's last `up` by this manager. */
export async function readCurrentUps(db: SqlExecutor): Promise<Map<string, AuditRow>> {
  const exists = await db.query<{ ok: boolean }>(
    `select to_regclass('supabase_migrations.memory_migration_audit') is not null as ok`,
  );
  if (!exists[0]?.ok) return new Map();
  const rows = await db.query<AuditRow>(
    `select distinct on (version) version, direction, migration_checksum, executed_by, executed_at::text, duration_ms,
            rolled_back_at::text
       from supabase_migrations.memory_migration_audit
      where direction = 'up' and rolled_back_at is null
      order by version, id desc`,
  );
  return new Map(rows.map((r) => [r.version, r]));
}
