// Backups in a private Supabase Storage bucket, through the Storage REST API (/storage/v1) with a service-role key:
// uploads stream (no whole file in memory), downloads stream, folders are backup ids.
import { Readable, Writable } from "node:stream";
import type { BackupStore } from "./store.ts";

export interface StorageConfig {
  /** The project URL, e.g. https://<ref>.supabase.co (SUPABASE_URL). */
  url: string;
  /** A service-role key (SUPABASE_SERVICE_ROLE_KEY): the bucket is private. */
  serviceKey: string;
  bucket: string;
  /** A folder inside the bucket for this project's backups. */
  prefix?: string;
}

export class SupabaseStorageStore implements BackupStore {
  private readonly base: string;
  constructor(private readonly config: StorageConfig, private readonly fetchImpl: typeof fetch = fetch) {
    this.base = `${config.url.replace(/\/$/, "")}/storage/v1`;
  }

  private path(id: string, file?: string): string {
    return [this.config.prefix, id, file].filter(Boolean).join("/");
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { Authorization: `Bearer ${this.config.serviceKey}`, apikey: this.config.serviceKey, ...extra };
  }

  private async check(response: Response, what: string): Promise<Response> {
    if (!response.ok) throw new Error(`Supabase Storage ${what}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
    return response;
  }

  async writer(id: string, file: string): Promise<Writable> {
    const body = new Readable({ read() {} });
    const upload = this.fetchImpl(`${this.base}/object/${this.config.bucket}/${this.path(id, file)}`, {
      method: "POST",
      headers: this.headers({ "Content-Type": "application/octet-stream", "x-upsert": "true" }),
      body: Readable.toWeb(body) as ReadableStream,
      duplex: "half",
    } as RequestInit).then((r) => this.check(r, `upload ${file}`));
    upload.catch(() => {}); // reported by final() below
    return new Writable({
      write(chunk, _encoding, done) {
        body.push(chunk);
        done();
      },
      final(done) {
        body.push(null);
        upload.then(() => done(), done);
      },
    });
  }

  async reader(id: string, file: string): Promise<Readable> {
    const response = await this.check(await this.fetchImpl(`${this.base}/object/${this.config.bucket}/${this.path(id, file)}`,
      { headers: this.headers() }), `download ${file}`);
    return Readable.fromWeb(response.body as import("node:stream/web").ReadableStream);
  }

  /**
   * A byte range by HTTP Range (Supabase Storage answers 206 Partial Content); a server that ignores the header
   * and sends the whole object (200) is read up to the range's end and sliced.
   */
  async readRange(id: string, file: string, offset: number, bytes: number): Promise<Buffer> {
    const response = await this.check(await this.fetchImpl(`${this.base}/object/${this.config.bucket}/${this.path(id, file)}`,
      { headers: this.headers({ Range: `bytes=${offset}-${offset + bytes - 1}` }) }), `download ${file} (bytes ${offset}+${bytes})`);
    if (response.status === 206) return Buffer.from(await response.arrayBuffer());
    const chunks: Buffer[] = [];
    let read = 0;
    for await (const chunk of Readable.fromWeb(response.body as import("node:stream/web").ReadableStream)) {
      chunks.push(Buffer.from(chunk));
      read += chunk.length;
      if (read >= offset + bytes) break;
    }
    return Buffer.concat(chunks).subarray(offset, offset + bytes);
  }

  private async list(prefix: string): Promise<{ name: string; id: string | null }[]> {
    const response = await this.check(await this.fetchImpl(`${this.base}/object/list/${this.config.bucket}`, {
      method: "POST",
      headers: this.headers({ "Content-Type": "application/json" }),
      body: JSON.stringify({ prefix, limit: 1000, offset: 0, sortBy: { column: "name", order: "asc" } }),
    }), "list");
    return (await response.json()) as { name: string; id: string | null }[];
  }

  async exists(id: string, file: string): Promise<boolean> {
    return (await this.list(this.path(id))).some((entry) => entry.name === file && entry.id !== null);
  }

  async ids(): Promise<string[]> {
    // Folders come back without an id.
    return (await this.list(this.config.prefix ?? "")).filter((e) => e.id === null).map((e) => e.name).sort();
  }

  async remove(id: string): Promise<void> {
    const files = (await this.list(this.path(id))).filter((e) => e.id !== null).map((e) => this.path(id, e.name));
    if (files.length === 0) return;
    await this.check(await this.fetchImpl(`${this.base}/object/${this.config.bucket}`, {
      method: "DELETE",
      headers: this.headers({ "Content-Type": "application/json" }),
      body: JSON.stringify({ prefixes: files }),
    }), `delete ${id}`);
  }
}
