// For every migration in the repo: up, down, up leaves the schema identical, data that a rollback does not
// touch survives, and a rollback that would destroy rows needs confirmation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateUp, readMigrations, rollback, MigrationRefused, type MigrationFile } from "../shared/migrations/manager.ts";
import type { TestDatabase } from "./support/database.ts";
import { MIGRATIONS_DIR } from "../scripts/db/local-stack.ts";
import { createEmptyDatabase, schemaDump } from "./support/migrations.ts";

let files: MigrationFile[];
beforeAll(async () => {
  files = await readMigrations(MIGRATIONS_DIR);
});

describe("migrations in the repo", () => {
  it("each has a rollback script in supabase/migrations/down", () => {
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => !f.down).map((f) => f.fileName)).toEqual([]);
  });

  it("each has a 14-digit version, in the Supabase CLI's file name form", () => {
    for (const f of files) expect(f.fileName).toMatch(/^\d{14}_[a-z0-9_]+\.sql$/);
  });
});

// PostgreSQL cannot put a column back where it was: a migration that must drop and re-add a stored generated column
// (to change the type of a column it reads) leaves it last in its table after the rollback. Its position is all that
// differs; it is left out of the comparison, and its definition and comment are compared on their own.
const MOVES_GENERATED_COLUMN: Record<string, { table: string; column: string }> = {
  "20261126130000_embedding_domain.sql": { table: "user_memories", column: "embedding_bits" },
};

function columnLine({ column }: { column: string }): RegExp {
  return new RegExp(`^    ${column} .*GENERATED ALWAYS AS .* STORED,?\\n`, "m");
}

function columnComment({ table, column }: { table: string; column: string }): RegExp {
  return new RegExp(`--\\n-- Name: COLUMN ${table}\\.${column}; Type: COMMENT;.*\\n--\\n\\nCOMMENT ON COLUMN .*\\n+`);
}

function columnDefinition(dump: string, moved: { table: string; column: string }): string {
  const line = dump.match(columnLine(moved))?.[0];
  const comment = dump.match(columnComment(moved))?.[0];
  if (!line || !comment) throw new Error(`${moved.table}.${moved.column} or its comment is not in the dump`);
  return `${line.replace(/,?\n$/, "")}\n${comment.trim()}`;
}

function withoutColumn(dump: string, moved: { table: string; column: string }): string {
  return dump.replace(columnLine(moved), "").replace(columnComment(moved), "");
}

describe("up, down, up", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createEmptyDatabase();
  });
  afterAll(async () => database?.drop());

  it("restores the schema exactly, one migration at a time", async () => {
    for (const migration of files) {
      const before = await schemaDump(database);
      await migrateUp(database.db, files, { to: migration.version });
      const after = await schemaDump(database);
      expect(after, `${migration.fileName} changes the schema or its seeded rows`).not.toBe(before);
      // yes: seed rows (memory_settings) count as data; this test is about the schema.
      const undone = await rollback(database.db, files, { yes: true });
      expect(undone.migrations.map((m) => m.version)).toEqual([migration.version]);
      const restored = await schemaDump(database);
      const moved = MOVES_GENERATED_COLUMN[migration.fileName];
      if (moved) {
        expect(columnDefinition(restored, moved), `down/${migration.fileName} restores ${moved.column}`).toBe(columnDefinition(before, moved));
        expect(withoutColumn(restored, moved), `down/${migration.fileName} restores the schema`).toBe(withoutColumn(before, moved));
      } else {
        expect(restored, `down/${migration.fileName} restores the schema`).toBe(before);
      }
      await migrateUp(database.db, files, { to: migration.version });
      expect(await schemaDump(database), `${migration.fileName} applies again identically`).toBe(after);
    }
  }, 300_000); // four schema dumps per migration
});

describe("data across down and up", () => {
  let database: TestDatabase;
  const first = 0;
  beforeAll(async () => {
    database = await createEmptyDatabase();
  });
  afterAll(async () => database?.drop());

  it("keeps rows of tables the rollback does not drop", async () => {
    await migrateUp(database.db, files, { to: files[first].version });
    const [user] = await database.sql`insert into auth.users (id, email) values (gen_random_uuid(), 'keep@example.com') returning id`;
    await database.sql`insert into public.conversations (user_id, title) values (${user.id}, 'kept')`;
    await migrateUp(database.db, files);
    const undone = await rollback(database.db, files, { to: files[first].version, yes: true });
    expect(undone.dataLoss.map((l) => l.target).join()).not.toMatch(/conversations/);
    expect(undone.migrations.length).toBe(files.length - 1);
    await migrateUp(database.db, files);
    const rows = await database.sql`select title from public.conversations`;
    expect(rows.map((r) => r.title)).toEqual(["kept"]);
  });

  it("refuses a rollback that would destroy rows unless confirmed, and changes nothing", async () => {
    const [user] = await database.sql`select id from auth.users where email = 'keep@example.com'`;
    await database.sql`insert into public.user_memories (user_id, fact, memory_type) values (${user.id}, 'likes tea', 'preference')`;
    const memories = files.find((f) => f.name === "user_memories")!;
    const newerThanMemories = files.filter((f) => f.version >= memories.version).map((f) => f.version).reverse();
    const beforeMemories = files[files.indexOf(memories) - 1].version;
    const error = await rollback(database.db, files, { to: beforeMemories }).catch((e) => e);
    expect(error).toBeInstanceOf(MigrationRefused);
    expect(error.reason).toBe("data_loss");
    expect(error.message).toMatch(/public\.user_memories \(has rows\)/);
    expect(error.message).toMatch(/--yes/);
    const [{ n }] = await database.sql`select count(*)::int as n from public.user_memories`;
    expect(n).toBe(1);
    const [{ applied }] = await database.sql`select count(*)::int as applied from supabase_migrations.schema_migrations`;
    expect(applied).toBe(files.length);

    const dry = await rollback(database.db, files, { to: beforeMemories, dryRun: true });
    expect(dry.migrations.map((m) => m.version)).toEqual(newerThanMemories);
    expect(dry.dataLoss.map((l) => l.target)).toContain("public.user_memories (has rows)");

    const done = await rollback(database.db, files, { to: beforeMemories, yes: true });
    expect(done.migrations.map((m) => m.version)).toEqual(newerThanMemories);
    const [{ exists }] = await database.sql`select to_regclass('public.user_memories') is not null as exists`;
    expect(exists).toBe(false);
  });

  it("audits every up and down with checksums, who and how long", async () => {
    const rows = await database.sql`
      select version, direction, migration_checksum, executed_by, duration_ms, rolled_back_at
        from supabase_migrations.memory_migration_audit order by id`;
    const memories = files.find((f) => f.name === "user_memories")!;
    const forLast = rows.filter((r) => r.version === memories.version);
    expect(forLast.map((r) => r.direction)).toEqual(["up", "down", "up", "down"]);
    expect(forLast.every((r) => r.migration_checksum === memories.checksum && r.executed_by === "postgres")).toBe(true);
    expect(forLast.filter((r) => r.direction === "up").every((r) => r.rolled_back_at !== null)).toBe(true);
    expect(rows.every((r) => Number.isInteger(r.duration_ms) && r.duration_ms >= 0)).toBe(true);
  });
});
