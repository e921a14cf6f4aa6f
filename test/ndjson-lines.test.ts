// linesContaining, the filter a user's restore reads a table file through: whatever way the stream is cut into
// chunks, it passes exactly the whole lines that hold a needle, in order.
import { Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { linesContaining } from "../shared/backup/ndjson-copy.ts";
import { cutInto } from "./support/chunks.ts";

async function filtered(chunks: Buffer[], needles: string[]): Promise<string> {
  const out: Buffer[] = [];
  for await (const chunk of Readable.from(chunks).pipe(linesContaining(needles))) out.push(chunk as Buffer);
  return Buffer.concat(out).toString("utf8");
}

describe("linesContaining", () => {
  it("passes exactly the lines holding a needle, however the stream is cut", async () => {
    const needles = ['"user_id":"a"', '"user_id":"b"'];
    const line = fc.record({
      user: fc.constantFrom("a", "b", "c", "ab"),
      text: fc.string({ unit: fc.constantFrom("x", "é", "\"", "\\", "u", ":", "💬") , maxLength: 12 }),
    }).map(({ user, text }) => `{"id":1,"user_id":"${user}","fact":${JSON.stringify(text)}}\n`);
    await fc.assert(fc.asyncProperty(fc.array(line, { maxLength: 30 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
      async (lines, cuts) => {
        const chunks = cutInto(Buffer.from(lines.join("")), cuts);
        const expected = lines.filter((l) => needles.some((n) => l.includes(n))).join("");
        expect(await filtered(chunks, needles)).toBe(expected);
      }), { numRuns: 300 });
  });

  it("keeps a last line without its newline", async () => {
    expect(await filtered([Buffer.from('{"user_id":"a"}\n{"user_id":"c"}\n{"user_id":"a","x":1}')], ['"user_id":"a"']))
      .toBe('{"user_id":"a"}\n{"user_id":"a","x":1}');
  });
});
