// memory-backups over real HTTP: the service_role key takes a backup into Supabase Storage (a local server
// speaking its API) and prunes; a user's token is refused; the backup jobs are listed but disabled without pg_net.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVerifier } from "../shared/auth/jwt.ts";
import { SupabaseStorageStore, verifyBackup } from "../shared/backup/index.ts";
import { memoryBackupsHandler } from "../shared/handlers/memory-backups.ts";
import { serveFunctions } from "../local/server.ts";
import { serviceToken, userToken } from "../local/demo-auth.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startFakeStorage, type FakeStorage } from "./support/fake-storage-api.ts";
import { call, ISSUER, SECRET } from "./support/http.ts";

let database: TestDatabase;
let storage: FakeStorage;
let server: Server;
let url: string;
let store: SupabaseStorageStore;

beforeAll(async () => {
  database = await createTestDatabase();
  storage = await startFakeStorage();
  store = new SupabaseStorageStore({ url: storage.url, serviceKey: storage.serviceKey, bucket: storage.bucket });
  server = await serveFunctions({
    "memory-backups": memoryBackupsHandler({ sql: database.sql, store, verify: createVerifier({ jwtSecret: SECRET, issuer: ISSUER }) }),
  }, 0);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/functions/v1/memory-backups`;
  const [{ id }] = await database.sql`insert into auth.users (id) values (gen_random_uuid()) returning id`;
  await database.sql`select * from public.store_memory('Backed up by the maintenance function', user_id => ${id})`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await storage?.close();
  await database?.drop();
});

describe("memory-backups", () => {
  it("takes a backup into Storage for the service_role key", async () => {
    const response = await call(url, { token: await serviceToken(SECRET, ISSUER), body: { kind: "daily" } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ rows: { user_memories: 1 }, pruned: [] });
    expect((await verifyBackup(store, response.body.backup)).ok).toBe(true);
  });

  it("refuses a user's token and a bad kind", async () => {
    const [{ id }] = await database.sql`select id from auth.users limit 1`;
    const user = await call(url, { token: await userToken(id, SECRET, ISSUER), body: { kind: "daily" } });
    expect([user.status, user.body.error.details[0].rule]).toEqual([403, "service_role_only"]);
    const bad = await call(url, { token: await serviceToken(SECRET, ISSUER), body: { kind: "hourly" } });
    expect([bad.status, bad.body.error.details[0].field]).toEqual([400, "kind"]);
  });

  it("has backup jobs that stay disabled where pg_net and Vault are missing", async () => {
    const jobs = await database.sql`select job_name, enabled from public.maintenance_jobs where job_name like 'memory-backup-%' order by 1`;
    expect(jobs).toEqual([
      { job_name: "memory-backup-daily", enabled: false },
      { job_name: "memory-backup-monthly", enabled: false },
      { job_name: "memory-backup-weekly", enabled: false },
    ]);
    const commands = await database.sql`select command from public.maintenance_jobs where job_name like 'memory-backup-%'`;
    expect(commands.every((c) => c.command.includes("'/functions/v1/memory-backups'") && !c.command.includes("memory-maintenance"))).toBe(true);
  });
});
