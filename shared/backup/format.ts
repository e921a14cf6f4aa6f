// The backup format (version 3): one gzipped NDJSON file per table (the non-generated columns of each row), a
// manifest with the schema version, row counts per table and per user, and the SHA-256 of every file, and beside
// it manifest.json.sha256, the SHA-256 of the manifest's own bytes (in sha256sum's format), written last: every
// byte of a backup is covered. A per-user table's rows are sorted by user and compressed in blocks whose byte
// ranges, digests and users the manifest lists (user-blocks.ts), so one user's restore reads only their blocks.
// Version 2 had one gzip member per file; version 1 no manifest digest either. Both are still read.
export const FORMAT = "supabase-chat-memory-backup/3";
export const READABLE_FORMATS = [FORMAT, "supabase-chat-memory-backup/2", "supabase-chat-memory-backup/1"] as const;
export const MANIFEST = "manifest.json";
export const MANIFEST_DIGEST = "manifest.json.sha256";
/** The kinds one may ask for. */
export const KINDS = ["daily", "weekly", "monthly", "manual"] as const;
/** And "safety": what a restore takes of the data it is about to replace. */
export const ALL_KINDS = [...KINDS, "safety"] as const;
export type BackupKind = (typeof ALL_KINDS)[number];

/** The memory system's tables, in restore order (referenced before referencing). */
export const TABLES = [
  { name: "conversations", key: "id", perUser: true },
  { name: "user_memories", key: "id", perUser: true },
  { name: "memory_sightings", key: "id", perUser: true },
  { name: "memory_user_stats", key: "user_id", perUser: true },
  { name: "memory_idempotency_keys", key: "user_id, idempotency_key", perUser: true },
  { name: "memory_access", key: "memory_id", perUser: true },
  { name: "memory_access_log", key: "id", perUser: true },
  { name: "memory_settings", key: "id", perUser: false },
  { name: "memory_model_settings", key: "embedding_model", perUser: false },
  { name: "maintenance_jobs", key: "job_name", perUser: false },
] as const;
export type TableName = (typeof TABLES)[number]["name"];

/** A block of a per-user table's file: its place in the file, and the users it holds, `first` to `last` in uuid order. */
export interface Block {
  first: string;
  last: string;
  offset: number;
  bytes: number;
  sha256: string;
}

export interface TableEntry {
  file: string;
  columns: string[];
  rows: number;
  bytes: number;
  sha256: string;
  /** Per-user tables, from format 3: the file's blocks, in file and user order. */
  blocks?: Block[];
}

export interface Manifest {
  format: (typeof READABLE_FORMATS)[number];
  id: string;
  kind: BackupKind;
  label?: string;
  createdAt: string;
  schemaVersion: string | null;
  tables: Record<string, TableEntry>;
  /**
   * A backup of part of the data (a restore's safety backup holds what the restore replaces): only these users' rows,
   * only these tables. Restoring it replaces that part and nothing else.
   */
  scope?: { users?: string[]; tables?: TableName[] };
  /** Per user: rows in each per-user table. */
  users: Record<string, Record<string, number>>;
}

/** The file of a table in every backup. */
export function tableFile(table: string): string {
  return `${table}.ndjson.gz`;
}

/** kind-YYYYMMDDTHHMMSSmmmZ: sorts by time; milliseconds so a safety backup right after another does not collide. */
export function backupId(kind: BackupKind, at: Date): string {
  return `${kind}-${at.toISOString().replace(/[-:]/g, "").replace(".", "")}`;
}
