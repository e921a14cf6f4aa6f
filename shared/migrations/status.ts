// What is applied, what is pending, and every way the database and the files disagree (drift).
import type { SqlExecutor } from "../db/executor.ts";
import type { MigrationFile } from "./files.ts";
import { readApplied } from "./history.ts";
import { readCurrentUps } from "./audit.ts";

export type DriftKind = "changed" | "missing_file" | "out_of_order";

export interface MigrationStatus {
  version: string;
  name: string;
  state: "applied" | "pending";
  /** Who applied it: this manager (with an audit row) or another tool (the Supabase CLI). */
  appliedBy: "manager" | "other" | null;
  appliedAt: string | null;
  hasRollback: boolean;
  drift: DriftKind | null;
  detail: string | null;
}

export interface StatusReport {
  migrations: MigrationStatus[];
  drift: MigrationStatus[];
  missingRollbacks: string[];
}

function sameStatements(a: string[] | null, b: string[]): boolean {
  return a !== null && a.length === b.length && a.every((s, i) => s === b[i]);
}

export async function status(db: SqlExecutor, files: MigrationFile[]): Promise<StatusReport> {
  const applied = await readApplied(db);
  const audits = await readCurrentUps(db);
  const fileByVersion = new Map(files.map((f) => [f.version, f]));
  const appliedVersions = new Set(applied.map((a) => a.version));
  const newestApplied = applied.length ? applied[applied.length - 1].version : null;
  const rows: MigrationStatus[] = [];

  for (const record of applied) {
    const file = fileByVersion.get(record.version);
    const audit = audits.get(record.version);
    let drift: DriftKind | null = null;
    let detail: string | null = null;
    if (!file) {
      drift = "missing_file";
      detail = `applied version ${record.version} has no file in the migrations folder`;
    } else if (audit ? audit.migration_checksum !== file.checksum : !sameStatements(record.statements, file.statements)) {
      drift = "changed";
      detail = `${file.fileName} changed after it was applied (${audit ? "checksum" : "recorded statements"} differ)`;
    }
    rows.push({
      version: record.version,
      name: record.name ?? file?.name ?? "",
      state: "applied",
      appliedBy: audit ? "manager" : "other",
      appliedAt: audit?.executed_at ?? null,
      hasRollback: Boolean(file?.down),
      drift,
      detail,
    });
  }
  for (const file of files) {
    if (appliedVersions.has(file.version)) continue;
    const outOfOrder = newestApplied !== null && file.version < newestApplied;
    rows.push({
      version: file.version,
      name: file.name,
      state: "pending",
      appliedBy: null,
      appliedAt: null,
      hasRollback: Boolean(file.down),
      drift: outOfOrder ? "out_of_order" : null,
      detail: outOfOrder ? `pending ${file.fileName} is older than the newest applied version ${newestApplied}` : null,
    });
  }
  rows.sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  return {
    migrations: rows,
    drift: rows.filter((r) => r.drift !== null),
    missingRollbacks: files.filter((f) => !f.down).map((f) => f.fileName),
  };
}
