// When a fact was said, over HTTP: memory-store takes observed_at (a conversation turn's time), memory-search and
// the memory list answer it, a question naming a date ranks what was said then first, export and import carry it;
// a time that is not one, or later than a day from now, is a 400 naming the field, and nothing is written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OfflineEmbedder } from "../shared/embeddings/offline.ts";
import { call, startApi, type ApiFixture } from "./support/http.ts";

let api: ApiFixture;
let store: string;
let search: string;

beforeAll(async () => {
  api = await startApi({ embedder: new OfflineEmbedder() });
  store = `${api.base}/memory-store`;
  search = `${api.base}/memory-search`;
});
afterAll(async () => api?.close());

async function newToken() {
  const user = await api.newUser();
  return { user, token: await api.tokenFor(user) };
}

describe("observed_at", () => {
  it("is kept, answered, and ranks what was said on the day a question names first", async () => {
    const { token } = await newToken();
    const said = [
      ["The user repaired the garden fence with Olek", "2024-04-06T10:00:00Z"],
      ["The user painted the garden fence dark green", "2024-08-17T15:30:00Z"],
      ["The user took the garden fence down for good", "2025-01-11T09:00:00Z"],
    ];
    for (const [fact, observed_at] of said) {
      const r = await call(store, { token, body: { fact, observed_at, importance_score: fact.includes("down") ? 0.9 : 0.5 } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const plain = await call(search, { token, body: { query: "What did the user do to the garden fence?" } });
    expect(plain.body.results[0].fact).toBe("The user took the garden fence down for good");
    const dated = await call(search, { token, body: { query: "What did the user do to the garden fence on 17 August 2024?" } });
    expect(dated.status).toBe(200);
    expect(dated.body.results[0]).toMatchObject({ fact: "The user painted the garden fence dark green",
      observed_at: expect.stringMatching(/^2024-08-17T15:30:00(\.0+)?(Z|\+00:00)$/) });
    const listed = await call(`${search}?page_size=10`, { method: "GET", token });
    expect(listed.body.memories.map((m: { observed_at: string }) => new Date(m.observed_at).toISOString()).sort())
      .toEqual(said.map(([, at]) => new Date(at).toISOString()).sort());
  });

  it("defaults to the time of the store", async () => {
    const { token } = await newToken();
    const r = await call(store, { token, body: { fact: "The user keeps bees on the roof" } });
    const [found] = (await call(search, { token, body: { query: "bees" } })).body.results;
    expect(found.id).toBe(r.body.id);
    expect(found.observed_at).toBe(found.created_at);
  });

  it("refuses a time that is not one, or one later than a day from now, naming the field, and writes nothing", async () => {
    const { user, token } = await newToken();
    const ahead = new Date(Date.now() + 3 * 86_400_000).toISOString();
    for (const observed_at of ["yesterday", "2024-13-01T00:00:00Z", ahead]) {
      const r = await call(store, { token, body: { fact: "The user sails on Sundays", observed_at } });
      expect(r.status, `${observed_at}: ${JSON.stringify(r.body)}`).toBe(400);
      expect(JSON.stringify(r.body)).toContain("observed_at");
    }
    const [{ n }] = await api.database.sql`select count(*)::int as n from public.user_memories where user_id = ${user}`;
    expect(n).toBe(0);
  });

  it("travels with export and import", async () => {
    const from = await newToken();
    await call(store, { token: from.token, body: { fact: "The user planted an olive tree", observed_at: "2023-03-21T08:00:00Z" } });
    const exported = (await call(`${store}/export`, { method: "GET", token: from.token })).body;
    expect(exported.memories[0].observed_at).toMatch(/^2023-03-21T08:00:00/);
    // Into another user: the ids are the first user's, so the rows get new ones.
    const to = await newToken();
    const document = { ...exported, memories: exported.memories.map((m: object) => ({ ...m, id: crypto.randomUUID() })) };
    const imported = await call(`${store}/import`, { token: to.token, body: document });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    const [row] = await api.database.sql`select observed_at from public.user_memories where user_id = ${to.user}`;
    expect(row.observed_at.toISOString()).toBe("2023-03-21T08:00:00.000Z");
  });
});
