// Backups on the real local PostgreSQL: round trip, per-user and per-table restore, writes during a backup,
// corruption, schema versions, and retention over a simulated year.
import { mkdtemp, readFile, rm, truncate, writeFile, cp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createBackup, expiredBackups, FORMAT, LocalFolderStore, pruneBackups, restoreBackup, RestoreRefused, TABLES, verifyBackup,
  type BackupKind, type Manifest,
} from "../shared/backup/index.ts";
import { writeManifest } from "../shared/backup/manifest.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

let database: TestDatabase;
let folder: string;
let store: LocalFolderStore;
let users: string[];

async function checksums(where = "true"): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const filter = table.perUser ? where : "true";
    const [{ md5 }] = await database.sql.unsafe(`select md5(coalesce(string_agg(row_to_json(t)::text, ',' order by ${table.key}), '')) as md5
      from (select * from public.${table.name} where ${filter}) t`);
    out[table.name] = md5;
  }
  return out;
}
const forUser = (u: string) => `user_id = '${u}'`;

async function fill(user: string, n: number) {
  const sql = database.sql;
  const [conversation] = await sql`insert into public.conversations (user_id, title) values (${user}, 'chat') returning id`;
  for (let i = 0; i < n; i++) {
    await sql`select * from public.store_memory(${`fact ${i} about ${["tea", "chess", "Lisbon", "cats"][i % 4]} for ${user.slice(0, 8)}`},
      'fact', importance_score => ${(i % 10) / 10}, source_conversation_id => ${conversation.id},
      embedding => tests.embedding(${i}), embedding_model => 'm', user_id => ${user}, idempotency_key => ${`k${i}`})`;
  }
  const [first] = await sql`select id from public.user_memories where user_id = ${user} and is_active order by created_at limit 1`;
  await sql`select * from public.update_memory(${first.id}, fact => 'a newer version of the first fact', user_id => ${user})`;
  await sql`select * from public.store_memory('FACT 1 about chess for ' || ${user.slice(0, 8)}, importance_score => 1, user_id => ${user})`;
  // Merged statements are kept as sightings, and backed up with everything else.
  await sql`select * from public.store_memory('fact 2 about Lisbon for ' || ${user.slice(0, 8)} || '!', importance_score => 0, user_id => ${user})`;
  await sql`insert into public.user_memories (user_id, fact, memory_type, created_at, expires_at) values
    (${user}, 'an expired memory', 'event', now() - interval '3 days', now() - interval '1 day')`;
  await sql`select * from public.search_memories('tea', user_id => ${user})`;
}

beforeAll(async () => {
  database = await createTestDatabase();
  folder = await mkdtemp(join(tmpdir(), "backups-"));
  store = new LocalFolderStore(folder);
  users = (await database.sql`insert into auth.users (id) select gen_random_uuid() from generate_series(1, 3) returning id`).map((r) => r.id);
  for (const u of users) await fill(u, 12);
});
afterAll(async () => {
  await database?.drop();
  await rm(folder, { recursive: true, force: true });
});

/** A copy of a backup under a new id, its manifest changed as given and sealed again (a digest that matches). */
async function copyOf(backup: Manifest, change: Partial<Manifest> = {}): Promise<string> {
  const id = `copy-${crypto.randomUUID()}`;
  await cp(join(folder, backup.id), join(folder, id), { recursive: true });
  await writeManifest(store, { ...backup, ...change, id });
  return id;
}

async function wipe() {
  await database.sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    for (const t of [...TABLES].reverse()) await tx.unsafe(`delete from public.${t.name}`);
  });
}

describe("backups", () => {
  let full: Manifest;
  let before: Record<string, string>;

  it("back up every table with counts and checksums, and verify", async () => {
    before = await checksums();
    full = await createBackup(database.sql, store, "daily");
    expect(Object.keys(full.tables)).toEqual(TABLES.map((t) => t.name));
    const [{ n }] = await database.sql`select count(*)::int as n from public.user_memories`;
    expect(full.tables.user_memories.rows).toBe(n);
    // Each user has a store that merged (a sighting) and one that absorbed the older memory (another).
    expect(full.tables.memory_sightings.rows).toBe(2 * users.length);
    expect(Object.keys(full.users).sort()).toEqual([...users].sort());
    expect(full.tables.user_memories.columns).not.toContain("fts");
    expect((await verifyBackup(store, full.id)).problems).toEqual([]);
  });

  it("restore everything after a wipe: every table's content is identical", async () => {
    await wipe();
    expect((await checksums()).user_memories).not.toBe(before.user_memories);
    const result = await restoreBackup(database.sql, store, full.id);
    expect(result.restored.user_memories).toBe(full.tables.user_memories.rows);
    expect(result.safetyBackupId).toMatch(/^safety-/);
    expect(await checksums()).toEqual(before);
  });

  it("restore over existing data, loading whole tables without their indexes: content, indexes and counters as before", async () => {
    const indexes = () => database.sql`select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by 1, 2`;
    const indexesBefore = await indexes();
    const oid = async () => (await database.sql`select 'public.user_memories_active_bits_idx'::regclass::oid as oid`)[0].oid;
    const bitsIndex = await oid();
    await database.sql`update public.user_memories set importance_score = 0.01 where is_active`;
    // Every table of at least one row takes the drop-and-rebuild path that large restores take.
    await restoreBackup(database.sql, store, full.id, { safetyBackup: false, rebuildIndexesFrom: 1 });
    expect(await checksums()).toEqual(before);
    expect(await indexes()).toEqual(indexesBefore);
    expect(await oid(), "the index was built anew").not.toBe(bitsIndex);
    const [{ unique }] = await database.sql`select indisunique as unique from pg_index where indexrelid = 'public.user_memories_active_fact_key'::regclass`;
    expect(unique).toBe(true);
    const [{ n }] = await database.sql`select count(*)::int as n from public.user_memories m where m.is_active
      and m.fts @@ websearch_to_tsquery('english', 'chess')`;
    expect(n).toBeGreaterThan(0);
  });

  it("restore one user: that user is as backed up, the others keep their changes", async () => {
    const [a, b] = users;
    await wipe();
    await restoreBackup(database.sql, store, full.id, { safetyBackup: false });
    const aBackedUp = await checksums(forUser(a));
    await database.sql`select * from public.store_memory('a memory after the backup', user_id => ${a})`;
    await database.sql`update public.conversations set title = 'changed by a' where user_id = ${a}`;
    await database.sql`select * from public.store_memory('another memory after the backup', user_id => ${b})`;
    const bChanged = await checksums(forUser(b));
    expect(await checksums(forUser(a))).not.toEqual(aBackedUp);
    // Given in upper case, as an operator may paste it: uuids compare the same.
    const result = await restoreBackup(database.sql, store, full.id, { userIds: [a.toUpperCase()], safetyBackup: false });
    expect(Object.keys(result.restored)).toEqual(TABLES.filter((t) => t.perUser).map((t) => t.name));
    expect(await checksums(forUser(a))).toEqual(aBackedUp);
    expect(await checksums(forUser(b))).toEqual(bChanged);
  });

  it("restore one table: only that table changes", async () => {
    await wipe();
    await restoreBackup(database.sql, store, full.id, { safetyBackup: false });
    await database.sql`update public.conversations set title = 'renamed'`;
    await database.sql`select * from public.store_memory('written after the backup', user_id => ${users[2]})`;
    const memoriesBefore = (await checksums()).user_memories;
    await restoreBackup(database.sql, store, full.id, { tables: ["conversations"], safetyBackup: false });
    const now = await checksums();
    expect(now.conversations).toBe(before.conversations);
    expect(now.user_memories).toBe(memoriesBefore);
  });

  it("stays consistent with its manifest while writes go on", async () => {
    const writer = postgres(database.url, { max: 4, onnotice: () => {} });
    let writing = true;
    const writes = (async () => {
      let i = 0;
      while (writing) {
        await writer`select * from public.store_memory(${`concurrent write ${i++} ${crypto.randomUUID()}`}, user_id => ${users[1]})`;
      }
      return i;
    })();
    const during = await createBackup(database.sql, store, "manual", { label: "during writes" });
    writing = false;
    expect(await writes).toBeGreaterThan(0);
    await writer.end();
    expect((await verifyBackup(store, during.id)).ok).toBe(true);
    await wipe();
    const result = await restoreBackup(database.sql, store, during.id, { safetyBackup: false });
    expect(result.restored).toEqual(Object.fromEntries(Object.entries(during.tables).map(([t, e]) => [t, e.rows])));
    const [stats] = await database.sql`select active_count from public.memory_user_stats where user_id = ${users[1]}`;
    const [{ n }] = await database.sql`select count(*)::int as n from public.user_memories where user_id = ${users[1]} and is_active`;
    expect(stats.active_count).toBe(n);
  });

  it.each([
    ["a flipped byte", async (dir: string) => {
      const file = join(dir, "user_memories.ndjson.gz");
      const bytes = await readFile(file);
      bytes[Math.floor(bytes.length / 2)] ^= 0xff;
      await writeFile(file, bytes);
    }, /checksum_mismatch|corrupt/],
    ["a truncated file", async (dir: string) => truncate(join(dir, "user_memories.ndjson.gz"), 40), /truncated|corrupt/],
    ["a deleted manifest", async (dir: string) => rm(join(dir, "manifest.json")), /missing_manifest/],
    // An intact manifest whose file checksum differs: every file decompresses and loads; only the verdict awaited
    // before commit can refuse it.
    ["files that load but do not match the manifest's checksum", async (dir: string) => {
      const m: Manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8"));
      m.tables.user_memories.sha256 = "0".repeat(64);
      await writeManifest(new LocalFolderStore(join(dir, "..")), m);
    }, /checksum_mismatch/],
  ])("refuses %s: verify says why and restore changes nothing", async (_, damage, problem) => {
    const copyId = await copyOf(full);
    await damage(join(folder, copyId));
    const verification = await verifyBackup(store, copyId);
    expect(verification.ok).toBe(false);
    expect(verification.problems.map((p) => p.problem).join()).toMatch(problem);
    const stateBefore = await checksums();
    const error = await restoreBackup(database.sql, store, copyId).catch((e) => e);
    expect(error).toBeInstanceOf(RestoreRefused);
    expect(error.reason).toBe("invalid_backup");
    expect(await checksums()).toEqual(stateBefore);
  });

  it("catches every changed byte of the manifest and its digest: verify says so, restore refuses before anything", async () => {
    const id = await copyOf(full);
    const backupsBefore = await store.ids();
    const stateBefore = await checksums();
    let flips = 0;
    for (const file of ["manifest.json", "manifest.json.sha256"]) {
      const path = join(folder, id, file);
      const original = await readFile(path);
      for (let at = 0; at < original.length; at++) {
        const damaged = Buffer.from(original);
        damaged[at] ^= 0x01; // the smallest change: '2' becomes '3', 'a' becomes '`'
        await writeFile(path, damaged);
        const verification = await verifyBackup(store, id);
        expect(verification.ok, `${file} byte ${at} changed`).toBe(false);
        expect(verification.problems[0].problem).toBe("corrupt_manifest");
        const error = await restoreBackup(database.sql, store, id).catch((e) => e);
        expect([error instanceof RestoreRefused, error.reason], `${file} byte ${at}: ${error.message}`).toEqual([true, "invalid_backup"]);
        flips++;
      }
      await writeFile(path, original);
    }
    expect((await verifyBackup(store, id)).ok).toBe(true);
    expect(flips).toBeGreaterThan(1000);
    expect(await store.ids()).toEqual(backupsBefore); // no safety backup was taken
    expect(await checksums()).toEqual(stateBefore);
  }, 120_000);

  it("catches changed bytes of every data file: verify says so, restore refuses and changes nothing", async () => {
    const id = await copyOf(full);
    const stateBefore = await checksums();
    for (const table of TABLES) {
      const path = join(folder, id, `${table.name}.ndjson.gz`);
      const original = await readFile(path);
      // The gzip header (some bytes of which no CRC covers), the middle, and the trailer (CRC and length).
      const offsets = [...new Set([0, 3, 4, 8, 9, 12, Math.floor(original.length / 2), original.length - 8, original.length - 4, original.length - 1])];
      for (const at of offsets) {
        const damaged = Buffer.from(original);
        damaged[at] ^= 0x01;
        await writeFile(path, damaged);
        const verification = await verifyBackup(store, id);
        expect(verification.ok, `${table.name} byte ${at} changed`).toBe(false);
        // The damaged table alone: the same load and verdict as a full restore, in a fraction of the time.
        const error = await restoreBackup(database.sql, store, id, { safetyBackup: false, tables: [table.name] }).catch((e) => e);
        expect([error instanceof RestoreRefused, error.reason], `${table.name} byte ${at}: ${error.message}`).toEqual([true, "invalid_backup"]);
        // One user's restore reads only the blocks holding that user's rows, checking each as it reads it: the
        // restore of a user whose block holds the changed byte is refused the same way.
        const block = full.tables[table.name].blocks?.find((b) => b.offset <= at && at < b.offset + b.bytes);
        if (block) {
          const userError = await restoreBackup(database.sql, store, id, { safetyBackup: false, userIds: [block.first] }).catch((e) => e);
          expect([userError instanceof RestoreRefused, userError.reason], `${table.name} byte ${at}, one user: ${userError.message}`)
            .toEqual([true, "invalid_backup"]);
        }
      }
      await writeFile(path, original);
    }
    expect(await checksums()).toEqual(stateBefore);
  }, 120_000);

  it("checks the manifest's counts against the rows, per table and per user", async () => {
    // Sealed (the digest matches), yet one user's count is one more than that user's rows in the file.
    const user = users[0];
    const counts = { ...full.users[user], user_memories: full.users[user].user_memories! + 1 };
    const other = users[1];
    const id = await copyOf(full, {
      users: { ...full.users, [user]: counts, [other]: { ...full.users[other], user_memories: full.users[other].user_memories! - 1 } },
    });
    const verification = await verifyBackup(store, id);
    expect(verification.problems).toEqual([expect.objectContaining({ file: "user_memories.ndjson.gz", problem: "user_count_mismatch",
      detail: expect.stringContaining(`${user}: ${full.users[user].user_memories} rows, manifest says ${counts.user_memories}`) })]);
    const error = await restoreBackup(database.sql, store, id, { safetyBackup: false }).catch((e) => e);
    expect(error.reason).toBe("invalid_backup");
    // Counts that do not add up to the table's are refused from the manifest alone.
    const inconsistent = await copyOf(full, { users: { ...full.users, [user]: counts } });
    expect((await verifyBackup(store, inconsistent)).problems).toEqual([expect.objectContaining({ problem: "corrupt_manifest",
      detail: expect.stringMatching(/user_memories: the per-user counts add up to/) })]);
  });

  it("refuses a backup missing a data file, naming it, before the safety backup", async () => {
    for (const table of TABLES) {
      const id = await copyOf(full);
      await rm(join(folder, id, `${table.name}.ndjson.gz`));
      const verification = await verifyBackup(store, id);
      expect(verification.problems).toEqual([expect.objectContaining({ file: `${table.name}.ndjson.gz`, problem: "missing_file" })]);
      const backupsBefore = await store.ids();
      const stateBefore = await checksums();
      const error = await restoreBackup(database.sql, store, id).catch((e) => e);
      expect([error.reason, error.message]).toEqual(["invalid_backup", expect.stringContaining(`${table.name}.ndjson.gz is missing`)]);
      expect(await store.ids()).toEqual(backupsBefore);
      expect(await checksums()).toEqual(stateBefore);
      await store.remove(id);
    }
  });

  it("takes its safety backup among the others, as a safety backup", async () => {
    const result = await restoreBackup(database.sql, store, full.id);
    const safety = (await verifyBackup(store, result.safetyBackupId!)).manifest!;
    expect([safety.kind, safety.label, result.safetyBackupId, safety.scope]).toEqual(["safety", `before restoring ${full.id}`,
      expect.stringMatching(/^safety-/), undefined]);
    expect(await store.ids()).toContain(result.safetyBackupId);
  });

  it("a user's restore backs up that user alone first, and restoring that safety backup undoes it, nothing else", async () => {
    const [target, other] = [users[2], users[1]];
    await database.sql`select * from public.store_memory('said after the backup', user_id => ${target})`;
    await database.sql`select * from public.store_memory('another user, after the backup', user_id => ${other})`;
    const targetBefore = await checksums(forUser(target));
    const result = await restoreBackup(database.sql, store, full.id, { userIds: [target.toUpperCase()] });
    const verification = await verifyBackup(store, result.safetyBackupId!);
    expect(verification.problems).toEqual([]);
    const safety = verification.manifest!;
    expect([safety.label, safety.scope, Object.keys(safety.users)]).toEqual([`before restoring ${full.id} (users ${target})`,
      { users: [target], tables: TABLES.filter((t) => t.perUser).map((t) => t.name) }, [target]]);
    expect(Object.keys(safety.tables).sort()).toEqual(TABLES.filter((t) => t.perUser).map((t) => t.name).sort());
    expect(safety.tables.user_memories.rows).toBe(safety.users[target].user_memories);
    // The safety backup restored as a whole puts back that user's rows as they were before, and touches nothing else.
    const othersBefore = await checksums(`user_id <> '${target}'`);
    const undone = await restoreBackup(database.sql, store, safety.id, { safetyBackup: false });
    expect(undone.restored.memory_settings).toBeUndefined();
    expect(await checksums(forUser(target))).toEqual(targetBefore);
    expect(await checksums(`user_id <> '${target}'`)).toEqual(othersBefore);
    // It holds that user only: another user's restore from it is refused before anything.
    const refused = await restoreBackup(database.sql, store, safety.id, { userIds: [other] }).catch((e) => e);
    expect([refused.reason, refused.message]).toEqual(["out_of_scope", expect.stringContaining(`holds only users ${target}`)]);
  });

  it("a table's restore backs up that table alone first", async () => {
    const result = await restoreBackup(database.sql, store, full.id, { tables: ["conversations"] });
    const safety = (await verifyBackup(store, result.safetyBackupId!)).manifest!;
    expect([safety.scope, Object.keys(safety.tables)]).toEqual([{ tables: ["conversations"] }, ["conversations"]]);
    const refused = await restoreBackup(database.sql, store, safety.id, { tables: ["user_memories"] }).catch((e) => e);
    expect(refused.reason).toBe("out_of_scope");
  });

  it("a partial backup holding rows outside its scope is refused as corrupt", async () => {
    const result = await restoreBackup(database.sql, store, full.id, { userIds: [users[0]] });
    const safety = (await verifyBackup(store, result.safetyBackupId!)).manifest!;
    const widened = await copyOf(safety, { scope: { users: [users[1]] } });
    expect((await verifyBackup(store, widened)).problems).toEqual([expect.objectContaining({ problem: "corrupt_manifest",
      detail: `it holds rows of user ${users[0]}, outside its scope` })]);
    // A user's part holds per-user tables only, and a table part only its tables.
    const shared = await copyOf(safety, { tables: { ...safety.tables, memory_settings: full.tables.memory_settings } });
    expect((await verifyBackup(store, shared)).problems).toEqual([expect.objectContaining({ problem: "corrupt_manifest",
      detail: "it holds table memory_settings, outside its scope" })]);
    const narrowed = await copyOf(full, { scope: { tables: ["conversations"] } });
    expect((await verifyBackup(store, narrowed)).problems).toEqual([expect.objectContaining({ problem: "corrupt_manifest",
      detail: expect.stringMatching(/^it holds table \w+, outside its scope$/) })]);
  });

  it("a partial backup is refused for a user id that is not a uuid, before anything is written", async () => {
    const before = await store.ids();
    await expect(createBackup(database.sql, store, "manual", { scope: { users: ["'); drop table x; --"] } }))
      .rejects.toThrow(/is not a uuid/);
    expect(await store.ids()).toEqual(before);
  });

  it("refuses a user id that is not a uuid before taking a safety backup or changing anything", async () => {
    const backupsBefore = await store.ids();
    const stateBefore = await checksums();
    const error = await restoreBackup(database.sql, store, full.id, { userIds: [users[0], "not-a-uuid"] }).catch((e) => e);
    expect([error.reason, error.message]).toEqual(["invalid_user_id", expect.stringMatching(/"not-a-uuid" is not a uuid/)]);
    expect(await store.ids()).toEqual(backupsBefore);
    expect(await checksums()).toEqual(stateBefore);
  });

  it("restores a table with a column its JSON text cannot fill (an array) by the JSON path, exactly", async () => {
    // A column a later migration could add: arrays write JSON that their input does not read.
    await database.sql`alter table public.conversations add column tags text[] default '{a,"b c",NULL}'`;
    try {
      const before = await checksums();
      const withTags = await createBackup(database.sql, store, "manual");
      expect(withTags.tables.conversations.columns).toContain("tags");
      await database.sql`update public.conversations set tags = '{}', title = 'changed'`;
      await restoreBackup(database.sql, store, withTags.id, { tables: ["conversations"], safetyBackup: false });
      expect(await checksums()).toEqual(before);
      const [{ tags, third }] = await database.sql`select tags::text as tags, tags[3] is null as third from public.conversations limit 1`;
      expect([tags, third]).toEqual(['{a,"b c",NULL}', true]);
    } finally {
      await database.sql`alter table public.conversations drop column tags`;
    }
  });

  it("still reads backups of formats 2 and 1 (whole files, no blocks; format 1 without a manifest digest)", async () => {
    const withoutBlocks = Object.fromEntries(Object.entries(full.tables).map(([name, { blocks: _blocks, ...entry }]) => [name, entry]));
    const user = users[1];
    // The user as format 3 restores them; the older formats must restore the same rows.
    await restoreBackup(database.sql, store, full.id, { userIds: [user], safetyBackup: false });
    const expected = await checksums(forUser(user));
    for (const format of ["supabase-chat-memory-backup/2", "supabase-chat-memory-backup/1"] as const) {
      const id = await copyOf(full, { format, tables: withoutBlocks });
      if (format.endsWith("/1")) await rm(join(folder, id, "manifest.json.sha256"));
      expect((await verifyBackup(store, id)).problems).toEqual([]);
      await database.sql`delete from public.user_memories where user_id = ${user}`;
      const result = await restoreBackup(database.sql, store, id, { userIds: [user], safetyBackup: false });
      expect(result.restored.user_memories).toBe(full.users[user].user_memories);
      expect(await checksums(forUser(user))).toEqual(expected);
    }
  });

  it("refuses a format 3 manifest whose blocks are missing or do not tile the file", async () => {
    const { blocks, ...entry } = full.tables.user_memories;
    const cases: [Partial<typeof full.tables.user_memories>, RegExp][] = [
      [{ blocks: undefined }, /user_memories has no blocks/],
      [{ blocks: blocks!.map((b, i) => (i === 0 ? { ...b, offset: 1 } : b)) }, /block 0 starts at byte 1, not 0/],
      [{ blocks: blocks!.map((b) => ({ ...b, bytes: b.bytes + 1 })) }, /blocks cover \d+ bytes of \d+/],
    ];
    for (const [change, problem] of cases) {
      const id = await copyOf(full, { tables: { ...full.tables, user_memories: { ...entry, ...change } } });
      expect((await verifyBackup(store, id)).problems, String(problem)).toEqual([expect.objectContaining({ problem: "corrupt_manifest",
        detail: expect.stringMatching(problem) })]);
    }
  });

  it("with small blocks, a user's rows span several and each user restores alone, exactly", async () => {
    const small = await createBackup(database.sql, store, "manual", { blockBytes: 4096 });
    expect((await verifyBackup(store, small.id)).problems).toEqual([]);
    const blocks = small.tables.user_memories.blocks!;
    expect(blocks.length).toBeGreaterThan(users.length * 2);
    for (const user of users) {
      expect(blocks.filter((b) => b.first <= user && user <= b.last).length).toBeGreaterThan(1);
      const mine = await checksums(forUser(user));
      await database.sql`delete from public.user_memories where user_id = ${user}`;
      await restoreBackup(database.sql, store, small.id, { userIds: [user], safetyBackup: false });
      expect(await checksums(forUser(user))).toEqual(mine);
    }
  });

  it("every field of a block is checked: changed in a sealed manifest, verify says so and that user's restore changes nothing", async () => {
    // A block holding the end of one user's rows and the start of the next's: block sizes are tried until one
    // falls across a user's last row.
    let small: Manifest | null = null;
    for (let size = 5000; !small && size < 200_000; size = Math.ceil(size * 1.3)) {
      const candidate = await createBackup(database.sql, store, "manual", { blockBytes: size });
      if (candidate.tables.user_memories.blocks!.findIndex((b) => b.first < b.last) > 0) small = candidate;
    }
    const blocks = small!.tables.user_memories.blocks!;
    const at = blocks.findIndex((b) => b.first < b.last);
    const block = blocks[at];
    // Each change, and the users whose restore must be refused: those whose rows it hides or whose block it breaks.
    const both = [block.first, block.last];
    const changes: [Partial<typeof block>, string[]][] = [
      [{ first: "ffffffff-ffff-4fff-bfff-ffffffffffff" }, both], [{ first: block.last }, [block.first]],
      [{ last: "00000000-0000-4000-8000-000000000000" }, both], [{ last: block.first }, [block.last]],
      [{ offset: block.offset + 1 }, both], [{ bytes: block.bytes - 1 }, both], [{ sha256: "0".repeat(64) }, both],
    ];
    const stateBefore = await checksums();
    for (const [change, refused] of changes) {
      const id = await copyOf(small!, { tables: { ...small!.tables, user_memories: {
        ...small!.tables.user_memories, blocks: blocks.map((b, i) => (i === at ? { ...b, ...change } : b)) } } });
      const verification = await verifyBackup(store, id);
      expect(verification.ok, JSON.stringify(change)).toBe(false);
      for (const user of refused) {
        const error = await restoreBackup(database.sql, store, id, { userIds: [user], safetyBackup: false }).catch((e) => e);
        expect(error instanceof RestoreRefused && ["invalid_backup", "count_mismatch"].includes(error.reason),
          `${JSON.stringify(change)}, ${user}: ${error.message}`).toBe(true);
      }
    }
    expect(await checksums()).toEqual(stateBefore);
  });

  it("a file whose lines are not rows, sealed with a matching digest, is refused as damaged and changes nothing", async () => {
    const id = await copyOf(full);
    const entry = full.tables.conversations;
    const bytes = gzipSync(Buffer.from(`{"id":"${crypto.randomUUID()}","user_id":"${users[0]}","title":\n"chat"}\n`));
    await writeFile(join(folder, id, entry.file), bytes);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const sealed = await copyOf({ ...full, id }, { tables: { ...full.tables, conversations: { ...entry, bytes: bytes.length, sha256, blocks: [] , rows: 0 } },
      users: Object.fromEntries(Object.entries(full.users).map(([u, c]) => [u, Object.fromEntries(Object.entries(c).filter(([t]) => t !== "conversations"))])) });
    const stateBefore = await checksums();
    const error = await restoreBackup(database.sql, store, sealed, { tables: ["conversations"], safetyBackup: false }).catch((e) => e);
    expect([error instanceof RestoreRefused, error.reason, error.message]).toEqual([true, "invalid_backup",
      expect.stringMatching(/conversations\.ndjson\.gz is damaged \(no value at character \d+\)/)]);
    expect(await checksums()).toEqual(stateBefore);
  });

  it("refuses a backup from a newer schema", async () => {
    const newerId = await copyOf(full, { schemaVersion: "29991231235959" });
    const error = await restoreBackup(database.sql, store, newerId).catch((e) => e);
    expect([error.reason, error.message]).toEqual(["newer_schema", expect.stringMatching(/memory migrate up/)]);
  });
});

describe("retention over a simulated year", () => {
  const now = new Date("2027-01-31T12:00:00Z");
  const day = 86_400_000;
  const manifests: Manifest[] = [];
  const add = (kind: BackupKind, daysAgo: number) => manifests.push({
    format: FORMAT, id: `${kind}-${daysAgo}`, kind, createdAt: new Date(now.getTime() - daysAgo * day).toISOString(),
    schemaVersion: null, tables: {}, users: {},
  });
  for (let d = 0; d < 400; d++) add("daily", d);
  for (let d = 0; d < 400; d += 7) add("weekly", d + 0.5);
  for (let d = 0; d < 400; d += 30) add("monthly", d + 0.25);
  for (const d of [3, 90, 200, 380]) add("manual", d + 0.1);

  it("keeps 30 days of daily, 12 weeks of weekly, 12 months of monthly backups, and every manual one", () => {
    const expired = new Set(expiredBackups(manifests, now));
    const kept = manifests.filter((m) => !expired.has(m.id));
    const count = (kind: BackupKind) => kept.filter((m) => m.kind === kind).length;
    expect([count("daily"), count("weekly"), count("monthly"), count("manual")]).toEqual([31, 12, 13, 4]);
    expect(kept.every((m) => m.kind === "manual" || now.getTime() - Date.parse(m.createdAt) <= { daily: 30, weekly: 84, monthly: 365, manual: 0, safety: 0 }[m.kind] * day)).toBe(true);
  });

  it("never deletes the newest backup, however old", () => {
    const old = [{ id: "daily-old", kind: "daily", createdAt: "2020-01-01T00:00:00Z" } as Manifest];
    expect(expiredBackups(old, now)).toEqual([]);
  });

  it("prune removes exactly the expired backups from the store", async () => {
    const dir = await mkdtemp(join(tmpdir(), "prune-"));
    const s = new LocalFolderStore(dir);
    const sample = manifests.filter((_, i) => i % 9 === 0);
    for (const m of sample) await writeManifest(s, m);
    const removed = await pruneBackups(s, { now });
    expect(removed.sort()).toEqual(expiredBackups(sample, now).sort());
    expect((await s.ids()).sort()).toEqual(sample.map((m) => m.id).filter((id) => !removed.includes(id)).sort());
    await rm(dir, { recursive: true, force: true });
  });
});
