// memory-search over real HTTP: hybrid search with and without embeddings, isolation, and paging.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OfflineEmbedder } from "../shared/embeddings/offline.ts";
import { OpenAiEmbedder } from "../shared/embeddings/openai.ts";
import { call, startApi, type ApiFixture } from "./support/http.ts";
import { startFakeEmbeddingsApi, type FakeEmbeddingsApi } from "./support/fake-embeddings-api.ts";

let api: ApiFixture;
let user: string;
let token: string;

beforeAll(async () => {
  api = await startApi({ embedder: new OfflineEmbedder() });
  user = await api.newUser();
  token = await api.tokenFor(user);
  for (const [fact, memory_type] of [["Prefers vegetarian food", "preference"], ["Sister is called Ana", "person"],
    ["Runs marathons in spring", "fact"], ["Allergic to peanuts", "fact"]]) {
    await call(`${api.base}/memory-store`, { token, body: { fact, memory_type } });
  }
});
afterAll(async () => api?.close());

describe("memory-search", () => {
  it("finds by words, with each component of the ranking", async () => {
    const response = await call(`${api.base}/memory-search`, { token, body: { query: "vegetarian food" } });
    expect(response.status).toBe(200);
    expect(response.body.embedding).toBe("offline-lexical-dense-384");
    const [top] = response.body.results;
    expect(top.fact).toBe("Prefers vegetarian food");
    expect(top.text_rank).toBe(1);
    expect(top.vector_rank).toBe(1);
    expect(top.vector_similarity).toBeGreaterThan(0.5);
    expect(top.score).toBeGreaterThan(0);
  });

  it("filters by memory type", async () => {
    const all = await call(`${api.base}/memory-search`, { token, body: { query: "Ana" } });
    expect(all.body.results[0].fact).toBe("Sister is called Ana");
    const facts = await call(`${api.base}/memory-search`, { token, body: { query: "Ana or peanuts", memory_types: ["fact"] } });
    expect(facts.body.results.map((r: { fact: string }) => r.fact)).toEqual(["Allergic to peanuts"]);
    const none = await call(`${api.base}/memory-search`, { token, body: { query: "Ana", memory_types: ["fact"] } });
    expect(none.body.results).toEqual([]);
  });

  it("still searches by text when the embeddings API is down", async () => {
    const down: FakeEmbeddingsApi = await startFakeEmbeddingsApi();
    down.mode = "error";
    const degraded = await startApi({ embedder: new OpenAiEmbedder({ baseUrl: down.baseUrl, model: "m" }) });
    try {
      const owner = await degraded.newUser();
      const t = await degraded.tokenFor(owner);
      await call(`${degraded.base}/memory-store`, { token: t, body: { fact: "Collects old cameras" } });
      const response = await call(`${degraded.base}/memory-search`, { token: t, body: { query: "cameras" } });
      expect(response.status).toBe(200);
      expect(response.body.embedding).toBe("unavailable");
      expect(response.body.results.map((r: { fact: string }) => r.fact)).toEqual(["Collects old cameras"]);
    } finally {
      await degraded.close();
      await down.close();
    }
  });

  it("never shows another user's memories", async () => {
    const stranger = await api.tokenFor(await api.newUser());
    const response = await call(`${api.base}/memory-search`, { token: stranger, body: { query: "vegetarian food Ana peanuts" } });
    expect([response.status, response.body.results]).toEqual([200, []]);
    const listed = await call(`${api.base}/memory-search`, { method: "GET", token: stranger });
    expect(listed.body.memories).toEqual([]);
  });

  it("lists recent memories a page at a time, newest first, without overlap", async () => {
    const pager = await api.newUser();
    const t = await api.tokenFor(pager);
    for (let i = 0; i < 25; i++) await call(`${api.base}/memory-store`, { token: t, body: { fact: `numbered note ${i} ${"xyz".repeat(i % 3)}` } });
    const seen: string[] = [];
    let cursor: string | null = null;
    const sizes: number[] = [];
    do {
      const page = await call(`${api.base}/memory-search?page_size=10${cursor ? `&cursor=${cursor}` : ""}`, { method: "GET", token: t });
      expect(page.status).toBe(200);
      sizes.push(page.body.memories.length);
      seen.push(...page.body.memories.map((m: { id: string }) => m.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(sizes).toEqual([10, 10, 5]);
    expect(new Set(seen).size).toBe(25);
    const newestFirst = await api.database.sql`select id from public.user_memories where user_id = ${pager} order by created_at desc, id desc`;
    expect(seen).toEqual(newestFirst.map((r) => r.id));
  });

  /** Every page of a user's list, with its size and whether it handed on a cursor. */
  async function pages(t: string, size: number): Promise<{ ids: string[]; sizes: number[]; lastCursor: string | null }> {
    const ids: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(`${api.base}/memory-search?page_size=${size}${cursor ? `&cursor=${cursor}` : ""}`, { method: "GET", token: t });
      expect(page.status).toBe(200);
      sizes.push(page.body.memories.length);
      ids.push(...page.body.memories.map((m: { id: string }) => m.id));
      cursor = page.body.next_cursor;
    } while (cursor && sizes.length < 100);
    return { ids, sizes, lastCursor: cursor };
  }

  it("hands on no cursor from the last page when it is full (no empty page after it)", async () => {
    const pager = await api.newUser();
    const t = await api.tokenFor(pager);
    for (let i = 0; i < 20; i++) await call(`${api.base}/memory-store`, { token: t, body: { fact: `evenly paged note ${i} ${"q".repeat(i)}` } });
    expect((await pages(t, 10)).sizes).toEqual([10, 10]);
    expect((await pages(t, 20)).sizes).toEqual([20]);
  });

  it("pages through memories created within one millisecond (the cursor keeps microseconds)", async () => {
    const pager = await api.newUser();
    const t = await api.tokenFor(pager);
    await api.database.sql`insert into public.user_memories (user_id, fact, memory_type, created_at)
      select ${pager}, 'same millisecond note ' || i, 'fact', timestamptz '2026-11-26 10:00:00.123000+00' + i * interval '1 microsecond'
        from generate_series(0, 900, 100) i`;
    const { ids, sizes } = await pages(t, 1);
    expect(sizes).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(new Set(ids).size).toBe(10);
  });
});
