// Nothing to learn about another user over HTTP (issue 24): every route that takes an id answers another user's id
// exactly as an id no one holds (status, error code, message, details, rows), for every kind of id another user
// has, and writes nothing of theirs. Which fields are asked is checked against the OpenAPI document: a route or a
// uuid field added without its case here fails.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OfflineEmbedder } from "../shared/embeddings/offline.ts";
import { openApiDocument } from "../shared/openapi/document.ts";
import { call, startApi, type ApiFixture } from "./support/http.ts";

let api: ApiFixture;
let ana: string;
let ben: string;
let anasMemory: string;
const bens: Record<string, string> = {};

beforeAll(async () => {
  api = await startApi({ embedder: new OfflineEmbedder() });
  [ana, ben] = [await api.newUser(), await api.newUser()];
  const asBen = { token: await api.tokenFor(ben) };
  const [conversation] = await api.database.sql`insert into public.conversations (user_id, title) values (${ben}, 'Ben''s chat') returning id`;
  const kept = await call(`${api.base}/memory-store`, { ...asBen, body: { fact: "Restores old wooden sailing boats", source_conversation_id: conversation.id } });
  await call(`${api.base}/memory-store`, { ...asBen, method: "PATCH", body: { id: kept.body.id, fact: "Restores old wooden rowing boats" } });
  const merged = await call(`${api.base}/memory-store`, { ...asBen, body: { fact: "Restores old wooden rowing boats!" } });
  const gone = await call(`${api.base}/memory-store`, { ...asBen, body: { fact: "Sleeps in a hammock in summer" } });
  await call(`${api.base}/memory-store?id=${gone.body.id}`, { ...asBen, method: "DELETE" });
  const [older] = await api.database.sql`select id from public.user_memories where user_id = ${ben} and previous_version_id is null and fact like '%sailing%'`;
  Object.assign(bens, { "active memory": kept.body.id, "older version": older.id, "forgotten memory": gone.body.id,
    sighting: merged.body.sighting_id, conversation: conversation.id, user: ben });
  const mine = await call(`${api.base}/memory-store`, { token: await api.tokenFor(ana), body: { fact: "Paints ceramic tiles" } });
  anasMemory = mine.body.id;
}, 60_000);
afterAll(async () => api?.close());

type Case = { operationId: string; field: string; method: string; path: (id: string) => string; body?: (id: string) => unknown };
const q = (id: string) => encodeURIComponent(id);
const CASES: Case[] = [
  { operationId: "getMemory", field: "id", method: "GET", path: (id) => `/memory-store/memory?id=${q(id)}` },
  { operationId: "memoryHistory", field: "id", method: "GET", path: (id) => `/memory-store?id=${q(id)}` },
  { operationId: "forgetMemory", field: "id", method: "DELETE", path: (id) => `/memory-store?id=${q(id)}` },
  { operationId: "updateMemory", field: "id", method: "PATCH", path: () => "/memory-store", body: (id) => ({ id, importance_score: 0.2 }) },
  { operationId: "updateMemory", field: "source_conversation_id", method: "PATCH", path: () => "/memory-store", body: (id) => ({ id: anasMemory, source_conversation_id: id }) },
  { operationId: "getMemory", field: "user_id", method: "GET", path: (id) => `/memory-store/memory?id=${anasMemory}&user_id=${q(id)}` },
  { operationId: "memoryHistory", field: "user_id", method: "GET", path: (id) => `/memory-store?id=${anasMemory}&user_id=${q(id)}` },
  { operationId: "forgetMemory", field: "user_id", method: "DELETE", path: (id) => `/memory-store?id=${anasMemory}&user_id=${q(id)}` },
  { operationId: "updateMemory", field: "user_id", method: "PATCH", path: () => "/memory-store", body: (id) => ({ id: anasMemory, importance_score: 0.2, user_id: id }) },
  { operationId: "unmergeMemory", field: "user_id", method: "POST", path: () => "/memory-store/unmerge", body: (id) => ({ id: anasMemory, user_id: id }) },
  { operationId: "unmergeMemory", field: "id", method: "POST", path: () => "/memory-store/unmerge", body: (id) => ({ id }) },
  { operationId: "storeMemory", field: "source_conversation_id", method: "POST", path: () => "/memory-store", body: (id) => ({ fact: "Keeps bees on the roof", source_conversation_id: id }) },
  { operationId: "storeMemory", field: "user_id", method: "POST", path: () => "/memory-store", body: (id) => ({ fact: "Keeps bees on the roof", user_id: id }) },
  { operationId: "storeMemories", field: "items.source_conversation_id", method: "POST", path: () => "/memory-store/batch", body: (id) => ({ items: [{ fact: "Keeps bees on the roof", source_conversation_id: id }] }) },
  { operationId: "storeMemories", field: "user_id", method: "POST", path: () => "/memory-store/batch", body: (id) => ({ items: [{ fact: "Keeps bees on the roof" }], user_id: id }) },
  { operationId: "searchMemories", field: "user_id", method: "POST", path: () => "/memory-search", body: (id) => ({ query: "boats", user_id: id }) },
  { operationId: "listMemories", field: "user_id", method: "GET", path: (id) => `/memory-search?user_id=${q(id)}` },
  { operationId: "listMemories", field: "before_id", method: "GET", path: (id) => `/memory-search?before_created_at=2999-01-01T00:00:00Z&before_id=${q(id)}` },
  { operationId: "forgetScope", field: "user_id", method: "POST", path: () => "/memory-store/forget", body: (id) => ({ agent_id: "chef-bot", user_id: id }) },
  { operationId: "eraseMemories", field: "user_id", method: "POST", path: () => "/memory-store/erase", body: (id) => ({ confirm: "erase my memories", user_id: id }) },
  { operationId: "exportUserData", field: "user_id", method: "GET", path: (id) => `/memory-store/export?user_id=${q(id)}` },
  { operationId: "importUserData", field: "user_id", method: "POST", path: (id) => `/memory-store/import?user_id=${q(id)}`, body: () => emptyDocument() },
  { operationId: "importUserData", field: "document ids", method: "POST", path: () => "/memory-store/import", body: (id) => ({
    ...emptyDocument(), memories: [{ id, fact: `Reads sea shanties, volume ${++volume}`, memory_type: "fact", category: null, importance_score: 0.5,
      confidence_score: 0.5, is_active: true, duplicate_of: null, version: 1, previous_version_id: null,
      metadata: {}, created_at: "2024-01-01T00:00:00Z", updated_at: "2024-01-01T00:00:00Z", last_accessed_at: null, expires_at: null,
      observed_at: null, agent_id: null, run_id: null, source_conversation_id: id }],
    // The same id in every part of the document, as a row's id and as what the rows refer to.
    conversations: [{ id, title: "Sea songs", metadata: {}, started_at: "2024-01-01T00:00:00Z", last_message_at: null,
      created_at: "2024-01-01T00:00:00Z", updated_at: "2024-01-01T00:00:00Z" }],
    sightings: [{ id, memory_id: id, fact: "Reads sea shanties aloud", memory_type: "fact", category: null, importance_score: 0.5,
      confidence_score: 0.5, metadata: {}, source_conversation_id: null, expires_at: null, idempotency_key: null, origin: "store",
      merged_memory_id: null, similarity: null, seen_at: "2024-01-02T00:00:00Z", unmerged_at: null, unmerged_memory_id: null }],
    access: [{ memory_id: id, last_accessed_at: "2024-01-03T00:00:00Z", access_count: 2 }],
    access_log: [{ id, memory_id: id, accessed_at: "2024-01-03T00:00:00Z" }] }) },
];

/** Each imported statement its own, so that one import does not make the next a duplicate. */
let volume = 0;

function emptyDocument() {
  return { format: "chat-memory-export", version: 1, exported_at: "2024-01-01T00:00:00Z", user_id: ana, memories: [], sightings: [],
    conversations: [], access: [], access_log: [], statistics: {} };
}

/** What an answer says, with every id and the request's own id written alike. */
function said(answer: { status: number; body: unknown }) {
  const text = JSON.stringify(answer.body ?? null)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>")
    .replace(/"(request_id|exported_at|created_at|updated_at|last_accessed_at|observed_at)":"[^"]*"/g, '"$1":"<t>"');
  return { status: answer.status, body: JSON.parse(text) };
}

/** The uuid fields of each operation in the OpenAPI document: parameters, body properties, and one level inside arrays. */
function uuidFields(): string[] {
  const doc = openApiDocument() as any;
  const resolve = (s: any): any => (s?.$ref ? doc.components.schemas[s.$ref.split("/").pop()] : s);
  // zod states a uuid as its pattern.
  const isUuid = (s: any): boolean => {
    const r = resolve(s);
    return r?.format === "uuid" || String(r?.pattern ?? "").includes("[0-9a-f]{8}-") || (r?.anyOf ?? []).some(isUuid);
  };
  const fields: string[] = [];
  for (const methods of Object.values(doc.paths as Record<string, Record<string, any>>)) {
    for (const op of Object.values(methods)) {
      for (const p of op.parameters ?? []) if (isUuid(p.schema)) fields.push(`${op.operationId} ${p.name}`);
      const body = resolve(op.requestBody?.content?.["application/json"]?.schema);
      for (const [name, prop] of Object.entries(body?.properties ?? {})) {
        if (isUuid(prop)) fields.push(`${op.operationId} ${name}`);
        const items = resolve(resolve(prop as any)?.items);
        for (const [inner, innerProp] of Object.entries(items?.properties ?? {})) {
          if (isUuid(innerProp)) fields.push(`${op.operationId} ${name}.${inner}`);
        }
      }
    }
  }
  return [...new Set(fields)].sort();
}

describe("another user's id over HTTP", () => {
  it("every uuid field of every route the document states has its case", () => {
    const covered = new Set(CASES.map((c) => `${c.operationId} ${c.field}`));
    const fields = uuidFields();
    expect(fields.length).toBeGreaterThan(10);
    // The ids inside an imported document's rows are one case (memories.id): the import reads every id alike.
    expect(fields.filter((f) => !covered.has(f) && !/^importUserData (memories|sightings|conversations|access|access_log)\./.test(f))).toEqual([]);
  });

  it("is answered as an id no one holds, on every route and for every kind of id, and changes nothing of theirs", async () => {
    const token = await api.tokenFor(ana);
    const before = await api.database.sql`select to_jsonb(m)::text as row from public.user_memories m where user_id = ${ben} order by id`;
    const differing: unknown[] = [];
    const answers = new Set<string>();
    for (const c of CASES) {
      for (const [kind, id] of Object.entries(bens)) {
        const send = (value: string) => call(`${api.base}${c.path(value)}`, { method: c.method, token, body: c.body?.(value) });
        // A random id first, then Ben's: a write either makes is undone by the same call's refusal or is Ana's own.
        const none = said(await send(crypto.randomUUID()));
        const taken = said(await send(id));
        answers.add(JSON.stringify(none));
        if (JSON.stringify(none) !== JSON.stringify(taken)) differing.push({ route: `${c.method} ${c.operationId} ${c.field}`, kind, none, taken });
      }
    }
    expect(differing).toEqual([]);
    expect(answers.size).toBeGreaterThan(8);
    const after = await api.database.sql`select to_jsonb(m)::text as row from public.user_memories m where user_id = ${ben} order by id`;
    expect(after).toEqual(before);
  }, 120_000);
});
