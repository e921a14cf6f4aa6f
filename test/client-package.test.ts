// The client as an app installs it: `npm pack` of client/ (which builds it), the tarball installed into an empty
// project, and a scratch app compiled under strict TypeScript that uses every call against the running `npm start`
// server, from Node, Deno and Chromium. No error may reach the app but a MemoryApiError, a server that cannot be
// reached included.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../scripts/db/local-stack.ts";
import { provisionBrowser } from "../scripts/browser/index.ts";
import { DENO, freePort, startUntil, type Started } from "./support/processes.ts";

const exec = promisify(execFile);
const PACKAGE = "supabase-chat-memory-client";

// The scratch app: one scenario, run by each runtime's own entry. Strict TypeScript, the package's types only.
const SCENARIO = `
import { createMemoryClient, MemoryApiError, type ListedMemory } from "${PACKAGE}";

export async function scenario(url: string, token: string): Promise<Record<string, unknown>> {
  const memory = createMemoryClient({ url, accessToken: token });
  const first = await memory.store({ fact: "The user swims in the lake every morning", agent_id: "coach", metadata: { source: "chat" } });
  const batch = await memory.storeMany({ items: [
    { fact: "The user has a brother called Tomas" },
    { fact: "The user swims in the lake every morning", agent_id: "coach" },
    { fact: "The user is learning the violin", run_id: "thread-1", metadata: { source: "chat" } },
  ] });
  const found = await memory.search({ query: "swims lake", agent_id: "coach", metadata_filter: { source: "chat" } });
  const got = await memory.get({ id: first.id });
  const updated = await memory.update({ id: first.id, fact: "The user swims in the lake every evening" });
  const history = await memory.history({ id: first.id });
  const forgotten = await memory.forget({ id: first.id });
  const listed: ListedMemory[] = [];
  for await (const page of memory.list({ page_size: 1 })) listed.push(...page);
  const document = await memory.export();
  const erased = await memory.erase({ confirm: "erase my memories" });
  const imported = await memory.import(document);
  const afterImport: ListedMemory[] = [];
  for await (const page of memory.list({ page_size: 50 })) afterImport.push(...page);
  const refused = await memory.store({ fact: "" }).then(() => null, (e: unknown) => e instanceof MemoryApiError ? e.details[0]?.field : String(e));
  const nowhere = createMemoryClient({ url: "http://127.0.0.1:9", accessToken: token });
  const unreachable = await nowhere.search({ query: "lake" }).then(() => null,
    (e: unknown) => e instanceof MemoryApiError ? \`\${e.status} \${e.code}\` : String(e));
  await memory.erase({ confirm: "erase my memories" });
  return {
    batch: batch.results.map((r) => [r.item, r.status]),
    found: found.map((r) => r.id).sort(), expectedFound: [first.id].sort(),
    got: got.id === first.id, updated: updated.id === first.id, versions: history.filter((h) => h.kind === "version").length,
    forgotten: forgotten.status, listed: listed.length, exported: document.memories.length, erased,
    imported: imported.tables.some((t) => t.imported > 0), afterImport: afterImport.length, refused, unreachable,
  };
}
`;

const TSCONFIG = {
  compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: false,
    lib: ["ES2022", "DOM"], types: [], skipLibCheck: false, outDir: "out" },
  files: ["scenario.ts"],
};

let project: string;
let data: string;
let server: Started;
let url: string;
let token: string;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "client-app-"));
  const packed = await exec("npm", ["pack", "--pack-destination", project, "--silent"], { cwd: `${ROOT}client` });
  const tarball = join(project, packed.stdout.trim().split("\n").pop()!);
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "scratch-app", private: true, type: "module" }));
  await exec("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], { cwd: project });
  await writeFile(join(project, "scenario.ts"), SCENARIO);
  await writeFile(join(project, "tsconfig.json"), JSON.stringify(TSCONFIG));
  await exec(`${ROOT}node_modules/.bin/tsc`, ["-p", project]);
  await writeFile(join(project, "node-main.js"),
    `import { scenario } from "./out/scenario.js";\nconsole.log(JSON.stringify(await scenario(process.env.URL, process.env.TOKEN)));\n`);
  await writeFile(join(project, "deno-main.js"),
    `import { scenario } from "./out/scenario.js";\nconsole.log(JSON.stringify(await scenario(Deno.env.get("URL"), Deno.env.get("TOKEN"))));\n`);

  const port = await freePort();
  data = await mkdtemp(join(tmpdir(), "client-app-pglite-"));
  server = await startUntil("npm", ["start"], { PORT: String(port), MEMORY_PGLITE_DIR: data, DATABASE_URL: "" }, /export SERVICE_TOKEN=/, 120_000);
  url = `http://127.0.0.1:${port}`;
  // A user of its own, as an app's user would be (npm start makes it on its first call).
  token = (await exec("npx", ["memory", "token", "--user", crypto.randomUUID(), "--port", String(port)], { cwd: ROOT })).stdout.trim();
}, 240_000);

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    const exited = new Promise((resolve) => server.child.once("exit", resolve));
    server.child.kill("SIGTERM");
    await exited;
  }
  for (const dir of [project, data]) if (dir) await rm(dir, { recursive: true, force: true });
});

/** What the scenario must answer in every runtime. */
function expectScenario(answer: Record<string, unknown>) {
  expect(answer).toMatchObject({
    batch: [[0, "created"], [1, "duplicate"], [2, "created"]],
    got: true, updated: true, versions: 2, forgotten: "forgotten", listed: 2, erased: 4, imported: true, afterImport: 2,
    refused: "fact", unreachable: "503 unreachable",
  });
  expect(answer.found).toEqual(answer.expectedFound);
  expect(answer.exported).toBeGreaterThanOrEqual(4);
}

describe("the client package", () => {
  it("installs with zod alone, in well under 5 MB besides it", async () => {
    expect((await readdir(join(project, "node_modules"))).filter((d) => !d.startsWith(".")).sort()).toEqual([PACKAGE, "zod"]);
    const size = async (path: string): Promise<number> => {
      const info = await stat(path);
      if (!info.isDirectory()) return info.size;
      let total = 0;
      for (const entry of await readdir(path)) total += await size(join(path, entry));
      return total;
    };
    expect(await size(join(project, "node_modules", PACKAGE))).toBeLessThan(5 * 1024 * 1024);
    const manifest = JSON.parse(await readFile(join(project, "node_modules", PACKAGE, "package.json"), "utf8"));
    expect(Object.keys(manifest.dependencies)).toEqual(["zod"]);
    expect(manifest.peerDependenciesMeta["@supabase/supabase-js"].optional).toBe(true);
  });

  it("runs the scratch app under Node", async () => {
    const { stdout } = await exec(process.execPath, ["node-main.js"], { cwd: project, env: { PATH: process.env.PATH, URL: url, TOKEN: token } });
    expectScenario(JSON.parse(stdout));
  }, 60_000);

  it("runs the scratch app under Deno, from the installed package", async () => {
    const { stdout } = await exec(DENO, ["run", "--allow-net", "--allow-env", "--allow-read", "deno-main.js"],
      { cwd: project, env: { ...process.env, URL: url, TOKEN: token } });
    expectScenario(JSON.parse(stdout));
  }, 60_000);

  it("runs the scratch app in Chromium, from the installed package served as the app's files", async () => {
    // The app's own origin serves its files; the package is mapped as a bundler would resolve it.
    const files = createServer(async (req, res) => {
      const path = join(project, decodeURIComponent(new URL(req.url!, "http://x").pathname));
      try {
        const body = await readFile(path);
        res.writeHead(200, { "Content-Type": path.endsWith(".js") ? "text/javascript" : "text/html" }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    const filesPort = await freePort();
    await new Promise<void>((resolve) => files.listen(filesPort, "127.0.0.1", resolve));
    await writeFile(join(project, "index.html"), `<!doctype html><script type="importmap">${JSON.stringify({
      imports: { [PACKAGE]: `/node_modules/${PACKAGE}/dist/client/index.js` } })}</script>`);
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: await provisionBrowser(), args: ["--no-sandbox"] });
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${filesPort}/index.html`);
      const answer = await page.evaluate(`import("/out/scenario.js").then((m) => m.scenario(${JSON.stringify(url)}, ${JSON.stringify(token)}))`);
      expectScenario(answer as Record<string, unknown>);
    } finally {
      await browser?.close();
      await new Promise<void>((resolve) => (files as Server).close(() => resolve()));
    }
  }, 90_000);
});
