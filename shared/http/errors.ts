// One error shape for every response: { error: { code, message, details } }, with the status that says whose fault
// it is. SQL errors are mapped by SQLSTATE; the SQL layer names the field (RAISE ... COLUMN) and the rule
// (the constraint), so TypeScript does not restate the rules.
// The rule: anything a client can send gets a 4xx naming the field and the rule (data exceptions, SQLSTATE
// class 22, and values the API cannot represent included); 503 is an outage, worth a retry; a 500 is a bug,
// logged with a request id that the answer carries.

export interface ErrorDetail {
  field?: string;
  rule?: string;
  message?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** What postgres.js and PGlite put on a database error. */
interface DatabaseErrorLike {
  code?: string;
  message?: string;
  column?: string;
  column_name?: string;
  constraint?: string;
  constraint_name?: string;
  hint?: string;
  detail?: string;
}

const SQLSTATE_STATUS: Record<string, [number, string]> = {
  "23514": [400, "invalid_value"],
  "23502": [400, "missing_value"],
  "22023": [400, "invalid_parameter"],
  "22000": [400, "invalid_value"],
  "22P02": [400, "invalid_value"],
  "23503": [400, "unknown_reference"],
  "23505": [409, "conflict"],
  PT401: [401, "unauthenticated"],
  "42501": [403, "forbidden"],
  PT404: [404, "not_found"],
  PT409: [409, "conflict"],
  PT507: [507, "quota_exceeded"],
  "57014": [503, "timeout"],
};

/** A moment's unavailability, worth a retry: the caller is told when (Retry-After, seconds). */
export const RETRY_AFTER_SECONDS = 5;

/**
 * The database cannot serve the request right now: it is down, restarting or recovering, the connection broke, or
 * it is out of connections. SQLSTATEs of class 08 (connection exception), 57P01-57P03 (shut down, crashed,
 * starting up), 53300 (too many connections); the driver's own codes for a connection it lost or could not
 * open (postgres.js), and the socket errors of Node and Deno.
 */
const UNAVAILABLE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);
const UNAVAILABLE_CODES = new Set([
  "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT", "DEADLINE_EXCEEDED",
  "ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ENOTFOUND",
]);
const UNAVAILABLE_NAMES = new Set(["ConnectionRefused", "ConnectionReset", "ConnectionAborted", "BrokenPipe", "TimedOut"]);

export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) {
    return true;
  }
  return UNAVAILABLE_NAMES.has(error.name);
}

export function unavailable(detail: string): ApiError {
  return new ApiError(503, "database_unavailable", `the database is unavailable right now (${detail}); retry in a few seconds`,
    [], { "Retry-After": String(RETRY_AFTER_SECONDS) });
}

/** Columns named by constraints that do not say their column themselves. */
const CONSTRAINT_FIELDS: Record<string, string> = {
  user_memories_source_conversation_fkey: "source_conversation_id",
  user_memories_active_fact_key: "fact",
  user_memories_fact_not_blank: "fact",
  user_memories_fact_length: "fact",
  user_memories_memory_type_check: "memory_type",
  user_memories_category_check: "category",
  user_memories_importance_range: "importance_score",
  user_memories_confidence_range: "confidence_score",
  user_memories_embedding_has_model: "embedding_model",
  user_memories_embedding_model_check: "embedding_model",
  user_memories_metadata_is_object: "metadata",
  user_memories_metadata_size: "metadata",
  user_memories_expires_after_created: "expires_at",
  user_memories_observed_before_stored: "observed_at",
  memory_sightings_observed_before_seen: "observed_at",
  user_memories_agent_id_check: "agent_id",
  user_memories_run_id_check: "run_id",
  memory_sightings_agent_id_check: "agent_id",
  memory_sightings_run_id_check: "run_id",
  conversations_agent_id_check: "agent_id",
  conversations_run_id_check: "run_id",
};

/**
 * The column a key violation is about, from PostgreSQL's detail ("Key (memory_id, user_id)=(...) is not present
 * ..."): the first key column other than user_id, which every composite key carries beside the one that matters.
 */
function keyColumn(detail: string | undefined): string | undefined {
  const columns = /^Key \(([^)]*)\)=/.exec(detail ?? "")?.[1].split(", ");
  return columns?.find((column) => column !== "user_id" && /^[a-z_]+$/.test(column));
}

export function isDatabaseError(error: unknown): error is DatabaseErrorLike & Error {
  return error instanceof Error && typeof (error as DatabaseErrorLike).code === "string" &&
    /^[0-9A-Z]{5}$/.test((error as DatabaseErrorLike).code!);
}

/**
 * The rest of what a client's values can make the database raise, by SQLSTATE class: 22 (data exception: a value
 * out of range, malformed or unrepresentable) and 54 (program limit: a value too large to index or to parse) are
 * the request's fault, a 400. The request schemas refuse most of these first, naming the field; this is the net.
 */
const SQLSTATE_CLASS_STATUS: Record<string, [number, string]> = {
  "22": [400, "invalid_value"],
  "54": [400, "value_too_large"],
};

/**
 * The foreign keys to auth.users: a write for a user the project does not have breaks one of them. The list is the
 * catalog's (test/errors.test.ts compares them), so a table added with one is mapped as soon as it exists.
 */
export const USER_KEYS: ReadonlySet<string> = new Set(["user_memories_user_id_fkey", "memory_user_stats_user_id_fkey", "memory_sightings_user_id_fkey",
  "memory_idempotency_keys_user_id_fkey", "conversations_user_id_fkey"]);

/** The API error for a database error, or null when it is not one we expect (a bug: 500). */
export function fromDatabaseError(error: DatabaseErrorLike): ApiError | null {
  const constraint = error.constraint ?? error.constraint_name ?? "";
  if ((error.code === "23503" && USER_KEYS.has(constraint)) || (error.code === "PT401" && constraint === "unknown_user")) {
    // A token signed for a user this project's Auth does not have (deleted, or from another project), or a
    // service_role call for such a user: said as the caller's problem, not as the key's SQL text.
    return new ApiError(401, "unknown_user", "the user this call is for does not exist in this project (auth.users): sign in again",
      [{ field: "user_id", rule: "unknown_user" }]);
  }
  const mapped = error.code ? SQLSTATE_STATUS[error.code] ?? SQLSTATE_CLASS_STATUS[error.code.slice(0, 2)] : undefined;
  if (!mapped) return null;
  const [status, code] = mapped;
  if (status === 503) return new ApiError(status, code, error.message ?? code, [], { "Retry-After": String(RETRY_AFTER_SECONDS) });
  const rule = error.constraint ?? error.constraint_name;
  const field = error.column ?? error.column_name ?? (rule ? CONSTRAINT_FIELDS[rule] : undefined) ?? keyColumn(error.detail);
  const details: ErrorDetail[] = field || rule ? [{ field, rule: rule ?? error.code, message: error.message }] : [];
  return new ApiError(status, code, error.message ?? code, details);
}
