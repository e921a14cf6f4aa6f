// verifyBackup: the manifest is there and readable, and every file has its checksum, decompresses, and holds
// the rows the manifest counts. listBackups: what the store holds, newest first.
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { FORMAT, type Manifest } from "./format.ts";
import { checksumTap, lineCounter } from "./ndjson-copy.ts";
import type { BackupStore } from "./store.ts";

export type Problem =
  | "missing_manifest" | "corrupt_manifest" | "missing_file" | "checksum_mismatch" | "truncated" | "corrupt" | "row_count_mismatch";

export interface Verification {
  id: string;
  ok: boolean;
  manifest: Manifest | null;
  problems: { file: string; problem: Problem; detail: string }[];
}

async function readText(store: BackupStore, id: string, file: string): Promise<string> {
  let text = "";
  for await (const chunk of await store.reader(id, file)) text += chunk;
  return text;
}

export async function readManifest(store: BackupStore, id: string): Promise<Manifest> {
  return JSON.parse(await readText(store, id, "manifest.json")) as Manifest;
}

export async function verifyBackup(store: BackupStore, id: string, onProgress?: (file: string, rows: number) => void): Promise<Verification> {
  const problems: Verification["problems"] = [];
  if (!(await store.exists(id, "manifest.json"))) {
    return { id, ok: false, manifest: null, problems: [{ file: "manifest.json", problem: "missing_manifest", detail: "no manifest: the backup is incomplete or damaged" }] };
  }
  let manifest: Manifest;
  try {
    manifest = await readManifest(store, id);
    if (manifest.format !== FORMAT) throw new Error(`unknown format ${String(manifest.format)}`);
  } catch (error) {
    return { id, ok: false, manifest: null, problems: [{ file: "manifest.json", problem: "corrupt_manifest", detail: (error as Error).message }] };
  }
  for (const [table, entry] of Object.entries(manifest.tables)) {
    if (!(await store.exists(id, entry.file))) {
      problems.push({ file: entry.file, problem: "missing_file", detail: `${table}: file missing` });
      continue;
    }
    const tap = checksumTap();
    let rows = 0;
    try {
      const counter = lineCounter((lines) => onProgress?.(entry.file, lines));
      await pipeline(await store.reader(id, entry.file), tap, createGunzip(), counter, new Writable({ write: (_c, _e, done) => done() }));
      rows = counter.lines();
    } catch (error) {
      const message = (error as Error).message;
      problems.push({ file: entry.file, problem: /unexpected end/i.test(message) ? "truncated" : "corrupt", detail: `${table}: ${message}` });
      continue;
    }
    const sha256 = tap.sha256();
    if (sha256 !== entry.sha256) {
      problems.push({ file: entry.file, problem: "checksum_mismatch", detail: `${table}: SHA-256 ${sha256}, manifest says ${entry.sha256}` });
    } else if (rows !== entry.rows) {
      problems.push({ file: entry.file, problem: "row_count_mismatch", detail: `${table}: ${rows} rows, manifest says ${entry.rows}` });
    }
    onProgress?.(entry.file, rows);
  }
  return { id, ok: problems.length === 0, manifest, problems };
}

export async function listBackups(store: BackupStore): Promise<{ id: string; manifest: Manifest | null }[]> {
  const out = [];
  for (const id of await store.ids()) {
    out.push({ id, manifest: await readManifest(store, id).catch(() => null) });
  }
  return out.sort((a, b) => (b.manifest?.createdAt ?? "").localeCompare(a.manifest?.createdAt ?? ""));
}
