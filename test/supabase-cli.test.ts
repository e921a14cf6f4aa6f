// The pinned Supabase CLI deploys the migrations as they are: `supabase db push --db-url` on an empty
// bootstrapped database records every migration, with the same statement split this project computes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMigrations, type MigrationFile } from "../shared/migrations/files.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { bootstrap, MIGRATIONS_DIR } from "../scripts/db/local-stack.ts";
import { parseMigrationList, supabase } from "./support/supabase-cli.ts";

describe("supabase db push (pinned CLI)", () => {
  let database: TestDatabase;
  let migrations: MigrationFile[];
  beforeAll(async () => {
    database = await createTestDatabase({ template: null });
    await bootstrap(database.name, { testHelpers: false });
    migrations = await readMigrations(MIGRATIONS_DIR);
  });
  afterAll(async () => database?.drop());

  it("applies and records every migration", async () => {
    const output = await supabase(["db", "push", "--db-url", `${database.url}?sslmode=disable`, "--yes"]);
    expect(output).toMatch(/Finished supabase db push/);
    const rows = await database.sql<{ version: string; name: string; statements: string[] }[]>`
      select version, name, statements from supabase_migrations.schema_migrations order by version`;
    expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
    for (const [i, migration] of migrations.entries()) {
      expect(rows[i].name).toBe(migration.name);
      expect(rows[i].statements, `statement split of ${migration.fileName}`).toEqual(migration.statements);
    }
  });

  it("leaves a working schema", async () => {
    const [user] = await database.sql`insert into auth.users (id, email) values (gen_random_uuid(), 'cli@example.com') returning id`;
    await database.sql`insert into public.user_memories (user_id, fact, memory_type) values (${user.id}, 'likes jazz', 'preference')`;
    const found = await database.sql`select fact from public.user_memories where fts @@ websearch_to_tsquery('english', 'jazz')`;
    expect(found.map((r) => r.fact)).toEqual(["likes jazz"]);
  });

  it("lists every migration as applied on both sides", async () => {
    const output = await supabase(["migration", "list", "--db-url", `${database.url}?sslmode=disable`]);
    expect(parseMigrationList(output)).toEqual(migrations.map((m) => ({ local: m.version, remote: m.version })));
  });
});
