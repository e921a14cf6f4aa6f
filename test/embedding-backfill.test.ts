// Memories stored while the provider failed get their embeddings later: the backfill API and the CLI command.
import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withClaims } from "../shared/db/as-user.ts";
import { backfillEmbeddings } from "../shared/embeddings/backfill.ts";
import { OpenAiEmbedder } from "../shared/embeddings/openai.ts";
import { ROOT } from "../scripts/db/local-stack.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startFakeEmbeddingsApi, type FakeEmbeddingsApi } from "./support/fake-embeddings-api.ts";

let database: TestDatabase;
let api: FakeEmbeddingsApi;

beforeAll(async () => {
  database = await createTestDatabase();
  api = await startFakeEmbeddingsApi();
  const users = await database.sql`insert into auth.users (id) select gen_random_uuid() from generate_series(1, 2) returning id`;
  for (const [u, { id }] of users.entries()) {
    await database.sql`insert into public.user_memories (user_id, fact, memory_type, created_at, updated_at)
      select ${id}, 'pending fact ' || ${u} || ' number ' || g, 'fact', now() - interval '3 days', now() - interval '3 days'
      from generate_series(1, 7) g`;
  }
  await database.sql`insert into public.user_memories (user_id, fact, memory_type, embedding, embedding_model)
    values (${users[0].id}, 'already embedded', 'fact', ${`[${Array(384).fill(0.05).join(",")}]`}::extensions.vector, 'other-model')`;
});
afterAll(async () => {
  await database?.drop();
  await api?.close();
});

const pending = async () => (await database.sql`select count(*)::int as n from public.user_memories where embedding is null`)[0].n;

describe("embedding backfill", () => {
  it("leaves everything pending when the provider fails, and says so", async () => {
    api.mode = "error";
    const result = await backfillEmbeddings(database.db, new OpenAiEmbedder({ baseUrl: api.baseUrl, model: "m" }), { batchSize: 5 });
    api.mode = "ok";
    expect(result).toMatchObject({ embedded: 0, failedBatches: 3, remaining: 14 });
    expect(await pending()).toBe(14);
  });

  it("embeds every pending memory in batches, without moving updated_at or touching embedded ones", async () => {
    api.requests.length = 0;
    const result = await backfillEmbeddings(database.db, new OpenAiEmbedder({ baseUrl: api.baseUrl, model: "backfill-model" }), { batchSize: 5 });
    expect(result).toEqual({ embedded: 14, skipped: 0, failedBatches: 0, remaining: 0 });
    expect(api.requests.map((r) => r.input.length)).toEqual([5, 5, 4]);
    const models = await database.sql`select embedding_model, count(*)::int as n, bool_and(updated_at < now() - interval '2 days') as old
      from public.user_memories group by embedding_model order by 1`;
    expect(models).toEqual([{ embedding_model: "backfill-model", n: 14, old: true }, { embedding_model: "other-model", n: 1, old: false }]);
  });

  it("is for service_role only", async () => {
    const [{ id }] = await database.sql`select id from auth.users limit 1`;
    const error = await withClaims(database.sql, { role: "authenticated", sub: id }, (tx) => tx`select * from public.memories_pending_embedding()`)
      .catch((e) => e);
    expect(error.code).toBe("42501");
  });

  it("does not put an old text's embedding on a memory updated meanwhile (it keeps its id)", async () => {
    const [{ id: user }] = await database.sql`insert into auth.users (id) values (gen_random_uuid()) returning id`;
    const [{ id }] = await database.sql`insert into public.user_memories (user_id, fact, memory_type)
      values (${user}, 'racing fact before', 'fact') returning id`;
    // The user updates the memory while the provider embeds what the backfill read.
    const inner = new OpenAiEmbedder({ baseUrl: api.baseUrl, model: "race-model" });
    const racing = { model: inner.model, async embed(texts: string[]) {
      if (texts.includes("racing fact before")) {
        await database.sql`select * from public.update_memory(${id}, fact => 'racing fact after', user_id => ${user})`;
      }
      return inner.embed(texts);
    } };
    const result = await backfillEmbeddings(database.db, racing, { batchSize: 100 });
    expect(result.skipped).toBe(1);
    const [row] = await database.sql`select fact, embedding_model from public.user_memories where id = ${id}`;
    expect(row).toEqual({ fact: "racing fact after", embedding_model: null });
    expect((await backfillEmbeddings(database.db, inner, { batchSize: 100 })).embedded).toBe(1);
    await database.sql`delete from auth.users where id = ${user}`;
  });

  it("runs from the CLI: memory embeddings backfill", async () => {
    await database.sql`update public.user_memories set embedding = null, embedding_model = null where embedding_model = 'backfill-model'`;
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile("node", [`${ROOT}bin/memory.js`, "embeddings", "backfill", "--json", "--batch", "10", "--db-url", database.url], {
        env: { ...process.env, EMBEDDINGS_PROVIDER: "openai", EMBEDDINGS_BASE_URL: api.baseUrl, EMBEDDINGS_MODEL: "cli-model" },
      }, (error, out) => resolve({ code: error ? Number(error.code) : 0, stdout: out }));
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ model: "cli-model", embedded: 14, skipped: 0, failedBatches: 0, remaining: 0 });
  });
});
