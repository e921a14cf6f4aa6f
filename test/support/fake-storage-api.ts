// A local stand-in for Supabase Storage (which cannot run here): a real HTTP server speaking its REST API
// (/storage/v1/object upload, download, list, delete) for one private bucket, keeping objects on disk.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface FakeStorage { url: string; serviceKey: string; bucket: string; requests: string[]; close(): Promise<void> }

/** `ranges: false` answers as a server that ignores Range headers: the whole object, 200. */
export async function startFakeStorage(bucket = "memory-backups", serviceKey = "service-role-key", { ranges = true } = {}): Promise<FakeStorage> {
  const root = await mkdtemp(join(tmpdir(), "storage-"));
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://x");
    requests.push(`${req.method} ${url.pathname}`);
    if (req.headers.authorization !== `Bearer ${serviceKey}` || req.headers.apikey !== serviceKey) {
      return send(403, { statusCode: "403", error: "Unauthorized", message: "invalid signature" });
    }
    const list = /^\/storage\/v1\/object\/list\/([^/]+)$/.exec(url.pathname);
    const object = /^\/storage\/v1\/object\/([^/]+)\/(.+)$/.exec(url.pathname);
    const bulk = /^\/storage\/v1\/object\/([^/]+)$/.exec(url.pathname);
    if (list && req.method === "POST") {
      if (list[1] !== bucket) return send(404, { error: "Bucket not found" });
      const { prefix = "" } = JSON.parse(body.toString() || "{}");
      const entries = await readdir(join(root, prefix), { withFileTypes: true }).catch(() => []);
      return send(200, entries.map((e) => ({ name: e.name, id: e.isDirectory() ? null : `${prefix}/${e.name}`, metadata: e.isDirectory() ? null : {} })));
    }
    if (object && object[1] === bucket) {
      const file = join(root, decodeURIComponent(object[2]));
      if (req.method === "POST" || req.method === "PUT") {
        if (req.method === "POST" && req.headers["x-upsert"] !== "true" && await stat(file).then(() => true, () => false)) {
          return send(400, { error: "Duplicate", message: "The resource already exists" });
        }
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, body);
        return send(200, { Key: `${bucket}/${object[2]}` });
      }
      if (req.method === "GET") {
        const data = await readFile(file).catch(() => null);
        if (!data) return send(404, { error: "not_found", message: "Object not found" });
        // One byte range, as Supabase Storage serves it (206 with Content-Range; 416 past the end).
        const range = ranges ? /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? "")) : null;
        if (range) {
          const start = Number(range[1]);
          const end = Math.min(range[2] ? Number(range[2]) : data.length - 1, data.length - 1);
          if (start >= data.length || end < start) {
            res.writeHead(416, { "Content-Range": `bytes */${data.length}` });
            return res.end();
          }
          requests.push(`range ${start}-${end}`);
          res.writeHead(206, { "Content-Type": "application/octet-stream", "Content-Range": `bytes ${start}-${end}/${data.length}` });
          return res.end(data.subarray(start, end + 1));
        }
        res.writeHead(200, { "Content-Type": "application/octet-stream", "Accept-Ranges": "bytes" });
        return res.end(data);
      }
    }
    if (bulk && bulk[1] === bucket && req.method === "DELETE") {
      const { prefixes = [] } = JSON.parse(body.toString() || "{}") as { prefixes: string[] };
      for (const p of prefixes) await rm(join(root, p), { force: true });
      // Supabase leaves no empty folders behind.
      for (const p of new Set(prefixes.map((x) => dirname(x)))) {
        if ((await readdir(join(root, p)).catch(() => ["x"])).length === 0) await rm(join(root, p), { recursive: true, force: true });
      }
      return send(200, prefixes.map((name) => ({ name })));
    }
    send(400, { error: "unsupported", message: `${req.method} ${url.pathname}` });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, serviceKey, bucket, requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await rm(root, { recursive: true, force: true });
    },
  };
}
