// The server npm start runs, at the socket: clients that trickle their headers or their body are cut off with a
// JSON 408, a request the parser refuses gets JSON too, and drain() lets a request in flight finish.
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FunctionServer, serveFunctions, TIMEOUTS } from "../local/server.ts";

let server: FunctionServer;
let port: number;
const timeouts = { headersMs: 600, requestMs: 1_200, keepAliveMs: 500 };

beforeAll(async () => {
  server = await serveFunctions({
    echo: async (req) => new Response(await req.text(), { status: 201, headers: { "Content-Type": "application/json" } }),
  }, 0, "127.0.0.1", timeouts, { "/page": async () => new Response("a page", { headers: { "Content-Type": "text/plain" } }) });
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A raw connection and everything the server sent on it, until it closed (or `ms` passed). */
function raw(): { socket: Socket; closed: (ms: number) => Promise<{ text: string; afterMs: number; closed: boolean }> } {
  const socket = connect(port, "127.0.0.1");
  const start = Date.now();
  let text = "";
  socket.on("data", (d) => (text += d));
  socket.on("error", () => {});
  return {
    socket,
    closed: (ms) => new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ text, afterMs: Date.now() - start, closed: false }), ms);
      socket.once("close", () => { clearTimeout(timer); resolve({ text, afterMs: Date.now() - start, closed: true }); });
    }),
  };
}

describe("the local server", () => {
  it("has timeouts for headers, whole requests and idle connections by default", () => {
    expect(TIMEOUTS.headersMs).toBeLessThanOrEqual(TIMEOUTS.requestMs);
    expect(Object.values(TIMEOUTS).every((ms) => ms > 0 && ms <= 60_000)).toBe(true);
  });

  it("cuts off a client that trickles its headers, with a JSON 408", async () => {
    const client = raw();
    client.socket.write("POST /functions/v1/echo HTTP/1.1\r\nHost: x\r\n");
    const trickle = setInterval(() => client.socket.writable && client.socket.write("X-Slow: 1\r\n"), 200);
    const result = await client.closed(5_000);
    clearInterval(trickle);
    expect(result.closed).toBe(true);
    expect(result.afterMs).toBeLessThan(timeouts.headersMs + 2_500);
    expect(result.text).toMatch(/^HTTP\/1\.1 408[\s\S]*"code":"request_timeout"/);
  });

  it("cuts off a client that trickles its body, with a JSON 408", async () => {
    const client = raw();
    client.socket.write("POST /functions/v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{");
    const trickle = setInterval(() => client.socket.writable && client.socket.write(" "), 200);
    const result = await client.closed(6_000);
    clearInterval(trickle);
    expect(result.closed).toBe(true);
    expect(result.afterMs).toBeLessThan(timeouts.requestMs + 2_500);
    expect(result.text).toMatch(/^HTTP\/1\.1 408/);
  });

  it("answers a request the parser refuses with JSON", async () => {
    const client = raw();
    client.socket.write("NOT A REQUEST\r\n\r\n");
    const result = await client.closed(3_000);
    expect(result.text).toMatch(/^HTTP\/1\.1 400[\s\S]*application\/json[\s\S]*"code":"malformed_request"/);
  });

  it("answers request targets that are not a path (absolute, asterisk, malformed) with JSON, never a 5xx", async () => {
    for (const target of ["http://[", "http://x/page", "*", "//page", "%zz", "/page/../page", "/functions/v1/echo#x"]) {
      const client = raw();
      client.socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      const { text } = await client.closed(3_000);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      expect(status, `${target}: ${text.slice(0, 200)}`).toBeLessThan(500);
      if (status >= 400) expect(text, target).toMatch(/application\/json/);
    }
    const page = raw();
    page.socket.write("GET /page?x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect((await page.closed(3_000)).text).toMatch(/^HTTP\/1\.1 200[\s\S]*\r\na page\r\n/);
  });

  it("says that PostgREST, Auth and Storage are not served, when a Supabase client asks for them", async () => {
    const base = `http://127.0.0.1:${port}`;
    const rpc = await fetch(`${base}/rest/v1/rpc/store_memory`, { method: "POST", body: "{}" });
    const body = await rpc.json();
    expect([rpc.status, body.error.details[0].rule]).toEqual([404, "service_not_served"]);
    expect(body.error.message).toMatch(/PostgREST .*supabase\.rpc.*supabase start.*\/functions\/v1\/echo/);
    expect((await (await fetch(`${base}/auth/v1/token`)).json()).error.message).toMatch(/Supabase Auth/);
    expect((await (await fetch(`${base}/elsewhere`)).json()).error.details[0].rule).toBe("route");
  });

  it("closes an idle keep-alive connection", async () => {
    const client = raw();
    client.socket.write("GET /functions/v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n");
    const result = await client.closed(5_000);
    expect(result.text).toMatch(/^HTTP\/1\.1 404/);
    expect(result.closed).toBe(true);
  });

  it("drains: a request in flight finishes, and new connections are refused", async () => {
    const other = await serveFunctions({ echo: async (req) => new Response(await req.text(), { status: 201 }) }, 0);
    const otherPort = (other.address() as { port: number }).port;
    const socket = connect(otherPort, "127.0.0.1");
    let text = "";
    socket.on("data", (d) => (text += d));
    await new Promise((r) => socket.once("connect", r));
    socket.write("POST /functions/v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab");
    await new Promise((r) => setTimeout(r, 200));
    const drained = other.drain(5_000);
    await new Promise((r) => setTimeout(r, 200));
    const late = await new Promise<string>((resolve) => connect(otherPort, "127.0.0.1").once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "")).once("connect", () => resolve("connected")));
    socket.end("cd");
    await drained;
    expect(text).toMatch(/^HTTP\/1\.1 201[\s\S]*abcd/);
    expect(late).toBe("ECONNREFUSED");
  });
});
