// What every operator command does the same way: parse its arguments (with the options all commands share), open
// the database within a connect timeout, run, and turn any failure into one line and an exit status.
import { parseArgs, type ParseArgsConfig } from "node:util";
import type postgres from "postgres";
import { connect, databaseUrlFromEnv } from "../shared/db/connect.ts";
import { isUnavailable } from "../shared/http/errors.ts";

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Options every command that reaches a database takes. */
export const DATABASE_OPTIONS = {
  "db-url": { type: "string" },
  "connect-timeout": { type: "string" },
} as const;
const COMMON_OPTIONS = { json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } } as const;

export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;

/** A usage error: printed with the command's name, exit 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * `--days -5` is a value, not an option: Node's parser would refuse it as ambiguous, and a command then could not
 * say what is wrong with the value. A negative number after an option that takes a value is joined to it.
 */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith("--") ? argv[i].slice(2) : undefined;
    if (name && options[name]?.type === "string" && /^-\d/.test(argv[i + 1] ?? "")) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

/** Node's parser's complaint, said in this CLI's words (its own quote an option name unevenly, and suggest `--`). */
function parseErrorMessage(error: unknown, options: Options): string {
  const { code, message } = error as { code?: string; message: string };
  const option = /'(-[^' <]*)/.exec(message)?.[1] ?? "";
  const known = Object.entries(options).map(([name, o]) => `--${name}${o.type === "string" ? " VALUE" : ""}`).sort().join(", ");
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option ${option}; this command takes ${known}`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && /argument missing|ambiguous/.test(message)) return `${option} needs a value`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") return `${option} takes no value`;
  return message;
}

export interface Parsed<O extends Options> {
  values: ReturnType<typeof parseArgs<{ options: O & typeof COMMON_OPTIONS; allowPositionals: true }>>["values"];
  positionals: string[];
}

/** The command's arguments, or the exit status when they are a usage error or --help was asked for. */
export function parseCommand<O extends Options>(name: string, usage: string, options: O, argv: string[]): Parsed<O> | ExitCode {
  const all = { ...options, ...COMMON_OPTIONS } as O & typeof COMMON_OPTIONS;
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv, all), options: all, allowPositionals: true, strict: true });
  } catch (error) {
    console.error(`memory ${name}: ${parseErrorMessage(error, all)}\n\n${usage}`);
    return EXIT.usage;
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage);
    return EXIT.ok;
  }
  return parsed as Parsed<O>;
}

/** The database URL from --db-url or the environment, checked to be a PostgreSQL connection string. */
export function databaseUrl(flag: string | undefined, name: string): string {
  const url = flag ?? databaseUrlFromEnv(process.env);
  if (!url) throw new UsageError(`memory ${name}: no database; pass --db-url or set SUPABASE_DB_URL or DATABASE_URL`);
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch { /* reported below */ }
  if (!parsed || !["postgres:", "postgresql:"].includes(parsed.protocol) || !parsed.hostname && !parsed.searchParams.has("host")) {
    const shown = url.replace(/\/\/[^@/]*@/, "//***@"); // never echo a password
    throw new UsageError(`memory ${name}: --db-url must be a connection string like postgresql://user:password@host:5432/postgres, not '${shown}'`);
  }
  return url;
}

function connectTimeoutSeconds(flag: string | undefined): number {
  const text = flag ?? process.env.MEMORY_CONNECT_TIMEOUT;
  if (text === undefined || text === "") return DEFAULT_CONNECT_TIMEOUT_SECONDS;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new UsageError(`--connect-timeout (or MEMORY_CONNECT_TIMEOUT) must be a number of seconds from 1 to 3600, not '${text}'`);
  }
  return seconds;
}

/**
 * Opens the database and checks it answers within the connect timeout: a host that takes the TCP connection and
 * never answers (a firewall, a proxy, a paused project) would otherwise hold the command with no output.
 */
async function reach(url: string, name: string, seconds: number): Promise<postgres.Sql> {
  const sql = connect(url, { max: 1, applicationName: `memory-${name}`, connectTimeoutSeconds: seconds });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReachError(`the database at ${hostOf(url)} did not answer within ${seconds} s; check the ` +
      `host and port, or wait longer with --connect-timeout SECONDS (or MEMORY_CONNECT_TIMEOUT)`)), seconds * 1000);
  });
  try {
    await Promise.race([sql`select 1`, late]);
    return sql;
  } catch (error) {
    void sql.end({ timeout: 0 });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

class ReachError extends Error {}

function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || parsed.searchParams.get("host")}:${parsed.port || 5432}`;
  } catch {
    return "the given address";
  }
}

/**
 * Runs a command against the database named by --db-url (or the environment): usage errors exit 2, failures print
 * one line and exit 1, and the connection is closed whatever happens.
 */
export async function withDatabase(name: string, values: { "db-url"?: string; "connect-timeout"?: string },
  run: (sql: postgres.Sql) => Promise<ExitCode>): Promise<ExitCode> {
  let url: string;
  let seconds: number;
  try {
    url = databaseUrl(values["db-url"], name);
    seconds = connectTimeoutSeconds(values["connect-timeout"]);
  } catch (error) {
    if (error instanceof UsageError) { console.error(error.message.startsWith("memory ") ? error.message : `memory ${name}: ${error.message}`); return EXIT.usage; }
    throw error;
  }
  let sql: postgres.Sql | undefined;
  try {
    sql = await reach(url, name, seconds);
    return await run(sql);
  } catch (error) {
    console.error(`memory ${name}: ${error instanceof ReachError ? error.message : failureMessage(error)}`);
    return EXIT.failed;
  } finally {
    await sql?.end({ timeout: 5 });
  }
}

/**
 * What a failed command prints after its name: an outage or a network failure said as such, a database error with
 * its SQLSTATE (only errors the server sent have one: a socket error's code, EPIPE say, is not a SQLSTATE).
 */
export function failureMessage(error: unknown): string {
  const e = error as { code?: unknown; message?: string; name?: string; severity?: unknown };
  if (isUnavailable(error)) {
    return `the database is unavailable (${String(e.code ?? e.name)}: ${e.message}); run the command again when it is back`;
  }
  const sqlstate = typeof e.severity === "string" && typeof e.code === "string" ? ` (SQLSTATE ${e.code})` : "";
  const network = typeof e.code === "string" && !sqlstate && /^E[A-Z]+$/.test(e.code) ? ` (network error ${e.code})` : "";
  return `${error instanceof Error ? error.message : String(error)}${sqlstate}${network}`;
}

export const DATABASE_USAGE = `  --db-url URL            database (default: $SUPABASE_DB_URL, then $DATABASE_URL); a service or owner role
  --connect-timeout S     seconds to wait for the database to answer (default ${DEFAULT_CONNECT_TIMEOUT_SECONDS}; $MEMORY_CONNECT_TIMEOUT)`;
