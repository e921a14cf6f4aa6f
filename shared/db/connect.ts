// One way to open a server connection pool, for the CLI, the HTTP handlers and the tests.
import postgres from "postgres";

export interface ConnectOptions {
  max?: number;
  /** Milliseconds; applied to every statement of the pool as statement_timeout. */
  statementTimeoutMs?: number;
  applicationName?: string;
  /** Seconds to wait for the TCP connection (default 10). */
  connectTimeoutSeconds?: number;
}

/** The connection string Supabase gives edge functions, else the conventional one. */
export function databaseUrlFromEnv(env: Record<string, string | undefined>): string | undefined {
  return env.SUPABASE_DB_URL || env.DATABASE_URL || undefined;
}

/**
 * The settings in PGOPTIONS (`-c lock_timeout=5s -c statement_timeout=5min`, as libpq and psql read it), which
 * postgres.js ignores: a deploy's timeouts reach `memory migrate` the same way they reach `supabase db push`.
 */
export function settingsFromPgOptions(pgOptions: string | undefined): Record<string, string> {
  const settings: Record<string, string> = {};
  const words = (pgOptions ?? "").trim().split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const pair = words[i] === "-c" ? words[++i] : words[i].replace(/^(-c|--)/, "");
    const at = pair?.indexOf("=") ?? -1;
    if (at > 0) settings[pair.slice(0, at).replace(/-/g, "_")] = pair.slice(at + 1);
  }
  return settings;
}

export function connect(url: string, options: ConnectOptions = {}): postgres.Sql {
  return postgres(url, {
    max: options.max ?? 10,
    idle_timeout: 20,
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    // Between attempts to reconnect after a lost connection, in seconds. The driver's default grows to 20 s: after
    // a database restart of a second or two, requests then waited that long for a connection that would have
    // worked at once. Capped at 1 s, service resumes within a second of the database.
    backoff: (attempt: number) => Math.min(0.05 * 2 ** attempt, 1),
    prepare: false, // Supabase's transaction pooler (port 6543) does not keep prepared statements.
    onnotice: () => {},
    connection: {
      ...settingsFromPgOptions(typeof process === "undefined" ? undefined : process.env?.PGOPTIONS),
      application_name: options.applicationName ?? "supabase-chat-memory",
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    },
  });
}
