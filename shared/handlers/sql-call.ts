// Calls a SQL function with named arguments, passing only the arguments given, so omitted ones take the
// function's defaults. Every value travels as text and is cast in SQL: a parameter the driver sees as jsonb
// would be JSON-encoded a second time by postgres.js, and PGlite and postgres.js then behave the same.
import type { SqlExecutor } from "../db/executor.ts";

export type SqlType = "text" | "float8" | "int4" | "uuid" | "jsonb" | "timestamptz" | "bool" | "vector" | "text[]";

export type SqlArgs = Record<string, [value: unknown, type: SqlType] | undefined>;

const CAST: Record<SqlType, (p: string) => string> = {
  text: (p) => `${p}::text`,
  float8: (p) => `${p}::text::float8`,
  int4: (p) => `${p}::text::int4`,
  uuid: (p) => `${p}::text::uuid`,
  jsonb: (p) => `${p}::text::jsonb`,
  timestamptz: (p) => `${p}::text::timestamptz`,
  bool: (p) => `${p}::text::bool`,
  vector: (p) => `${p}::text::extensions.vector`,
  "text[]": (p) => `array(select jsonb_array_elements_text(${p}::text::jsonb))`,
};

function encode(value: unknown, type: SqlType): string | null {
  if (value === null) return null;
  if (type === "jsonb" || type === "text[]") return JSON.stringify(value);
  if (type === "vector") return `[${(value as number[]).join(",")}]`;
  return String(value);
}

/** `columns` selects from the function's rows (default every column), for a value computed beside them. */
export async function callFunction<T>(db: SqlExecutor, name: string, args: SqlArgs, columns = "*"): Promise<T[]> {
  const names: string[] = [];
  const params: (string | null)[] = [];
  for (const [arg, spec] of Object.entries(args)) {
    if (!spec || spec[0] === undefined) continue;
    params.push(encode(spec[0], spec[1]));
    names.push(`${arg} => ${CAST[spec[1]](`$${params.length}`)}`);
  }
  return db.query<T>(`select ${columns} from public.${name}(${names.join(", ")}) as r`, params);
}
