// Bad requests, table-driven: each answered 4xx with a JSON error naming the field and the rule, never a 5xx,
// and nothing written (checked in the database after every request).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignJWT } from "jose";
import { call, ISSUER, SECRET, startApi, type ApiFixture } from "./support/http.ts";
import { OfflineEmbedder } from "../shared/embeddings/offline.ts";

let api: ApiFixture;
let user: string;
let other: string;
let token: string;
let otherConversation: string;
let memoryId: string;

beforeAll(async () => {
  api = await startApi({ embedder: new OfflineEmbedder(), maxBodyBytes: 64 * 1024 });
  user = await api.newUser();
  other = await api.newUser();
  token = await api.tokenFor(user);
  [{ id: otherConversation }] = await api.database.sql`insert into public.conversations (user_id) values (${other}) returning id`;
  const stored = await call(`${api.base}/memory-store`, { token, body: { fact: "Existing memory about tea" } });
  memoryId = stored.body.id;
});
afterAll(async () => api?.close());

type Auth = "user" | "none" | "service" | ((fx: ApiFixture) => Promise<string | null>);
interface Case {
  name: string;
  fn?: "memory-store" | "memory-search";
  method?: string;
  auth?: Auth;
  body?: unknown;
  raw?: string | Uint8Array;
  query?: string;
  headers?: Record<string, string>;
  status: number;
  field?: string;
  rule?: RegExp;
}

const long = (n: number, ch = "a") => ch.repeat(n);
const USER = "00000000-0000-4000-8000-000000000001";
/** Signed with the right secret, but with exactly these claims: no expiry added. */
const unsigned = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode(SECRET));
const store = (body: unknown, rest: Partial<Case> = {}) => ({ body, ...rest });

const cases: Case[] = [
  // the body itself
  { name: "invalid JSON", raw: '{"fact": "x"', headers: { "Content-Type": "application/json" }, status: 400, field: "body", rule: /json/ },
  { name: "a JSON array", raw: "[]", headers: { "Content-Type": "application/json" }, status: 400, field: "body", rule: /object/ },
  { name: "a JSON string", raw: '"fact"', headers: { "Content-Type": "application/json" }, status: 400, field: "body" },
  { name: "no content type", raw: '{"fact":"x"}', status: 415 },
  { name: "text/plain", raw: '{"fact":"x"}', headers: { "Content-Type": "text/plain" }, status: 415 },
  { name: "a UTF-16 charset", raw: '{"fact":"x"}', headers: { "Content-Type": "application/json; charset=utf-16" }, status: 415, field: "content-type" },
  { name: "invalid UTF-8", raw: Buffer.concat([Buffer.from('{"fact":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]), headers: { "Content-Type": "application/json" }, status: 400, field: "body", rule: /utf-8/ },
  { name: "a body over 64 KiB", raw: JSON.stringify({ fact: long(70_000) }), headers: { "Content-Type": "application/json" }, status: 413, field: "body" },
  // types and fields
  { name: "no fact", ...store({}), status: 400, field: "fact" },
  { name: "a numeric fact", ...store({ fact: 5 }), status: 400, field: "fact" },
  { name: "a null fact", ...store({ fact: null }), status: 400, field: "fact" },
  { name: "an unknown field", ...store({ fact: "x", colour: "red" }), status: 400, field: "colour", rule: /unrecognized_keys/ },
  { name: "importance as a string", ...store({ fact: "x", importance_score: "high" }), status: 400, field: "importance_score" },
  { name: "memory_type as a number", ...store({ fact: "x", memory_type: 7 }), status: 400, field: "memory_type" },
  { name: "metadata as an array", ...store({ fact: "x", metadata: [1] }), status: 400, field: "metadata" },
  { name: "metadata as a string", ...store({ fact: "x", metadata: "{}" }), status: 400, field: "metadata" },
  { name: "an expiry that is not a date", ...store({ fact: "x", expires_at: "tomorrow" }), status: 400, field: "expires_at" },
  { name: "a conversation id that is not a UUID", ...store({ fact: "x", source_conversation_id: "1 or 1=1" }), status: 400, field: "source_conversation_id" },
  { name: "a user_id that is not a UUID", ...store({ fact: "x", user_id: "'; drop table users; --" }), status: 400, field: "user_id" },
  // what PostgreSQL cannot hold, refused by field before the database sees it
  { name: "a NUL in the fact", ...store({ fact: "a\u0000b" }), status: 400, field: "fact", rule: /text/ },
  { name: "a NUL in memory_type", ...store({ fact: "x", memory_type: "fact\u0000" }), status: 400, field: "memory_type" },
  { name: "a NUL in category", ...store({ fact: "x", category: "\u0000" }), status: 400, field: "category" },
  { name: "a NUL in the idempotency key", ...store({ fact: "x", idempotency_key: "k\u0000" }), status: 400, field: "idempotency_key" },
  { name: "a NUL in a metadata key", ...store({ fact: "x", metadata: { "a\u0000": 1 } }), status: 400, field: "metadata.a\u0000", rule: /jsonb/ },
  { name: "a NUL in a nested metadata value", ...store({ fact: "x", metadata: { a: [{ b: "\u0000" }] } }), status: 400, field: "metadata.a.0.b", rule: /jsonb/ },
  { name: "a lone surrogate in the fact", raw: '{"fact":"a\\ud800b"}', headers: { "Content-Type": "application/json" }, status: 400, field: "fact" },
  { name: "metadata nested 10,000 levels", raw: `{"fact":"x","metadata":${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}}`, headers: { "Content-Type": "application/json" }, status: 400, rule: /jsonb/ },
  { name: "an expiry in year 0000", ...store({ fact: "x", expires_at: "0000-06-01T00:00:00Z" }), status: 400, field: "expires_at", rule: /timestamp_range/ },
  { name: "an expiry 20 hours off UTC", ...store({ fact: "x", expires_at: "2090-06-01T00:00:00+20:00" }), status: 400, field: "expires_at", rule: /timestamp_range/ },
  { name: "search with match_count past int4", fn: "memory-search", body: { query: "tea", match_count: 2 ** 31 }, status: 400, field: "match_count" },
  { name: "search with a NUL in the query", fn: "memory-search", body: { query: "tea\u0000" }, status: 400, field: "query" },
  { name: "search with a NUL in memory_types", fn: "memory-search", body: { query: "tea", memory_types: ["fact\u0000"] }, status: 400, field: "memory_types.0" },
  { name: "search with a NUL in categories", fn: "memory-search", body: { query: "tea", categories: ["\u0000"] }, status: 400, field: "categories.0" },
  { name: "search created after year 0000", fn: "memory-search", body: { query: "tea", created_after: "0000-01-01T00:00:00Z" }, status: 400, field: "created_after" },
  { name: "search created before year 0000", fn: "memory-search", body: { query: "tea", created_before: "0000-01-01T00:00:00Z" }, status: 400, field: "created_before" },
  { name: "list with page_size past int4", fn: "memory-search", method: "GET", query: "?page_size=99999999999", status: 400, field: "page_size" },
  { name: "list with a cursor of an invalid date", fn: "memory-search", method: "GET", query: `?cursor=${btoa(JSON.stringify(["0000-01-01T00:00:00Z", USER]))}`, status: 400, field: "cursor" },
  { name: "list with a cursor of a malformed date", fn: "memory-search", method: "GET", query: `?cursor=${btoa(JSON.stringify(["2026-13-45T99:00:00Z", USER]))}`, status: 400, field: "cursor" },
  { name: "PATCH with a NUL in the fact", method: "PATCH", body: null, status: 400, field: "fact" },
  // values (the database's rules, named by the database)
  { name: "importance 1.5", ...store({ fact: "x", importance_score: 1.5 }), status: 400, field: "importance_score", rule: /importance_range/ },
  { name: "importance -1", ...store({ fact: "x", importance_score: -1 }), status: 400, field: "importance_score", rule: /importance_range/ },
  { name: "confidence 2", ...store({ fact: "x", confidence_score: 2 }), status: 400, field: "confidence_score", rule: /confidence_range/ },
  { name: "an unknown memory type", ...store({ fact: "x", memory_type: "hobby" }), status: 400, field: "memory_type", rule: /memory_type_check/ },
  { name: "an SQL-like memory type", ...store({ fact: "x", memory_type: "fact'); delete from user_memories; --" }), status: 400, field: "memory_type", rule: /memory_type_check/ },
  { name: "an empty fact", ...store({ fact: "" }), status: 400, field: "fact", rule: /fact_not_blank/ },
  { name: "a whitespace fact", ...store({ fact: " \n\t\u00a0 " }), status: 400, field: "fact" },
  { name: "a fact of 2001 characters", ...store({ fact: long(2001) }), status: 400, field: "fact", rule: /fact_length/ },
  { name: "a fact of 2001 emoji-heavy characters", ...store({ fact: `${long(1000, "é")}${long(1001, "字")}` }), status: 400, field: "fact", rule: /fact_length/ },
  { name: "a fact of emoji only", ...store({ fact: "🤖🎉🔥" }), status: 400, field: "fact", rule: /22023/ },
  { name: "a blank category", ...store({ fact: "x", category: "   " }), status: 400, field: "category", rule: /category_check/ },
  { name: "a category of 101 characters", ...store({ fact: "x", category: long(101, "ü") }), status: 400, field: "category" },
  { name: "metadata over 16 KiB", ...store({ fact: "x", metadata: { blob: long(20_000) } }), status: 400, field: "metadata", rule: /metadata_size/ },
  { name: "an expiry in the past", ...store({ fact: "x", expires_at: "2001-01-01T00:00:00Z" }), status: 400, field: "expires_at", rule: /expires_after_created/ },
  { name: "another user's conversation", ...store({ fact: "x" }), status: 400, field: "source_conversation_id", rule: /source_conversation_fkey/ },
  { name: "an empty idempotency key", ...store({ fact: "x", idempotency_key: "" }), status: 400, field: "idempotency_key" },
  // who is calling
  { name: "no Authorization header", ...store({ fact: "x" }), auth: "none", status: 401, field: "authorization", rule: /missing_token/ },
  { name: "a Basic Authorization header", ...store({ fact: "x" }), auth: async () => "Basic dXNlcjpwYXNz", status: 401, rule: /missing_token/ },
  { name: "an expired token", ...store({ fact: "x" }), auth: async (fx) => fx.sign({ sub: "00000000-0000-4000-8000-000000000001", role: "authenticated" }, { ttlSeconds: -60 }), status: 401, rule: /token_expired/ },
  { name: "a token signed with another secret", ...store({ fact: "x" }), auth: async (fx) => fx.sign({ sub: "00000000-0000-4000-8000-000000000001", role: "authenticated" }, { secret: "another-project-secret-of-at-least-32-chars!" }), status: 401, rule: /invalid_token/ },
  { name: "a token of another project (issuer)", ...store({ fact: "x" }), auth: async (fx) => fx.sign({ sub: "00000000-0000-4000-8000-000000000001", role: "authenticated" }, { issuer: "https://other.supabase.co/auth/v1" }), status: 401, rule: /wrong_project/ },
  { name: "the anon key", ...store({ fact: "x" }), auth: async (fx) => fx.sign({ role: "anon" }), status: 401, rule: /not_signed_in/ },
  { name: "a token whose subject is not a user id", ...store({ fact: "x" }), auth: async (fx) => fx.sign({ sub: "admin", role: "authenticated", aud: "authenticated" }), status: 401, rule: /invalid_token/ },
  // tokens as Supabase issues them: an expiry, the audience, the issuer, a size
  { name: "a token without exp", ...store({ fact: "x" }), auth: async () => unsigned({ sub: USER, role: "authenticated", aud: "authenticated", iss: ISSUER }), status: 401, rule: /invalid_token/ },
  { name: "a service token without exp", ...store({ fact: "x" }), auth: async () => unsigned({ role: "service_role", iss: ISSUER }), status: 401, rule: /invalid_token/ },
  { name: "a user token without aud", ...store({ fact: "x" }), auth: async (fx) => fx.sign({ sub: USER, role: "authenticated" }), status: 401, rule: /wrong_audience/ },
  { name: "a user token for another audience", ...store({ fact: "x" }), auth: async (fx) => fx.sign({ sub: USER, role: "authenticated", aud: "admin" }), status: 401, rule: /wrong_audience/ },
  { name: "a service token of another issuer", ...store({ fact: "x", user_id: USER }), auth: async (fx) => fx.sign({ role: "service_role" }, { issuer: "https://other.supabase.co/auth/v1" }), status: 401, rule: /wrong_project/ },
  { name: "a token over 8 KiB", ...store({ fact: "x" }), auth: async (fx) => fx.sign({ sub: USER, role: "authenticated", aud: "authenticated", pad: long(9000) }), status: 401, rule: /invalid_token/ },
  { name: "an issuer with CR LF", ...store({ fact: "x" }), auth: async (fx) => fx.sign({ sub: USER, role: "authenticated", aud: "authenticated" }, { issuer: "evil\r\nSet-Cookie: a=b" }), status: 401, rule: /wrong_project/ },
  { name: "an issuer with U+2028", ...store({ fact: "x" }), auth: async (fx) => fx.sign({ sub: USER, role: "authenticated", aud: "authenticated" }, { issuer: "evil\u2028line" }), status: 401, rule: /wrong_project/ },
  { name: "an unsigned token (alg none)", ...store({ fact: "x" }), auth: async () => `${btoa('{"alg":"none","typ":"JWT"}')}.${btoa('{"sub":"00000000-0000-4000-8000-000000000001","role":"service_role"}')}.`, status: 401, rule: /invalid_token/ },
  { name: "a user token acting for another user", ...store({ fact: "x" }), status: 403, field: "user_id", rule: /service_role_only/ },
  { name: "a service token that names no user", ...store({ fact: "x" }), auth: "service", status: 400, field: "user_id", rule: /required_for_service_role/ },
  // methods
  { name: "PUT", method: "PUT", ...store({ fact: "x" }), status: 405 },
  { name: "PATCH without an id", method: "PATCH", ...store({ fact: "y" }), status: 400, field: "id" },
  { name: "PATCH with nothing to change", method: "PATCH", body: null, status: 400, field: "fact" },
  { name: "PATCH of an unknown memory", method: "PATCH", ...store({ id: "00000000-0000-4000-8000-00000000beef", fact: "y" }), status: 404 },
  { name: "PATCH with importance 3", method: "PATCH", body: null, status: 400, field: "importance_score" },
  { name: "DELETE without an id", method: "DELETE", status: 400, field: "id" },
  { name: "DELETE with an SQL-like id", method: "DELETE", query: "?id=1%27%20or%20%271%27=%271", status: 400, field: "id" },
  // search and list
  { name: "search without a query", fn: "memory-search", body: {}, status: 400, field: "query" },
  { name: "search with match_count 1000", fn: "memory-search", body: { query: "tea", match_count: 1000 }, status: 400, field: "match_count" },
  { name: "search with match_count 2.5", fn: "memory-search", body: { query: "tea", match_count: 2.5 }, status: 400, field: "match_count" },
  { name: "search for an unknown memory type", fn: "memory-search", body: { query: "tea", memory_types: ["hobby"] }, status: 400, field: "memory_types" },
  { name: "search with min_importance 5", fn: "memory-search", body: { query: "tea", min_importance: 5 }, status: 400, field: "min_importance" },
  { name: "search with an empty time range", fn: "memory-search", body: { query: "tea", created_after: "2030-01-01T00:00:00Z", created_before: "2020-01-01T00:00:00Z" }, status: 400, field: "created_after" },
  { name: "search with a 3000-character query", fn: "memory-search", body: { query: long(3000, "ß") }, status: 400, field: "query" },
  { name: "list with page_size 0", fn: "memory-search", method: "GET", query: "?page_size=0", status: 400, field: "page_size" },
  { name: "list with page_size 10000", fn: "memory-search", method: "GET", query: "?page_size=10000", status: 400, field: "page_size" },
  { name: "list with a forged cursor", fn: "memory-search", method: "GET", query: "?cursor=bm90LWEtY3Vyc29y", status: 400, field: "cursor" },
  { name: "list with an unknown parameter", fn: "memory-search", method: "GET", query: "?sort=asc", status: 400, field: "sort" },
];

async function counts() {
  const [row] = await api.database.sql`select (select count(*) from public.user_memories)::int as memories,
    (select count(*) from public.memory_idempotency_keys)::int as keys, (select count(*) from public.conversations)::int as conversations`;
  return row;
}

describe("bad input", () => {
  it("has at least 40 cases", () => expect(cases.length).toBeGreaterThanOrEqual(40));

  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const before = await counts();
    let body = c.body;
    if (c.name === "another user's conversation") body = { fact: "x", source_conversation_id: otherConversation };
    if (c.name === "a user token acting for another user") body = { fact: "x", user_id: other };
    if (c.name === "PATCH with nothing to change") body = { id: memoryId };
    if (c.name === "PATCH with importance 3") body = { id: memoryId, importance_score: 3 };
    if (c.name === "PATCH with a NUL in the fact") body = { id: memoryId, fact: "tea\u0000" };
    const authorization = c.auth === "none" ? null
      : c.auth === "service" ? `Bearer ${await api.serviceToken()}`
      : typeof c.auth === "function" ? await c.auth(api).then((t) => (t?.startsWith("Basic") ? t : `Bearer ${t}`))
      : `Bearer ${token}`;
    const response = await call(`${api.base}/${c.fn ?? "memory-store"}${c.query ?? ""}`, {
      method: c.method ?? (c.fn === "memory-search" ? "POST" : "POST"),
      body, raw: c.raw,
      headers: { ...(authorization ? { Authorization: authorization } : {}), ...c.headers },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(c.status);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    expect(typeof response.body.error?.code).toBe("string");
    expect(response.body.error.message.length).toBeGreaterThan(0);
    if (c.field) expect(response.body.error.details.map((d: { field?: string }) => d.field), JSON.stringify(response.body)).toContain(c.field);
    if (c.rule) expect(JSON.stringify(response.body.error.details) + response.body.error.code).toMatch(c.rule);
    expect(await counts()).toEqual(before);
  });

  it("logged no unexpected error", () => expect(api.logged).toEqual([]));
});
