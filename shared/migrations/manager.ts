// The migration manager's API: status, migrateUp, rollback, verify over a migrations folder.
export { readMigrations, type MigrationFile } from "./files.ts";
export { status, type MigrationStatus, type StatusReport } from "./status.ts";
export { migrateUp, rollback, verify, MigrationError, MigrationRefused } from "./apply.ts";
export type { UpOptions, RollbackOptions, RollbackPlan, VerifyResult } from "./apply.ts";
