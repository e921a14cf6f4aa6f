// A well-signed token for a user the project does not have (deleted, or from another project): every call that
// writes for it answers 401 unknown_user naming the rule, never a foreign key's SQL text, and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startApi, type ApiFixture } from "./support/http.ts";

let api: ApiFixture;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.close());

describe("a token for a user the project does not have", () => {
  it("is a 401 unknown_user on every write, as a user and as service_role acting for one", async () => {
    const ghost = crypto.randomUUID();
    const token = await api.tokenFor(ghost);
    const service = await api.serviceToken();
    const writes: [string, string, unknown, string][] = [
      ["POST", "memory-store", { fact: "Collects fountain pens" }, token],
      ["POST", "memory-store/batch", { items: [{ fact: "Collects fountain pens" }] }, token],
      ["POST", "memory-store", { fact: "Collects fountain pens", user_id: ghost }, service],
    ];
    for (const [method, path, body, as] of writes) {
      const answer = await call(`${api.base}/${path}`, { method, token: as, body });
      expect(answer.status, path).toBe(401);
      expect(answer.body.error).toMatchObject({ code: "unknown_user", details: [{ field: "user_id", rule: "unknown_user" }] });
      expect(answer.body.error.message).not.toMatch(/foreign key|violates|auth\.users\(id\)|Key \(/i);
    }
    const [{ count }] = await api.database.sql`select count(*)::int from public.user_memories where user_id = ${ghost}`;
    expect(count).toBe(0);
  });

  it("reads as a user with nothing stored", async () => {
    const token = await api.tokenFor(crypto.randomUUID());
    const listed = await call(`${api.base}/memory-search`, { method: "GET", token });
    expect(listed).toMatchObject({ status: 200, body: { memories: [] } });
  });
});
