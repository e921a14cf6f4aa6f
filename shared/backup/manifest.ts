// A backup's manifest: written with the SHA-256 of its exact bytes beside it, and read back only when those bytes
// are intact and describe a backup this code can restore (every field checked, the counts consistent), so that a
// damaged manifest is refused with its reason instead of misleading a restore.
import { createHash } from "node:crypto";
import { once } from "node:events";
import { z } from "zod";
import { ALL_KINDS, FORMAT, type Manifest, MANIFEST, MANIFEST_DIGEST, READABLE_FORMATS, tableFile, type TableEntry, type TableName, TABLES } from "./format.ts";
import type { BackupStore } from "./store.ts";

export class ManifestError extends Error {
  constructor(message: string, readonly problem: "missing_manifest" | "corrupt_manifest") {
    super(message);
    this.name = "ManifestError";
  }
}

const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");
/** sha256sum's line: `sha256sum -c manifest.json.sha256` checks a backup folder by hand. */
const digestLine = (manifestBytes: Buffer | string) => `${sha256(manifestBytes)}  ${MANIFEST}\n`;

async function write(store: BackupStore, id: string, file: string, text: string): Promise<void> {
  const out = await store.writer(id, file);
  out.end(text);
  await once(out, "finish");
}

/** Writes the manifest, then its digest: a backup without both is incomplete. */
export async function writeManifest(store: BackupStore, manifest: Manifest): Promise<void> {
  const text = JSON.stringify(manifest, null, 2);
  await write(store, manifest.id, MANIFEST, text);
  await write(store, manifest.id, MANIFEST_DIGEST, digestLine(text));
}

async function readBytes(store: BackupStore, id: string, file: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.reader(id, file)) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

const TABLE_NAMES = TABLES.map((t) => t.name) as [string, ...string[]];
const PER_USER = TABLES.filter((t) => t.perUser).map((t) => t.name) as [string, ...string[]];
const count = z.number().int().nonnegative();
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
// Lower case, as PostgreSQL writes uuids: blocks are found by comparing users as text.
const userId = z.guid().regex(/^[0-9a-f-]+$/);
const BlockSchema = z.strictObject({ first: userId, last: userId, offset: count, bytes: z.number().int().positive(), sha256: sha256Hex });
const TableEntrySchema = z.strictObject({
  file: z.string(),
  columns: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/)).min(1),
  rows: count,
  bytes: count,
  sha256: sha256Hex,
  blocks: z.array(BlockSchema).optional(),
});
const ManifestSchema = z.strictObject({
  format: z.enum(READABLE_FORMATS),
  id: z.string(),
  kind: z.enum(ALL_KINDS),
  label: z.string().optional(),
  createdAt: z.iso.datetime(),
  schemaVersion: z.string().regex(/^[0-9]{14}$/).nullable(),
  tables: z.partialRecord(z.enum(TABLE_NAMES), TableEntrySchema),
  scope: z.strictObject({ users: z.array(userId).min(1).optional(), tables: z.array(z.enum(TABLE_NAMES)).min(1).optional() }).optional(),
  users: z.record(userId, z.partialRecord(z.enum(PER_USER), z.number().int().positive())),
});

/**
 * What is wrong with a table's blocks, or null: from format 3 a per-user table has them (and no other table does);
 * they tile the file from its first byte to its last, in user order, and each user with rows in the table falls
 * within a block.
 */
function blockInconsistency(manifest: Manifest, table: string, entry: TableEntry): string | null {
  const perUser = (PER_USER as readonly string[]).includes(table);
  if (!entry.blocks) return manifest.format === FORMAT && perUser ? `${table} has no blocks` : null;
  if (!perUser || manifest.format !== FORMAT) return `${table} has blocks, which only per-user tables have, from ${FORMAT}`;
  if (!entry.blocks.length) return entry.rows === 0 ? null : `${table} has ${entry.rows} rows and no blocks`;
  let offset = 0;
  let previous = "";
  for (const [i, block] of entry.blocks.entries()) {
    if (block.offset !== offset) return `${table}'s block ${i} starts at byte ${block.offset}, not ${offset}`;
    if (block.first > block.last || block.first < previous) return `${table}'s block ${i} is out of user order`;
    offset += block.bytes;
    previous = block.last;
  }
  if (offset !== entry.bytes) return `${table}'s blocks cover ${offset} bytes of ${entry.bytes}`;
  // One sweep over the users in order and the blocks in order.
  const users = Object.keys(manifest.users).filter((u) => manifest.users[u][table] !== undefined).sort();
  let b = 0;
  for (const user of users) {
    while (b < entry.blocks.length && entry.blocks[b].last < user) b++;
    if (b === entry.blocks.length || entry.blocks[b].first > user) return `${table}: no block holds user ${user}`;
  }
  return null;
}

/** A partial backup holds nothing outside its scope: no other user's rows, no other table, no shared table for users. */
function scopeInconsistency(manifest: Manifest): string | null {
  const { users, tables } = manifest.scope ?? {};
  const stranger = users && Object.keys(manifest.users).find((u) => !users.includes(u));
  if (stranger) return `it holds rows of user ${stranger}, outside its scope`;
  const extra = Object.keys(manifest.tables).find((t) => (tables && !tables.includes(t as TableName)) ||
    (users && !(PER_USER as readonly string[]).includes(t)));
  return extra ? `it holds table ${extra}, outside its scope` : null;
}

/** What is inconsistent inside a well-formed manifest, or null. */
function inconsistency(manifest: Manifest, id: string): string | null {
  if (manifest.id !== id) return `it describes backup ${manifest.id}, not ${id}`;
  for (const [table, entry] of Object.entries(manifest.tables)) {
    if (entry.file !== tableFile(table)) return `${table}'s file is ${entry.file}, not ${tableFile(table)}`;
    const wrong = blockInconsistency(manifest, table, entry);
    if (wrong) return wrong;
  }
  const wrongScope = scopeInconsistency(manifest);
  if (wrongScope) return wrongScope;
  for (const table of PER_USER) {
    const entry = manifest.tables[table];
    const perUser = Object.values(manifest.users).reduce((n, counts) => n + (counts[table] ?? 0), 0);
    if (entry ? perUser !== entry.rows : perUser !== 0) {
      return `${table}: the per-user counts add up to ${perUser}, the table count is ${entry?.rows ?? "absent"}`;
    }
  }
  return null;
}

/**
 * The manifest of backup `id`, when its bytes match their digest (required from format 2 on) and every field is
 * one this code can act on; otherwise a ManifestError saying what is wrong.
 */
export async function readManifest(store: BackupStore, id: string): Promise<Manifest> {
  if (!(await store.exists(id, MANIFEST))) {
    throw new ManifestError("no manifest: the backup is incomplete or damaged", "missing_manifest");
  }
  const bytes = await readBytes(store, id, MANIFEST);
  const hasDigest = await store.exists(id, MANIFEST_DIGEST);
  if (hasDigest) {
    const recorded = (await readBytes(store, id, MANIFEST_DIGEST)).toString("latin1");
    if (recorded !== digestLine(bytes)) {
      throw new ManifestError(`its SHA-256 is ${sha256(bytes)}, ${MANIFEST_DIGEST} says ${JSON.stringify(recorded.slice(0, 100))}`, "corrupt_manifest");
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new ManifestError(`not JSON: ${(error as Error).message}`, "corrupt_manifest");
  }
  const result = ManifestSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ManifestError(`${issue.path.join(".") || "(top)"}: ${issue.message}`, "corrupt_manifest");
  }
  const manifest = result.data as Manifest;
  if (manifest.format === FORMAT && !hasDigest) {
    throw new ManifestError(`${MANIFEST_DIGEST} is missing: the backup is incomplete`, "corrupt_manifest");
  }
  const wrong = inconsistency(manifest, id);
  if (wrong) throw new ManifestError(wrong, "corrupt_manifest");
  return manifest;
}
