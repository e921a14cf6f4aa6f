// The real handlers served over real HTTP (the same adapter `npm start` uses) against a cloned test database.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import postgres from "postgres";
import { createVerifier } from "../../shared/auth/jwt.ts";
import { postgresRequestDatabase } from "../../shared/db/request-db.ts";
import type { EmbeddingProvider } from "../../shared/embeddings/provider.ts";
import { memorySearchHandler } from "../../shared/handlers/memory-search.ts";
import { memoryStoreHandler } from "../../shared/handlers/memory-store.ts";
import { docsPages } from "../../local/docs.ts";
import { serveFunctions } from "../../local/server.ts";
import { serviceToken, signToken, userToken } from "../../local/demo-auth.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";

export const SECRET = "test-secret-for-the-memory-api-at-least-32-chars";
export const ISSUER = "http://127.0.0.1:54321/auth/v1";

export interface ApiFixture {
  database: TestDatabase;
  base: string;
  pool: postgres.Sql;
  server: Server;
  logged: [string, unknown][];
  tokenFor(userId: string, ttlSeconds?: number): Promise<string>;
  serviceToken(): Promise<string>;
  sign(claims: Record<string, unknown>, options?: { secret?: string; issuer?: string; ttlSeconds?: number }): Promise<string>;
  newUser(): Promise<string>;
  close(): Promise<void>;
}

export async function startApi(options: { embedder?: EmbeddingProvider | null; embedTimeoutMs?: number; maxBodyBytes?: number;
  /** Serve npm start's API reference too (/docs, /functions/v1/openapi.json), authorized as this user. */
  docsUser?: string } = {}): Promise<ApiFixture> {
  const database = await createTestDatabase();
  const pool = postgres(database.url, { max: 60, onnotice: () => {}, prepare: false });
  const logged: [string, unknown][] = [];
  const deps = {
    db: postgresRequestDatabase(pool),
    verify: createVerifier({ jwtSecret: SECRET, issuer: ISSUER }),
    embedder: options.embedder ?? null,
    embedTimeoutMs: options.embedTimeoutMs ?? 2000,
    maxBodyBytes: options.maxBodyBytes,
    log: (message: string, error: unknown) => logged.push([message, error]),
  };
  const pages = options.docsUser ? docsPages({ token: await userToken(options.docsUser, SECRET, ISSUER) }) : {};
  const server = await serveFunctions({ "memory-store": memoryStoreHandler(deps), "memory-search": memorySearchHandler(deps) }, 0,
    undefined, undefined, pages);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/functions/v1`;
  return {
    database, base, pool, server, logged,
    tokenFor: (userId, ttl) => userToken(userId, SECRET, ISSUER, ttl),
    serviceToken: () => serviceToken(SECRET, ISSUER),
    sign: (claims, o = {}) => signToken(claims, o.secret ?? SECRET, o.issuer ?? ISSUER, o.ttlSeconds),
    async newUser() {
      const [{ id }] = await database.sql`insert into auth.users (id) values (gen_random_uuid()) returning id`;
      return id as string;
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await pool.end({ timeout: 5 });
      await database.drop();
    },
  };
}

export interface ApiResponse { status: number; body: any; headers: Headers }

export async function call(url: string, init: { method?: string; token?: string; body?: unknown; raw?: string | Uint8Array; headers?: Record<string, string> } = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}), ...init.headers };
  let body: string | Uint8Array | undefined = init.raw;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers["Content-Type"] ??= "application/json";
  }
  const response = await fetch(url, { method: init.method ?? "POST", headers, body: body as BodyInit | undefined });
  const text = await response.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: response.status, body: parsed, headers: response.headers };
}
