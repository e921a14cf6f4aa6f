// What every operator command shares: the database from --db-url or the environment, and exit statuses.
import { connect, databaseUrlFromEnv } from "../shared/db/connect.ts";

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
