// Local tokens signed like Supabase's local stack does (the Supabase CLI's well-known development secret).
import { SignJWT } from "jose";

export const LOCAL_JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";
export const DEMO_USER_ID = "00000000-0000-4000-8000-00000000d3e0";

export function localIssuer(port: number): string {
  return `http://127.0.0.1:${port}/auth/v1`;
}

export async function signToken(claims: Record<string, unknown>, secret: string, issuer: string, ttlSeconds = 7 * 86400): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(issuer)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(new TextEncoder().encode(secret));
}

export function userToken(userId: string, secret: string, issuer: string, ttlSeconds?: number): Promise<string> {
  return signToken({ sub: userId, role: "authenticated", aud: "authenticated", email: "demo@example.com" }, secret, issuer, ttlSeconds);
}

export function serviceToken(secret: string, issuer: string, ttlSeconds?: number): Promise<string> {
  return signToken({ role: "service_role" }, secret, issuer, ttlSeconds);
}
