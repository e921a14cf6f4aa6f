// Scopes, metadata filters, batch store, forget by scope and erase over HTTP: what a mem0 or LangGraph user reaches
// for. The rules themselves are the database's (supabase/tests/scopes.test.sql); these check the routes carry them,
// name the field of a refusal, and write nothing when a batch is refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OfflineEmbedder } from "../shared/embeddings/offline.ts";
import type { EmbeddingProvider } from "../shared/embeddings/provider.ts";
import { call, startApi, type ApiFixture } from "./support/http.ts";

/** The offline embedder, counting the calls made to it. */
class CountingEmbedder implements EmbeddingProvider {
  readonly inner = new OfflineEmbedder();
  readonly model = this.inner.model;
  calls: number[] = [];
  embed(texts: string[]) {
    this.calls.push(texts.length);
    return this.inner.embed(texts);
  }
}

let api: ApiFixture;
let embedder: CountingEmbedder;
let store: string;
let search: string;

beforeAll(async () => {
  embedder = new CountingEmbedder();
  api = await startApi({ embedder });
  store = `${api.base}/memory-store`;
  search = `${api.base}/memory-search`;
});
afterAll(async () => api?.close());

const newToken = async () => api.tokenFor(await api.newUser());
const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

describe("scopes and filters", () => {
  it("keeps a fact per scope, and search, list and export keep to the scope and the metadata asked for", async () => {
    const token = await newToken();
    const own = await call(store, { token, body: { fact: "The user is training for a marathon in April", metadata: { source: "profile" } } });
    const coach = await call(store, { token, body: { fact: "The user is training for a marathon in April", agent_id: "coach", metadata: { source: "chat", week: 3 } } });
    const again = await call(store, { token, body: { fact: "The user is training for a marathon in April", agent_id: "coach" } });
    const run = await call(store, { token, body: { fact: "The user skipped the long run because of knee pain", agent_id: "coach", run_id: "thread-42", metadata: { source: "chat", tags: ["injury"] } } });
    expect([own.status, coach.status, again.status, run.status]).toEqual([201, 201, 200, 201]);
    expect(coach.body.id).not.toBe(own.body.id);
    expect(again.body).toMatchObject({ id: coach.body.id, status: "duplicate" });

    const scoped = await call(search, { token, body: { query: "marathon training", agent_id: "coach" } });
    expect(ids(scoped.body.results)).toEqual([coach.body.id]);
    expect(scoped.body.results[0]).toMatchObject({ agent_id: "coach", run_id: null });
    const everywhere = await call(search, { token, body: { query: "marathon training" } });
    expect(ids(everywhere.body.results)).toEqual(ids([own.body, coach.body]));
    const filtered = await call(search, { token, body: { query: "marathon training", metadata_filter: { source: "profile" } } });
    expect(ids(filtered.body.results)).toEqual([own.body.id]);

    const listed = await call(`${search}?agent_id=coach&metadata_filter=${encodeURIComponent(JSON.stringify({ tags: ["injury"] }))}`, { method: "GET", token });
    expect(listed.status).toBe(200);
    expect(ids(listed.body.memories)).toEqual([run.body.id]);
    const byRun = await call(`${search}?run_id=thread-42`, { method: "GET", token });
    expect(ids(byRun.body.memories)).toEqual([run.body.id]);

    const exported = await call(`${store}/export?agent_id=coach&run_id=thread-42`, { method: "GET", token });
    expect(exported.status).toBe(200);
    expect(exported.body.memories.map((m: { id: string; agent_id: string; run_id: string }) => [m.id, m.agent_id, m.run_id]))
      .toEqual([[run.body.id, "coach", "thread-42"]]);
  });

  it("refuses a filter or a scope it cannot apply, naming the field", async () => {
    const token = await newToken();
    const cases: [string, { method?: string; body?: unknown }, string][] = [
      [search, { body: { query: "x", metadata_filter: ["source"] } }, "metadata_filter"],
      [search, { body: { query: "x", agent_id: " " } }, "agent_id"],
      [store, { body: { fact: "Likes hiking", run_id: "r".repeat(201) } }, "run_id"],
      [`${search}?metadata_filter=not-json`, { method: "GET" }, "metadata_filter"],
      [`${store}/forget`, { body: {} }, "agent_id"],
    ];
    for (const [url, init, field] of cases) {
      const answer = await call(url, { token, method: init.method ?? "POST", body: init.body });
      expect(answer.status, `${url} ${JSON.stringify(init.body)}`).toBe(400);
      expect(answer.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
  });
});

describe("batch store", () => {
  it("stores a turn's facts in one call to the embedder and one transaction, each with its outcome", async () => {
    const token = await newToken();
    const before = embedder.calls.length;
    const answer = await call(`${store}/batch`, { token, body: { items: [
      { fact: "The user's daughter is called Ines", memory_type: "person" },
      { fact: "The user is vegetarian since 2019", metadata: { source: "turn-7" } },
      { fact: "The user's daughter is called Ines" },
      { fact: "The user prefers window seats on trains", agent_id: "travel" },
    ] } });
    expect(answer.status).toBe(201);
    expect(answer.body.embedding).toBe("stored");
    expect(answer.body.results.map((r: { item: number; status: string }) => [r.item, r.status]))
      .toEqual([[0, "created"], [1, "created"], [2, "duplicate"], [3, "created"]]);
    expect(answer.body.results[2].id).toBe(answer.body.results[0].id);
    expect(embedder.calls.slice(before)).toEqual([4]);
    const got = await call(`${store}/memory?id=${answer.body.results[3].id}`, { method: "GET", token });
    expect(got.body.memory).toMatchObject({ agent_id: "travel", has_embedding: true });
  });

  it("writes nothing when an item is refused, and names the item and its field", async () => {
    const token = await newToken();
    const refused = await call(`${store}/batch`, { token, body: { items: [
      { fact: "The user plays the cello" },
      { fact: "The user plays the cello", importance_score: 7 },
    ] } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].field).toBe("items[1].importance_score");
    const shape = await call(`${store}/batch`, { token, body: { items: [{ fact: "ok" }, { fact: 5 }] } });
    expect(shape.status).toBe(400);
    expect(shape.body.error.details[0].field).toMatch(/^items.*1.*fact$/);
    const tooMany = await call(`${store}/batch`, { token, body: { items: Array.from({ length: 101 }, (_, i) => ({ fact: `Fact ${i}` })) } });
    expect(tooMany.status).toBe(400);
    const listed = await call(search, { method: "GET", token });
    expect(listed.body.memories).toEqual([]);
  });
});

describe("forget and erase", () => {
  it("forgets a scope, and erases with the words that confirm it", async () => {
    const token = await newToken();
    await call(`${store}/batch`, { token, body: { items: [
      { fact: "The user likes board games", agent_id: "games" },
      { fact: "The user owns a copy of Catan", agent_id: "games", run_id: "s1" },
      { fact: "The user lives in Leeds" },
    ] } });
    const forgotten = await call(`${store}/forget`, { token, body: { agent_id: "games", run_id: "s1" } });
    expect(forgotten.body).toEqual({ forgotten: 1 });

    const unconfirmed = await call(`${store}/erase`, { token, body: { confirm: "yes" } });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body.error.details[0].field).toBe("confirm");
    const scope = await call(`${store}/erase`, { token, body: { confirm: "erase my memories", agent_id: "games" } });
    expect(scope.body).toEqual({ erased: 2 });
    const left = await call(search, { method: "GET", token });
    expect(left.body.memories.map((m: { fact: string }) => m.fact)).toEqual(["The user lives in Leeds"]);
    const all = await call(`${store}/erase`, { token, body: { confirm: "erase my memories" } });
    expect(all.body).toEqual({ erased: 1 });
    expect((await call(search, { method: "GET", token })).body.memories).toEqual([]);
  });
});
