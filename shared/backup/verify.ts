// verifyBackup: the manifest is intact (its digest) and consistent, and every file has its checksum, decompresses
// (each block on its own, as a user's restore reads it, holding only rows of the users the manifest gives it), and
// holds the rows the manifest counts, per table and per user. listBackups: what the store holds, newest first.
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { type Manifest, TABLES } from "./format.ts";
import { ManifestError, readManifest } from "./manifest.ts";
import { checksumTap, lineCounter, userCounter } from "./ndjson-copy.ts";
import { blockChecker } from "./user-blocks.ts";
import type { BackupStore } from "./store.ts";

export { readManifest } from "./manifest.ts";

export type Problem =
  | "missing_manifest" | "corrupt_manifest" | "missing_file" | "checksum_mismatch" | "truncated" | "corrupt"
  | "row_count_mismatch" | "user_count_mismatch";

export interface Verification {
  id: string;
  ok: boolean;
  manifest: Manifest | null;
  problems: { file: string; problem: Problem; detail: string }[];
}

const PER_USER = new Set<string>(TABLES.filter((t) => t.perUser).map((t) => t.name));

/** Where the rows of each user in a file differ from the manifest's count: "user: n rows, manifest says m". */
function userCountDifferences(table: string, counted: Map<string, number>, manifest: Manifest): string[] {
  const users = new Set([...counted.keys(), ...Object.keys(manifest.users).filter((u) => manifest.users[u][table] !== undefined)]);
  return [...users].filter((u) => (counted.get(u) ?? 0) !== (manifest.users[u]?.[table] ?? 0))
    .map((u) => `${u}: ${counted.get(u) ?? 0} rows, manifest says ${manifest.users[u]?.[table] ?? 0}`);
}

export async function verifyBackup(store: BackupStore, id: string, onProgress?: (file: string, rows: number) => void): Promise<Verification> {
  let manifest: Manifest;
  try {
    manifest = await readManifest(store, id);
  } catch (error) {
    const problem = error instanceof ManifestError ? error.problem : "corrupt_manifest";
    return { id, ok: false, manifest: null, problems: [{ file: "manifest.json", problem, detail: (error as Error).message }] };
  }
  const problems: Verification["problems"] = [];
  for (const [table, entry] of Object.entries(manifest.tables)) {
    if (!(await store.exists(id, entry.file))) {
      problems.push({ file: entry.file, problem: "missing_file", detail: `${table}: file missing` });
      continue;
    }
    const tap = checksumTap();
    // A file in blocks (format 3) is read block by block, as a user's restore reads it; otherwise as one stream.
    const blocks = entry.blocks?.length ? blockChecker(entry.blocks, (lines) => onProgress?.(entry.file, lines)) : null;
    const users = userCounter();
    const counter = lineCounter((lines) => onProgress?.(entry.file, lines));
    try {
      const sink = new Writable({ write: (_c, _e, done) => done() });
      await pipeline(await store.reader(id, entry.file), tap,
        ...(blocks ? [blocks] : [createGunzip(), counter, ...(PER_USER.has(table) ? [users] : []), sink]));
    } catch (error) {
      const message = (error as Error).message;
      problems.push({ file: entry.file, problem: /unexpected end/i.test(message) ? "truncated" : "corrupt", detail: `${table}: ${message}` });
      continue;
    }
    const rows = blocks ? blocks.lines() : counter.lines();
    const sha256 = tap.sha256();
    const differences = PER_USER.has(table) ? userCountDifferences(table, blocks ? blocks.counts() : users.counts(), manifest) : [];
    if (sha256 !== entry.sha256) {
      problems.push({ file: entry.file, problem: "checksum_mismatch", detail: `${table}: SHA-256 ${sha256}, manifest says ${entry.sha256}` });
    } else if (blocks?.problems().length) {
      problems.push({ file: entry.file, problem: "corrupt", detail: `${table}: ${blocks.problems().slice(0, 3).join("; ")}` });
    } else if (rows !== entry.rows) {
      problems.push({ file: entry.file, problem: "row_count_mismatch", detail: `${table}: ${rows} rows, manifest says ${entry.rows}` });
    } else if (differences.length) {
      problems.push({ file: entry.file, problem: "user_count_mismatch", detail: `${table}: ${differences.slice(0, 3).join("; ")}` });
    }
    onProgress?.(entry.file, rows);
  }
  return { id, ok: problems.length === 0, manifest, problems };
}

/** Every backup in the store; manifest null where it is missing or does not verify (see verifyBackup). */
export async function listBackups(store: BackupStore): Promise<{ id: string; manifest: Manifest | null }[]> {
  const out = [];
  for (const id of await store.ids()) {
    out.push({ id, manifest: await readManifest(store, id).catch(() => null) });
  }
  return out.sort((a, b) => (b.manifest?.createdAt ?? "").localeCompare(a.manifest?.createdAt ?? ""));
}
