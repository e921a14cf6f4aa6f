// Where backups live: a folder per backup id holding its files. LocalFolderStore writes to a local directory.
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";

export interface BackupStore {
  /** A writable for one file of a backup; the file is complete when the stream has finished. */
  writer(id: string, file: string): Promise<Writable>;
  reader(id: string, file: string): Promise<Readable>;
  /** `bytes` bytes of a file from `offset` (fewer only where the file ends): one block of a per-user table. */
  readRange(id: string, file: string, offset: number, bytes: number): Promise<Buffer>;
  exists(id: string, file: string): Promise<boolean>;
  ids(): Promise<string[]>;
  remove(id: string): Promise<void>;
}

export class LocalFolderStore implements BackupStore {
  constructor(readonly root: string) {}

  async writer(id: string, file: string): Promise<Writable> {
    await mkdir(join(this.root, id), { recursive: true });
    return createWriteStream(join(this.root, id, file));
  }

  async reader(id: string, file: string): Promise<Readable> {
    await stat(join(this.root, id, file)); // a clear ENOENT before streaming
    return createReadStream(join(this.root, id, file));
  }

  async readRange(id: string, file: string, offset: number, bytes: number): Promise<Buffer> {
    const handle = await open(join(this.root, id, file), "r");
    try {
      const buffer = Buffer.alloc(bytes);
      const { bytesRead } = await handle.read(buffer, 0, bytes, offset);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async exists(id: string, file: string): Promise<boolean> {
    return stat(join(this.root, id, file)).then(() => true, () => false);
  }

  async ids(): Promise<string[]> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  }

  async remove(id: string): Promise<void> {
    await rm(join(this.root, id), { recursive: true, force: true });
  }
}
