// memory-store over real HTTP against the local PostgreSQL: store, duplicate, new version, forget, quota,
// provider failures, service-role acting, isolation, and 50 identical requests at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAiEmbedder } from "../shared/embeddings/openai.ts";
import { call, startApi, type ApiFixture } from "./support/http.ts";
import { startFakeEmbeddingsApi, type FakeEmbeddingsApi } from "./support/fake-embeddings-api.ts";

let api: ApiFixture;
let embeddings: FakeEmbeddingsApi;
let url: string;

beforeAll(async () => {
  embeddings = await startFakeEmbeddingsApi();
  api = await startApi({ embedder: new OpenAiEmbedder({ baseUrl: embeddings.baseUrl, apiKey: "sk-test", model: "test-embed-384" }), embedTimeoutMs: 500 });
  url = `${api.base}/memory-store`;
});
afterAll(async () => {
  await api?.close();
  await embeddings?.close();
});

const rowsOf = (user: string) => api.database.sql`select id, fact, is_active, version, embedding_model, previous_version_id
  from public.user_memories where user_id = ${user} order by created_at, version`;

describe("memory-store", () => {
  it("stores, merges a duplicate, stores a new version and forgets", async () => {
    const user = await api.newUser();
    const token = await api.tokenFor(user);
    const created = await call(url, { token, body: { fact: "Prefers vegetarian food", memory_type: "preference", importance_score: 0.7 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: "created", version: 1, embedding: "stored" });
    expect(embeddings.requests.at(-1)).toMatchObject({ model: "test-embed-384", input: ["Prefers vegetarian food"], authorization: "Bearer sk-test" });

    const duplicate = await call(url, { token, body: { fact: "prefers VEGETARIAN food!", memory_type: "preference" } });
    expect([duplicate.status, duplicate.body.status, duplicate.body.id]).toEqual([200, "duplicate", created.body.id]);

    const updated = await call(url, { method: "PATCH", token, body: { id: created.body.id, fact: "Prefers vegan food" } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: created.body.id, status: "updated", version: 2, embedding: "stored" });

    const forgotten = await call(`${url}?id=${updated.body.id}`, { method: "DELETE", token });
    expect([forgotten.status, forgotten.body.status]).toEqual([200, "forgotten"]);
    const again = await call(`${url}?id=${updated.body.id}`, { method: "DELETE", token });
    expect([again.status, again.body.error.code]).toEqual([409, "conflict"]);

    // The memory kept its id; version 1 is a copy in a row of its own, without the embedding nothing searches.
    const rows = await rowsOf(user);
    expect(rows.map((r) => [r.fact, r.is_active, r.version, r.embedding_model])).toEqual([
      ["Prefers vegetarian food", false, 1, null],
      ["Prefers vegan food", false, 2, "test-embed-384"],
    ]);
    expect([rows[1].id, rows[1].previous_version_id]).toEqual([created.body.id, rows[0].id]);
  });

  it("replays an Idempotency-Key header", async () => {
    const token = await api.tokenFor(await api.newUser());
    const first = await call(url, { token, body: { fact: "Has a cat named Miso" }, headers: { "Idempotency-Key": "msg-1" } });
    const second = await call(url, { token, body: { fact: "Has a cat named Miso" }, headers: { "Idempotency-Key": "msg-1" } });
    expect(second.body).toEqual(first.body);
  });

  it("answers 507 when the quota is full, and stores nothing", async () => {
    const user = await api.newUser();
    await api.database.sql`insert into public.memory_user_stats (user_id, quota_limit) values (${user}, 2)`;
    const token = await api.tokenFor(user);
    for (const fact of ["first fact", "second fact"]) expect((await call(url, { token, body: { fact } })).status).toBe(201);
    const full = await call(url, { token, body: { fact: "third fact" } });
    expect(full.status).toBe(507);
    expect(full.body.error.code).toBe("quota_exceeded");
    expect((await rowsOf(user)).length).toBe(2);
  });

  it.each(["error", "hang", "wrong_dimensions"] as const)("keeps the memory when the embeddings API fails (%s)", async (mode) => {
    const user = await api.newUser();
    embeddings.mode = mode;
    try {
      const response = await call(url, { token: await api.tokenFor(user), body: { fact: `Remember this despite ${mode}` } });
      expect(response.status).toBe(201);
      expect(response.body.embedding).toBe("pending");
    } finally {
      embeddings.mode = "ok";
    }
    const [row] = await rowsOf(user);
    expect([row.fact, row.embedding_model]).toEqual([`Remember this despite ${mode}`, null]);
    const [{ n }] = await api.database.sql`select count(*)::int as n from public.user_memories where user_id = ${user} and embedding is null and is_active`;
    expect(n).toBe(1);
  });

  it("lets a service_role token act for a named user", async () => {
    const user = await api.newUser();
    const response = await call(url, { token: await api.serviceToken(), body: { fact: "Stored by the backend", user_id: user } });
    expect(response.status).toBe(201);
    expect((await rowsOf(user)).map((r) => r.fact)).toEqual(["Stored by the backend"]);
  });

  it("accepts Supabase's service_role API keys, whose issuer is supabase (hosted) or supabase-demo (CLI)", async () => {
    for (const issuer of ["supabase", "supabase-demo"]) {
      const user = await api.newUser();
      const key = await api.sign({ role: "service_role", ref: "project-ref" }, { issuer });
      const response = await call(url, { token: key, body: { fact: `Stored with the ${issuer} key`, user_id: user } });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
    }
  });

  it("keeps users apart: B can neither change nor forget A's memory", async () => {
    const a = await api.newUser();
    const b = await api.newUser();
    const stored = await call(url, { token: await api.tokenFor(a), body: { fact: "A's secret plan" } });
    const tokenB = await api.tokenFor(b);
    const patch = await call(url, { method: "PATCH", token: tokenB, body: { id: stored.body.id, fact: "B was here" } });
    const del = await call(`${url}?id=${stored.body.id}`, { method: "DELETE", token: tokenB });
    expect([patch.status, del.status]).toEqual([404, 404]);
    expect((await rowsOf(a)).map((r) => [r.fact, r.is_active])).toEqual([["A's secret plan", true]]);
  });

  it("50 identical requests at once leave one memory", async () => {
    const user = await api.newUser();
    const token = await api.tokenFor(user);
    const responses = await Promise.all(Array.from({ length: 50 }, () => call(url, { token, body: { fact: "Lives in Lisbon" } })));
    expect(responses.map((r) => r.status).sort()).toEqual([...Array(49).fill(200), 201].sort());
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect((await rowsOf(user)).length).toBe(1);
  });

  it("answers CORS preflight and refuses other methods with Allow", async () => {
    const preflight = await fetch(url, { method: "OPTIONS" });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/authorization/);
    const put = await call(url, { method: "PUT", token: await api.tokenFor(await api.newUser()), body: { fact: "x" } });
    expect([put.status, put.headers.get("allow")]).toEqual([405, "OPTIONS, POST, GET, PATCH, DELETE"]);
  });

  it("logged no unexpected error", () => {
    expect(api.logged.filter(([message]) => !String(message).startsWith("embedding with"))).toEqual([]);
  });
});
