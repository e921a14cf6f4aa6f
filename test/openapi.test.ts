// The OpenAPI 3.1 document: valid by the OpenAPI 3.1 schema, one operation for every route the functions serve and
// none they don't, and every answer the running API gives (successes and errors alike) matching the document's
// schema for that operation and status.
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OfflineEmbedder } from "../shared/embeddings/offline.ts";
import { OPERATIONS, openApiDocument } from "../shared/openapi/document.ts";
import { LOCAL_FUNCTIONS } from "../local/docs.ts";
import { call, startApi, type ApiFixture, type ApiResponse } from "./support/http.ts";

const doc = openApiDocument() as any;
let api: ApiFixture;
let token: string;

beforeAll(async () => {
  api = await startApi({ embedder: new OfflineEmbedder(), docsUser: "00000000-0000-4000-8000-000000000001" });
  token = await api.tokenFor(await api.newUser());
}, 60_000);
afterAll(async () => api?.close());

/** Checks an answer against the document: its status is declared for the operation, its body matches the schema. */
function conforms(operationId: string, response: ApiResponse): void {
  const op = OPERATIONS.find((o) => o.operationId === operationId)!;
  const declared = doc.paths[`/${op.fn}${op.path}`][op.method].responses;
  expect(Object.keys(declared), `${operationId} declares ${response.status}`).toContain(String(response.status));
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat("uuid", true).addFormat("date-time", true);
  for (const [name, schema] of Object.entries(doc.components.schemas)) ajv.addSchema(schema as object, `#/components/schemas/${name}`);
  const validate = ajv.compile(declared[response.status].content["application/json"].schema);
  expect(validate(response.body) ? [] : validate.errors, `${operationId} ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`).toEqual([]);
}

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1", async () => {
    const result = await new Validator().validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toMatch(/^3\.1\./);
  });

  it("lists the memory types the database holds", async () => {
    const [{ types }] = await api.database.sql`select public.memory_types() as types`;
    const memoryType = doc.paths["/memory-store"].post.requestBody.content["application/json"].schema.properties.memory_type;
    expect(memoryType.enum).toEqual(types);
  });

  it("is served at /functions/v1/openapi.json, and the reference page at /docs", async () => {
    const base = api.base.replace(/\/functions\/v1$/, "");
    const served = await call(`${api.base}/openapi.json`, { method: "GET" });
    expect(served.status).toBe(200);
    // What this server serves: memory-store and memory-search, not memory-backups.
    expect(served.body).toEqual(openApiDocument(undefined, LOCAL_FUNCTIONS));
    expect(Object.keys(served.body.paths).some((path) => path.startsWith("/memory-backups"))).toBe(false);
    const page = await fetch(`${base}/docs`);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain("/functions/v1/openapi.json");
    const asset = await fetch(`${base}/docs/swagger-ui-bundle.js`);
    expect([asset.status, asset.headers.get("content-type")]).toEqual([200, "text/javascript; charset=utf-8"]);
    expect((await fetch(`${base}/docs/package.json`)).status).toBe(404);
    expect((await call(`${api.base}/openapi.json`, { method: "POST", body: {} })).status).toBe(405);
  });

  it("has an operation for every route the functions serve, and none they don't", async () => {
    for (const path of ["/memory-store", "/memory-store/unmerge", "/memory-store/export", "/memory-store/import", "/memory-search"]) {
      // A method no route has is answered 405 with the methods the path does serve.
      const refused = await fetch(`${api.base}${path}`, { method: "PUT", headers: { Authorization: `Bearer ${token}` } });
      expect(refused.status).toBe(405);
      const served = refused.headers.get("allow")!.split(", ").filter((m) => m !== "OPTIONS").map((m) => m.toLowerCase()).sort();
      expect(Object.keys(doc.paths[path]).sort(), path).toEqual(served);
    }
    // Every documented operation of the functions npm start serves reaches its handler (401 without a token, not 404).
    for (const op of OPERATIONS.filter((o) => o.fn !== "memory-backups")) {
      const response = await call(`${api.base}/${op.fn}${op.path}`, { method: op.method.toUpperCase(), body: op.body ? {} : undefined });
      expect(response.status, op.operationId).toBe(401);
      conforms(op.operationId, response);
    }
  });

  it("describes every answer the API gives", async () => {
    const at = (path: string) => `${api.base}${path}`;
    const as = { token };
    const stored = await call(at("/memory-store"), { ...as, method: "POST", body: { fact: "Plays the cello in a quartet", memory_type: "fact",
      metadata: { source: "chat" }, expires_at: "2099-01-01T00:00:00Z" } });
    conforms("storeMemory", stored);
    const repeated = await call(at("/memory-store"), { ...as, method: "POST", body: { fact: "Plays the cello in a quartet" } });
    expect(repeated.status).toBe(200);
    conforms("storeMemory", repeated);
    const dose = await call(at("/memory-store"), { ...as, method: "POST", body: { fact: "The user takes 20 mg of their blood pressure medication every morning with breakfast" } });
    const distinct = await call(at("/memory-store"), { ...as, method: "POST", body: { fact: "The user takes 40 mg of their blood pressure medication every morning with breakfast" } });
    expect([dose.status, distinct.body.status, distinct.body.related.length]).toEqual([201, "distinct", 1]);
    conforms("storeMemory", distinct);
    conforms("storeMemory", await call(at("/memory-store"), { ...as, method: "POST", body: { fact: "" } }));
    conforms("storeMemory", await call(at("/memory-store"), { ...as, method: "POST", body: { fact: "x", user_id: stored.body.id } }));

    conforms("searchMemories", await call(at("/memory-search"), { ...as, method: "POST", body: { query: "cello" } }));
    conforms("searchMemories", await call(at("/memory-search"), { ...as, method: "POST", body: { query: "cello", match_count: 0 } }));
    const page = await call(at("/memory-search?page_size=2"), { ...as, method: "GET" });
    expect(page.body.next_cursor).toEqual(expect.any(String));
    conforms("listMemories", page);

    const updated = await call(at("/memory-store"), { ...as, method: "PATCH", body: { id: stored.body.id, importance_score: 0.9 } });
    conforms("updateMemory", updated);
    conforms("updateMemory", await call(at("/memory-store"), { ...as, method: "PATCH", body: { id: stored.body.id, importance_score: 0.1 } }));
    conforms("memoryHistory", await call(at(`/memory-store?id=${updated.body.id}`), { ...as, method: "GET" }));
    conforms("memoryHistory", await call(at(`/memory-store?id=${crypto.randomUUID()}`), { ...as, method: "GET" }));
    conforms("unmergeMemory", await call(at("/memory-store/unmerge"), { ...as, method: "POST", body: { id: repeated.body.sighting_id } }));
    conforms("unmergeMemory", await call(at("/memory-store/unmerge"), { ...as, method: "POST", body: { id: crypto.randomUUID() } }));
    conforms("forgetMemory", await call(at("/memory-store"), { ...as, method: "DELETE", body: { id: distinct.body.id } }));
    conforms("forgetMemory", await call(at("/memory-store"), { ...as, method: "DELETE", body: { id: distinct.body.id } }));

    const exported = await call(at("/memory-store/export"), { ...as, method: "GET" });
    conforms("exportUserData", exported);
    conforms("importUserData", await call(at("/memory-store/import"), { ...as, body: exported.body }));
    conforms("importUserData", await call(at("/memory-store/import"), { ...as, body: { ...exported.body, version: 2 } }));
    const other = await api.tokenFor(await api.newUser());
    conforms("importUserData", await call(at("/memory-store/import"), { token: other, body: exported.body }));
  });
});
