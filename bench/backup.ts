// npm run bench:backup — 1,000,000 memories with 384-dim embeddings: backup time, size against the uncompressed
// JSON of the same rows, verify time, restore time, peak memory; against pg_dump -Fc / pg_restore of the same
// tables in the same run.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { createBackup, LocalFolderStore, type Manifest, restoreBackup, TABLES, verifyBackup } from "../shared/backup/index.ts";
import { writeManifest } from "../shared/backup/manifest.ts";
import { postgresExecutor } from "../shared/db/executor.ts";
import { readMigrations } from "../shared/migrations/files.ts";
import { migrateUp } from "../shared/migrations/apply.ts";
import { bootstrap, MIGRATIONS_DIR, PG_BIN, recreateDatabase, startStack, urlFor } from "../scripts/db/local-stack.ts";
import { loadMemories } from "./lib/memories.ts";
import { machine } from "./lib/machine.ts";
import { codeAt } from "./lib/schema-at.ts";
import { timed } from "./lib/stats.ts";
import { writeSection } from "./lib/report.ts";

const run = promisify(execFile);
const DB = "memory_bench_backup";
// BENCH_COMPARE_REF=<git ref>: the restores also by the code at that commit, in the same run (a commit that reads
// backup format 3, from session 6 on; the format-2 baseline below needs no other commit).
const COMPARE_REF = process.env.BENCH_COMPARE_REF;
const USERS = Number(process.env.BENCH_USERS ?? 100);
const PER_USER = Number(process.env.BENCH_PER_USER ?? 10_000);
const PG = PG_BIN;
const MB = 2 ** 20;

/** Runs fn while sampling this process's resident memory; returns its time and the peak. */
async function measured<T>(fn: () => Promise<T>): Promise<{ seconds: number; peakMb: number; result: T }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  try {
    const [ms, result] = await timed(fn);
    return { seconds: ms / 1000, peakMb: Math.max(peak, process.memoryUsage().rss) / MB, result };
  } finally {
    clearInterval(timer);
  }
}

/** A copy of a backup as format 2 would have written it: its manifest without blocks, beside links to the same files. */
async function asWholeFiles(store: LocalFolderStore, folder: string, manifest: Manifest): Promise<string> {
  const id = `${manifest.id}-whole`;
  await mkdir(join(folder, id));
  for (const entry of Object.values(manifest.tables)) await symlink(join(folder, manifest.id, entry.file), join(folder, id, entry.file));
  const tables = Object.fromEntries(Object.entries(manifest.tables).map(([name, { blocks: _blocks, ...entry }]) => [name, entry]));
  await writeManifest(store, { ...manifest, id, format: "supabase-chat-memory-backup/2", tables });
  return id;
}

async function wipe(sql: postgres.Sql) {
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    for (const t of [...TABLES].reverse()) await tx.unsafe(`delete from public.${t.name}`);
  });
}

async function main() {
  await startStack();
  console.log(`loading ${USERS} x ${PER_USER} memories into ${DB} ...`);
  await recreateDatabase(DB);
  await bootstrap(DB, { testHelpers: false });
  const sql = postgres(urlFor(DB), { max: 2, onnotice: () => {} });
  await migrateUp(postgresExecutor(sql), await readMigrations(MIGRATIONS_DIR));
  await loadMemories(sql, USERS, PER_USER);
  const folder = await mkdtemp(join(tmpdir(), "bench-backup-"));
  const store = new LocalFolderStore(folder);
  try {
    const [{ json_bytes }] = await sql`select sum(octet_length(row_to_json(t)::text) + 1)::bigint as json_bytes
      from (select id, user_id, fact, memory_type, category, importance_score, confidence_score, is_active, duplicate_of,
                   source_conversation_id, version, previous_version_id, embedding, embedding_model, metadata, created_at,
                   updated_at, last_accessed_at, expires_at from public.user_memories) t`;
    const backup = await measured(() => createBackup(sql, store, "manual"));
    const size = Object.values(backup.result.tables).reduce((n, e) => n + e.bytes, 0);
    const verify = await measured(() => verifyBackup(store, backup.result.id));
    if (!verify.result.ok) throw new Error(`backup does not verify: ${JSON.stringify(verify.result.problems)}`);
    await wipe(sql);
    const restore = await measured(() => restoreBackup(sql, store, backup.result.id, { safetyBackup: false }));
    // One user of the hundred, over the data just restored: the "undo one user's mistake" case.
    const [{ user_id: oneUser }] = await sql`select user_id from public.user_memories limit 1`;
    const restoreUser = await measured(() => restoreBackup(sql, store, backup.result.id, { userIds: [oneUser], safetyBackup: false }));
    // The baseline in this run: the same backup read as format 2 (its manifest without blocks, the same files), so
    // the user's rows are found by reading every per-user file whole.
    const whole = await asWholeFiles(store, folder, backup.result);
    const restoreUserWhole = await measured(() => restoreBackup(sql, store, whole, { userIds: [oneUser], safetyBackup: false }));
    // As the CLI runs it: after a safety backup of what it replaces (that user's rows).
    const restoreUserSafe = await measured(() => restoreBackup(sql, store, backup.result.id, { userIds: [oneUser] }));
    // The same restores by the code at BENCH_COMPARE_REF, on the same backup and data, in this run.
    const earlier = COMPARE_REF ? (await import(`${codeAt(COMPARE_REF)}/shared/backup/index.ts`)).restoreBackup as typeof restoreBackup : null;
    const restoreUserBefore = earlier ? await measured(() => earlier(sql, store, backup.result.id, { userIds: [oneUser], safetyBackup: false })) : null;
    if (earlier) await wipe(sql);
    const restoreBefore = earlier ? await measured(() => earlier(sql, store, backup.result.id, { safetyBackup: false })) : null;

    const dumpFile = join(folder, "tables.dump");
    const tables = TABLES.flatMap((t) => ["-t", `public.${t.name}`]);
    const [dumpMs] = await timed(() => run(`${PG}/pg_dump`, ["-Fc", "--data-only", ...tables, "-f", dumpFile, urlFor(DB)]));
    const dumpSize = (await stat(dumpFile)).size;
    await wipe(sql);
    const [pgRestoreMs] = await timed(() => run(`${PG}/pg_restore`, ["--data-only", "--disable-triggers", "-d", urlFor(DB), dumpFile]));

    const rows = backup.result.tables.user_memories.rows;
    const smaller = 1 - size / Number(json_bytes);
    const report = `## bench:backup — ${rows.toLocaleString("en")} memories with 384-dim embeddings

Machine: ${machine()}. Run: ${new Date().toISOString()}. Local PostgreSQL; the backup folder on the same disk.

| measure | this backup | pg_dump -Fc / pg_restore (same tables, same run) | target |
| --- | --- | --- | --- |
| backup time | ${backup.seconds.toFixed(1)} s | ${(dumpMs / 1000).toFixed(1)} s | < 60 s |
| size | ${(size / MB).toFixed(0)} MiB, ${(100 * smaller).toFixed(0)}% smaller than the uncompressed JSON (${(Number(json_bytes) / MB).toFixed(0)} MiB) | ${(dumpSize / MB).toFixed(0)} MiB | ≥ 70% smaller |
| verify time | ${verify.seconds.toFixed(1)} s | (none) | |
| restore time (all tables, checked before commit) | ${restore.seconds.toFixed(1)} s | ${(pgRestoreMs / 1000).toFixed(1)} s | no slower than pg_restore |
| restore one user (${restoreUser.result.restored.user_memories.toLocaleString("en")} memories) over the restored data | ${restoreUser.seconds.toFixed(1)} s | (pg_restore restores tables, not users) | < 10 s |
| ... the same, the backup read as format 2 (every per-user file whole; same run, same code) | ${restoreUserWhole.seconds.toFixed(1)} s | | |
| ... the same, with its safety backup of that user first (the CLI's default) | ${restoreUserSafe.seconds.toFixed(1)} s | | |
| peak memory (RSS of the Node process: backup / verify / restore / restore one user) | ${backup.peakMb.toFixed(0)} / ${verify.peakMb.toFixed(0)} / ${restore.peakMb.toFixed(0)} / ${restoreUser.peakMb.toFixed(0)} MB | | < 256 MB |
${restoreBefore && restoreUserBefore ? `
The same restores by the code at ${COMPARE_REF}, on the same backup and data, in this run:

| measure | this code | at ${COMPARE_REF} | ratio |
| --- | --- | --- | --- |
| restore time (all tables) | ${restore.seconds.toFixed(1)} s | ${restoreBefore.seconds.toFixed(1)} s | ${(restore.seconds / restoreBefore.seconds).toFixed(2)}× |
| restore one user | ${restoreUser.seconds.toFixed(1)} s | ${restoreUserBefore.seconds.toFixed(1)} s | ${(restoreUser.seconds / restoreUserBefore.seconds).toFixed(2)}× |
` : ""}`;
    console.log(report);
    await writeSection("backup", report);
  } finally {
    await sql.end();
    await rm(folder, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
