// What a handler needs, injected so the same handler serves Deno (edge functions) and Node (npm start, tests).
import type { Caller } from "../auth/jwt.ts";
import type { RequestDatabase } from "../db/request-db.ts";
import type { RequestClaims } from "../db/as-user.ts";
import type { EmbeddingProvider } from "../embeddings/provider.ts";
import { ApiError } from "../http/errors.ts";
import { readJsonBody } from "../http/body.ts";
import { parseOrThrow } from "../schemas/parse.ts";
import type { z } from "zod";

export interface HandlerDeps {
  db: RequestDatabase;
  verify: (authorization: string | null) => Promise<Caller>;
  embedder: EmbeddingProvider | null;
  embedTimeoutMs: number;
  maxBodyBytes?: number;
  log?: (message: string, error: unknown) => void;
}

export interface Acting {
  claims: RequestClaims;
  /** Passed to SQL only for service-role callers; a user acts for themselves through auth.uid(). */
  userId: string | undefined;
}

/** The claims to run as, and the user to act for. A user token acts for its `sub`; service_role must name one. */
export function acting(caller: Caller, requestedUserId: string | undefined): Acting {
  if (caller.kind === "user") {
    if (requestedUserId !== undefined && requestedUserId !== caller.userId) {
      throw new ApiError(403, "forbidden", "user_id is for service_role tokens; a user acts for themselves",
        [{ field: "user_id", rule: "service_role_only" }]);
    }
    return { claims: { ...caller.claims, role: "authenticated", sub: caller.userId }, userId: undefined };
  }
  if (!requestedUserId) {
    throw new ApiError(400, "invalid_request", "a service_role token must name the user: user_id",
      [{ field: "user_id", rule: "required_for_service_role" }]);
  }
  return { claims: { ...caller.claims, role: "service_role" }, userId: requestedUserId };
}

/** A request's query string as a plain object, for a zod schema to parse like a body. */
export const queryOf = (req: Request): Record<string, string> => Object.fromEntries(new URL(req.url).searchParams);

/** Verifies the caller, parses the input (the JSON body, or `input` when given), and says who the call acts for. */
export async function authenticated<S extends z.ZodType<{ user_id?: string }>>(
  req: Request, deps: HandlerDeps, schema: S, input?: unknown,
): Promise<{ body: z.infer<S>; as: Acting }> {
  const caller = await deps.verify(req.headers.get("authorization"));
  const body = parseOrThrow(schema, input ?? await readJsonBody(req, deps.maxBodyBytes));
  return { body, as: acting(caller, body.user_id) };
}
