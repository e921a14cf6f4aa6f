// `npm run db:types`: the TypeScript types of the database for supabase-js, as `supabase gen types typescript`
// writes them, made without Docker: Supabase's own generator (@supabase/postgres-meta, which the CLI runs in a
// container) against a database built from the migrations. test/database-types.test.ts fails when the checked-in
// file and the migrations disagree.
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { adminSql, buildFromMigrations, ROOT, startStack, urlFor } from "./local-stack.ts";

export const DATABASE_TYPES = `${ROOT}shared/database.types.ts`;
const GENERATOR = `${ROOT}node_modules/@supabase/postgres-meta/dist/server/server.js`;

/** The types of the schemas the API exposes (public), as the generator prints them for `database`. */
export async function generateTypes(database: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [GENERATOR], {
    env: {
      ...process.env, PG_META_DB_URL: urlFor(database), PG_META_GENERATE_TYPES: "typescript",
      PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS: "public", NODE_NO_WARNINGS: "1",
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

async function main() {
  await startStack();
  const name = "memory_types_gen";
  await buildFromMigrations(name);
  try {
    await writeFile(DATABASE_TYPES, await generateTypes(name));
    console.error(`db:types: wrote ${DATABASE_TYPES}`);
  } finally {
    const sql = adminSql();
    await sql.unsafe(`drop database if exists "${name}" with (force)`).finally(() => sql.end());
  }
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
