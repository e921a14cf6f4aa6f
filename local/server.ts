// Serves the edge function handlers on Node at Supabase's local URLs: /functions/v1/<name>. Every request gets a
// deliberate JSON answer, slow clients are cut off, and close() drains the requests in flight.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { errorResponse, json } from "../shared/http/respond.ts";
import { ApiError } from "../shared/http/errors.ts";

export type Handler = (req: Request) => Promise<Response>;

/** How long a client may take: to send its headers, its whole request, and between requests on one connection. */
export const TIMEOUTS = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 };

/** What else a Supabase project answers at its URL, which a client pointed at npm start may ask for. */
const OTHER_SERVICES: [prefix: string, name: string][] = [
  ["/rest/v1", "PostgREST (supabase.from and supabase.rpc)"], ["/auth/v1", "Supabase Auth"],
  ["/storage/v1", "Supabase Storage"], ["/realtime/v1", "Supabase Realtime"], ["/graphql/v1", "pg_graphql"],
];

/** Methods the Fetch API cannot carry (new Request refuses them): answered here, as no function serves them. */
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

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

/** The function a path names, only among those served (not "constructor" or "__proto__" of a plain object). */
function handlerFor(functions: Map<string, Handler>, url: string): Handler | undefined {
  const name = /^\/functions\/v1\/([^/?#]+)/.exec(url)?.[1];
  return name === undefined ? undefined : functions.get(name);
}

/** A page (the API reference, the OpenAPI document) at its exact path: GET and HEAD only. */
function answerPage(page: Handler, req: IncomingMessage, origin: string): Promise<Response> | Response {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return errorResponse(new ApiError(405, "method_not_allowed", `${req.method} is not supported here; use GET`, [], { Allow: "GET, HEAD" }));
  }
  return page(toRequest(req, origin));
}

function answer(functions: Map<string, Handler>, pages: Map<string, Handler>, req: IncomingMessage, origin: string): Promise<Response> | Response {
  // The request target as it came (a path, or a form that is none, such as "*" or "http://[" that a URL parser
  // throws on): only a page's exact path finds it.
  const page = pages.get((req.url ?? "").split(/[?#]/)[0]);
  if (page) return answerPage(page, req, origin);
  const handler = handlerFor(functions, req.url ?? "");
  if (!handler) {
    const other = OTHER_SERVICES.find(([prefix]) => (req.url ?? "").startsWith(prefix));
    const served = `this server serves the edge functions only: /functions/v1/${[...functions.keys()].join(" or ")}`;
    return json({ error: { code: "not_found",
      message: other ? `${req.url} is ${other[1]}, which npm start does not run (supabase start does); ${served}`
        : `no function at ${req.url}; ${served}`,
      details: [{ field: "path", rule: other ? "service_not_served" : "route" }] } }, 404);
  }
  if (FORBIDDEN_METHODS.has(req.method ?? "")) {
    return errorResponse(new ApiError(405, "method_not_allowed", `${req.method} is not supported`, [{ field: "method", rule: "allowed" }]));
  }
  return handler(toRequest(req, origin));
}

export interface FunctionServer extends Server {
  /** Stops accepting connections, lets the requests in flight finish (up to `graceMs`), then closes the rest. */
  drain(graceMs?: number): Promise<void>;
}

export function serveFunctions(functions: Record<string, Handler>, port: number, host = "127.0.0.1",
  timeouts = TIMEOUTS, pages: Record<string, Handler> = {}): Promise<FunctionServer> {
  const served = new Map(Object.entries(functions));
  const pagesAt = new Map(Object.entries(pages));
  let origin = `http://${host}:${port}`;
  const server = createServer({
    headersTimeout: timeouts.headersMs, requestTimeout: timeouts.requestMs, keepAliveTimeout: timeouts.keepAliveMs,
    // How often those timeouts are enforced (Node's default is every 30 s).
    connectionsCheckingInterval: Math.min(1000, timeouts.headersMs / 2),
  },
    async (req, res) => {
      try {
        await send(res, await answer(served, pagesAt, req, origin));
      } catch (error) {
        // A handler answers every error itself; this is what is left (a response that could not be sent).
        if (res.headersSent) res.destroy();
        else await send(res, errorResponse(error));
      }
    }) as FunctionServer;
  // What Node's parser refuses (a malformed request line or header, headers too large, a client too slow) is
  // answered in JSON too, then the connection is closed.
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const [status, code, reason] = error.code === "HPE_HEADER_OVERFLOW" ? [431, "headers_too_large", "Request Header Fields Too Large"]
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? [408, "request_timeout", "Request Timeout"]
      : [400, "malformed_request", "Bad Request"];
    const body = JSON.stringify({ error: { code, message: `the request could not be read: ${error.code ?? error.message}`, details: [] } });
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`);
  });
  server.drain = (graceMs = 10_000) => new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
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
