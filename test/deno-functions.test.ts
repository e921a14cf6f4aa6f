// The real edge function entrypoints under the pinned Deno: they type-check, and they serve over HTTP against
// the local PostgreSQL exactly as deployed (the port comes from DENO_SERVE_ADDRESS, not from the code).
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceToken, userToken } from "../local/demo-auth.ts";
import { SupabaseStorageStore, verifyBackup } from "../shared/backup/index.ts";
import { ROOT, run } from "../scripts/db/local-stack.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startFakeStorage } from "./support/fake-storage-api.ts";
import { call, ISSUER, SECRET } from "./support/http.ts";
import { DENO, serveUnderDeno } from "./support/processes.ts";

let database: TestDatabase;
const children: ChildProcess[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const child of children) child.kill();
  await database?.drop();
});

describe("edge functions under Deno", () => {
  it("type-check with deno check", async () => {
    // run() rejects on a non-zero exit, which is the verdict; the output shows both files were checked.
    const { stderr } = await run(DENO, ["check", "functions/memory-store/index.ts", "functions/memory-search/index.ts", "functions/memory-backups/index.ts", "functions/memory-maintenance/index.ts"],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } });
    expect(stderr).toMatch(/Check .*memory-store\/index\.ts/);
  });

  it("store and search over HTTP against the local PostgreSQL", async () => {
    const env = { DATABASE_URL: database.url, SUPABASE_JWT_SECRET: SECRET, SUPABASE_JWT_ISSUER: ISSUER, EMBEDDINGS_PROVIDER: "offline" };
    const store = await serveUnderDeno("functions/memory-store/index.ts", env);
    children.push(store.child);
    const search = await serveUnderDeno("functions/memory-search/index.ts", env);
    children.push(search.child);
    const [{ id: user }] = await database.sql`insert into auth.users (id) values (gen_random_uuid()) returning id`;
    const token = await userToken(user, SECRET, ISSUER);

    const stored = await call(store.base, { token, body: { fact: "Learns Portuguese on Tuesdays", memory_type: "fact" } });
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({ status: "created", embedding: "stored" });
    const [row] = await database.sql`select fact, embedding_model from public.user_memories where id = ${stored.body.id}`;
    expect(row).toEqual({ fact: "Learns Portuguese on Tuesdays", embedding_model: "offline-lexical-dense-384" });

    const found = await call(search.base, { token, body: { query: "Portuguese" } });
    expect(found.status).toBe(200);
    expect(found.body.results.map((r: { id: string }) => r.id)).toEqual([stored.body.id]);
    const refused = await call(store.base, { body: { fact: "no token" } });
    expect(refused.status).toBe(401);
  });

  it("memory-backups streams a backup into Storage, and answers under its old name too", async () => {
    // The backup streams through postgres.js COPY under Deno's Node compatibility, not only under Node.
    const storage = await startFakeStorage();
    try {
      const env = {
        SUPABASE_DB_URL: database.url, SUPABASE_URL: storage.url, SUPABASE_SERVICE_ROLE_KEY: storage.serviceKey,
        SUPABASE_JWT_SECRET: SECRET, SUPABASE_JWT_ISSUER: ISSUER,
      };
      const maintenance = await serveUnderDeno("functions/memory-backups/index.ts", env);
      children.push(maintenance.child);
      // The old name serves the same function (for projects whose pg_cron jobs still call it).
      const old = await serveUnderDeno("functions/memory-maintenance/index.ts", env);
      children.push(old.child);
      const unsigned = await call(`${old.base}/functions/v1/memory-maintenance`, { body: { kind: "daily" } });
      expect([unsigned.status, unsigned.body.error.code]).toEqual([401, "missing_token"]);
      const [{ id: user }] = await database.sql`insert into auth.users (id) values (gen_random_uuid()) returning id`;
      for (let i = 0; i < 40; i++) {
        await database.sql`select * from public.store_memory(${`fact ${i} kept by the nightly backup`}, user_id => ${user},
          embedding => tests.embedding(${i}), embedding_model => 'm')`;
      }
      const response = await call(maintenance.base, { token: await serviceToken(SECRET, ISSUER), body: { kind: "daily" } });
      expect(response.status).toBe(201);
      const [{ n }] = await database.sql`select count(*)::int as n from public.user_memories`;
      expect(response.body.rows.user_memories).toBe(n);
      const store = new SupabaseStorageStore({ url: storage.url, serviceKey: storage.serviceKey, bucket: storage.bucket });
      expect(await verifyBackup(store, response.body.backup)).toMatchObject({ ok: true, problems: [] });
    } finally {
      await storage.close();
    }
  });
});
