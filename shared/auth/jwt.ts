// Verifies the caller's Supabase JWT with jose: HS256 with the project's JWT secret (legacy projects) or the
// project's JWKS (asymmetric signing keys). The user is the token's `sub`, never anything in the body.
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { ApiError } from "../http/errors.ts";
import { isUuid } from "../schemas/fields.ts";

export interface AuthConfig {
  /** HS256 secret (SUPABASE_JWT_SECRET); used when no JWKS is configured. */
  jwtSecret?: string;
  /** JWKS URL (SUPABASE_JWKS_URL, or SUPABASE_URL + /auth/v1/.well-known/jwks.json). */
  jwksUrl?: string;
  /** Expected `iss` of user tokens (SUPABASE_URL + /auth/v1), when known. */
  issuer?: string;
  /** Expected `ref` of tokens that carry one (API keys do), when known. */
  projectRef?: string;
  /** Expected `aud` of user tokens (SUPABASE_JWT_AUDIENCE; Supabase Auth writes "authenticated"). */
  audience?: string;
}

/** The longest Authorization header taken: Supabase's tokens are well under 2 KiB, with custom claims under 4. */
export const MAX_TOKEN_BYTES = 8 * 1024;

/**
 * Who may sign a service_role token besides the project's Auth: Supabase writes "supabase" in the legacy
 * service_role API key (and "supabase-demo" in the CLI's local one).
 */
export const API_KEY_ISSUERS = ["supabase", "supabase-demo"];

export type Caller =
  | { kind: "user"; userId: string; claims: JWTPayload & { role: "authenticated" } }
  | { kind: "service"; claims: JWTPayload & { role: "service_role" } };

const unauthorized = (code: string, message: string) =>
  new ApiError(401, code, message, [{ field: "authorization", rule: code }], {
    "WWW-Authenticate": `Bearer error="invalid_token", error_description="${message.replace(/"/g, "'")}"`,
  });

export function authConfigFromEnv(env: Record<string, string | undefined>): AuthConfig {
  const url = env.SUPABASE_URL?.replace(/\/$/, "");
  return {
    jwtSecret: env.SUPABASE_JWT_SECRET ?? env.JWT_SECRET,
    jwksUrl: env.SUPABASE_JWKS_URL ?? (env.SUPABASE_JWT_SECRET || env.JWT_SECRET || !url ? undefined : `${url}/auth/v1/.well-known/jwks.json`),
    issuer: env.SUPABASE_JWT_ISSUER ?? (url ? `${url}/auth/v1` : undefined),
    projectRef: env.SUPABASE_PROJECT_REF,
    audience: env.SUPABASE_JWT_AUDIENCE ?? "authenticated",
  };
}

export function createVerifier(config: AuthConfig): (authorization: string | null) => Promise<Caller> {
  let key: Uint8Array | JWTVerifyGetKey;
  if (config.jwksUrl) key = createRemoteJWKSet(new URL(config.jwksUrl));
  else if (config.jwtSecret) key = new TextEncoder().encode(config.jwtSecret);
  else throw new Error("no JWT verification configured: set SUPABASE_JWT_SECRET or SUPABASE_JWKS_URL (or SUPABASE_URL)");

  const audience = config.audience ?? "authenticated";
  return async (authorization) => {
    if ((authorization?.length ?? 0) > MAX_TOKEN_BYTES) {
      throw unauthorized("invalid_token", `the token is over the limit of ${MAX_TOKEN_BYTES} bytes`);
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!match) throw unauthorized("missing_token", "send the user's access token as Authorization: Bearer <jwt>");
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1], key as Uint8Array, {
        algorithms: config.jwksUrl ? ["RS256", "ES256", "EdDSA"] : ["HS256"],
        clockTolerance: 5,
        // Supabase issues every token, API keys included, with an expiry: one without is refused.
        requiredClaims: ["exp"],
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw unauthorized("token_expired", "the token has expired; refresh the session");
      throw unauthorized("invalid_token", `the token could not be verified: ${(error as Error).message}`);
    }
    if (config.projectRef && payload.ref !== undefined && payload.ref !== config.projectRef) {
      throw unauthorized("wrong_project", "the token was issued for another project");
    }
    if (payload.role === "service_role") {
      if (config.issuer && payload.iss !== config.issuer && !API_KEY_ISSUERS.includes(String(payload.iss))) {
        throw unauthorized("wrong_project", `the token was issued by ${String(payload.iss)}, not by this project`);
      }
      return { kind: "service", claims: payload as JWTPayload & { role: "service_role" } };
    }
    if (payload.role !== "authenticated" || typeof payload.sub !== "string" || !payload.sub) {
      throw unauthorized("not_signed_in", "a signed-in user's token is required (the anon key is not enough)");
    }
    if (config.issuer && payload.iss !== config.issuer) {
      throw unauthorized("wrong_project", `the token was issued by ${String(payload.iss)}, not by this project`);
    }
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.includes(audience)) {
      throw unauthorized("wrong_audience", `the token is for ${JSON.stringify(payload.aud ?? null)}, not for "${audience}"`);
    }
    if (!isUuid(payload.sub)) {
      throw unauthorized("invalid_token", "the token's subject is not a user id");
    }
    return { kind: "user", userId: payload.sub, claims: payload as JWTPayload & { role: "authenticated" } };
  };
}
