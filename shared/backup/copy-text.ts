// A backup's NDJSON lines as rows of COPY's text format, so a restore loads them straight into their table: before,
// each line went by COPY into a table of lines and then through jsonb_populate_record, which wrote every row twice
// and parsed it as JSON in the database (200,000 memories: 5.9 s + 28.0 s, against 17.9 s by COPY alone).
// Values are taken as their JSON text, never as JavaScript values: a number keeps every digit (jsonb and bigint
// values beyond 2^53 included), a string is decoded as JSON decodes it, and an object or array goes as JSON text
// to its json or jsonb column. Columns of other kinds (arrays, composites) are for the JSON path (restore.ts).
import { Transform } from "node:stream";
import { lineCutter, linesOf } from "./ndjson-copy.ts";

export class LineNotRow extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LineNotRow";
  }
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** Where the JSON value starting at `at` ends (exclusive). */
function valueEnd(line: string, at: number): number {
  const c = line.charCodeAt(at);
  if (c === 0x22) return stringEnd(line, at);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (let i = at; i < line.length; i++) {
      const d = line.charCodeAt(i);
      if (d === 0x22) i = stringEnd(line, i) - 1;
      else if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        if (--depth === 0) return i + 1;
      }
    }
    throw new LineNotRow("an object or array is not closed");
  }
  let i = at;
  while (i < line.length && !isSpace(line.charCodeAt(i)) && line[i] !== "," && line[i] !== "}") i++;
  if (i === at) throw new LineNotRow(`no value at character ${at}`);
  return i;
}

/** Where the JSON string starting at `at` (its opening quote) ends, after its closing quote. */
function stringEnd(line: string, at: number): number {
  for (let i = line.indexOf('"', at + 1); i !== -1; i = line.indexOf('"', i + 1)) {
    let slashes = 0;
    while (line.charCodeAt(i - 1 - slashes) === 0x5c) slashes++;
    if (slashes % 2 === 0) return i + 1;
  }
  throw new LineNotRow("a string is not closed");
}

/** The top-level members of a JSON object line: each key with its value's JSON text. */
export function members(line: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  const skip = () => { while (i < line.length && isSpace(line.charCodeAt(i))) i++; };
  skip();
  if (line[i] !== "{") throw new LineNotRow("not a JSON object");
  i++;
  skip();
  if (line[i] === "}") return out;
  for (;;) {
    skip();
    if (line[i] !== '"') throw new LineNotRow(`a key expected at character ${i}`);
    const keyEnd = stringEnd(line, i);
    const key = JSON.parse(line.slice(i, keyEnd)) as string;
    i = keyEnd;
    skip();
    if (line[i] !== ":") throw new LineNotRow(`":" expected at character ${i}`);
    i++;
    skip();
    const end = valueEnd(line, i);
    out.set(key, line.slice(i, end));
    i = end;
    skip();
    if (line[i] === ",") { i++; continue; }
    if (line[i] === "}") return out;
    throw new LineNotRow(`"," or "}" expected at character ${i}`);
  }
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const escapeCopy = (text: string) => COPY_SPECIAL.test(text)
  ? text.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r")
  : text;

/**
 * One value's JSON text as COPY's text format writes it: \N for null; for a json or jsonb column the JSON text itself
 * (a JSON string there is a string value, not its text); otherwise strings decoded and the rest as written.
 */
export function copyField(json: string | undefined, isJson = false): string {
  if (json === undefined || json === "null") return "\\N";
  if (!isJson && json.charCodeAt(0) === 0x22) return escapeCopy(json.includes("\\") ? JSON.parse(json) as string : json.slice(1, -1));
  return escapeCopy(json);
}

/**
 * NDJSON lines in, COPY text rows of `columns` (those in `jsonColumns` of type json or jsonb) out; with `users`, only the rows whose user_id is one of them (the
 * member itself, not a nested key of the same name).
 */
export function copyTextRows(columns: string[], users: string[] | null = null, jsonColumns: ReadonlySet<string> = new Set()):
  Transform & { rows: () => number } {
  const isJson = columns.map((c) => jsonColumns.has(c));
  const wanted = users ? new Set(users.map((u) => JSON.stringify(u))) : null;
  let rows = 0;
  const cut = lineCutter();
  const convert = (data: Buffer): string => {
    let out = "";
    for (const bytes of linesOf(data)) {
      const line = bytes.toString("utf8");
      if (!line.trim()) continue;
      const values = members(line);
      if (wanted && !wanted.has(values.get("user_id") ?? "")) continue;
      out += columns.map((c, i) => copyField(values.get(c), isJson[i])).join("\t") + "\n";
      rows++;
    }
    return out;
  };
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        const out = convert(cut.whole(chunk));
        done(null, out ? Buffer.from(out) : undefined);
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done) {
      try {
        const out = convert(cut.rest());
        done(null, out ? Buffer.from(out) : undefined);
      } catch (error) {
        done(error as Error);
      }
    },
  });
  return Object.assign(stream, { rows: () => rows });
}
