// createBackup: every table of the memory system from one consistent snapshot (repeatable read, read only),
// streamed by COPY into gzipped NDJSON: no row is parsed here, and at most two blocks of a file are held, so memory
// stays flat however large the data. Per-user tables come sorted by user, in blocks (user-blocks.ts).
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type postgres from "postgres";
import { backupId, FORMAT, type BackupKind, type Manifest, tableFile, TABLES } from "./format.ts";
import { writeManifest } from "./manifest.ts";
import { checksumTap, copyOut, copyOutJson, lineCounter } from "./ndjson-copy.ts";
import { userBlocks } from "./user-blocks.ts";
import { isUuid } from "../schemas/fields.ts";
import type { BackupStore } from "./store.ts";

export interface Progress { table: string; rows: number; bytes: number }

export interface CreateOptions {
  label?: string;
  /** Only these users' rows (of the per-user tables), only these tables: a partial backup, which says so. */
  scope?: Manifest["scope"];
  /** Uncompressed bytes per block of a per-user table (default BLOCK_BYTES, 1 MiB). */
  blockBytes?: number;
  now?: Date;
  onProgress?: (progress: Progress) => void;
}

export async function createBackup(sql: postgres.Sql, store: BackupStore, kind: BackupKind, options: CreateOptions = {}): Promise<Manifest> {
  const at = options.now ?? new Date();
  const id = backupId(kind, at);
  const scope = options.scope?.users || options.scope?.tables ? normalScope(options.scope) : null;
  const tables = TABLES.filter((t) => (!scope?.tables || scope.tables.includes(t.name)) && (!scope?.users || t.perUser));
  // Ids checked as uuids first: COPY takes no parameters, so they are written into the statement.
  const rowsOf = scope?.users ? `user_id = any('{${scope.users.join(",")}}'::uuid[])` : null;
  return (await sql.begin("isolation level repeatable read read only", async (tx) => {
    const [{ version }] = await tx`select max(version) as version from supabase_migrations.schema_migrations`;
    const manifest: Manifest = {
      format: FORMAT, id, kind, ...(options.label ? { label: options.label } : {}),
      createdAt: at.toISOString(), schemaVersion: version ?? null, tables: {}, ...(scope ? { scope } : {}), users: {},
    };
    for (const table of tables) {
      // user_id first in a per-user table's lines: the first "user_id" key of a line is the row's own, whatever
      // a later jsonb column holds.
      const columns = (await tx`select column_name from information_schema.columns
        where table_schema = 'public' and table_name = ${table.name} and is_generated = 'NEVER'
        order by column_name <> 'user_id' or ${!table.perUser}, ordinal_position`).map((r) => r.column_name as string);
      const file = tableFile(table.name);
      const tap = checksumTap();
      const counter = lineCounter((lines) => options.onProgress?.({ table: table.name, rows: lines, bytes: tap.bytes() }));
      // Level 4: smaller than level 3 on this data and no slower (bench:backup; level 6 is 5x slower).
      const compress = table.perUser ? userBlocks(4, options.blockBytes) : createGzip({ level: 4 });
      const order = table.perUser && !table.key.startsWith("user_id") ? `user_id, ${table.key}` : table.key;
      const copy = await copyOut(tx, copyOutJson(table.name, columns, order, rowsOf));
      await pipeline(copy, counter, compress, tap, await store.writer(id, file));
      const rows = counter.lines();
      const bytes = tap.bytes();
      manifest.tables[table.name] = { file, columns, rows, bytes, sha256: tap.sha256(),
        ...("blocks" in compress ? { blocks: compress.blocks() } : {}) };
      options.onProgress?.({ table: table.name, rows, bytes });
    }
    for (const table of tables.filter((t) => t.perUser)) {
      for (const { user_id, n } of await tx.unsafe(`select user_id::text, count(*)::int as n from public.${table.name}
          ${rowsOf ? `where ${rowsOf}` : ""} group by 1`)) {
        (manifest.users[user_id] ??= {})[table.name] = n;
      }
    }
    // The manifest and its digest are written last: a backup without both is incomplete.
    await writeManifest(store, manifest);
    return manifest;
  })) as Manifest;
}

/** The scope's users as PostgreSQL writes them (lower case, once each, sorted), refused unless each is a uuid. */
function normalScope(scope: NonNullable<Manifest["scope"]>): NonNullable<Manifest["scope"]> {
  const bad = scope.users?.find((u) => !isUuid(u));
  if (bad !== undefined) throw new Error(`user id ${JSON.stringify(bad)} is not a uuid`);
  return {
    ...(scope.users ? { users: [...new Set(scope.users.map((u) => u.toLowerCase()))].sort() } : {}),
    ...(scope.tables ? { tables: [...new Set(scope.tables)] } : {}),
  };
}
