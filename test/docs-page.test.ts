// In a real browser (Debian's chromium, headless, driven by playwright-core): the typed client, imported as a module,
// and the API reference page npm start serves at /docs, which renders every operation of the OpenAPI document, with
// a store then a search made from the page reaching the API as the demo user.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OfflineEmbedder } from "../shared/embeddings/offline.ts";
import { OPERATIONS } from "../shared/openapi/document.ts";
import { postgresExecutor } from "../shared/db/executor.ts";
import { keepDocsExamples } from "../local/docs-examples.ts";
import { LOCAL_FUNCTIONS } from "../local/docs.ts";

/** The operations the page shows: those of the functions the server serves. */
const SERVED = OPERATIONS.filter((op) => (LOCAL_FUNCTIONS as readonly string[]).includes(op.fn));
import { startApi, type ApiFixture } from "./support/http.ts";
import { ROOT } from "../scripts/db/local-stack.ts";
import { provisionBrowser } from "../scripts/browser/index.ts";

const DOCS_USER = "00000000-0000-4000-8000-0000000000d0";
let api: ApiFixture;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // Installed by the global setup; this finds it.
  browser = await chromium.launch({ executablePath: await provisionBrowser(), args: ["--no-sandbox"] });
  api = await startApi({ embedder: new OfflineEmbedder(), docsUser: DOCS_USER });
  await api.database.sql`insert into auth.users (id) values (${DOCS_USER})`;
  // What npm start keeps for its demo user: the memories the examples name.
  await keepDocsExamples(postgresExecutor(api.database.sql), DOCS_USER);
  page = await browser.newPage();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

/** Opens an operation, fills its JSON body (or leaves what the page filled in), runs it and returns the status and
 * body the page shows. */
async function tryOperation(tag: string, operationId: string, body?: unknown): Promise<{ status: number; body: any }> {
  const operation = page.locator(`#operations-${tag}-${operationId}`);
  await operation.locator(".opblock-summary").click();
  if (body !== undefined) await operation.locator("textarea.body-param__text").fill(JSON.stringify(body));
  await operation.locator("button.execute").click();
  const response = operation.locator(".live-responses-table .response");
  await response.waitFor();
  const status = Number(await response.locator(".response-col_status").innerText());
  // A download (the export's Content-Disposition) is shown as a link, not as a body.
  const shown = response.locator(".response-col_description .highlight-code .microlight").first();
  const text = (await shown.count()) ? await shown.innerText() : "";
  let answer: unknown = text;
  try { answer = JSON.parse(text); } catch { /* shown as it is */ }
  return { status, body: answer };
}

describe("the typed client in a browser", () => {
  it("is imported as a module from the built package and stores and searches with fetch alone", async () => {
    // Built apart from client/dist/ (which the package test builds at the same time); the module imports nothing at run time.
    const out = await mkdtemp(join(tmpdir(), "client-build-"));
    await promisify(execFile)(`${ROOT}node_modules/.bin/tsc`, ["-p", `${ROOT}client/tsconfig.json`, "--outDir", out]);
    const bundle = await readFile(join(out, "client", "index.js"), "utf8");
    await rm(out, { recursive: true, force: true });
    const origin = api.base.replace(/\/functions\/v1$/, "");
    // Served from the page's own origin, as an app would serve its bundle.
    await page.route(`${origin}/app/memory-client.js`, (route) => route.fulfill({ body: bundle, contentType: "text/javascript" }));
    await page.goto(`${origin}/docs`);
    const token = await api.tokenFor(DOCS_USER);
    // A string, so that the test runner leaves the page's own import() as it is.
    const answer = await page.evaluate(`(async () => {
      const { createMemoryClient, MemoryApiError } = await import(${JSON.stringify(`${origin}/app/memory-client.js`)});
      const memory = createMemoryClient({ url: ${JSON.stringify(origin)}, accessToken: ${JSON.stringify(token)} });
      const stored = await memory.store({ fact: "Reads science fiction on the train" });
      const found = await memory.search({ query: "science fiction" });
      const refused = await memory.store({ fact: "" }).catch((e) => e instanceof MemoryApiError && e.details[0].field);
      return { stored: stored.id, found: found.map((r) => r.id), refused };
    })()`) as { stored: string; found: string[]; refused: string };
    expect(answer.found).toEqual([answer.stored]);
    expect(answer.refused).toBe("fact");
  });
});

describe("the API reference page", () => {
  it("lists every operation of the document", async () => {
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${api.base.replace(/\/functions\/v1$/, "")}/docs`);
    await page.locator(".opblock").first().waitFor();
    for (const op of SERVED) {
      await expect(page.locator(`#operations-${op.fn}-${op.operationId}`).count(), op.operationId).resolves.toBe(1);
    }
    await expect(page.locator(".opblock").count()).resolves.toBe(SERVED.length);
    expect(errors).toEqual([]);
  });

  it("runs every operation's example as the page shows it, on the first click: all 2xx", async () => {
    await page.goto(`${api.base.replace(/\/functions\/v1$/, "")}/docs`);
    await page.locator(".opblock").first().waitFor();
    const answers: Record<string, number> = {};
    const bodies: Record<string, unknown> = {};
    for (const op of SERVED) {
      const { status, body } = await tryOperation(op.fn, op.operationId);
      answers[op.operationId] = status;
      bodies[op.operationId] = body;
    }
    const refused = Object.entries(answers).filter(([, status]) => status >= 300);
    expect(refused, JSON.stringify(refused.map(([id]) => bodies[id]))).toEqual([]);
    expect(Object.keys(answers).length).toBe(SERVED.length);
  }, 120_000);

  it("stores a memory and finds it, as the demo user", async () => {
    await page.goto(`${api.base.replace(/\/functions\/v1$/, "")}/docs`);
    await page.locator(".opblock").first().waitFor();
    const stored = await tryOperation("memory-store", "storeMemory", { fact: "Grows tomatoes on the balcony", memory_type: "fact" });
    expect(stored).toMatchObject({ status: 201, body: { status: "created" } });
    const [row] = await api.database.sql`select user_id, fact from public.user_memories where id = ${stored.body.id}`;
    expect(row).toEqual({ user_id: DOCS_USER, fact: "Grows tomatoes on the balcony" });

    const found = await tryOperation("memory-search", "searchMemories", { query: "tomatoes" });
    expect(found.status).toBe(200);
    expect(found.body.results.map((r: { id: string }) => r.id)).toEqual([stored.body.id]);
  });
});
