// Generated hostile input (fast-check) against every field of every verb, the methods and paths of the server, and
// the claims of tokens: no answer is a 5xx, every answer is JSON with an error code when it is an error, and no
// refused request writes a row. The classes found by hand (NUL characters, lone surrogates, nesting, int4 range,
// year 0000, offsets, forged cursors, prototype paths, CR LF in claims) are among the generated values.
import { request } from "node:http";
import fc from "fast-check";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OfflineEmbedder } from "../shared/embeddings/offline.ts";
import type { HandlerDeps } from "../shared/handlers/context.ts";
import { memorySearchHandler } from "../shared/handlers/memory-search.ts";
import { memoryStoreHandler } from "../shared/handlers/memory-store.ts";
import { call, ISSUER, SECRET, startApi, type ApiFixture } from "./support/http.ts";

let api: ApiFixture;
let user: string;
let token: string;
let memoryId: string;
let sightingId: string;

beforeAll(async () => {
  api = await startApi({ embedder: new OfflineEmbedder() });
  user = await api.newUser();
  token = await api.tokenFor(user);
  memoryId = (await call(`${api.base}/memory-store`, { token, body: { fact: "Drinks green tea every morning" } })).body.id;
  sightingId = (await call(`${api.base}/memory-store`, { token, body: { fact: "drinks green tea every morning!" } })).body.sighting_id;
}, 60_000);
afterAll(async () => api?.close());

/** Every row a request could write. */
async function rows(): Promise<string> {
  const [row] = await api.database.sql`select (select count(*) from public.user_memories) as memories,
    (select count(*) from public.memory_sightings) as sightings, (select count(*) from public.memory_access_log) as accesses,
    (select count(*) from public.memory_idempotency_keys) as keys, (select count(*) from public.conversations) as conversations,
    (select coalesce(sum(version), 0) from public.user_memories) as version_sum,
    (select count(*) filter (where is_active) from public.user_memories) as active`;
  return JSON.stringify(row);
}

/** Nested objects (10,000 levels, beyond what JSON.stringify takes, are sent raw by http-bad-input). */
const deep = (levels: number) => JSON.parse(`${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`);

/** Values of every kind, weighted towards those a database or an encoder chokes on. */
const scalarish: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.string({ unit: "binary" }).map((s) => `${s}\u0000${s}`),
  fc.constantFrom("\ud800", "a\udc00b", "\u2028\u2029", "\r\n", "%00", "' or 1=1 --", "\\", "😀".repeat(700), "a".repeat(2001)),
  fc.constantFrom("0000-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-15:59", "2026-01-01T00:00:00+23:59",
    "275760-09-13T00:00:00Z", "2026-02-29T00:00:00Z", "2024-02-29T12:00:00.1234567Z", "-000001-01-01T00:00:00Z", "2026-01-01"),
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 2 ** 53, -0, 1e308, -1e308, 5e-324, 0.5, 101, -1, 0),
  fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null),
  fc.array(fc.string({ unit: "binary" }), { maxLength: 5 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.uuid(),
);
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  scalarish,
  fc.constantFrom(deep(2_000), deep(33), { "a\u0000": 1 }, { a: ["\u0000"] }, [], [null], {}, JSON.parse('{"__proto__":{"x":1}}')),
);

/** A valid request of each verb, and the fields it takes (each one replaced in turn by a generated value). */
interface Verb { fn: string; method: string; path?: string; query?: boolean; base: () => Record<string, unknown>; fields: string[] }
const verbs = (): Verb[] => [
  { fn: "memory-store", method: "POST", base: () => ({ fact: "Plays the cello on Sundays" }),
    fields: ["fact", "memory_type", "category", "importance_score", "confidence_score", "source_conversation_id", "metadata", "expires_at", "idempotency_key", "user_id", "extra"] },
  { fn: "memory-store", method: "PATCH", base: () => ({ id: memoryId, importance_score: 0.6 }),
    fields: ["id", "fact", "memory_type", "category", "importance_score", "confidence_score", "metadata", "expires_at", "user_id", "extra"] },
  { fn: "memory-store", method: "DELETE", base: () => ({ id: memoryId }), fields: ["id", "user_id", "extra"] },
  { fn: "memory-store", method: "DELETE", query: true, base: () => ({ id: memoryId }), fields: ["id", "user_id", "extra"] },
  { fn: "memory-store", method: "GET", query: true, base: () => ({ id: memoryId }), fields: ["id", "user_id", "extra"] },
  { fn: "memory-store", method: "POST", path: "/unmerge", base: () => ({ id: sightingId }), fields: ["id", "user_id", "extra"] },
  { fn: "memory-search", method: "POST", base: () => ({ query: "tea" }),
    fields: ["query", "match_count", "memory_types", "categories", "min_importance", "created_after", "created_before", "min_similarity", "user_id", "extra"] },
  { fn: "memory-search", method: "GET", query: true, base: () => ({ page_size: 2 }), fields: ["page_size", "cursor", "user_id", "extra"] },
  { fn: "memory-store", method: "GET", path: "/export", query: true, base: () => ({}), fields: ["user_id", "extra"] },
];

/** A query string carries text: a generated value goes as its JSON (a string as itself), a cursor as base64 too. */
function queryValue(field: string, value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? "";
  return field === "cursor" && typeof value !== "string" ? Buffer.from(text).toString("base64") : text;
}

function expectDeliberate(response: { status: number; body: any }, what: string) {
  expect(response.status, `${what} -> ${JSON.stringify(response.body)}`).toBeLessThan(500);
  if (response.status >= 400) expect(typeof response.body?.error?.code, what).toBe("string");
}

describe("generated input", () => {
  it("never answers 5xx and never writes on a refusal, for any value in any field of any verb", async () => {
    const cases = fc.tuple(fc.constantFrom(...verbs()), fc.nat(), hostile, fc.boolean());
    await fc.assert(fc.asyncProperty(cases, async ([verb, pick, value, asService]) => {
      const field = verb.fields[pick % verb.fields.length];
      const input = { ...verb.base(), [field]: value };
      if (asService && field !== "user_id") input.user_id = user;
      const auth = asService ? await api.serviceToken() : token;
      const before = await rows();
      const search = verb.query ? `?${new URLSearchParams(Object.entries(input).map(([k, v]) => [k, queryValue(k, v)]))}` : "";
      const response = await call(`${api.base}/${verb.fn}${verb.path ?? ""}${search}`, {
        method: verb.method, token: auth, ...(verb.query ? {} : { body: input }),
      });
      const what = `${verb.method} ${verb.fn}${verb.path ?? ""} ${field}=${JSON.stringify(value)?.slice(0, 200)}`;
      expectDeliberate(response, what);
      if (response.status >= 400) expect(await rows(), what).toBe(before);
    }), { numRuns: 600, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) });
  }, 300_000);

  it("never answers 5xx and never writes on a refusal, for any value in any field of any row of an imported document", async () => {
    // Every part of the document holds a row: a conversation, memories, a sighting, folded and unfolded accesses.
    // The rows are this test's own: the test before may have rewritten or forgotten the memories of beforeAll.
    await api.database.sql`insert into public.conversations (user_id, title) values (${user}, 'Sunday chat')`;
    const fact = "Collects vintage fountain pens";
    for (const said of [fact, `${fact.toLowerCase()}!`]) expect((await call(`${api.base}/memory-store`, { token, body: { fact: said } })).status).toBeLessThan(300);
    const search = async () => expect((await call(`${api.base}/memory-search`, { token, body: { query: "fountain pens" } })).body.results.length).toBeGreaterThan(0);
    await search();
    await api.database.sql`select public.fold_memory_access()`;
    await search();
    const exported = (await call(`${api.base}/memory-store/export`, { method: "GET", token })).body;
    const parts = ["memories", "sightings", "conversations", "access", "access_log"];
    for (const part of parts) expect(exported[part].length, part).toBeGreaterThan(0);
    // A place in the document: a top-level key, or a field of a part's first row.
    const places = [
      ...["format", "version", "exported_at", "user_id", "statistics", "extra", ...parts].map((key) => [key]),
      ...parts.flatMap((part) => [...Object.keys(exported[part][0]), "extra"].map((field) => [part, 0, field])),
    ] as (string | number)[][];
    await fc.assert(fc.asyncProperty(fc.constantFrom(...places), hostile, fc.boolean(), async (place, value, asService) => {
      const document = structuredClone(exported);
      let at = document;
      for (const key of place.slice(0, -1)) at = at[key];
      at[place[place.length - 1]] = value;
      const before = await rows();
      const response = await call(`${api.base}/memory-store/import${asService ? `?user_id=${user}` : ""}`, {
        token: asService ? await api.serviceToken() : token, body: document,
      });
      const what = `import ${place.join(".")}=${JSON.stringify(value)?.slice(0, 200)}`;
      expectDeliberate(response, what);
      if (response.status >= 400) expect(await rows(), what).toBe(before);
    }), { numRuns: 400, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) });
  }, 300_000);

  it("answers any method on any path with JSON, and serves no property of a plain object", async () => {
    const methods = fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "TRACK", "PROPFIND", "M-SEARCH");
    const paths = fc.oneof(
      fc.constantFrom("constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "memory-store/unmerge", "memory-store/../memory-search",
        "memory-store/%00", "memory-search/%E0%A4%A", "memory-store?%", "memory-store#x", ""),
      fc.string({ unit: "grapheme-ascii", maxLength: 30 }).map(encodeURIComponent),
    );
    await fc.assert(fc.asyncProperty(methods, paths, async (method, path) => {
      const response = await rawRequest(method, `/functions/v1/${path}`, token);
      expect(response.status, `${method} ${path}: ${response.body}`).toBeLessThan(500);
      if (method !== "HEAD" && method !== "OPTIONS") expect(response.contentType, `${method} ${path}: ${response.status} ${response.body}`).toMatch(/application\/json/);
    }), { numRuns: 200 });
  }, 120_000);

  it("answers methods Node's parser refuses but Deno passes on (any token) with 405, never a prototype's property", async () => {
    // Deno.serve hands the handler whatever method the client sent; the handlers are called as Deno would.
    const unused = { db: { asCaller: async () => { throw new Error("not reached"); } }, verify: async () => { throw new Error("not reached"); },
      embedder: null, embedTimeoutMs: 1 } as unknown as HandlerDeps;
    const handlers = { "memory-store": memoryStoreHandler(unused), "memory-search": memorySearchHandler(unused) };
    const methods = fc.oneof(fc.constantFrom("toString", "constructor", "__proto__", "hasOwnProperty", "valueOf", "isPrototypeOf", "BREW"),
      fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,15}$/));
    await fc.assert(fc.asyncProperty(methods, fc.constantFrom(...Object.keys(handlers)) as fc.Arbitrary<keyof typeof handlers>,
      fc.constantFrom("", "/unmerge", "/x"), async (method, fn, path) => {
        if (["GET", "POST", "PATCH", "DELETE", "OPTIONS", "HEAD", "PUT"].includes(method.toUpperCase())) return;
        const response = await handlers[fn](new Request(`http://127.0.0.1/functions/v1/${fn}${path}`, { method }));
        expect(response, `${method} ${fn}${path}`).toBeInstanceOf(Response);
        expect([404, 405], `${method} ${fn}${path}`).toContain(response.status);
        expect((await response.json()).error.code).toMatch(/^(method_not_allowed|not_found)$/);
      }), { numRuns: 200 });
  });

  it("answers any claims in a validly signed token with 401 or a deliberate answer", async () => {
    // Mostly what Supabase issues, each claim sometimes replaced: so that generated tokens reach every check.
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const claim = (...valid: unknown[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: scalarish });
    const claims = fc.record({
      sub: claim(user), role: claim("authenticated", "service_role", "anon"), aud: claim("authenticated", ["authenticated", "x"]),
      iss: claim(ISSUER, "supabase", "evil\r\nSet-Cookie: a=b", "line\u2028break"), exp: claim(exp), nbf: claim(0), ref: claim("project-ref"),
    }, { requiredKeys: [] });
    await fc.assert(fc.asyncProperty(claims, async (payload) => {
      const jwt = await new SignJWT(payload as Record<string, unknown>).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(SECRET))
        .catch(() => null); // claims jose itself refuses to sign
      if (!jwt) return;
      const before = await rows();
      const response = await call(`${api.base}/memory-store`, { token: jwt, body: { fact: "Claims were generated", user_id: user } });
      expectDeliberate(response, JSON.stringify(payload).slice(0, 300));
      if (response.status >= 400) expect(await rows()).toBe(before);
    }), { numRuns: 300 });
  }, 120_000);

  it("answers 200 concurrent valid requests without a 5xx", async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => i % 2
      ? call(`${api.base}/memory-store`, { token, body: { fact: `Concurrent fact number ${i} about kites`, idempotency_key: `c${i}` } })
      : call(`${api.base}/memory-search`, { token, body: { query: "kites" } })));
    expect(answers.filter((a) => a.status >= 300).map((a) => a.body)).toEqual([]);
  }, 60_000);

  it("logged no unexpected error", () => expect(api.logged).toEqual([]));
});

/** A request as a client may send it, with methods fetch will not (TRACE) and paths it would normalize. */
function rawRequest(method: string, path: string, bearer: string): Promise<{ status: number; body: string; contentType: string }> {
  const url = new URL(api.base);
  return new Promise((resolve, reject) => {
    const body = method === "GET" || method === "HEAD" ? "" : '{"fact":"sent by a raw client"}';
    const req = request({ host: url.hostname, port: url.port, method, path,
      headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) } },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, contentType: String(res.headers["content-type"] ?? "") }));
      });
    req.on("error", reject);
    req.end(body);
  });
}
