// shared/database.types.ts is what Supabase's generator writes for the migrated schema: a change to the migrations
// without `npm run db:types` fails here (and the typed supabase.rpc examples type-check against the file).
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { TEMPLATE_DB } from "../scripts/db/local-stack.ts";
import { DATABASE_TYPES, generateTypes } from "../scripts/db/gen-types.ts";

describe("database types", () => {
  it("match the migrations (regenerate with npm run db:types)", async () => {
    const generated = await generateTypes(TEMPLATE_DB);
    expect(generated).toMatch(/store_memory: \{\n\s+Args: \{/);
    expect(await readFile(DATABASE_TYPES, "utf8"), "shared/database.types.ts is stale: run npm run db:types").toBe(generated);
  }, 60_000);
});
