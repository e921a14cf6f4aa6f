// Moves the schema forward and back. Each migration runs with its history rows in one transaction, under a
// database-level lock, re-checking the history after taking it, so concurrent runs apply each migration once.
import { performance } from "node:perf_hooks";
import type { SqlExecutor } from "../db/executor.ts";
import type { MigrationFile, SqlScript } from "./files.ts";
import { ensureHistoryTable, lockHistory, readApplied, recordApplied } from "./history.ts";
import { ensureAuditTable, recordAudit } from "./audit.ts";
import { status, type StatusReport } from "./status.ts";
import { findDataLoss, type DataLoss } from "./destructive.ts";

/** A statement of a migration failed; the transaction was rolled back. */
export class MigrationError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly statementIndex: number,
    readonly statement: string,
    override readonly cause: unknown,
  ) {
    super(message);
    this.name = "MigrationError";
  }
}

/** The manager will not proceed; `reason` says why and the message says what to do. */
export class MigrationRefused extends Error {
  constructor(
    message: string,
    readonly reason: "drift" | "missing_rollback" | "data_loss" | "out_of_order" | "unknown_version",
    readonly details: unknown = null,
  ) {
    super(message);
    this.name = "MigrationRefused";
  }
}

async function runScript(tx: SqlExecutor, script: SqlScript, fileName: string): Promise<void> {
  for (const [index, statement] of script.statements.entries()) {
    try {
      await tx.exec(statement);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const excerpt = statement.length > 300 ? `${statement.slice(0, 300)}...` : statement;
      throw new MigrationError(
        `${fileName}: statement ${index + 1} of ${script.statements.length} failed: ${reason}\n${excerpt}`,
        fileName, index, statement, error,
      );
    }
  }
}

async function prepareHistory(tx: SqlExecutor): Promise<void> {
  await lockHistory(tx);
  await ensureHistoryTable(tx);
  await ensureAuditTable(tx);
}

/** Applies one migration if it is still pending; returns whether it ran. */
export async function applyMigration(db: SqlExecutor, migration: MigrationFile): Promise<boolean> {
  return db.transaction(async (tx) => {
    await prepareHistory(tx);
    const applied = await tx.query(`select 1 from supabase_migrations.schema_migrations where version = $1`, [migration.version]);
    if (applied.length > 0) return false;
    const started = performance.now();
    await runScript(tx, migration, migration.fileName);
    await recordApplied(tx, migration.version, migration.name, migration.statements);
    await recordAudit(tx, {
      version: migration.version, name: migration.name, direction: "up", scriptChecksum: migration.checksum,
      migrationChecksum: migration.checksum, durationMs: performance.now() - started,
    });
    return true;
  });
}

function refuseOnDrift(report: StatusReport, allowOutOfOrder: boolean): void {
  const blocking = report.drift.filter((d) => !(allowOutOfOrder && d.drift === "out_of_order"));
  if (blocking.length === 0) return;
  const lines = blocking.map((d) => `  ${d.version} ${d.drift}: ${d.detail}`).join("\n");
  const outOfOrderOnly = blocking.every((d) => d.drift === "out_of_order");
  throw new MigrationRefused(
    outOfOrderOnly
      ? `pending migrations are older than the newest applied one:\n${lines}\n` +
        `Give them a newer timestamp, or pass --include-all to apply them anyway.`
      : `the database and the migration files disagree:\n${lines}\n` +
        `Restore the applied files as they were (git), or write a new migration for the change; never edit an applied one.`,
    outOfOrderOnly ? "out_of_order" : "drift",
    blocking,
  );
}

export interface UpOptions {
  /** Apply up to and including this version. */
  to?: string;
  dryRun?: boolean;
  /** Apply pending migrations older than the newest applied one (as `supabase db push --include-all`). */
  includeAll?: boolean;
  /** Called before each migration runs: how many of the plan are done, and which one is next. */
  onProgress?: (done: number, total: number, next: MigrationFile) => void;
}

export async function migrateUp(db: SqlExecutor, files: MigrationFile[], options: UpOptions = {}): Promise<MigrationFile[]> {
  if (options.to && !files.some((f) => f.version === options.to)) {
    throw new MigrationRefused(`no migration file has version ${options.to}`, "unknown_version");
  }
  const report = await status(db, files);
  refuseOnDrift(report, options.includeAll ?? false);
  const pending = new Set(report.migrations.filter((m) => m.state === "pending").map((m) => m.version));
  const plan = files.filter((f) => pending.has(f.version) && (!options.to || f.version <= options.to));
  const withoutRollback = plan.filter((f) => !f.down);
  if (withoutRollback.length > 0) {
    throw new MigrationRefused(
      `no rollback script for: ${withoutRollback.map((f) => f.fileName).join(", ")}\n` +
        `Add supabase/migrations/down/<same file name> that undoes each one, then run up again.`,
      "missing_rollback", withoutRollback.map((f) => f.fileName),
    );
  }
  if (options.dryRun) return plan;
  const ran: MigrationFile[] = [];
  for (const [i, migration] of plan.entries()) {
    options.onProgress?.(i, plan.length, migration);
    if (await applyMigration(db, migration)) ran.push(migration);
  }
  return ran;
}

export interface RollbackOptions {
  /** Roll back every applied migration newer than this version (it stays applied). */
  to?: string;
  /** Roll back this many of the newest applied migrations (default 1). */
  count?: number;
  dryRun?: boolean;
  /** Confirms a rollback that destroys rows. */
  yes?: boolean;
  onProgress?: UpOptions["onProgress"];
}

export interface RollbackPlan {
  migrations: MigrationFile[];
  dataLoss: DataLoss[];
}

/** Undoes one migration if it is still the newest applied; returns whether it ran. */
async function rollbackMigration(db: SqlExecutor, migration: MigrationFile, yes: boolean): Promise<boolean> {
  const down = migration.down!;
  return db.transaction(async (tx) => {
    await prepareHistory(tx);
    const applied = await readApplied(tx);
    if (applied[applied.length - 1]?.version !== migration.version) return false;
    // Checked again under the lock: rows may have arrived since the plan was made.
    const loss = await findDataLoss(tx, down.statements);
    if (loss.length > 0 && !yes) throw dataLossRefusal([migration], loss);
    const started = performance.now();
    await runScript(tx, down, `down/${migration.fileName}`);
    await tx.query(`delete from supabase_migrations.schema_migrations where version = $1`, [migration.version]);
    await recordAudit(tx, {
      version: migration.version, name: migration.name, direction: "down", scriptChecksum: down.checksum,
      migrationChecksum: migration.checksum, durationMs: performance.now() - started,
    });
    return true;
  });
}

function dataLossRefusal(migrations: MigrationFile[], loss: DataLoss[]): MigrationRefused {
  return new MigrationRefused(
    `rolling back ${migrations.map((m) => m.fileName).join(", ")} would destroy data:\n` +
      loss.map((l) => `  ${l.target}: ${l.statement}`).join("\n") +
      `\nTake a backup first (memory backup create --kind manual), then confirm with --yes.`,
    "data_loss", loss,
  );
}

export async function rollback(db: SqlExecutor, files: MigrationFile[], options: RollbackOptions = {}): Promise<RollbackPlan> {
  const report = await status(db, files);
  refuseOnDrift({ ...report, drift: report.drift.filter((d) => d.state === "applied") }, true);
  const applied = report.migrations.filter((m) => m.state === "applied").map((m) => m.version).reverse();
  if (options.to && options.to !== "0" && !applied.includes(options.to)) {
    throw new MigrationRefused(`version ${options.to} is not applied; 'memory migrate status' lists what is`, "unknown_version");
  }
  const versions = options.to
    ? applied.filter((v) => options.to === "0" || v > options.to!)
    : applied.slice(0, options.count ?? 1);
  const byVersion = new Map(files.map((f) => [f.version, f]));
  const plan = versions.map((v) => byVersion.get(v)!);
  const withoutRollback = plan.filter((f) => !f.down);
  if (withoutRollback.length > 0) {
    throw new MigrationRefused(
      `no rollback script for: ${withoutRollback.map((f) => f.fileName).join(", ")}\n` +
        `Write supabase/migrations/down/<same file name>, or undo the change with a new forward migration.`,
      "missing_rollback", withoutRollback.map((f) => f.fileName),
    );
  }
  const dataLoss = (await Promise.all(plan.map((m) => findDataLoss(db, m.down!.statements)))).flat();
  if (options.dryRun) return { migrations: plan, dataLoss };
  if (dataLoss.length > 0 && !options.yes) throw dataLossRefusal(plan, dataLoss);
  const ran: MigrationFile[] = [];
  for (const [i, migration] of plan.entries()) {
    options.onProgress?.(i, plan.length, migration);
    if (await rollbackMigration(db, migration, options.yes ?? false)) ran.push(migration);
  }
  return { migrations: ran, dataLoss };
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  drift: StatusReport["drift"];
}

/** Checks every applied migration against its file; ok is false on any drift. */
export async function verify(db: SqlExecutor, files: MigrationFile[]): Promise<VerifyResult> {
  const report = await status(db, files);
  return {
    ok: report.drift.length === 0,
    checked: report.migrations.filter((m) => m.state === "applied").length,
    drift: report.drift,
  };
}
