// JSON responses with CORS, and the conversion of anything thrown into one.
import { ApiError, fromDatabaseError, isDatabaseError, isUnavailable, unavailable } from "./errors.ts";
import { corsHeaders } from "./cors.ts";

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json; charset=utf-8", ...headers },
  });
}

export function errorResponse(error: unknown, log: (message: string, error: unknown) => void = console.error): Response {
  let api: ApiError | null = error instanceof ApiError ? error : null;
  // Before the SQLSTATE table: class 08 and 57P0x are outages, not the caller's fault nor a bug.
  if (!api && isUnavailable(error)) api = unavailable((error as { code?: string }).code ?? (error as Error).name);
  if (!api && isDatabaseError(error)) api = fromDatabaseError(error);
  if (!api) {
    log("unexpected error", error);
    api = new ApiError(500, "internal_error", "an unexpected error occurred; it has been logged");
  }
  return json({ error: { code: api.code, message: api.message, details: api.details } }, api.status, api.headers);
}
