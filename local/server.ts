// Serves the edge function handlers on Node at Supabase's local URLs: /functions/v1/<name>.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { json } from "../shared/http/respond.ts";

export type Handler = (req: Request) => Promise<Response>;

function toRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
}

export function serveFunctions(functions: Record<string, Handler>, port: number, host = "127.0.0.1"): Promise<Server> {
  let origin = `http://${host}:${port}`;
  const server = createServer(async (req, res) => {
    const name = /^\/functions\/v1\/([^/?]+)/.exec(req.url ?? "")?.[1];
    const handler = name ? functions[name] : undefined;
    try {
      await send(res, handler
        ? await handler(toRequest(req, origin))
        : json({ error: { code: "not_found", message: `no function at ${req.url}; try /functions/v1/${Object.keys(functions).join(" or ")}`, details: [] } }, 404));
    } catch (error) {
      console.error(error);
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: { code: "internal_error", message: "unexpected error", details: [] } }));
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      // The bound port, when 0 asked for any free one.
      origin = `http://${host}:${(server.address() as { port: number }).port}`;
      resolve(server);
    });
  });
}
