// The backup manager's API.
export { createBackup, type CreateOptions, type Progress } from "./create.ts";
export { verifyBackup, listBackups, readManifest, type Verification } from "./verify.ts";
export { restoreBackup, RestoreRefused, type RestoreOptions, type RestoreResult } from "./restore.ts";
export { pruneBackups, expiredBackups, DEFAULT_RETENTION, type RetentionPolicy } from "./retention.ts";
export { LocalFolderStore, type BackupStore } from "./store.ts";
export { SupabaseStorageStore, type StorageConfig } from "./supabase-storage.ts";
export { FORMAT, KINDS, TABLES, type BackupKind, type Manifest, type TableName } from "./format.ts";
