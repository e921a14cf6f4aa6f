// A per-user table's file, written as a run of gzip members ("blocks") over its rows sorted by user: the file is
// still one gzip stream to any reader (RFC 1952 allows members one after another), and the manifest lists each
// block's byte range, digest and first and last user, so one user's restore reads only the blocks that hold their
// rows instead of decompressing every user's.
import { createHash } from "node:crypto";
import { Transform, Writable } from "node:stream";
import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import type { Block } from "./format.ts";
import { lineCutter, linesOf, userOfLine } from "./ndjson-copy.ts";

const gzipped = promisify(gzip);
const gunzipped = promisify(gunzip);

export type { Block };

/**
 * Uncompressed bytes per block. One user's restore reads at most one block more than their rows at each end; a
 * smaller block lengthens the manifest (about 2,000 entries for 1M memories at 1 MiB) and compresses no better.
 */
export const BLOCK_BYTES = 1024 * 1024;

/**
 * Compresses NDJSON lines sorted by user into blocks of about `blockBytes` uncompressed, cut at line ends, and records
 * each block. A block is compressed in zlib's thread pool while the next one fills (at most one waits).
 */
export function userBlocks(level: number, blockBytes = BLOCK_BYTES): Transform & { blocks: () => Block[] } {
  const blocks: Block[] = [];
  let parts: Buffer[] = [];
  let held = 0;
  const cut = lineCutter();
  let first: string | null = null;
  let last: string | null = null;
  let offset = 0;
  let compressing: Promise<void> = Promise.resolve();

  const note = (line: Buffer) => {
    const user = userOfLine(line);
    if (user === null) throw new Error(`a line without a user_id: ${line.toString("utf8", 0, 80)}`);
    if (last !== null && user < last) throw new Error(`lines out of user order: ${user} after ${last}`);
    first ??= user;
    last = user;
  };

  function close(stream: Transform): Promise<void> {
    if (!held) return compressing;
    const data = Buffer.concat(parts, held);
    const range = { first: first!, last: last! };
    parts = [];
    held = 0;
    first = null;
    const compressed = gzipped(data, { level });
    const previous = compressing;
    compressing = (async () => {
      const [bytes] = await Promise.all([compressed, previous]);
      blocks.push({ ...range, offset, bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") });
      offset += bytes.length;
      stream.push(bytes);
    })();
    // Observed by the next close or by flush; marked handled now so a failure in between does not end the process.
    compressing.catch(() => {});
    return previous;
  }

  const stream = new Transform({
    // A block is closed at the first line end past blockBytes, wherever it falls in the chunk.
    async transform(chunk: Buffer, _encoding, done) {
      try {
        const lines = cut.whole(chunk);
        let from = 0;
        for (let start = 0, end = lines.indexOf(10); end !== -1; start = end + 1, end = lines.indexOf(10, start)) {
          note(lines.subarray(start, end));
          held += end + 1 - start;
          if (held < blockBytes) continue;
          parts.push(lines.subarray(from, end + 1));
          from = end + 1;
          await close(this);
        }
        parts.push(lines.subarray(from));
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done) {
      try {
        const rest = cut.rest();
        for (const line of linesOf(rest)) note(line);
        parts.push(rest);
        held += rest.length;
        // A table without rows is still a gzip stream, of one empty member, and has no blocks.
        const empty = last === null ? gzipped(Buffer.alloc(0), { level }) : null;
        close(this);
        compressing.then(() => empty).then((bytes) => done(null, bytes ?? undefined), done);
      } catch (error) {
        done(error as Error);
      }
    },
  });
  return Object.assign(stream, { blocks: () => blocks });
}

/** The blocks that may hold rows of any of `users` (lower-case uuids). */
export function blocksOf(blocks: Block[], users: string[]): Block[] {
  return blocks.filter((b) => users.some((u) => b.first <= u && u <= b.last));
}

/** A block's decompressed lines, after its bytes are checked against the manifest; throws BlockDamaged otherwise. */
export async function readBlock(bytes: Buffer, block: Block): Promise<Buffer> {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  if (bytes.length !== block.bytes || sha256 !== block.sha256) {
    throw new BlockDamaged(`the block at byte ${block.offset} is not the manifest's (${bytes.length} bytes, ${block.bytes} expected; digest ${sha256.slice(0, 12)}…)`);
  }
  try {
    return await gunzipped(bytes);
  } catch (error) {
    throw new BlockDamaged(`the block at byte ${block.offset} does not decompress (${(error as Error).message})`);
  }
}

export class BlockDamaged extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BlockDamaged";
  }
}

/**
 * A sink for a whole file's bytes that reads each block as a user's restore reads it (readBlock: its digest, then
 * its own gzip member) and checks that every line's user lies within the block's first and last, so verify vouches
 * for every block a restore could read, not only for the file as a whole. Counts the lines, in all and per user.
 */
export function blockChecker(blocks: Block[], onLines?: (lines: number) => void): Writable & { lines: () => number; counts: () => Map<string, number>; problems: () => string[] } {
  const problems: string[] = [];
  const counts = new Map<string, number>();
  let lines = 0;
  let index = 0;
  let parts: Buffer[] = [];
  let held = 0;
  const check = async (bytes: Buffer, block: Block, i: number) => {
    let data: Buffer;
    try {
      data = await readBlock(bytes, block);
    } catch (error) {
      if (!(error instanceof BlockDamaged)) throw error;
      problems.push(`block ${i}: ${error.message}`);
      return;
    }
    for (const line of linesOf(data)) {
      const user = userOfLine(line);
      lines++;
      if (user === null || user < block.first || user > block.last) {
        problems.push(`block ${i} holds a row of ${user ?? "no user"}, outside ${block.first}..${block.last}`);
        continue;
      }
      counts.set(user, (counts.get(user) ?? 0) + 1);
    }
  };
  const checker = new Writable({
    async write(chunk: Buffer, _encoding, done) {
      try {
        let at = 0;
        while (at < chunk.length && index < blocks.length) {
          const block = blocks[index];
          const take = Math.min(chunk.length - at, block.bytes - held);
          parts.push(chunk.subarray(at, at + take));
          held += take;
          at += take;
          if (held === block.bytes) {
            await check(Buffer.concat(parts, held), block, index);
            onLines?.(lines);
            parts = [];
            held = 0;
            index++;
          }
        }
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    final(done) {
      // Said as zlib says it of a whole file, so verify reports the file as truncated.
      done(index < blocks.length ? new Error(`unexpected end of file: blocks ${index}-${blocks.length - 1} lie past it`) : undefined);
    },
  });
  return Object.assign(checker, { lines: () => lines, counts: () => counts, problems: () => problems });
}
