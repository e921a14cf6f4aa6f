// CORS as in Supabase's edge function examples: any origin, the headers supabase-js sends.
export const corsHeaders: Record<string, string> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "authorization, x-client-info, apikey, content-type, idempotency-key",
  "Access-Control-Allow-Methods": "GET, POST, PATCH, DELETE, OPTIONS",
  "Access-Control-Max-Age": "86400",
  // So that a browser's code can read when to retry, and which request a 500 was.
  "Access-Control-Expose-Headers": "retry-after, x-request-id",
};

export function preflight(): Response {
  return new Response("ok", { headers: corsHeaders });
}
