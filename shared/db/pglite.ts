// The embedded database of `npm start`: PGlite with pgvector, bootstrapped like a Supabase project.
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { readFile } from "node:fs/promises";
import { pgliteExecutor, type SqlExecutor } from "./executor.ts";

export interface EmbeddedDatabase {
  pg: PGlite;
  db: SqlExecutor;
  close(): Promise<void>;
}

/** Opens (or creates) PGlite at dataDir, or in memory when dataDir is undefined, and applies bootstrapSql. */
export async function openEmbedded(dataDir: string | undefined, bootstrapPath: string): Promise<EmbeddedDatabase> {
  const pg = await PGlite.create({ dataDir, extensions: { vector } });
  await pg.exec(await readFile(bootstrapPath, "utf8"));
  return { pg, db: pgliteExecutor(pg), close: () => pg.close() };
}
