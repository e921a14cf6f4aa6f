// `memory backup create|list|verify|restore|prune`: backups to a local folder (default ./backups).
import { parseArgs } from "node:util";
import {
  createBackup, KINDS, listBackups, LocalFolderStore, pruneBackups, restoreBackup, RestoreRefused, TABLES, verifyBackup,
  type BackupKind, type TableName,
} from "../shared/backup/index.ts";
import { databaseUrl, EXIT, failureMessage, operatorConnection, UsageError } from "./common.ts";

const USAGE = `usage: memory backup <create|list|verify|restore|prune> [options]

  create [--kind manual]          back up every memory table (kinds: daily, weekly, monthly, manual)
  list                            the backups in the folder, newest first
  verify <id>                     checksums, decompression and row counts; exit 1 if damaged
  restore <id> [--table T]... [--user ID]...   all tables, some tables, or some users (safety backup first)
  prune [--dry-run]               apply retention: daily 30 days, weekly 12 weeks, monthly 12 months

options:
  --dir DIR       the backup folder (default: ./backups, or $MEMORY_BACKUP_DIR)
  --db-url URL    database (default: $SUPABASE_DB_URL, then $DATABASE_URL)
  --json          machine-readable output
  -h, --help      this text`;

function progress(enabled: boolean) {
  let last = 0;
  return (label: string, rows: number, bytes?: number) => {
    if (!enabled || Date.now() - last < 200) return;
    last = Date.now();
    process.stderr.write(`\r${label}: ${rows.toLocaleString("en")} rows${bytes !== undefined ? `, ${(bytes / 1024).toFixed(0)} KiB` : ""}   `);
  };
}

export async function backupCommand(argv: string[]): Promise<number> {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv, allowPositionals: true,
      options: {
        dir: { type: "string" }, "db-url": { type: "string" }, kind: { type: "string", default: "manual" },
        table: { type: "string", multiple: true }, user: { type: "string", multiple: true },
        "dry-run": { type: "boolean", default: false }, json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    console.error(`memory backup: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const [sub, id] = positionals;
  if (values.help) { console.log(USAGE); return EXIT.ok; }
  if (!sub || !["create", "list", "verify", "restore", "prune"].includes(sub)) { console.error(USAGE); return EXIT.usage; }
  if ((sub === "verify" || sub === "restore") && !id) { console.error(`memory backup ${sub}: name the backup id (memory backup list)`); return EXIT.usage; }
  if (!(KINDS as readonly string[]).includes(values.kind)) { console.error(`memory backup: --kind must be one of ${KINDS.join(", ")}`); return EXIT.usage; }
  const unknown = (values.table ?? []).filter((t) => !TABLES.some((x) => x.name === t));
  if (unknown.length) { console.error(`memory backup: unknown table ${unknown.join(", ")}; tables: ${TABLES.map((t) => t.name).join(", ")}`); return EXIT.usage; }
  const store = new LocalFolderStore(values.dir ?? process.env.MEMORY_BACKUP_DIR ?? "backups");
  const print = (json: unknown, text: string) => console.log(values.json ? JSON.stringify(json, null, 2) : text);
  const show = progress(!values.json && process.stderr.isTTY === true);

  if (sub === "list" || sub === "verify" || sub === "prune") {
    if (sub === "list") {
      const all = await listBackups(store);
      print(all.map((b) => ({ id: b.id, kind: b.manifest?.kind ?? null, label: b.manifest?.label ?? null, createdAt: b.manifest?.createdAt ?? null,
        rows: b.manifest?.tables.user_memories?.rows ?? null, readable: b.manifest !== null })),
        all.map((b) => `${b.id}  ${b.manifest
          ? `${b.manifest.tables.user_memories?.rows ?? 0} memories  ${b.manifest.kind === "safety" ? "safety backup " : ""}${b.manifest.label ?? ""}`.trimEnd()
          : "(manifest missing or damaged: memory backup verify " + b.id + ")"}`).join("\n") || "no backups");
      return EXIT.ok;
    }
    if (sub === "verify") {
      const result = await verifyBackup(store, id, (file, rows) => show(file, rows));
      print(result, result.ok ? `ok: ${id}` : `DAMAGED: ${id}\n${result.problems.map((p) => `  ${p.file}: ${p.problem} (${p.detail})`).join("\n")}`);
      return result.ok ? EXIT.ok : EXIT.failed;
    }
    const removed = await pruneBackups(store, { dryRun: values["dry-run"] });
    print({ dryRun: values["dry-run"], removed }, removed.length ? removed.map((r) => `${values["dry-run"] ? "would remove" : "removed"} ${r}`).join("\n") : "nothing to prune");
    return EXIT.ok;
  }

  let url: string;
  try {
    url = databaseUrl(values["db-url"], "backup");
  } catch (error) {
    if (error instanceof UsageError) { console.error(error.message); return EXIT.usage; }
    throw error;
  }
  const sql = operatorConnection(url, "memory-backup");
  try {
    if (sub === "create") {
      const manifest = await createBackup(sql, store, values.kind as BackupKind, { onProgress: (p) => show(p.table, p.rows, p.bytes) });
      print(manifest, `created ${manifest.id}: ${Object.entries(manifest.tables).map(([t, e]) => `${t} ${e.rows}`).join(", ")}`);
      return EXIT.ok;
    }
    const result = await restoreBackup(sql, store, id, {
      tables: values.table as TableName[] | undefined, userIds: values.user, onProgress: (table, rows) => show(table, rows),
    });
    print(result, `restored ${id}: ${Object.entries(result.restored).map(([t, n]) => `${t} ${n}`).join(", ")}; safety backup ${result.safetyBackupId}`);
    return EXIT.ok;
  } catch (error) {
    if (values.json && error instanceof RestoreRefused) console.log(JSON.stringify({ error: { reason: error.reason, message: error.message } }));
    console.error(`memory backup ${sub}: ${failureMessage(error)}`);
    return EXIT.failed;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
