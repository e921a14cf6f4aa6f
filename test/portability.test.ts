// A user's own data, portable: exported from one project (a database with its API) and imported into another for
// the same user, over HTTP, with the client, and with `memory export` / `memory import`. Everything said comes across
// (versions, sightings, conversations, access) under ids of the project it lands in, a second import changes
// nothing, an import never writes another user's rows nor says whether one holds an id, and a document the project cannot take is refused whole with a 4xx naming the field.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.ts";
import { createMemoryClient } from "../client/index.ts";
import { OfflineEmbedder } from "../shared/embeddings/offline.ts";
import type { ExportDocument } from "../shared/schemas/export.ts";
import { call, startApi, type ApiFixture } from "./support/http.ts";

let from: ApiFixture;
let to: ApiFixture;
let user: string;
let exported: ExportDocument;
let dir: string;

const at = (api: ApiFixture, path: string) => `${api.base}${path}`;
const origin = (api: ApiFixture) => api.base.replace(/\/functions\/v1$/, "");

/** What must come across unchanged: everything but the moment of export and the derived statistics. */
const content = ({ exported_at: _, statistics: __, ...rest }: ExportDocument) => rest;

type Outcome = { tables: { table_name: string; imported: number; already_present: number; merged: number; ids: Record<string, string> }[] };
/** The document as the project holds it after an import: every id the outcome reports as changed, changed. */
function renamed(document: ExportDocument, outcome: Outcome): ExportDocument {
  const ids = Object.assign({}, ...outcome.tables.map((t) => t.ids)) as Record<string, string>;
  return JSON.parse(JSON.stringify(document).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => ids[id] ?? id));
}
/** Content with each part's rows in one order (an export orders them by id, which an import may change). */
const sorted = (document: ExportDocument) => Object.fromEntries(Object.entries(content(document)).map(([key, value]) =>
  [key, Array.isArray(value) ? value.map((row) => JSON.stringify(row)).sort() : value]));

async function rowCounts(api: ApiFixture, userId: string) {
  const [counts] = await api.database.sql`select
    (select count(*)::int from public.user_memories where user_id = ${userId}) as memories,
    (select count(*)::int from public.memory_sightings where user_id = ${userId}) as sightings,
    (select count(*)::int from public.conversations where user_id = ${userId}) as conversations`;
  return counts;
}

const memoryCli = (args: string[]) => runCli(args);

beforeAll(async () => {
  [from, to] = await Promise.all([startApi({ embedder: new OfflineEmbedder() }), startApi({ embedder: new OfflineEmbedder() })]);
  user = await from.newUser();
  await to.database.sql`insert into auth.users (id) values (${user})`;
  dir = await mkdtemp(join(tmpdir(), "export-"));
  const client = createMemoryClient({ url: origin(from), accessToken: await from.tokenFor(user) });
  // A life of memories: a conversation cited, a repeat (a sighting), a new version, an unmerge, a forgotten one,
  // and searches folded into the access counts.
  const [conversation] = await from.database.sql`insert into public.conversations (user_id, title, metadata)
    values (${user}, 'Sunday chat', '{"channel":"web"}') returning id`;
  const cats = await client.store({ fact: "Keeps two cats called Miso and Tofu", source_conversation_id: conversation.id, metadata: { mood: "happy" } });
  const repeat = await client.store({ fact: "Miso and Tofu: keeps two cats called" });
  await client.store({ fact: "Plays the cello in a quartet", memory_type: "fact", expires_at: "2099-01-01T00:00:00Z" });
  const bike = await client.store({ fact: "Rides a red bicycle to work" });
  await client.update({ id: cats.id, importance_score: 0.9 });
  await client.unmerge({ id: repeat.sighting_id! });
  await client.forget({ id: bike.id });
  await client.search({ query: "cello" });
  await from.database.sql`select public.fold_memory_access()`;
  await client.search({ query: "cats" });
  exported = await client.export();
}, 120_000);
afterAll(async () => {
  await Promise.all([from?.close(), to?.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe("a user's data, exported", () => {
  it("holds every row of the user, in the documented format, without embeddings", async () => {
    expect(exported).toMatchObject({ format: "chat-memory-export", version: 1, user_id: user });
    expect({ memories: exported.memories.length, sightings: exported.sightings.length, conversations: exported.conversations.length })
      .toEqual(await rowCounts(from, user));
    expect(exported.memories.map((m) => m.version).sort()).toEqual([1, 1, 1, 1, 2]);
    expect(exported.sightings[0]).toMatchObject({ origin: "store", unmerged_at: expect.any(String) });
    expect(exported.access.length).toBe(1);
    expect(exported.access_log.length).toBeGreaterThan(0);
    expect(exported.statistics).toMatchObject({ active: 3 });
    expect([...exported.memories, ...exported.sightings].flatMap((row) => Object.keys(row)).filter((k) => k.startsWith("embedding"))).toEqual([]);
  });

  it("is the user's own: another user gets theirs, and a user token cannot name someone else", async () => {
    const other = await from.newUser();
    const theirs = await call(at(from, "/memory-store/export"), { method: "GET", token: await from.tokenFor(other) });
    expect([theirs.status, theirs.body.memories]).toEqual([200, []]);
    const named = await call(at(from, `/memory-store/export?user_id=${user}`), { method: "GET", token: await from.tokenFor(other) });
    expect([named.status, named.body.error.details[0].field]).toEqual([403, "user_id"]);
    const service = await call(at(from, `/memory-store/export?user_id=${user}`), { method: "GET", token: await from.serviceToken() });
    expect(content(service.body)).toEqual(content(exported));
    expect(service.headers.get("content-disposition")).toMatch(new RegExp(`attachment; filename="memories-${user}-\\d{4}-\\d\\d-\\d\\d\\.json"`));
  });
});

describe("imported into another project", () => {
  it("brings everything across for the same user, and a second import changes nothing", async () => {
    const client = createMemoryClient({ url: origin(to), accessToken: await to.tokenFor(user) });
    const first = await client.import(exported);
    expect(Object.fromEntries(first.tables.map((t) => [t.table_name, t.imported]))).toEqual({
      conversations: 1, user_memories: 5, memory_sightings: 1, memory_access: 1, memory_access_log: exported.access_log.length });
    expect(first.embedding).toBe("pending");
    // Another project: no id of the document is the user's there, so each row is under an id of that project,
    // reported, and everything else comes across as it was.
    const reported = first.tables.flatMap((t) => Object.keys(t.ids));
    expect(reported.length).toBe(1 + 5 + 1 + exported.access_log.length);
    expect(sorted(await client.export())).toEqual(sorted(renamed(exported, first)));
    expect((await client.export()).statistics).toMatchObject({ active: 3, sightings: 1, unmerged: 1 });

    const again = await call(at(to, "/memory-store/import"), { token: await to.tokenFor(user), body: exported });
    expect(again.status).toBe(200);
    expect(again.body.tables.every((t: { imported: number }) => t.imported === 0)).toBe(true);
    expect(sorted(await client.export())).toEqual(sorted(renamed(exported, first)));

    // Found by text at once; the embedding backfill gives them vectors later.
    expect((await client.search({ query: "cello quartet" })).map((r) => r.fact)).toEqual(["Plays the cello in a quartet"]);
    const [pending] = await to.database.sql`select count(*)::int as n from public.memories_pending_embedding(100) where user_id = ${user}`;
    expect(pending.n).toBe(3);
  });

  it("keeps an imported memory that repeats one already there as its duplicate, and says so", async () => {
    const target = await to.newUser();
    const client = createMemoryClient({ url: origin(to), accessToken: await to.tokenFor(target) });
    const mine = await client.store({ fact: "Plays the cello in a quartet" });
    const outcome = await call(at(to, `/memory-store/import?user_id=${target}`), { token: await to.serviceToken(), body: await freshIds(exported) });
    expect(outcome.status).toBe(201);
    expect(outcome.body.tables.find((t: { table_name: string }) => t.table_name === "user_memories")).toMatchObject({ imported: 5, merged: 1 });
    const [kept] = await to.database.sql`select is_active, duplicate_of from public.user_memories
      where user_id = ${target} and fact = 'Plays the cello in a quartet' and id <> ${mine.id}`;
    expect(kept).toEqual({ is_active: false, duplicate_of: mine.id });
    expect((await client.history({ id: mine.id })).length).toBeGreaterThanOrEqual(1);
  });

  it("never writes another user's rows nor tells whether someone holds an id: another user's export imports as a document of fresh ids", async () => {
    const owner = await rowCounts(from, user);
    const [stranger, newcomer] = [await from.newUser(), await from.newUser()];
    const taken = await call(at(from, "/memory-store/import"), { token: await from.tokenFor(stranger), body: exported });
    const fresh = await call(at(from, "/memory-store/import"), { token: await from.tokenFor(newcomer), body: await freshIds(exported) });
    const shape = (r: { status: number; body: Outcome }) =>
      [r.status, r.body.tables.map((t) => [t.table_name, t.imported, t.already_present, t.merged, Object.keys(t.ids).length])];
    expect(shape(taken)).toEqual(shape(fresh));
    expect(await rowCounts(from, stranger)).toEqual(owner);
    expect(await rowCounts(from, user)).toEqual(owner);
  });

  it("refuses a document it cannot take, naming the field, and writes nothing", async () => {
    const target = await to.newUser();
    const token = await to.tokenFor(target);
    const fresh = await freshIds(exported);
    const cases: [unknown, number, string][] = [
      [{ ...fresh, version: 2 }, 400, "version"],
      [{ ...fresh, format: "something-else" }, 400, "format"],
      [{ ...fresh, memories: "none" }, 400, "memories"],
      [{ ...fresh, memories: fresh.memories.map((m, i) => i === 0 ? { ...m, fact: "tea\u0000" } : m) }, 400, "memories.0.fact"],
      [{ ...fresh, memories: fresh.memories.map((m, i) => i === 0 ? { ...m, importance_score: 3 } : m) }, 400, "importance_score"],
      [{ ...fresh, memories: fresh.memories.map((m, i) => i === 0 ? { ...m, memory_type: "hobby" } : m) }, 400, "memory_type"],
      [{ ...fresh, sightings: fresh.sightings.map((s) => ({ ...s, memory_id: crypto.randomUUID() })) }, 400, "memory_id"],
    ];
    for (const [body, status, field] of cases) {
      const response = await call(at(to, "/memory-store/import"), { token, body });
      expect(response.status, JSON.stringify(response.body)).toBe(status);
      expect(JSON.stringify(response.body.error.details)).toContain(field);
    }
    expect(await rowCounts(to, target)).toEqual({ memories: 0, sightings: 0, conversations: 0 });

    await to.database.sql`insert into public.memory_user_stats (user_id, quota_limit) values (${target}, 2)
      on conflict (user_id) do update set quota_limit = 2`;
    const full = await call(at(to, "/memory-store/import"), { token, body: fresh });
    expect([full.status, full.body.error.code]).toEqual([507, "quota_exceeded"]);
    expect(await rowCounts(to, target)).toEqual({ memories: 0, sightings: 0, conversations: 0 });
  });
});

describe("memory export and memory import", () => {
  it("move a user between databases from the operator's shell", async () => {
    const file = join(dir, "export.json");
    const out = await memoryCli(["export", "--user", user, "--out", file, "--db-url", from.database.url]);
    expect(out.code, out.stderr).toBe(0);
    const written = JSON.parse(await readFile(file, "utf8"));
    expect(content(written)).toEqual(content(exported));

    const moved = crypto.randomUUID();
    await to.database.sql`insert into auth.users (id) values (${moved})`;
    const fresh = join(dir, "fresh.json");
    await writeFile(fresh, JSON.stringify(await freshIds(written)));
    const imported = await memoryCli(["import", "--user", moved, fresh, "--db-url", to.database.url, "--json"]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout).find((t: { table_name: string }) => t.table_name === "user_memories").imported).toBe(5);
    expect(await rowCounts(to, moved)).toEqual({ memories: 5, sightings: 1, conversations: 1 });

    const unknown = await memoryCli(["export", "--user", crypto.randomUUID(), "--db-url", from.database.url]);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringMatching(/no user/)]);
    await writeFile(join(dir, "bad.json"), "{\"format\":\"x\"}");
    const bad = await memoryCli(["import", "--user", moved, join(dir, "bad.json"), "--db-url", to.database.url]);
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringMatching(/not a chat-memory-export document/)]);
  });
});

/** The same document with every id replaced, as if exported from a third project: for importing twice into one. */
async function freshIds(document: ExportDocument): Promise<ExportDocument> {
  const ids = new Map<string, string>();
  const text = JSON.stringify(document).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
    if (id === document.user_id) return id;
    if (!ids.has(id)) ids.set(id, crypto.randomUUID());
    return ids.get(id)!;
  });
  return JSON.parse(text);
}
