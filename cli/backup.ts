// `memory backup create|list|verify|restore|prune`: backups to a local folder (default ./backups).
import {
  createBackup, KINDS, listBackups, LocalFolderStore, pruneBackups, restoreBackup, RestoreRefused, TABLES, verifyBackup,
  type BackupKind, type TableName,
} from "../shared/backup/index.ts";
import { DATABASE_OPTIONS, DATABASE_USAGE, EXIT, type ExitCode, parseCommand, withDatabase } from "./command.ts";
import { bytes, plural, progress, table } from "./output.ts";
import { isUuid } from "../shared/schemas/fields.ts";

const USAGE = `usage: memory backup <create|list|verify|restore|prune> [options]

  create [--kind manual]  back up every memory table (kinds: daily, weekly, monthly, manual)
  list                    the backups in the folder, newest first
  verify <id>             checksums, decompression and row counts; exit 1 if damaged
  restore <id> [--table T]... [--user ID]...
                          all tables, some tables, or some users (safety backup first)
  prune [--dry-run]       apply retention: daily 30 days, weekly 12 weeks, monthly 12 months

options:
  --dir DIR               the backup folder (default: ./backups, or $MEMORY_BACKUP_DIR)
${DATABASE_USAGE}
  --json                  machine-readable output
  -h, --help              this text`;

/** Rows and bytes per table, as a bar over the rows the manifest (or the database's estimate) expects. */
function rowProgress(enabled: boolean, expected: Map<string, number>) {
  const bar = progress(enabled);
  const done = new Map<string, number>();
  const total = () => [...expected.values()].reduce((a, b) => a + b, 0);
  return {
    show(table: string, rows: number) {
      done.set(table, rows);
      const sum = [...done.values()].reduce((a, b) => a + b, 0);
      bar.update(sum, Math.max(total(), sum), `rows (${table})`);
    },
    stop: () => bar.stop(),
  };
}

function formatList(all: Awaited<ReturnType<typeof listBackups>>): string {
  if (all.length === 0) return "no backups";
  return `${table(["id", "kind", "created", "memories", "users", "size", "label"], all.map((b) => {
    const m = b.manifest;
    if (!m) return [b.id, "?", "", "", "", "", "manifest missing or damaged: memory backup verify " + b.id];
    const size = Object.values(m.tables).reduce((sum, t) => sum + t.bytes, 0);
    return [b.id, m.kind, m.createdAt.replace("T", " ").replace(/\.\d+Z$/, "Z"), m.tables.user_memories?.rows ?? 0,
      Object.keys(m.users).length, bytes(size), m.label ?? ""];
  }), { right: [3, 4, 5] })}\n${plural(all.length, "backup")}`;
}

export async function backupCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand("backup", USAGE, {
    ...DATABASE_OPTIONS, dir: { type: "string" }, kind: { type: "string", default: "manual" },
    table: { type: "string", multiple: true }, user: { type: "string", multiple: true }, "dry-run": { type: "boolean", default: false },
  }, argv);
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  const [sub, id] = positionals;
  if (!sub || !["create", "list", "verify", "restore", "prune"].includes(sub)) { console.error(USAGE); return EXIT.usage; }
  if ((sub === "verify" || sub === "restore") && !id) { console.error(`memory backup ${sub}: name the backup id (memory backup list)`); return EXIT.usage; }
  if (!(KINDS as readonly string[]).includes(values.kind!)) { console.error(`memory backup: --kind must be one of ${KINDS.join(", ")}`); return EXIT.usage; }
  const notUuid = (values.user ?? []).find((u) => !isUuid(u));
  if (notUuid !== undefined) { console.error(`memory backup: --user must be a user id (UUID), not '${notUuid}'`); return EXIT.usage; }
  if (positionals.length > (sub === "verify" || sub === "restore" ? 2 : 1)) {
    console.error(`memory backup ${sub}: unexpected argument '${positionals[sub === "verify" || sub === "restore" ? 2 : 1]}'`);
    return EXIT.usage;
  }
  const unknown = (values.table ?? []).filter((t) => !TABLES.some((x) => x.name === t));
  if (unknown.length) { console.error(`memory backup: unknown table ${unknown.join(", ")}; tables: ${TABLES.map((t) => t.name).join(", ")}`); return EXIT.usage; }
  const store = new LocalFolderStore(values.dir ?? process.env.MEMORY_BACKUP_DIR ?? "backups");
  const print = (json: unknown, text: string) => console.log(values.json ? JSON.stringify(json, null, 2) : text);
  if (id && !(await store.ids()).includes(id)) {
    console.error(`memory backup ${sub}: no backup ${id} in ${values.dir ?? process.env.MEMORY_BACKUP_DIR ?? "backups"} (memory backup list shows them)`);
    return EXIT.failed;
  }

  if (sub === "list") {
    const all = await listBackups(store);
    print(all.map((b) => ({ id: b.id, kind: b.manifest?.kind ?? null, label: b.manifest?.label ?? null, scope: b.manifest?.scope ?? null,
      createdAt: b.manifest?.createdAt ?? null,
      rows: b.manifest?.tables.user_memories?.rows ?? null, users: b.manifest ? Object.keys(b.manifest.users).length : null,
      bytes: b.manifest ? Object.values(b.manifest.tables).reduce((sum, t) => sum + t.bytes, 0) : null, readable: b.manifest !== null })),
      formatList(all));
    return EXIT.ok;
  }
  if (sub === "verify") {
    const manifest = (await listBackups(store)).find((b) => b.id === id)?.manifest;
    const bar = rowProgress(!values.json, new Map(Object.entries(manifest?.tables ?? {}).map(([t, e]) => [e.file, e.rows])));
    const result = await verifyBackup(store, id, (file, rows) => bar.show(file, rows));
    bar.stop();
    print(result, result.ok ? `ok: ${id}` : `DAMAGED: ${id}\n${result.problems.map((p) => `  ${p.file}: ${p.problem} (${p.detail})`).join("\n")}`);
    return result.ok ? EXIT.ok : EXIT.failed;
  }
  if (sub === "prune") {
    const removed = await pruneBackups(store, { dryRun: values["dry-run"] });
    print({ dryRun: values["dry-run"], removed }, removed.length ? removed.map((r) => `${values["dry-run"] ? "would remove" : "removed"} ${r}`).join("\n") : "nothing to prune");
    return EXIT.ok;
  }
  return withDatabase(`backup ${sub}`, values, async (sql): Promise<ExitCode> => {
    if (sub === "create") {
      const estimates = await sql`select relname, greatest(reltuples, 0)::bigint as n from pg_class
        where relnamespace = 'public'::regnamespace and relname = any(${TABLES.map((t) => t.name)})`;
      const bar = rowProgress(!values.json, new Map(estimates.map((r) => [r.relname as string, Number(r.n)])));
      const manifest = await createBackup(sql, store, values.kind as BackupKind, { onProgress: (p) => bar.show(p.table, p.rows) });
      bar.stop();
      print(manifest, `created ${manifest.id}: ${Object.entries(manifest.tables).map(([t, e]) => `${t} ${e.rows}`).join(", ")}`);
      return EXIT.ok;
    }
    const manifest = (await listBackups(store)).find((b) => b.id === id)?.manifest;
    const bar = rowProgress(!values.json, new Map(Object.entries(manifest?.tables ?? {}).map(([t, e]) => [t, e.rows])));
    try {
      const result = await restoreBackup(sql, store, id, {
        tables: values.table as TableName[] | undefined, userIds: values.user, onProgress: (t, rows) => bar.show(t, rows),
      });
      bar.stop();
      print(result, `restored ${id}: ${Object.entries(result.restored).map(([t, n]) => `${t} ${n}`).join(", ")}; safety backup ${result.safetyBackupId}`);
      return EXIT.ok;
    } catch (error) {
      bar.stop();
      if (values.json && error instanceof RestoreRefused) console.log(JSON.stringify({ error: { reason: error.reason, message: error.message } }));
      throw error;
    }
  });
}
