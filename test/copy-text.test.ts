// copyTextRows, how a restore turns a backup's NDJSON lines into COPY text: for any row PostgreSQL writes with
// row_to_json (any text, any jsonb, numbers of any size, nulls), COPY of the converted line puts back the same row,
// exactly as the JSON path (jsonb_populate_record) does; and only the chosen users' rows pass.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyTextRows, LineNotRow, members } from "../shared/backup/copy-text.ts";
import { cutInto } from "./support/chunks.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

let database: TestDatabase;
const COLUMNS = ["user_id", "t", "j", "f", "b", "n", "flag", "at", "v"];

beforeAll(async () => {
  database = await createTestDatabase({ template: null });
  await database.sql.unsafe(`create extension if not exists vector;
    create table source (user_id uuid, t text, j jsonb, f float8, b bigint, n numeric, flag boolean, at timestamptz, v vector(3));
    create table target (like source)`);
});
afterAll(async () => database?.drop());

async function converted(lines: string, users: string[] | null = null, cuts = [Infinity]): Promise<{ out: string; rows: number }> {
  const rows = copyTextRows(COLUMNS, users, new Set(["j"]));
  const chunks: Buffer[] = [];
  await pipeline(Readable.from(cutInto(Buffer.from(lines), cuts)), rows, async function* (source) {
    for await (const chunk of source) chunks.push(chunk as Buffer);
  });
  return { out: Buffer.concat(chunks).toString(), rows: rows.rows() };
}

// Text PostgreSQL can hold: no NUL, no lone surrogate.
const text = fc.string({ unit: fc.oneof(fc.constantFrom("\t", "\n", "\r", "\\", "\"", "'", "\u2028", "é", "💬", "\\N", ","),
  fc.string({ minLength: 1, maxLength: 1 })), maxLength: 20 }).filter((s) => !s.includes("\u0000"));
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, text, fc.constant(null), fc.boolean(), fc.integer(),
    fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((n) => ({ raw: n.toString() })),
    fc.double({ noNaN: true, noDefaultInfinity: true }), fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(text, tie("value"), { maxKeys: 3 })),
})).value;
/** JSON text with big integers written out in full (JSON.stringify cannot). */
const jsonText = (v: unknown): string => v !== null && typeof v === "object" && "raw" in (v as object) && Object.keys(v as object).length === 1
  ? (v as { raw: string }).raw
  : Array.isArray(v) ? `[${v.map(jsonText).join(",")}]`
  : v !== null && typeof v === "object" ? `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`).join(",")}}`
  : JSON.stringify(v);

describe("copyTextRows", () => {
  it("puts back through COPY exactly the rows row_to_json wrote, however the stream is cut", async () => {
    const sql = database.sql;
    await fc.assert(fc.asyncProperty(fc.array(fc.record({
      t: fc.option(text), j: fc.option(jsonValue), f: fc.option(fc.oneof(fc.double(), fc.constantFrom(1e-300, -0, 1.7976931348623157e308))),
      b: fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })), n: fc.option(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n })),
      flag: fc.option(fc.boolean()),
    }), { minLength: 1, maxLength: 5 }), fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 4 }), async (records, cuts) => {
      await sql`truncate source, target`;
      for (const r of records) {
        await sql.unsafe(`insert into source values (gen_random_uuid(), $1, $2::text::jsonb, $3::text::float8, $4::text::bigint, $5::text::numeric, $6, now(), '[1.5,-2,3e-7]')`,
          [r.t, r.j === null ? null : jsonText(r.j), r.f === null ? null : String(r.f), r.b?.toString() ?? null, r.n === null ? null : `${r.n}.25`, r.flag]);
      }
      const lines = (await sql`select row_to_json(s)::text as line from source s`).map((x) => x.line).join("\n") + "\n";
      // Cut anywhere, a character's bytes included: lines are decoded whole.
      const { out, rows } = await converted(lines, null, cuts);
      expect(rows).toBe(records.length);
      const sink = await sql.unsafe(`copy target (${COLUMNS.join(", ")}) from stdin`).writable();
      await pipeline(Readable.from([Buffer.from(out)]), sink);
      const [{ source, target }] = await sql`select (select array_agg(row_to_json(s)::text order by s.user_id) from source s) as source,
        (select array_agg(row_to_json(r)::text order by r.user_id) from target r) as target`;
      expect(target).toEqual(source);
    }), { numRuns: 60 });
  });

  it("passes only the chosen users' rows, by the row's own user_id and not a nested key", async () => {
    const [a, b] = ["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"];
    const lines = `{"user_id":"${a}","t":"mine"}\n{"user_id":"${b}","t":"not mine","j":{"user_id":"${a}"}}\n{"user_id":"${a}","t":"also mine"}`;
    const { out, rows } = await converted(lines, [a]);
    expect(rows).toBe(2);
    expect(out.split("\n").filter(Boolean).map((l) => l.split("\t")[1])).toEqual(["mine", "also mine"]);
  });

  it("reads members by their JSON text, and refuses a line that is not an object", () => {
    expect([...members('{"a":1.50,"b":"x\\"y","c":{"d":[1,{"e":"}"}]},"f":null, "g" : true}')]).toEqual([
      ["a", "1.50"], ["b", '"x\\"y"'], ["c", '{"d":[1,{"e":"}"}]}'], ["f", "null"], ["g", "true"]]);
    for (const bad of ["[1]", '{"a":', '{"a":"x}', '{"a" 1}', '{"a":1 "b":2}']) expect(() => members(bad), bad).toThrow(LineNotRow);
  });
});
