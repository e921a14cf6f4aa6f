// What a chatbot gets back over HTTP: facts that differ in a value are two memories with the near one named as
// related; a real duplicate is merged with its statement kept as a sighting; a merge can be undone; history shows
// it all; and a search answers with relevant memories or with nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OfflineEmbedder } from "../shared/embeddings/offline.ts";
import { call, startApi, type ApiFixture } from "./support/http.ts";

let api: ApiFixture;
let store: string;

beforeAll(async () => {
  api = await startApi({ embedder: new OfflineEmbedder() });
  store = `${api.base}/memory-store`;
});
afterAll(async () => api?.close());

async function newToken() {
  const user = await api.newUser();
  return { user, token: await api.tokenFor(user) };
}

const activeFacts = async (user: string) => (await api.database.sql`select fact from public.user_memories
  where user_id = ${user} and is_active order by created_at`).map((r) => r.fact as string);

// Long facts that differ in one value-bearing word: their word Jaccard (and offline cosine) pass 0.85.
const DISTINCT: [string, string, RegExp][] = [
  ["The user takes 20 mg of their blood pressure medication every morning before breakfast with water",
    "The user takes 40 mg of their blood pressure medication every morning before breakfast with water", /number/],
  ["The user takes two tablets of their blood pressure medication every morning before breakfast with water",
    "The user takes three tablets of their blood pressure medication every morning before breakfast with water", /number/],
  ["The user is allergic to peanuts and always checks the food labels carefully at the shop",
    "The user is not allergic to peanuts and always checks the food labels carefully at the shop", /negation/],
  ["The user will eat red meat at family dinners and on birthdays with the whole family",
    "The user will not eat red meat at family dinners and on birthdays with the whole family", /negation/],
  ["The user's sister Ana lives in Lisbon and works as a nurse at the central hospital there",
    "The user's sister Maria lives in Lisbon and works as a nurse at the central hospital there", /name/],
  ["The user's brother lives in Lisbon and works as a nurse at the central hospital there now",
    "The user's cousin lives in Lisbon and works as a nurse at the central hospital there now", /family/],
  ["The user is planning a trip to Japan with two old friends from school in April next year",
    "The user is planning a trip to Japan with two old friends from school in May next year", /date/],
  ["The user goes swimming at the public pool near the office every Monday after work with colleagues",
    "The user goes swimming at the public pool near the office every Thursday after work with colleagues", /date/],
  ["The user's flight to Berlin leaves from terminal 2 of the airport early in the morning",
    "The user's flight to Berlin leaves from terminal 3 of the airport early in the morning", /number/],
  ["The user's flight to Berlin leaves from the airport at 7:30 on the day of the conference",
    "The user's flight to Berlin leaves from the airport at 7:45 on the day of the conference", /number/],
  ["The user runs about 5 km along the river before work on most weekdays in the summer",
    "The user runs about 5 miles along the river before work on most weekdays in the summer", /amount/],
  ["The user pays $20 every month for the music streaming subscription shared with the family",
    "The user pays €20 every month for the music streaming subscription shared with the family", /amount/],
  ["The user moved to Porto with their partner and their two young children to be near the sea",
    "The user moved to Madrid with their partner and their two young children to be near the sea", /name/],
];

describe("value-aware duplicates", () => {
  it.each(DISTINCT)("keeps both facts: %s", async (first, second, reason) => {
    const { user, token } = await newToken();
    const a = await call(store, { token, body: { fact: first } });
    const b = await call(store, { token, body: { fact: second } });
    expect([a.status, a.body.status]).toEqual([201, "created"]);
    expect([b.status, b.body.status]).toEqual([201, "distinct"]);
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.body.relation).toBe("conflicts");
    expect(b.body.related).toEqual([{ id: a.body.id, similarity: expect.any(Number), reason: expect.stringMatching(reason), relation: "conflicts" }]);
    expect(b.body.related[0].similarity).toBeGreaterThanOrEqual(0.85);
    expect(await activeFacts(user)).toEqual([first, second]);
  });

  it("still merges a reworded fact and keeps the statement as a sighting", async () => {
    const { user, token } = await newToken();
    const a = await call(store, { token, body: { fact: "Loves jazz music and goes to concerts every month with friends" } });
    const b = await call(store, { token, body: { fact: "Really loves jazz music and goes to concerts every month with friends!", idempotency_key: "turn-7" } });
    expect([b.status, b.body.status, b.body.id, b.body.related]).toEqual([200, "duplicate", a.body.id, []]);
    expect(b.body.sighting_id).toEqual(expect.any(String));
    const [sighting] = await api.database.sql`select fact, memory_id, idempotency_key, origin from public.memory_sightings where id = ${b.body.sighting_id}`;
    expect(sighting).toEqual({ fact: "Really loves jazz music and goes to concerts every month with friends!", memory_id: a.body.id,
      idempotency_key: "turn-7", origin: "store" });
    expect(await activeFacts(user)).toEqual(["Loves jazz music and goes to concerts every month with friends"]);

    const history = await call(`${store}?id=${a.body.id}`, { method: "GET", token });
    expect(history.status).toBe(200);
    expect(history.body.history.map((h: { kind: string; fact: string }) => [h.kind, h.fact])).toEqual([
      ["version", "Loves jazz music and goes to concerts every month with friends"],
      ["sighting", "Really loves jazz music and goes to concerts every month with friends!"],
    ]);
  });

  it("unmerges a sighting into a memory of its own, once, and deduplication leaves the two apart", async () => {
    const { user, token } = await newToken();
    const a = await call(store, { token, body: { fact: "Plays tennis at the club near home twice a week with a coach" } });
    const b = await call(store, { token, body: { fact: "Plays tennis at the club near home twice a week with a coach, honestly" } });
    expect(b.body.status).toBe("duplicate");
    const undone = await call(`${store}/unmerge`, { token, body: { id: b.body.sighting_id } });
    expect([undone.status, undone.body.status, undone.body.sighting_id, undone.body.merged_into]).toEqual([200, "unmerged", b.body.sighting_id, a.body.id]);
    const again = await call(`${store}/unmerge`, { token, body: { id: b.body.sighting_id } });
    expect(again.body).toEqual(undone.body);
    expect(await activeFacts(user)).toEqual(["Plays tennis at the club near home twice a week with a coach",
      "Plays tennis at the club near home twice a week with a coach, honestly"]);
    const [dedupe] = await api.database.sql`select * from public.deduplicate_memories(${user})`;
    expect(Number(dedupe.duplicates_removed)).toBe(0);
    expect((await activeFacts(user)).length).toBe(2);
  });

  it("unmerge is refused for a statement with the same text as an active memory (409), for another user's sighting (404), and for a bad id (400)", async () => {
    const { user, token } = await newToken();
    await api.database.sql`insert into public.memory_user_stats (user_id, quota_limit) values (${user}, 1)`;
    await call(store, { token, body: { fact: "Drinks green tea every afternoon at the office desk with a biscuit" } });
    const b = await call(store, { token, body: { fact: "Drinks green tea every afternoon at the office desk with a biscuit." } });
    const other = await newToken();
    expect((await call(`${store}/unmerge`, { token: other.token, body: { id: b.body.sighting_id } })).status).toBe(404);
    expect((await call(`${store}/unmerge`, { token, body: { id: "not-a-uuid" } })).status).toBe(400);
    const full = await call(`${store}/unmerge`, { token, body: { id: b.body.sighting_id } });
    expect([full.status, full.body.error.code]).toEqual([409, "conflict"]);
    expect((await activeFacts(user)).length).toBe(1);
  });

  it("unmerge of a different text beyond the quota answers 507 and writes nothing", async () => {
    const { user, token } = await newToken();
    await api.database.sql`insert into public.memory_user_stats (user_id, quota_limit) values (${user}, 1)`;
    await call(store, { token, body: { fact: "Reads science fiction novels before sleeping on most nights of the week" } });
    const b = await call(store, { token, body: { fact: "Actually reads science fiction novels before sleeping on most nights of the week" } });
    expect(b.body.status).toBe("duplicate");
    const full = await call(`${store}/unmerge`, { token, body: { id: b.body.sighting_id } });
    expect([full.status, full.body.error.code]).toEqual([507, "quota_exceeded"]);
    const [{ unmerged }] = await api.database.sql`select count(*)::int as unmerged from public.memory_sightings where user_id = ${user} and unmerged_at is not null`;
    expect([await activeFacts(user), unmerged]).toEqual([["Reads science fiction novels before sleeping on most nights of the week"], 0]);
  });
});

describe("relevant or empty", () => {
  const FACTS = ["Prefers vegetarian food", "Sister is called Ana", "Works as a nurse in Lisbon", "Plays the cello on Sundays",
    "Allergic to peanuts", "Likes hiking in the mountains", "Drinks green tea every morning", "Has two cats called Miso and Tofu",
    "Is learning Japanese", "Birthday is in May", "Loves jazz music", "Eats spicy ramen on Fridays"];
  let token: string;
  beforeAll(async () => {
    ({ token } = await newToken());
    for (const fact of FACTS) await call(store, { token, body: { fact } });
  });

  it.each(["motorcycle repair", "knitting patterns", "stock market investing", "how to fix a flat tyre", "quantum physics lectures",
    "What does the user think about football?"])("answers nothing for %s", async (query) => {
    const response = await call(`${api.base}/memory-search`, { token, body: { query } });
    expect([response.status, response.body.results]).toEqual([200, []]);
  });

  it.each([["what food does the user like? vegetarian?", "Prefers vegetarian food"], ["who is Ana", "Sister is called Ana"],
    ["what does the user play on Sundays", "Plays the cello on Sundays"]])("answers %s with the memory that covers it", async (query, fact) => {
    const response = await call(`${api.base}/memory-search`, { token, body: { query } });
    expect(response.body.results[0].fact).toBe(fact);
    expect(response.body.results[0].matched_by).toContain("text");
  });

  it("min_similarity lets the caller lower the floor of the vector leg", async () => {
    const strict = await call(`${api.base}/memory-search`, { token, body: { query: "green", min_similarity: 0.99 } });
    expect(strict.body.results.map((r: { matched_by: string[] }) => r.matched_by)).toEqual([["text"]]);
    const loose = await call(`${api.base}/memory-search`, { token, body: { query: "green", min_similarity: 0.01 } });
    expect(loose.body.results.some((r: { matched_by: string[] }) => r.matched_by.includes("vector"))).toBe(true);
  });
});
