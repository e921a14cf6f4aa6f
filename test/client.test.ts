// The typed client (client/) against the real handlers over HTTP, served by the same Node server as npm start,
// and against the edge function entrypoints under the pinned Deno: every verb, the list as an async iterator,
// and a refused call as a MemoryApiError with the API's status, code and fields.
import type { ChildProcess } from "node:child_process";
import { createClient } from "@supabase/supabase-js";
import type { WebSocketLikeConstructor } from "@supabase/realtime-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createMemoryClient, MemoryApiError, type MemoryClient } from "../client/index.ts";
import { OfflineEmbedder } from "../shared/embeddings/offline.ts";
import { ISSUER, SECRET, startApi, type ApiFixture } from "./support/http.ts";
import { userToken } from "../local/demo-auth.ts";
import { DENO, serveUnderDeno } from "./support/processes.ts";
import { ROOT, run } from "../scripts/db/local-stack.ts";

// Node 20 has no WebSocket of its own, and supabase-js wants one for realtime: ws, as the README says (or Node 22).
const realtime = { transport: WebSocket as unknown as WebSocketLikeConstructor };
let api: ApiFixture;
let client: MemoryClient;
const children: ChildProcess[] = [];

beforeAll(async () => {
  api = await startApi({ embedder: new OfflineEmbedder() });
  const user = await api.newUser();
  const token = await api.tokenFor(user);
  client = createMemoryClient({ url: api.base.replace(/\/functions\/v1$/, ""), accessToken: async () => token });
}, 60_000);
afterAll(async () => {
  for (const child of children) child.kill();
  await api?.close();
});

describe("the memory client", () => {
  it("stores, merges, sets apart, searches, updates, unmerges and forgets", async () => {
    const created = await client.store({ fact: "Keeps two cats called Miso and Tofu", memory_type: "fact", importance_score: 0.7 });
    expect(created).toMatchObject({ status: "created", version: 1, sighting_id: null, related: [] });
    // The same words in another order: a duplicate, kept as a sighting.
    const repeated = await client.store({ fact: "Miso and Tofu: keeps two cats called" });
    expect(repeated).toMatchObject({ id: created.id, status: "duplicate" });
    expect(repeated.sighting_id).toEqual(expect.any(String));
    const dose = await client.store({ fact: "The user takes 20 mg of their blood pressure medication every morning with breakfast" });
    const distinct = await client.store({ fact: "The user takes 40 mg of their blood pressure medication every morning with breakfast" });
    expect(distinct.status).toBe("distinct");
    expect(distinct.related[0]).toMatchObject({ id: dose.id, reason: expect.stringMatching(/number/) });

    const found = await client.search({ query: "cats Miso" });
    expect(found.map((r) => r.id)).toContain(created.id);
    expect(await client.search({ query: "motorcycle repair" })).toEqual([]);

    const updated = await client.update({ id: created.id, importance_score: 0.9 });
    expect([updated.id, updated.version]).toEqual([created.id, 2]);
    expect(await client.get({ id: created.id })).toMatchObject({ id: created.id, version: 2, importance_score: 0.9 });
    const history = await client.history({ id: updated.id });
    expect(history.map((h) => h.kind)).toEqual(expect.arrayContaining(["version", "sighting"]));

    const unmerged = await client.unmerge({ id: repeated.sighting_id! });
    expect(unmerged).toMatchObject({ status: "unmerged", merged_into: updated.id });
    const forgotten = await client.forget({ id: distinct.id });
    expect(forgotten.status).toBe("forgotten");
  });

  it("lists every memory a page at a time", async () => {
    const pages: number[] = [];
    const ids: string[] = [];
    for await (const page of client.list({ page_size: 2 })) {
      pages.push(page.length);
      ids.push(...page.map((m) => m.id));
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(pages.every((n) => n <= 2)).toBe(true);
  });

  it("throws the API's refusal as a MemoryApiError naming the field and the rule", async () => {
    const error = await client.store({ fact: "x", importance_score: 3 }).catch((e) => e);
    expect(error).toBeInstanceOf(MemoryApiError);
    expect(error).toMatchObject({ status: 400, code: "invalid_value" });
    expect(error.details[0]).toMatchObject({ field: "importance_score", rule: "user_memories_importance_range" });
    const unauthenticated = createMemoryClient({ url: api.base.replace(/\/functions\/v1$/, ""), accessToken: "not-a-token" });
    await expect(unauthenticated.search({ query: "cats" })).rejects.toMatchObject({ status: 401, code: "invalid_token" });
  });

  it("works through a supabase-js client: createMemoryClient(supabase) sends the client's token", async () => {
    const user = await api.newUser();
    const token = await api.tokenFor(user);
    const supabase = createClient(api.base.replace(/\/functions\/v1$/, ""), "anon-key", { accessToken: async () => token, realtime });
    const memory = createMemoryClient(supabase);
    const stored = await memory.store({ fact: "Bakes sourdough bread on Sundays" });
    expect(stored).toMatchObject({ status: "created", embedding: "stored" });
    const [row] = await api.database.sql`select user_id from public.user_memories where id = ${stored.id}`;
    expect(row.user_id).toBe(user);
    expect((await memory.search({ query: "sourdough" })).map((r) => r.id)).toEqual([stored.id]);
    expect((await memory.history({ id: stored.id })).map((h) => h.kind)).toEqual(["version"]);
    const pages = [];
    for await (const page of memory.list({ page_size: 1 })) pages.push(page);
    expect(pages.flat().map((m) => m.id)).toEqual([stored.id]);
    // A refusal is the same MemoryApiError, read from the FunctionsHttpError's response.
    await expect(memory.store({ fact: "x", memory_type: "hobby" })).rejects.toMatchObject({
      status: 400, code: "invalid_value", details: [expect.objectContaining({ field: "memory_type" })] });
    // An unreachable API is said as such, not as a refusal.
    const nowhere = createClient("http://127.0.0.1:9", "anon-key", { accessToken: async () => token, realtime });
    await expect(createMemoryClient(nowhere).search({ query: "bread" })).rejects.toMatchObject({ status: 503, code: "unreachable" });
  });

  it("is imported by Deno from its TypeScript source, as a Deno backend or edge function would", async () => {
    const script = `
      import { createMemoryClient } from "${ROOT}client/index.ts";
      const memory = createMemoryClient({ url: Deno.env.get("URL"), accessToken: Deno.env.get("TOKEN") });
      const stored = await memory.store({ fact: "Grows basil on the windowsill" });
      const found = await memory.search({ query: "basil" });
      console.log(JSON.stringify({ stored: stored.id, found: found.map((r) => r.id) }));`;
    const token = await api.tokenFor(await api.newUser());
    const { stdout } = await run(DENO, ["eval", "--ext=ts", script], { cwd: ROOT,
      env: { ...process.env, URL: api.base.replace(/\/functions\/v1$/, ""), TOKEN: token } });
    const answer = JSON.parse(stdout);
    expect(answer.found).toEqual([answer.stored]);
  }, 60_000);

  it("works the same against the edge functions under Deno", async () => {
    const env = { DATABASE_URL: api.database.url, SUPABASE_JWT_SECRET: SECRET, SUPABASE_JWT_ISSUER: ISSUER, EMBEDDINGS_PROVIDER: "offline" };
    const store = await serveUnderDeno("functions/memory-store/index.ts", env);
    children.push(store.child);
    const search = await serveUnderDeno("functions/memory-search/index.ts", env);
    children.push(search.child);
    // As the Supabase gateway does: one base URL, each function on its own server.
    const gateway: typeof fetch = (input, init) => {
      const url = new URL(String(input));
      const to = url.pathname.startsWith("/functions/v1/memory-search") ? search.base : store.base;
      return fetch(`${to}${url.pathname}${url.search}`, init);
    };
    const token = await userToken(await api.newUser(), SECRET, ISSUER);
    const deno = createMemoryClient({ url: "http://gateway.invalid", accessToken: token, fetch: gateway });
    const stored = await deno.store({ fact: "Runs a marathon every October" });
    expect(stored).toMatchObject({ status: "created", embedding: "stored" });
    expect((await deno.search({ query: "marathon" })).map((r) => r.id)).toEqual([stored.id]);
    expect((await deno.history({ id: stored.id }))[0]).toMatchObject({ kind: "version", fact: "Runs a marathon every October" });
  }, 60_000);
});

describe("the client's failures", () => {
  /** A server that answers every request its own way: a proxy's page, or a connection cut mid-answer. */
  async function serving(answer: (res: import("node:http").ServerResponse) => void) {
    const { createServer } = await import("node:http");
    const server = createServer((_req, res) => answer(res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it("says a 2xx that is not the API's JSON as a MemoryApiError, not as a result", async () => {
    const proxy = await serving((res) => res.writeHead(200, { "Content-Type": "text/html" }).end("<html>captive portal</html>"));
    try {
      const memory = createMemoryClient({ url: proxy.url, accessToken: "t" });
      await expect(memory.search({ query: "bread" })).rejects.toMatchObject({ name: "MemoryApiError", status: 502, code: "invalid_response" });
      await expect(memory.store({ fact: "Bakes bread" })).rejects.toBeInstanceOf(MemoryApiError);
    } finally {
      await proxy.close();
    }
  });

  it("says a connection cut in the middle of the answer as unreachable", async () => {
    const cut = await serving((res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "1000" });
      res.write('{"results": [');
      setTimeout(() => res.destroy(), 20);
    });
    try {
      const memory = createMemoryClient({ url: cut.url, accessToken: "t" });
      await expect(memory.search({ query: "bread" })).rejects.toMatchObject({ name: "MemoryApiError", status: 503, code: "unreachable" });
    } finally {
      await cut.close();
    }
  });
});
