// memory calibrate: thresholds of an embedding model from labelled pairs, with the offline embedder and with the
// local stand-in of an OpenAI-compatible embeddings API; --write stores them where store and search read them.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../scripts/db/local-stack.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { startFakeEmbeddingsApi, type FakeEmbeddingsApi } from "./support/fake-embeddings-api.ts";

const PAIRS = `${ROOT}bench/data/labelled-pairs.jsonl`;
let database: TestDatabase;
let api: FakeEmbeddingsApi;
let dir: string;

function memory(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("node", [`${ROOT}bin/memory.js`, "calibrate", ...args, "--db-url", database.url],
      { env: { ...process.env, ...env }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
  });
}

const settings = async (model: string) => (await database.sql`select duplicate_threshold, relevance_floor, calibration
  from public.memory_model_settings where embedding_model = ${model}`)[0];

beforeAll(async () => {
  database = await createTestDatabase();
  api = await startFakeEmbeddingsApi();
  dir = await mkdtemp(join(tmpdir(), "calibrate-"));
});
afterAll(async () => {
  await api?.close();
  await database?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe("memory calibrate", () => {
  it("measures the offline embedder on the shipped labelled set: no false merge, no answer to the unanswerable", async () => {
    await database.sql`update public.memory_model_settings set duplicate_threshold = 0.5, relevance_floor = 0 where embedding_model = 'offline-lexical-dense-384'`;
    const r = await memory(["--pairs", PAIRS, "--write", "--json"], { EMBEDDINGS_PROVIDER: "offline" });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.model).toBe("offline-lexical-dense-384");
    expect(out.duplicates.best).toMatchObject({ threshold: 0.95, precision: 1, fp: 0, acceptable: true });
    expect(out.duplicates.best.recall).toBeGreaterThan(0.75);
    expect(out.relevance.best).toMatchObject({ threshold: 0.38, acceptable: true });
    // Lower thresholds are listed too, with what they would cost.
    expect(out.duplicates.points.find((p: { threshold: number }) => p.threshold === 0.5).fp).toBeGreaterThan(0);
    const row = await settings("offline-lexical-dense-384");
    expect([row.duplicate_threshold, row.relevance_floor]).toEqual([0.95, 0.38]);
    expect(row.calibration.duplicates).toMatchObject({ pairs: 371, threshold: 0.95, precision: 1 });
    expect(row.calibration.relevance).toMatchObject({ pairs: 124, threshold: 0.38 });
  });

  it("calibrates a model behind an OpenAI-compatible API and creates its row", async () => {
    const r = await memory(["--pairs", PAIRS, "--model", "test-embed-384", "--write"],
      { EMBEDDINGS_PROVIDER: "openai", EMBEDDINGS_BASE_URL: api.baseUrl, EMBEDDINGS_API_KEY: "sk-test", EMBEDDINGS_MODEL: "other" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/model test-embed-384: 371 duplicate\/distinct pairs, 124 relevance judgements/);
    expect(r.stdout).toMatch(/<- best/);
    expect(api.requests.length).toBeGreaterThan(0);
    expect(api.requests.every((q) => q.model === "test-embed-384" && q.authorization === "Bearer sk-test")).toBe(true);
    // The stand-in answers with the offline vectors: the same measurement, under the model's own name.
    expect(await settings("test-embed-384")).toMatchObject({ duplicate_threshold: 0.95, relevance_floor: 0.38 });
  });

  it("keeps the other threshold when the set labels only one kind", async () => {
    const file = join(dir, "only-duplicates.jsonl");
    await writeFile(file, [
      { a: "Has two cats", b: "Has 2 cats", label: "duplicate" },
      { a: "Has two cats", b: "Has three cats", label: "distinct" },
    ].map((o) => JSON.stringify(o)).join("\n"));
    const r = await memory(["--pairs", file, "--model", "only-dup-model", "--write", "--json"], { EMBEDDINGS_PROVIDER: "offline" });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).relevance).toBeNull();
    const fallback = (await database.sql`select relevance_floor from public.memory_model_settings where embedding_model = '*'`)[0];
    expect((await settings("only-dup-model")).relevance_floor).toBe(fallback.relevance_floor);
  });

  it("refuses bad usage with exit 2, and a file that is not a labelled set with exit 1 naming the bad line", async () => {
    expect((await memory([], { EMBEDDINGS_PROVIDER: "offline" })).code).toBe(2);
    const file = join(dir, "bad.jsonl");
    await writeFile(file, `${JSON.stringify({ a: "x", b: "y", label: "duplicate" })}\n{"a": "x", "label": "maybe"}\n`);
    const r = await memory(["--pairs", file], { EMBEDDINGS_PROVIDER: "offline" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 2/);
    expect((await memory(["--pairs", join(dir, "missing.jsonl")], { EMBEDDINGS_PROVIDER: "offline" })).code).toBe(1);
    expect((await memory(["--pairs", PAIRS], { EMBEDDINGS_PROVIDER: "none" })).code).toBe(2);
  });
});
