// restoreBackup: all tables, chosen tables, or chosen users, in one transaction, checked before commit, after a
// safety backup. Rows go back as they were in the snapshot, so triggers (counters, versions) and foreign-key
// checks are deferred to the snapshot's own consistency (session_replication_role = replica, transaction-local).
import type postgres from "postgres";
import { createBackup } from "./create.ts";
import { type Manifest, TABLES, type TableName } from "./format.ts";
import type { BackupStore } from "./store.ts";
import { readRows, verifyBackup } from "./verify.ts";

export class RestoreRefused extends Error {
  constructor(message: string, readonly reason: "invalid_backup" | "newer_schema" | "unknown_table" | "count_mismatch") {
    super(message);
    this.name = "RestoreRefused";
  }
}

export interface RestoreOptions {
  tables?: TableName[];
  userIds?: string[];
  /** Take a manual backup of the current data first (default true). */
  safetyBackup?: boolean;
  onProgress?: (table: string, rows: number) => void;
}

export interface RestoreResult {
  restored: Record<string, number>;
  safetyBackupId: string | null;
}

const BATCH = 500;

export async function restoreBackup(sql: postgres.Sql, store: BackupStore, id: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const verification = await verifyBackup(store, id);
  if (!verification.ok || !verification.manifest) {
    throw new RestoreRefused(`backup ${id} does not verify: ${verification.problems.map((p) => `${p.file} ${p.problem}`).join("; ")}`, "invalid_backup");
  }
  const manifest: Manifest = verification.manifest;
  const [{ version }] = await sql`select max(version) as version from supabase_migrations.schema_migrations`;
  if (manifest.schemaVersion && (!version || manifest.schemaVersion > version)) {
    throw new RestoreRefused(`backup ${id} was taken at schema version ${manifest.schemaVersion}, and this database is at ` +
      `${version ?? "none"}: apply the newer migrations first (memory migrate up), then restore`, "newer_schema");
  }
  const known = new Set<string>(TABLES.map((t) => t.name));
  for (const table of options.tables ?? []) {
    if (!known.has(table)) throw new RestoreRefused(`unknown table ${table}; tables: ${[...known].join(", ")}`, "unknown_table");
  }
  const users = options.userIds?.length ? new Set(options.userIds) : null;
  const scope = TABLES.filter((t) => (!options.tables || options.tables.includes(t.name)) && (!users || t.perUser));

  const safety = options.safetyBackup === false ? null : await createBackup(sql, store, "manual", { label: `before restoring ${id}` });
  const restored: Record<string, number> = {};
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    for (const table of scope) {
      const entry = manifest.tables[table.name];
      if (users) await tx.unsafe(`delete from public.${table.name} where user_id = any($1::uuid[])`, [[...users]]);
      else await tx.unsafe(`delete from public.${table.name}`);
      const list = entry.columns.map((c) => `"${c}"`).join(", ");
      const insert = `insert into public.${table.name} (${list}) select ${list} from jsonb_populate_recordset(null::public.${table.name}, $1::text::jsonb)`;
      let batch: Record<string, unknown>[] = [];
      let count = 0;
      const flush = async () => {
        if (batch.length) await tx.unsafe(insert, [JSON.stringify(batch)]);
        count += batch.length;
        batch = [];
        options.onProgress?.(table.name, count);
      };
      for await (const row of readRows(store, id, entry.file)) {
        if (users && !users.has(String(row.user_id))) continue;
        batch.push(row);
        if (batch.length >= BATCH) await flush();
      }
      await flush();
      // Checked before commit: what is there now is what the manifest says was there.
      const expected = users
        ? [...users].reduce((n, u) => n + (manifest.users[u]?.[table.name] ?? 0), 0)
        : entry.rows;
      const [{ n }] = await tx.unsafe(users
        ? `select count(*)::int as n from public.${table.name} where user_id = any($1::uuid[])`
        : `select count(*)::int as n from public.${table.name}`, users ? [[...users]] : []);
      if (n !== expected || count !== expected) {
        throw new RestoreRefused(`${table.name}: restored ${count} rows and found ${n}, the manifest says ${expected}; nothing was changed`, "count_mismatch");
      }
      restored[table.name] = count;
    }
  });
  return { restored, safetyBackupId: safety?.id ?? null };
}
