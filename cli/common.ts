// What every operator command shares: the database from --db-url or the environment, and exit statuses.
import { connect, databaseUrlFromEnv } from "../shared/db/connect.ts";
import { isUnavailable } from "../shared/http/errors.ts";

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export class UsageError extends Error {}

export function databaseUrl(flag: string | undefined, command: string): string {
  const url = flag ?? databaseUrlFromEnv(process.env);
  if (!url) throw new UsageError(`memory ${command}: no database; pass --db-url or set SUPABASE_DB_URL or DATABASE_URL`);
  return url;
}

export function operatorConnection(url: string, applicationName: string) {
  return connect(url, { max: 1, applicationName });
}

/** What a failed command prints after its name: an outage said as such, a database error with its SQLSTATE. */
export function failureMessage(error: unknown): string {
  const e = error as { code?: unknown; message?: string; name?: string };
  if (isUnavailable(error)) {
    return `the database is unavailable (${String(e.code ?? e.name)}: ${e.message}); run the command again when it is back`;
  }
  const sqlstate = typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) ? ` (SQLSTATE ${e.code})` : "";
  return `${error instanceof Error ? error.message : String(error)}${sqlstate}`;
}
