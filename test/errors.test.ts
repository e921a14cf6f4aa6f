// The rule for answers, on real errors: what a client's values make PostgreSQL raise (data exceptions, class 22;
// program limits, class 54) is a 400 naming the rule; anything unexpected is a 500 that carries the request id it
// was logged under, readable by browser code (CORS exposes it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromDatabaseError, USER_KEYS } from "../shared/http/errors.ts";
import { errorResponse } from "../shared/http/respond.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

let database: TestDatabase;
beforeAll(async () => { database = await createTestDatabase({ max: 1 }); });
afterAll(async () => database?.drop());

/** The error PostgreSQL raises for a statement, as postgres.js hands it over. */
const raised = (statement: string) => database.sql.unsafe(statement).then(() => { throw new Error(`${statement} did not fail`); }, (e) => e);

describe("error answers", () => {
  it.each([
    ["select '0000-01-01'::timestamptz", "22008"],
    ["select 2147483648::int4", "22003"],
    ["select 'x'::uuid", "22P02"],
    ["select convert_from('\\xff'::bytea, 'UTF8')", "22021"],
    ["select '[1,2]'::extensions.vector(3)", "22000"],
    ["select repeat('x', 1073741824)", "54000"],
  ])("%s (SQLSTATE %s) is a 400", async (statement, code) => {
    const error = await raised(statement);
    expect(error.code).toBe(code);
    const response = errorResponse(error, () => { throw new Error("a 400 is not logged as unexpected"); });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toMatch(/^(invalid_value|invalid_parameter|value_too_large)$/);
  });

  it("says 401 unknown_user for a write to a user the project does not have, through every foreign key to auth.users", async () => {
    const keys = await database.sql`select c.conname::text as name from pg_constraint c
      where c.confrelid = 'auth.users'::regclass and c.connamespace = 'public'::regnamespace order by 1`;
    expect(keys.map((k) => k.name)).toEqual([...USER_KEYS].sort());
    const error = await raised("insert into public.conversations (user_id) values (gen_random_uuid())");
    expect(error.code).toBe("23503");
    expect(fromDatabaseError(error)).toMatchObject({ status: 401, code: "unknown_user", details: [{ field: "user_id", rule: "unknown_user" }] });
  });

  it("answers the unexpected with 500 and the request id it logged", async () => {
    const logged: string[] = [];
    const response = errorResponse(new TypeError("boom"), (message) => logged.push(message));
    const body = await response.json();
    expect(response.status).toBe(500);
    expect(body.error.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("x-request-id")).toBe(body.error.request_id);
    expect(response.headers.get("access-control-expose-headers")).toMatch(/x-request-id/);
    expect(logged).toEqual([expect.stringContaining(body.error.request_id)]);
    expect(body.error.message).not.toMatch(/boom/); // the cause stays in the log
  });
});
