// Reads supabase/migrations the way the Supabase CLI does (<version>_<name>.sql, version order),
// with each migration's rollback script from supabase/migrations/down/ (a subfolder the CLI ignores).
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { splitStatements } from "./split.ts";

/** This project's migrations, wherever the code is run from. */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../supabase/migrations", import.meta.url));

const MIGRATION_FILE = /^([0-9]+)_(.*)\.sql$/;

export interface SqlScript {
  path: string;
  sql: string;
  statements: string[];
  checksum: string;
}

export interface MigrationFile extends SqlScript {
  version: string;
  name: string;
  fileName: string;
  down: SqlScript | null;
}

export function checksumOf(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

async function readScript(path: string): Promise<SqlScript> {
  const sql = await readFile(path, "utf8");
  return { path, sql, statements: splitStatements(sql), checksum: checksumOf(sql) };
}

async function listSqlFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const downNames = new Set(await listSqlFiles(join(dir, "down")));
  const migrations: MigrationFile[] = [];
  for (const fileName of await listSqlFiles(dir)) {
    const match = MIGRATION_FILE.exec(fileName);
    if (!match) continue;
    const script = await readScript(join(dir, fileName));
    const down = downNames.has(fileName) ? await readScript(join(dir, "down", fileName)) : null;
    migrations.push({ ...script, version: match[1], name: match[2], fileName, down });
  }
  return migrations.sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
}
