// A per-user table's file, written as a run of gzip members ("blocks") over its rows sorted by user: the file is
// still one gzip stream to any reader (RFC 1952 allows members one after another), and the manifest lists each
// block's byte range, digest and first and last user, so one user's restore reads only the blocks that hold their
// rows instead of decompressing every user's.
import { createHash } from "node:crypto";
import { Transform } from "node:stream";
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
    transform(chunk: Buffer, _encoding, done) {
      try {
        const lines = cut.whole(chunk);
        for (const line of linesOf(lines)) note(line);
        parts.push(lines);
        held += lines.length;
        if (held < blockBytes) return done();
        close(this).then(() => done(), done);
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
 * A pass-through over a whole file's bytes that hashes each block's range on the way (verify: every block a user's
 * restore could read is the manifest's, not only the file as a whole).
 */
export function blockDigestTap(blocks: Block[]): Transform & { mismatches: () => string[] } {
  const mismatches: string[] = [];
  let index = 0;
  let position = 0;
  let hash = createHash("sha256");
  const finish = () => {
    const block = blocks[index];
    if (hash.digest("hex") !== block.sha256) mismatches.push(`block ${index} (bytes ${block.offset}+${block.bytes})`);
    hash = createHash("sha256");
    index++;
  };
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let at = 0;
      while (at < chunk.length && index < blocks.length) {
        const end = blocks[index].offset + blocks[index].bytes;
        const take = Math.min(chunk.length - at, end - position);
        hash.update(chunk.subarray(at, at + take));
        at += take;
        position += take;
        if (position === end) finish();
      }
      done(null, chunk);
    },
    flush(done) {
      if (index < blocks.length) mismatches.push(`blocks ${index}-${blocks.length - 1} past the file's end (${position} bytes)`);
      done();
    },
  });
  return Object.assign(tap, { mismatches: () => mismatches });
}
