// A memory keeps its id over HTTP: an update, a refinement and a superseding statement answer the id the app
// stored; GET memory-store/memory?id= shows the memory as it is now by that id; forgetting by it works after any
// number of versions; another user's id is a 404 like an unknown one.
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
  return api.tokenFor(await api.newUser());
}

describe("a memory's id", () => {
  it("survives updates, refinements and supersedes, and names the memory for get, history and forget", async () => {
    const token = await newToken();
    const stored = await call(store, { token, body: { fact: "The user volunteers at the animal shelter on Saturdays" } });
    expect(stored.status).toBe(201);
    const id = stored.body.id as string;

    const updated = await call(store, { method: "PATCH", token, body: { id, fact: "The user volunteers at the animal shelter on Sundays" } });
    expect(updated.body).toMatchObject({ id, status: "updated", version: 2 });
    const refined = await call(store, { token, body: { fact: "The user volunteers at the animal shelter on Sundays with a friend" } });
    expect(refined.body).toMatchObject({ id, status: "refined", version: 3 });
    const superseded = await call(store, { token, body: { fact: "The user volunteers at the animal shelter on Fridays with a friend", on_conflict: "supersede" } });
    expect(superseded.body).toMatchObject({ id, status: "superseded", version: 4 });

    const got = await call(`${store}/memory?id=${id}`, { method: "GET", token });
    expect(got.status).toBe(200);
    expect(got.body.memory).toMatchObject({ id, version: 4, fact: "The user volunteers at the animal shelter on Fridays with a friend" });

    const history = await call(`${store}?id=${id}`, { method: "GET", token });
    expect(history.body.history.filter((h: { kind: string }) => h.kind === "version").map((h: { version: number }) => h.version))
      .toEqual([1, 2, 3, 4]);

    const forgotten = await call(store, { method: "DELETE", token, body: { id } });
    expect(forgotten.body).toMatchObject({ id, status: "forgotten", version: 4 });
    const gone = await call(`${store}/memory?id=${id}`, { method: "GET", token });
    expect(gone.status).toBe(404);
    expect(gone.body.error.details).toEqual([{ field: "id", rule: "not_found" }]);
  });

  it("is a 404 for another user, as an unknown id, and a 400 when it is not a uuid", async () => {
    const [ana, ben] = [await newToken(), await newToken()];
    const { body } = await call(store, { token: ana, body: { fact: "The user collects vinyl records of 1970s jazz" } });
    const other = await call(`${store}/memory?id=${body.id}`, { method: "GET", token: ben });
    const unknown = await call(`${store}/memory?id=${crypto.randomUUID()}`, { method: "GET", token: ben });
    expect([other.status, unknown.status]).toEqual([404, 404]);
    expect(other.body.error.code).toBe(unknown.body.error.code);
    const bad = await call(`${store}/memory?id=not-a-uuid`, { method: "GET", token: ana });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe("id");
  });
});
