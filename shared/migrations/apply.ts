// Applies pending migrations: each migration's statements and its history row in one transaction,
// under a database-level lock, re-checking after the lock so concurrent runs apply each migration once.
import type { SqlExecutor } from "../db/executor.ts";
import type { MigrationFile } from "./files.ts";
import { ensureHistoryTable, lockHistory, readApplied, recordApplied } from "./history.ts";

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly migration: string,
    readonly statementIndex: number,
    readonly statement: string,
    override readonly cause: unknown,
  ) {
    super(message);
    this.name = "MigrationError";
  }
}

async function runStatements(tx: SqlExecutor, migration: MigrationFile, statements: string[], path: string) {
  for (const [index, statement] of statements.entries()) {
    try {
      await tx.exec(statement);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const excerpt = statement.length > 300 ? `${statement.slice(0, 300)}...` : statement;
      throw new MigrationError(
        `${path}: statement ${index + 1} of ${statements.length} failed: ${reason}\n${excerpt}`,
        migration.fileName, index, statement, error,
      );
    }
  }
}

/** Applies one migration if it is still pending; returns whether it ran. */
export async function applyMigration(db: SqlExecutor, migration: MigrationFile): Promise<boolean> {
  return db.transaction(async (tx) => {
    await lockHistory(tx);
    await ensureHistoryTable(tx);
    const applied = await tx.query<{ version: string }>(
      `select version from supabase_migrations.schema_migrations where version = $1`, [migration.version],
    );
    if (applied.length > 0) return false;
    await runStatements(tx, migration, migration.statements, migration.path);
    await recordApplied(tx, migration.version, migration.name, migration.statements);
    return true;
  });
}

export interface UpOptions {
  /** Apply up to and including this version. */
  to?: string;
}

export async function migrateUp(db: SqlExecutor, migrations: MigrationFile[], options: UpOptions = {}) {
  const appliedVersions = new Set((await readApplied(db)).map((m) => m.version));
  const ran: MigrationFile[] = [];
  for (const migration of migrations) {
    if (options.to && migration.version > options.to) break;
    if (appliedVersions.has(migration.version)) continue;
    if (await applyMigration(db, migration)) ran.push(migration);
  }
  return ran;
}
