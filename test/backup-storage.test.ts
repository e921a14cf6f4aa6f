// Backups in Supabase Storage, against a local server speaking the Storage REST API: create, list, verify,
// restore and prune through it, and a wrong key refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBackup, listBackups, pruneBackups, restoreBackup, SupabaseStorageStore, TABLES, verifyBackup } from "../shared/backup/index.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startFakeStorage, type FakeStorage } from "./support/fake-storage-api.ts";

let database: TestDatabase;
let storage: FakeStorage;
let store: SupabaseStorageStore;

beforeAll(async () => {
  database = await createTestDatabase();
  storage = await startFakeStorage();
  store = new SupabaseStorageStore({ url: storage.url, serviceKey: storage.serviceKey, bucket: storage.bucket, prefix: "project-a" });
  const [{ id }] = await database.sql`insert into auth.users (id) values (gen_random_uuid()) returning id`;
  for (let i = 0; i < 30; i++) await database.sql`select * from public.store_memory(${`stored in the bucket ${i}`}, user_id => ${id})`;
});
afterAll(async () => {
  await database?.drop();
  await storage?.close();
});

describe("backups in Supabase Storage", () => {
  it("create, list, verify and restore through the Storage API", async () => {
    const manifest = await createBackup(database.sql, store, "weekly");
    expect(storage.requests.filter((r) => r.startsWith("POST /storage/v1/object/memory-backups/project-a/")).length).toBe(TABLES.length + 2); // the files, the manifest, its digest
    expect((await listBackups(store)).map((b) => b.id)).toEqual([manifest.id]);
    expect((await verifyBackup(store, manifest.id)).ok).toBe(true);
    await database.sql`delete from public.memory_access`;
    await database.sql`select * from public.forget_memory((select id from public.user_memories where is_active limit 1),
      user_id => (select user_id from public.user_memories limit 1))`;
    const result = await restoreBackup(database.sql, store, manifest.id);
    expect(result.restored.user_memories).toBe(30);
    const [{ n }] = await database.sql`select count(*)::int as n from public.user_memories where is_active`;
    expect(n).toBe(30);
    expect((await store.ids()).length).toBe(2); // and the safety backup taken before restoring
  });

  it("prunes through the Storage API", async () => {
    const later = new Date(Date.now() + 400 * 86_400_000);
    const removed = await pruneBackups(store, { now: later });
    expect(removed.length).toBe(1); // the weekly one; the newest (the manual safety backup) always stays
    expect((await store.ids()).length).toBe(1);
  });

  it("is refused with a wrong key", async () => {
    const intruder = new SupabaseStorageStore({ url: storage.url, serviceKey: "anon-key", bucket: storage.bucket });
    await expect(intruder.ids()).rejects.toThrow(/HTTP 403/);
  });

  it("restores one user from their blocks alone, read by HTTP Range", async () => {
    const [{ id: other }] = await database.sql`insert into auth.users (id) values (gen_random_uuid()) returning id`;
    for (let i = 0; i < 5; i++) await database.sql`select * from public.store_memory(${`another user's fact ${i}`}, user_id => ${other})`;
    const manifest = await createBackup(database.sql, store, "manual");
    await database.sql`delete from public.user_memories where user_id = ${other}`;
    const before = storage.requests.length;
    const result = await restoreBackup(database.sql, store, manifest.id, { userIds: [other], safetyBackup: false });
    expect(result.restored.user_memories).toBe(5);
    const reads = storage.requests.slice(before);
    const block = manifest.tables.user_memories.blocks!.find((b) => b.first <= other && other <= b.last)!;
    expect(reads).toContain(`range ${block.offset}-${block.offset + block.bytes - 1}`);
    // No whole per-user file was downloaded: every GET of one is a range.
    const perUserFiles = TABLES.filter((t) => t.perUser).map((t) => `/${t.name}.ndjson.gz`);
    const gets = reads.filter((r) => r.startsWith("GET ") && perUserFiles.some((f) => r.endsWith(f)));
    expect(gets.length).toBe(reads.filter((r) => r.startsWith("range ")).length);
  });

  it("restores one user through a server that ignores Range headers, from the whole object", async () => {
    const plain = await startFakeStorage("memory-backups", "service-role-key", { ranges: false });
    try {
      const plainStore = new SupabaseStorageStore({ url: plain.url, serviceKey: plain.serviceKey, bucket: plain.bucket });
      const [{ id: user }] = await database.sql`insert into auth.users (id) values (gen_random_uuid()) returning id`;
      for (let i = 0; i < 3; i++) await database.sql`select * from public.store_memory(${`a third user's fact ${i}`}, user_id => ${user})`;
      const manifest = await createBackup(database.sql, plainStore, "manual");
      await database.sql`delete from public.user_memories where user_id = ${user}`;
      const result = await restoreBackup(database.sql, plainStore, manifest.id, { userIds: [user], safetyBackup: false });
      expect(result.restored.user_memories).toBe(3);
      expect(plain.requests.some((r) => r.startsWith("range "))).toBe(false);
    } finally {
      await plain.close();
    }
  });
});
