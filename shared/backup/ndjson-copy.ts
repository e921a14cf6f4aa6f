// NDJSON through COPY: PostgreSQL writes and reads the backup's lines itself, so no row passes through
// JavaScript. row_to_json never emits a raw control character (it escapes them as \uXXXX), so in CSV format with
// \x01 as quote and \x02 as delimiter no line is ever quoted or escaped: each COPY line is the JSON text exactly.
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { Transform } from "node:stream";
import type postgres from "postgres";

export const COPY_AS_LINES = `with (format csv, quote e'\\x01', delimiter e'\\x02')`;

/** COPY ... TO STDOUT of one JSON object per row: `columns` of `table`, in `order`, the rows `where` holds for. */
export function copyOutJson(table: string, columns: string[], order: string, where: string | null = null): string {
  const list = columns.map((c) => `"${c}"`).join(", ");
  return `copy (select row_to_json(t)::text from (select ${list} from public.${table} ${where ? `where ${where}` : ""} order by ${order}) t) ` +
    `to stdout ${COPY_AS_LINES}`;
}

/**
 * The output of a COPY ... TO STDOUT as a stream. postgres.js pauses its socket when the stream's buffer is full and
 * resumes it only from the stream's read(); a stream that ends while the socket is paused never reads the
 * CommandComplete that follows, and the connection hangs (porsager/postgres#499). Reading once more at the end
 * resumes it.
 */
export async function copyOut(tx: postgres.TransactionSql, statement: string): Promise<Readable> {
  const stream = await tx.unsafe(statement).readable();
  stream.once("end", () => stream._read(0));
  return stream;
}

/**
 * A pass-through that counts the lines (rows) streaming by, reports them every `every` lines or so, and passes
 * them on in chunks of at least 256 KiB: COPY hands over one message per row, and compressing or sending a few
 * KiB at a time cost twice the time of the work itself.
 */
export function lineCounter(onProgress?: (lines: number) => void, every = 10_000): Transform & { lines: () => number } {
  const CHUNK = 256 * 1024;
  let lines = 0;
  let reported = 0;
  let parts: Buffer[] = [];
  let held = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
      if (lines - reported >= every) {
        reported = lines;
        onProgress?.(lines);
      }
      parts.push(chunk);
      held += chunk.length;
      if (held < CHUNK) return done();
      const out = Buffer.concat(parts, held);
      parts = [];
      held = 0;
      done(null, out);
    },
    flush(done) {
      done(null, held ? Buffer.concat(parts, held) : undefined);
    },
  });
  return Object.assign(counter, { lines: () => lines });
}

/** A pass-through that hashes (SHA-256) and counts the bytes streaming by: what a manifest records of a file. */
export function checksumTap(): Transform & { sha256: () => string; bytes: () => number } {
  const hash = createHash("sha256");
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  return Object.assign(tap, { sha256: () => hash.digest("hex"), bytes: () => bytes });
}

/**
 * Passes on only the lines that contain one of `needles` (whole lines, in order), finding them with Buffer.indexOf
 * rather than looking at every line: a user's restore reads a file of every user's rows, and sends PostgreSQL just
 * that user's (before, every line of the file was COPied in and filtered there).
 */
export function linesContaining(needles: string[]): Transform {
  const wanted = needles.map((n) => Buffer.from(n));
  const cut = lineCutter();
  const pick = (data: Buffer): Buffer | undefined => {
    const lines = new Map<number, number>();
    for (const needle of wanted) {
      for (let at = data.indexOf(needle); at !== -1;) {
        const start = data.lastIndexOf(10, at) + 1;
        const end = data.indexOf(10, at);
        const stop = end === -1 ? data.length : end + 1;
        lines.set(start, stop);
        at = data.indexOf(needle, stop);
      }
    }
    if (!lines.size) return undefined;
    return Buffer.concat([...lines].sort(([a], [b]) => a - b).map(([start, stop]) => data.subarray(start, stop)));
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, pick(cut.whole(chunk)));
    },
    flush(done) {
      done(null, pick(cut.rest()));
    },
  });
}

const USER_KEY = Buffer.from('"user_id":"');
const UUID_LENGTH = 36;

/**
 * The user of a JSON line by its first "user_id" key. A string value holds its quotes escaped, so the key with its
 * quotes occurs only as a key; row_to_json writes no spaces around it, and a backup writes user_id first, so a
 * jsonb column's nested key of the same name comes later.
 */
export function userOfLine(line: Buffer): string | null {
  const at = line.indexOf(USER_KEY);
  return at < 0 ? null : line.toString("latin1", at + USER_KEY.length, at + USER_KEY.length + UUID_LENGTH);
}

/**
 * Cuts a stream's chunks at line ends: whole(chunk) is every line completed so far (up to and including the last
 * newline; empty if none), rest() the unfinished last line, for flush. The unfinished line is copied, so the chunk
 * it came in is not kept alive.
 */
export function lineCutter(): { whole: (chunk: Buffer) => Buffer; rest: () => Buffer } {
  let rest = Buffer.alloc(0);
  return {
    whole(chunk) {
      const data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      const end = data.lastIndexOf(10) + 1;
      rest = Buffer.from(data.subarray(end));
      return data.subarray(0, end);
    },
    rest: () => rest,
  };
}

/** Each line of `data` without its newline, the last one also when no newline ends it. */
export function* linesOf(data: Buffer): Generator<Buffer> {
  let start = 0;
  for (let end = data.indexOf(10); end !== -1; end = data.indexOf(10, start)) {
    yield data.subarray(start, end);
    start = end + 1;
  }
  if (start < data.length) yield data.subarray(start);
}

/** A pass-through that counts the lines of each user (userOfLine). */
export function userCounter(): Transform & { counts: () => Map<string, number> } {
  const counts = new Map<string, number>();
  const cut = lineCutter();
  const countLines = (data: Buffer) => {
    for (const line of linesOf(data)) {
      const user = userOfLine(line);
      if (user !== null) counts.set(user, (counts.get(user) ?? 0) + 1);
    }
  };
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      countLines(cut.whole(chunk));
      done(null, chunk);
    },
    flush(done) {
      countLines(cut.rest());
      done();
    },
  });
  return Object.assign(counter, { counts: () => counts });
}
