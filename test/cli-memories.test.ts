// memory history and memory unmerge: what was said about a memory, and undoing a merge, from the operator's shell.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

let database: TestDatabase;
let user: string;
let keeper: string;
let sighting: string;

const memory = (args: string[]) => runCli([...args, "--db-url", database.url]);

beforeAll(async () => {
  database = await createTestDatabase();
  [{ id: user }] = await database.sql`insert into auth.users (id) values (gen_random_uuid()) returning id`;
  [{ id: keeper }] = await database.sql`select id from public.store_memory('Keeps bees on the roof of the house in the city', user_id => ${user})`;
  [{ sighting_id: sighting }] = await database.sql`select sighting_id from public.store_memory('Honestly keeps bees on the roof of the house in the city', user_id => ${user})`;
});
afterAll(async () => database?.drop());

describe("memory history and unmerge", () => {
  it("history lists the version and the merged statement", async () => {
    const r = await memory(["history", keeper, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).map((h: { kind: string; fact: string }) => [h.kind, h.fact])).toEqual([
      ["version", "Keeps bees on the roof of the house in the city"],
      ["sighting", "Honestly keeps bees on the roof of the house in the city"],
    ]);
  });

  it("unmerge finds the user itself and makes the statement a memory, once", async () => {
    const r = await memory(["unmerge", sighting, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const outcome = JSON.parse(r.stdout);
    expect(outcome).toMatchObject({ status: "unmerged", sighting_id: sighting, merged_into: keeper });
    expect(JSON.parse((await memory(["unmerge", sighting, "--json"])).stdout).id).toBe(outcome.id);
    const [{ n }] = await database.sql`select count(*)::int as n from public.user_memories where user_id = ${user} and is_active`;
    expect(n).toBe(2);
  });

  it("says what is wrong: exit 2 for usage, 1 for an unknown id", async () => {
    expect((await memory(["unmerge", "nope"])).code).toBe(2);
    expect((await memory(["history"])).code).toBe(2);
    const unknown = await memory(["unmerge", "00000000-0000-0000-0000-000000000001"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no sighting or duplicate memory/);
    expect((await memory(["history", "00000000-0000-0000-0000-000000000001"])).code).toBe(1);
  });
});
