// JSON responses with CORS, and the conversion of anything thrown into one.
import { ApiError, fromDatabaseError, isDatabaseError, isUnavailable, unavailable } from "./errors.ts";
import { corsHeaders } from "./cors.ts";

/**
 * A header value holds visible ASCII and spaces only: a value echoing something a client sent (a token's issuer in
 * WWW-Authenticate) could carry CR LF or U+2028, which Headers refuses (a TypeError) or a client would misread.
 */
export function headerValue(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, "?");
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const safe = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, headerValue(value)]));
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json; charset=utf-8", ...safe },
  });
}

export function errorResponse(error: unknown, log: (message: string, error: unknown) => void = console.error): Response {
  let api: ApiError | null = error instanceof ApiError ? error : null;
  // Before the SQLSTATE table: class 08 and 57P0x are outages, not the caller's fault nor a bug.
  if (!api && isUnavailable(error)) api = unavailable((error as { code?: string }).code ?? (error as Error).name);
  if (!api && isDatabaseError(error)) api = fromDatabaseError(error);
  if (!api) {
    const requestId = crypto.randomUUID();
    log(`unexpected error (request ${requestId})`, error);
    return json({ error: { code: "internal_error", message: `an unexpected error occurred; it has been logged as request ${requestId}`,
      details: [], request_id: requestId } }, 500, { "X-Request-Id": requestId });
  }
  return json({ error: { code: api.code, message: api.message, details: api.details } }, api.status, api.headers);
}
