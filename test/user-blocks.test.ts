// userBlocks, the compression of a per-user table's file: whatever the rows, the block size and the way the
// stream is cut, the file is one gzip stream of exactly the input, its blocks tile it in user order, and the blocks
// a user's restore reads (blocksOf, readBlock) hold every line of that user. blockChecker reads a file
// block by block as verify does: a changed block, and a block holding a user outside its range, are found.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cutInto } from "./support/chunks.ts";
import { type Block, BlockDamaged, blockChecker, blocksOf, readBlock, userBlocks } from "../shared/backup/user-blocks.ts";

const USERS = ["00000000-0000-4000-8000-000000000001", "0a000000-0000-4000-8000-000000000000",
  "7fffffff-ffff-4fff-bfff-ffffffffffff", "f0000000-0000-4000-8000-00000000000f"];

async function written(lines: string[], blockBytes: number, cuts: number[]): Promise<{ file: Buffer; blocks: Block[] }> {
  const chunks = cutInto(Buffer.from(lines.join("")), cuts);
  const compress = userBlocks(1, blockBytes);
  const out: Buffer[] = [];
  for await (const chunk of Readable.from(chunks).pipe(compress)) out.push(chunk as Buffer);
  return { file: Buffer.concat(out), blocks: compress.blocks() };
}

async function checkedBy(blocks: Block[], file: Buffer) {
  const checker = blockChecker(blocks);
  await pipeline(Readable.from(cutInto(file, [777])), checker);
  return { problems: checker.problems(), lines: checker.lines(), counts: checker.counts() };
}

const row = fc.record({
  user: fc.constantFrom(...USERS),
  // A value may hold the key's text: escaped, it never matches the key.
  fact: fc.string({ unit: fc.constantFrom("x", "é", "\"", "\\", "user_id", ":", "💬"), maxLength: 30 }),
});
const sortedLines = fc.array(row, { maxLength: 60 }).map((rows) => rows
  .sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0))
  .map((r, i) => `{"user_id":"${r.user}","id":${i},"fact":${JSON.stringify(r.fact)},"metadata":{"user_id":"${USERS[0]}"}}\n`));

describe("userBlocks", () => {
  it("writes one gzip stream of exactly its input, in blocks that tile it and hold each user's lines", async () => {
    await fc.assert(fc.asyncProperty(sortedLines, fc.integer({ min: 1, max: 600 }),
      fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 8 }), async (lines, blockBytes, cuts) => {
        const { file, blocks } = await written(lines, blockBytes, cuts);
        expect(gunzipSync(file).toString()).toBe(lines.join(""));
        expect(blocks.reduce((at, b) => (expect(b.offset).toBe(at), at + b.bytes), 0)).toBe(lines.length ? file.length : 0);
        for (const [i, b] of blocks.entries()) {
          expect(b.first <= b.last && (i === 0 || blocks[i - 1].last <= b.first)).toBe(true);
          expect(createHash("sha256").update(file.subarray(b.offset, b.offset + b.bytes)).digest("hex")).toBe(b.sha256);
        }
        const checked = await checkedBy(blocks, file);
        expect([checked.problems, checked.lines]).toEqual([[], lines.length]);
        for (const user of USERS) {
          expect(checked.counts.get(user) ?? 0).toBe(lines.filter((l) => l.startsWith(`{"user_id":"${user}"`)).length);
          const mine = lines.filter((l) => l.startsWith(`{"user_id":"${user}"`)).join("");
          const read = await Promise.all(blocksOf(blocks, [user]).map((b) => readBlock(file.subarray(b.offset, b.offset + b.bytes), b)));
          const found = Buffer.concat(read).toString().split(/(?<=\n)/).filter((l) => l.startsWith(`{"user_id":"${user}"`)).join("");
          expect(found).toBe(mine);
        }
      }), { numRuns: 200 });
  });

  it("cuts a large file into blocks of about the size asked", async () => {
    const lines = Array.from({ length: 4000 }, (_, i) => `{"user_id":"${USERS[Math.floor(i / 1000)]}","n":${i},"pad":"${"z".repeat(200)}"}\n`);
    const { blocks } = await written(lines, 64 * 1024, [70_000]);
    // 4,000 lines of about 260 bytes in blocks of 64 KiB and a line.
    expect(blocks.length).toBeGreaterThanOrEqual(15);
    expect(blocks.length).toBeLessThanOrEqual(17);
    // A user's rows sit in about a quarter of the blocks, not in all of them.
    expect(blocksOf(blocks, [USERS[1]]).length).toBeLessThanOrEqual(6);
  });

  it("refuses lines out of user order, and a line without a user", async () => {
    await expect(written([`{"user_id":"${USERS[1]}"}\n`, `{"user_id":"${USERS[0]}"}\n`], 1000, [1000])).rejects.toThrow(/out of user order/);
    await expect(written([`{"id":1}\n`], 1000, [1000])).rejects.toThrow(/without a user_id/);
  });

  it("writes an empty gzip stream, without blocks, for no rows", async () => {
    const { file, blocks } = await written([], 1000, [1]);
    expect(gunzipSync(file).length).toBe(0);
    expect(blocks).toEqual([]);
  });

  it("a block unlike the manifest's is refused before it is decompressed, and found by the digest tap", async () => {
    const lines = Array.from({ length: 300 }, (_, i) => `{"user_id":"${USERS[i % 4 < 2 ? 0 : 3]}","n":${i}}\n`).sort();
    const { file, blocks } = await written(lines, 2000, [500]);
    expect(blocks.length).toBeGreaterThan(2);
    const target = blocks[1];
    const damaged = Buffer.from(file);
    damaged[target.offset + 5] ^= 0x10;
    await expect(readBlock(damaged.subarray(target.offset, target.offset + target.bytes), target)).rejects.toThrow(BlockDamaged);
    const checked = await checkedBy(blocks, damaged);
    expect(checked.problems).toEqual([expect.stringMatching(new RegExp(`^block 1: the block at byte ${target.offset} is not the manifest's`))]);
    // The intact file: every line counted, per user, no problem.
    const intact = await checkedBy(blocks, file);
    expect([intact.problems, intact.lines, Object.fromEntries(intact.counts)]).toEqual([[], 300, { [USERS[0]]: 150, [USERS[3]]: 150 }]);
  });

  it("blockChecker finds a block holding a user outside its first and last", async () => {
    const lines = Array.from({ length: 300 }, (_, i) => `{"user_id":"${USERS[i % 3]}","n":${i}}\n`).sort();
    const { file, blocks } = await written(lines, 2000, [500]);
    const spanning = blocks.findIndex((b) => b.first < b.last);
    expect(spanning).toBeGreaterThanOrEqual(0);
    const narrowed = blocks.map((b, i) => (i === spanning ? { ...b, last: b.first } : b));
    const checked = await checkedBy(narrowed, file);
    expect(checked.problems[0]).toMatch(new RegExp(`^block ${spanning} holds a row of \\S+, outside`));
  });
});
