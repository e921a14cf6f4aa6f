// restoreBackup: all tables, chosen tables, or chosen users, in one transaction, after a safety backup; every file
// (or, for chosen users, every block) read is checked against the manifest as it streams (a whole restore also verifies the whole backup alongside), and
// the counts restored are checked, before commit. Rows go back as they were in the snapshot, so triggers (counters, versions) and foreign-key checks are
// deferred to the snapshot's own consistency (session_replication_role = replica, transaction-local).
// Each file streams by COPY straight into its table, its lines turned into COPY text rows on the way (copy-text.ts);
// a table with columns that cannot take their JSON text (arrays, composites) goes by COPY into a table of lines and
// one INSERT ... SELECT. No row is held here.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import type postgres from "postgres";
import { createBackup } from "./create.ts";
import { TABLES, type Manifest, type TableEntry, type TableName } from "./format.ts";
import { readManifest } from "./manifest.ts";
import type { BackupStore } from "./store.ts";
import { checksumTap, COPY_AS_LINES, lineCounter, linesContaining } from "./ndjson-copy.ts";
import { type Block, BlockDamaged, blocksOf, readBlock } from "./user-blocks.ts";
import { copyTextRows, LineNotRow } from "./copy-text.ts";
import { type Verification, verifyBackup } from "./verify.ts";
import { isUuid } from "../schemas/fields.ts";

export class RestoreRefused extends Error {
  constructor(message: string, readonly reason: "invalid_backup" | "newer_schema" | "unknown_table" | "invalid_user_id" | "count_mismatch" | "out_of_scope") {
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
  /** Whole tables of at least this many rows are loaded without their secondary indexes (default 100,000). */
  rebuildIndexesFrom?: number;
}

export interface RestoreResult {
  restored: Record<string, number>;
  safetyBackupId: string | null;
}

/**
 * A whole table of this many rows is loaded without its secondary indexes, which are built again afterwards in the
 * same transaction: building an index once is several times cheaper than growing it row by row (bench:backup).
 * The price is an exclusive lock on the table until commit, which a whole-table restore replaces anyway.
 */
export const REBUILD_INDEXES_FROM = 100_000;


/** Drops the table's indexes that back no constraint (keys stay), and returns what rebuilds them. */
async function dropSecondaryIndexes(tx: postgres.TransactionSql, table: string): Promise<string[]> {
  const indexes = await tx`select format('%I.%I', n.nspname, c.relname) as name, pg_get_indexdef(i.indexrelid) as definition
      from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
     where i.indrelid = ${`public.${table}`}::regclass
       and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`;
  for (const { name } of indexes) await tx.unsafe(`drop index ${name}`);
  return indexes.map((i) => i.definition as string);
}

/** The manifest, intact, and every file it names present: checked before anything is taken or changed. */
async function checkedManifest(store: BackupStore, id: string): Promise<Manifest> {
  let manifest: Manifest;
  try {
    manifest = await readManifest(store, id);
  } catch (error) {
    throw new RestoreRefused(`backup ${id} does not verify: manifest.json: ${(error as Error).message}`, "invalid_backup");
  }
  for (const entry of Object.values(manifest.tables)) {
    if (!(await store.exists(id, entry.file))) {
      throw new RestoreRefused(`backup ${id} is incomplete: ${entry.file} is missing; nothing was changed`, "invalid_backup");
    }
  }
  return manifest;
}

/** What a restore will do: which tables, for which users (null: all rows), and whether it replaces everything. */
interface RestorePlan {
  id: string;
  manifest: Manifest;
  users: string[] | null;
  scope: (typeof TABLES)[number][];
  everything: boolean;
}

/** The plan, or the refusal: a newer schema, an unknown table, a user id that is not one. Nothing is touched. */
function planRestore(id: string, manifest: Manifest, databaseVersion: string | null, options: RestoreOptions): RestorePlan {
  if (manifest.schemaVersion && (!databaseVersion || manifest.schemaVersion > databaseVersion)) {
    throw new RestoreRefused(`backup ${id} was taken at schema version ${manifest.schemaVersion}, and this database is at ` +
      `${databaseVersion ?? "none"}: apply the newer migrations first (memory migrate up), then restore`, "newer_schema");
  }
  const known = new Set<string>(TABLES.map((t) => t.name));
  for (const table of options.tables ?? []) {
    if (!known.has(table)) throw new RestoreRefused(`unknown table ${table}; tables: ${[...known].join(", ")}`, "unknown_table");
  }
  for (const user of options.userIds ?? []) {
    // Refused before the safety backup and the load, not by the database halfway through.
    if (!isUuid(user)) throw new RestoreRefused(`user id ${JSON.stringify(user)} is not a uuid`, "invalid_user_id");
  }
  // Lower case, as PostgreSQL writes uuids (and the manifest counts them).
  const asked = options.userIds?.length ? [...new Set(options.userIds.map((u) => u.toLowerCase()))] : null;
  // A partial backup (a safety backup of some users or tables) replaces its part and nothing else: its users and
  // tables unless fewer are asked for, never more.
  const { users: scopeUsers, tables: scopeTables } = manifest.scope ?? {};
  const outsideUser = scopeUsers && asked?.find((u) => !scopeUsers.includes(u));
  if (outsideUser) throw new RestoreRefused(`backup ${id} holds only users ${scopeUsers.join(", ")}, not ${outsideUser}`, "out_of_scope");
  const outsideTable = scopeTables && options.tables?.find((t) => !scopeTables.includes(t));
  if (outsideTable) throw new RestoreRefused(`backup ${id} holds only tables ${scopeTables.join(", ")}, not ${outsideTable}`, "out_of_scope");
  const users = asked ?? scopeUsers ?? null;
  const tables = options.tables ?? scopeTables;
  // A table the backup predates (it was added by a later migration): its per-user rows are emptied, as the
  // backup's users had none, and shared settings are left as they are.
  const scope = TABLES.filter((t) => (!tables || tables.includes(t.name)) && (!users || t.perUser) &&
    (t.perUser || manifest.tables[t.name] !== undefined));
  return { id, manifest, users, scope, everything: !users && !tables };
}

/** Empties what the plan replaces: everything at once, a whole table, or the chosen users' rows of it. */
async function emptyTarget(tx: postgres.TransactionSql, plan: RestorePlan, table: string): Promise<void> {
  if (plan.users) await tx.unsafe(`delete from public.${table} where user_id = any($1::uuid[])`, [plan.users]);
  else if (!plan.everything) await tx.unsafe(`delete from public.${table}`);
}

/**
 * Streams one table's file (for chosen users, their blocks) by COPY into the table, or, where a column cannot take
 * its JSON text, into a transaction-local table of lines inserted as rows after; returns the rows inserted.
 */
async function loadTable(tx: postgres.TransactionSql, store: BackupStore, plan: RestorePlan, table: string,
  options: RestoreOptions): Promise<number> {
  const entry = plan.manifest.tables[table];
  const rebuilt = !plan.users && entry.rows >= (options.rebuildIndexesFrom ?? REBUILD_INDEXES_FROM) ? await dropSecondaryIndexes(tx, table) : [];
  const direct = await copyableAsText(tx, table, entry.columns);
  if (!direct) await emptyLinesTable(tx);
  const { source, steps, checkDigest } = await readerOf(store, plan, entry);
  const counter = lineCounter((lines) => options.onProgress?.(table, lines));
  const rows = direct ? copyTextRows(entry.columns, plan.users, direct.json) : null;
  const list = entry.columns.map((c) => `"${c}"`).join(", ");
  const sink = await tx.unsafe(direct ? `copy public.${table} (${list}) from stdin`
    : `copy pg_temp.memory_restore_lines (line) from stdin ${COPY_AS_LINES}`).writable();
  try {
    await pipeline([source, ...steps, counter, ...(rows ? [rows] : []), sink]);
  } catch (error) {
    // zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR for a truncated file), a block unlike the manifest's and a line that
    // is no JSON object are the file's; a lost connection or a store that stopped answering is not damage, and is
    // reported as itself.
    if (error instanceof BlockDamaged || error instanceof LineNotRow || ((error as NodeJS.ErrnoException).code ?? "").startsWith("Z_")) {
      throw damaged(plan.id, entry.file, (error as Error).message);
    }
    throw error;
  }
  checkDigest();
  const inserted = rows ? rows.rows() : await insertLines(tx, plan, table, entry.columns);
  for (const definition of rebuilt) await tx.unsafe(definition);
  options.onProgress?.(table, inserted);
  return inserted;
}

/**
 * Where a table's lines come from, and the steps that check and pick them. Chosen users' rows come from their
 * blocks alone where the backup has blocks (format 3), each checked against its digest before it is decompressed;
 * otherwise the whole file is read, and checked as it is read (its digest and size against the manifest's, by
 * checkDigest after), so a restore of some users or tables needs no second reading of the whole backup. A whole
 * restore leaves that to the whole-backup verification running alongside (hashing here too cost it time). For chosen
 * users, lines are picked by their "user_id" key before any is parsed (a JSON string value holds its quotes escaped,
 * so only the key matches), and each row's own user_id is checked again. The file (or the first block) is opened
 * here, before the COPY starts: what cannot be read fails here, not mid-COPY (where the connection could only be
 * destroyed).
 */
async function readerOf(store: BackupStore, plan: RestorePlan, entry: TableEntry):
  Promise<{ source: Readable; steps: NodeJS.ReadWriteStream[]; checkDigest: () => void }> {
  const blocks = plan.users && entry.blocks ? blocksOf(entry.blocks, plan.users) : null;
  const source = blocks ? await blockReader(store, plan.id, entry.file, blocks) : await store.reader(plan.id, entry.file);
  const tap = plan.everything || blocks ? null : checksumTap();
  const steps: NodeJS.ReadWriteStream[] = [...(tap ? [tap] : []), ...(blocks ? [] : [createGunzip()]),
    ...(plan.users ? [linesContaining(plan.users.map((u) => `"user_id":"${u}"`))] : [])];
  const checkDigest = () => {
    if (tap && (tap.sha256() !== entry.sha256 || tap.bytes() !== entry.bytes)) {
      throw damaged(plan.id, entry.file, `its digest or size is not the manifest's (${tap.bytes()} bytes, ${entry.bytes} expected)`);
    }
  };
  return { source, steps, checkDigest };
}

/**
 * The table of lines of the JSON path, empty. Lines up to ~8 KB stay in the row uncompressed: left to TOAST, every
 * line over 2 KB was compressed on the way in and again decompressed on the way out (the COPY took three times as long).
 */
async function emptyLinesTable(tx: postgres.TransactionSql): Promise<void> {
  await tx`create temporary table if not exists memory_restore_lines (line text not null)
    with (toast_tuple_target = 8160) on commit drop`;
  await tx`truncate pg_temp.memory_restore_lines`;
}

/** The JSON path's second step: the lines as rows of the table (for chosen users, only theirs). */
async function insertLines(tx: postgres.TransactionSql, plan: RestorePlan, table: string, columns: string[]): Promise<number> {
  const [rowsOfUsers, parameters] = plan.users ? ["where r.user_id = any($1::uuid[])", [plan.users]] : ["", []];
  const inserted = await tx.unsafe(`insert into public.${table} (${columns.map((c) => `"${c}"`).join(", ")})
      select ${columns.map((c) => `r."${c}"`).join(", ")}
        from pg_temp.memory_restore_lines l
        cross join lateral jsonb_populate_record(null::public.${table}, l.line::jsonb) r ${rowsOfUsers}`, parameters);
  return inserted.count;
}

/**
 * Whether each of the columns takes its value's JSON text (as copy-text.ts writes it) as input, and which are json or
 * jsonb (domains over them included): scalars by their text form, json and jsonb by JSON. Arrays and composite
 * types write JSON that their input does not read: null.
 */
async function copyableAsText(tx: postgres.TransactionSql, table: string, columns: string[]): Promise<{ json: Set<string> } | null> {
  // A domain is judged by its base type (one level: domains over domains are not used here).
  const [{ ok, json }] = await tx`select coalesce(bool_and(t.typcategory <> 'A' and t.typtype <> 'c'), false) as ok,
        coalesce(array_agg(a.attname::text) filter (where t.oid in ('json'::regtype, 'jsonb'::regtype)), '{}') as json
      from pg_catalog.pg_attribute a
      join pg_catalog.pg_type d on d.oid = a.atttypid
      join pg_catalog.pg_type t on t.oid = case when d.typtype = 'd' then d.typbasetype else d.oid end
     where a.attrelid = ${`public.${table}`}::regclass and a.attname = any(${columns}) and not a.attisdropped`;
  return ok ? { json: new Set(json as string[]) } : null;
}

/** The decompressed lines of the given blocks of a file, one block read and checked at a time. */
async function blockReader(store: BackupStore, id: string, file: string, blocks: Block[]): Promise<Readable> {
  const read = (block: Block) => store.readRange(id, file, block.offset, block.bytes);
  const first = blocks.length ? await read(blocks[0]) : null;
  return Readable.from((async function* () {
    for (const [i, block] of blocks.entries()) yield await readBlock(i === 0 ? first! : await read(block), block);
  })(), { objectMode: false });
}

const damaged = (id: string, file: string, detail: string) =>
  new RestoreRefused(`backup ${id} does not verify: ${file} is damaged (${detail}); nothing was changed`, "invalid_backup");

/** Before commit: what is there now is what the manifest says was there (for the chosen users, their rows). */
async function checkCount(tx: postgres.TransactionSql, plan: RestorePlan, table: string, inserted: number): Promise<void> {
  const expected = plan.users
    ? plan.users.reduce((n, u) => n + (plan.manifest.users[u]?.[table] ?? 0), 0)
    : plan.manifest.tables[table].rows;
  const [{ n }] = await tx.unsafe(plan.users
    ? `select count(*)::int as n from public.${table} where user_id = any($1::uuid[])`
    : `select count(*)::int as n from public.${table}`, plan.users ? [plan.users] : []);
  if (n !== expected || inserted !== expected) {
    throw new RestoreRefused(`${table}: restored ${inserted} rows and found ${n}, the manifest says ${expected}; nothing was changed`, "count_mismatch");
  }
}

/** Loads the plan in one transaction; returns the rows restored per table. */
async function load(tx: postgres.TransactionSql, store: BackupStore, plan: RestorePlan, options: RestoreOptions): Promise<Record<string, number>> {
  await tx`set local session_replication_role = replica`;
  // A fold of the access log in progress holds memories this load deletes, and would touch memory_access after
  // it: wait it out, and keep the next one off until commit. (Absent in a database migrated before the log.)
  await tx.unsafe(`do $$ begin
      if to_regprocedure('private.access_fold_lock_key()') is not null then
        perform pg_advisory_xact_lock(private.access_fold_lock_key());
      end if;
    end $$`);
  // Everything back: emptied at once (the tables reference each other, so one TRUNCATE names them all).
  if (plan.everything) await tx.unsafe(`truncate ${plan.scope.map((t) => `public.${t.name}`).join(", ")}`);
  const restored: Record<string, number> = {};
  for (const { name } of plan.scope) {
    await emptyTarget(tx, plan, name);
    if (!plan.manifest.tables[name]) {
      restored[name] = 0;
      continue;
    }
    const inserted = await loadTable(tx, store, plan, name, options);
    await checkCount(tx, plan, name, inserted);
    restored[name] = inserted;
  }
  return restored;
}

export async function restoreBackup(sql: postgres.Sql, store: BackupStore, id: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const manifest = await checkedManifest(store, id);
  const [{ version }] = await sql`select max(version) as version from supabase_migrations.schema_migrations`;
  const plan = planRestore(id, manifest, version ?? null, options);
  // A whole restore verifies the whole backup (every file once more, and its rows per user) while the safety backup
  // is taken and the rows load, and its verdict is awaited before anything commits. A restore of some users or
  // tables checks the files it reads as it reads them (loadTable), and reads nothing else.
  const verifying: Promise<Verification> = plan.everything
    ? verifyBackup(store, id).catch((error: Error): Verification =>
      ({ id, ok: false, manifest: null, problems: [{ file: "*", problem: "corrupt", detail: error.message }] }))
    : Promise.resolve({ id, ok: true, manifest, problems: [] });
  const refusal = (v: Verification) =>
    new RestoreRefused(`backup ${id} does not verify: ${v.problems.map((p) => `${p.file} ${p.problem} (${p.detail})`).join("; ")}`, "invalid_backup");
  // The safety backup holds what the restore replaces: everything, the chosen tables, or the chosen users' rows.
  const part = plan.everything ? undefined : { ...(plan.users ? { users: plan.users } : {}), tables: plan.scope.map((t) => t.name) };
  const safety = options.safetyBackup === false ? null : await createBackup(sql, store, "safety",
    { label: `before restoring ${id}${plan.users ? ` (users ${plan.users.join(", ")})` : plan.everything ? "" : ` (tables ${part!.tables.join(", ")})`}`, scope: part });
  const restored = await sql.begin(async (tx) => {
    let result: Record<string, number>;
    try {
      result = await load(tx, store, plan, options);
    } catch (error) {
      // A damaged file fails the load first (gunzip, or COPY on its bytes): say so as verification does.
      const verification = await verifying;
      throw verification.ok ? error : refusal(verification);
    }
    // Before commit: every file is the one the manifest describes.
    const verification = await verifying;
    if (!verification.ok) throw refusal(verification);
    return result;
  });
  return { restored, safetyBackupId: safety?.id ?? null };
}
