// A well-signed token for a user the project does not have (deleted, or from another project): every call answers
// 401 unknown_user naming the rule, never a foreign key's SQL text or an empty answer, and writes nothing.
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

  it("is a 401 unknown_user on every read too, never an empty answer", async () => {
    const token = await api.tokenFor(crypto.randomUUID());
    const id = crypto.randomUUID();
    const reads: [string, string, unknown?][] = [
      ["GET", "memory-search"], ["POST", "memory-search", { query: "fountain pens" }], ["GET", "memory-store/export"],
      ["GET", `memory-store/memory?id=${id}`], ["GET", `memory-store?id=${id}`], ["DELETE", `memory-store?id=${id}`],
      ["PATCH", "memory-store", { id, importance_score: 0.9 }], ["POST", "memory-store/unmerge", { id }],
      ["POST", "memory-store/forget", { agent_id: "a" }], ["POST", "memory-store/erase", { confirm: "erase my memories" }],
    ];
    for (const [method, path, body] of reads) {
      const answer = await call(`${api.base}/${path}`, { method, token, body });
      expect([answer.status, answer.body.error?.code], `${method} ${path}`).toEqual([401, "unknown_user"]);
    }
  });
});
