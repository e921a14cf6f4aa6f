// `npm start` on a fresh embedded PGlite, then the README's quick-start curl commands as written (only the port
// is the test's own), checked for what the README says they answer; a second copy on the same port; Ctrl-C and
// SIGTERM sent to npm itself, with a request in flight. Each copy runs in its own process group, and no process
// of a group may outlive the test.
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { access, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openApiDocument } from "../shared/openapi/document.ts";
import { LOCAL_FUNCTIONS } from "../local/docs.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, run } from "../scripts/db/local-stack.ts";
import { freePort } from "./support/processes.ts";

let child: ChildProcess;
let output = "";
let mainOutput: () => string;
let dataDir: string;
let port: number;

/** The curl commands of the README's quick start, continuation lines joined. */
async function quickStartCommands(): Promise<string[]> {
  const readme = await readFile(`${ROOT}README.md`, "utf8");
  const section = readme.slice(readme.indexOf("## Quick start"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1];
  return block.replace(/\\\n\s*/g, "").split("\n").filter((line) => line.startsWith("curl"));
}

/** `npm start` in a process group of its own, its output collected. */
function npmStart(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const started = spawn("npm", ["start"], { cwd: ROOT, detached: true, env: { ...process.env, DATABASE_URL: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  started.stdout!.on("data", (d) => (text += d));
  started.stderr!.on("data", (d) => (text += d));
  return { child: started, output: () => text };
}

async function until(what: () => boolean, ms: number, label: string) {
  for (const end = Date.now() + ms; !what(); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${label}`);
  }
}

/** The processes still in a group (npm, the shell, node): none may be left once npm start has stopped. */
async function survivors(pgid: number): Promise<string[]> {
  const { stdout } = await run("ps", ["-o", "pid=,stat=,args=", "-g", String(pgid)]).catch(() => ({ stdout: "" }));
  // A zombie has exited already (its parent is gone, and init reaps it).
  return stdout.split("\n").filter((line) => line.trim() && !(line.trim().split(/\s+/)[1] ?? "").startsWith("Z"));
}

const exited = (c: ChildProcess) => new Promise<number | null>((resolve) => c.exitCode !== null ? resolve(c.exitCode) : c.once("exit", (code) => resolve(code)));

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "pglite-"));
  port = await freePort();
  const started = npmStart({ PORT: String(port), MEMORY_PGLITE_DIR: dataDir });
  child = started.child;
  mainOutput = started.output;
  await until(() => /export SERVICE_TOKEN=/.test(started.output()) || child.exitCode !== null, 120_000, "npm start ready");
  output = started.output();
  if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
}, 130_000);
afterAll(async () => {
  // Whatever a failed test left: the whole group goes.
  if (child?.pid) try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ }
  await rm(dataDir, { recursive: true, force: true });
});

describe("npm start", () => {
  it("starts on PGlite with the migrations applied and prints a token and curl examples", () => {
    expect(output).toMatch(new RegExp(`memory API ready on http://127\\.0\\.0\\.1:${port}/functions/v1 \\(database: PGlite`));
    expect(output).toMatch(/export TOKEN=ey/);
    expect(output).toMatch(/curl -s -X POST/);
  });

  it("answers the README's quick start as the README says", async () => {
    const token = /export TOKEN=(\S+)/.exec(output)![1];
    const commands = await quickStartCommands();
    expect(commands.length).toBe(4);
    const answers = [];
    for (const command of commands) {
      const { stdout } = await run("bash", ["-c", command.replaceAll("127.0.0.1:54321", `127.0.0.1:${port}`)], { env: { ...process.env, TOKEN: token } });
      answers.push(JSON.parse(stdout));
    }
    const [created, duplicate, search, list] = answers;
    expect(created).toMatchObject({ status: "created", version: 1 });
    expect(duplicate).toMatchObject({ status: "duplicate", id: created.id });
    expect(search.results[0]).toMatchObject({ id: created.id, fact: "Prefers vegetarian food", text_rank: 1, vector_rank: 1 });
    // Newest first: the demo user also has the memories the API reference's examples name.
    expect(list.memories[0].id).toBe(created.id);
  });

  it("serves any user a token from npx memory token names, made on its first call", async () => {
    const user = crypto.randomUUID();
    const { stdout } = await run("npx", ["memory", "token", "--user", user, "--port", String(port)], { cwd: ROOT });
    const token = stdout.trim();
    const stored = await fetch(`http://127.0.0.1:${port}/functions/v1/memory-store`, {
      method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ fact: "Keeps a sourdough starter called Clint" }),
    });
    expect(stored.status).toBe(201);
    const listed = await (await fetch(`http://127.0.0.1:${port}/functions/v1/memory-search`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(listed.memories.map((m: { fact: string }) => m.fact)).toEqual(["Keeps a sourdough starter called Clint"]);
    // Another user's token sees none of it: each local user is a user of its own.
    const other = (await run("npx", ["memory", "token", "--user", crypto.randomUUID(), "--port", String(port)], { cwd: ROOT })).stdout.trim();
    const theirs = await (await fetch(`http://127.0.0.1:${port}/functions/v1/memory-search`, { headers: { Authorization: `Bearer ${other}` } })).json();
    expect(theirs.memories).toEqual([]);
  });

  it("serves the OpenAPI document and the API reference page, authorized as the demo user", async () => {
    expect(output).toContain(`http://127.0.0.1:${port}/docs`);
    const document = await fetch(`http://127.0.0.1:${port}/functions/v1/openapi.json`);
    expect(await document.json()).toEqual(openApiDocument(undefined, LOCAL_FUNCTIONS));
    const page = await (await fetch(`http://127.0.0.1:${port}/docs`)).text();
    expect(page).toContain(JSON.stringify(/export TOKEN=(\S+)/.exec(output)![1]));
  });

  it("refuses a second copy on the same port before opening any data, naming PORT", async () => {
    const otherData = join(await mkdtemp(join(tmpdir(), "pglite-second-")), "data");
    const second = npmStart({ PORT: String(port), MEMORY_PGLITE_DIR: otherData });
    const code = await exited(second.child);
    expect(code).toBe(1);
    expect(second.output()).toMatch(new RegExp(`port ${port} is already in use.*PORT=`));
    expect(second.output()).not.toMatch(/\n\s+at /); // no stack trace
    await expect(access(otherData)).rejects.toThrow(); // nothing was opened or migrated
    expect(await survivors(second.child.pid!)).toEqual([]);
  });

  it("stops on SIGTERM sent to npm: one line, and no process left", async () => {
    const other = npmStart({ PORT: String(await freePort()), MEMORY_PGLITE_DIR: "memory://" });
    await until(() => /export SERVICE_TOKEN=/.test(other.output()), 120_000, "second npm start ready");
    process.kill(other.child.pid!, "SIGTERM");
    expect(await exited(other.child)).toBe(0);
    expect(other.output()).toMatch(/memory API stopped \(SIGTERM\)/);
    await new Promise((r) => setTimeout(r, 500));
    expect(await survivors(other.child.pid!)).toEqual([]);
  }, 130_000);

  it("stops on Ctrl-C (SIGINT to npm) after finishing the request in flight", async () => {
    const token = /export TOKEN=(\S+)/.exec(output)![1];
    // A request whose body is still arriving when the signal comes.
    const body = JSON.stringify({ fact: "Stored while the server was asked to stop" });
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    socket.on("data", (d) => (answer += d));
    await new Promise((r) => socket.once("connect", r));
    socket.write(`POST /functions/v1/memory-store HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`);
    await new Promise((r) => setTimeout(r, 300));
    process.kill(child.pid!, "SIGINT");
    await new Promise((r) => setTimeout(r, 300));
    socket.end(body.slice(10));
    await new Promise((r) => socket.once("close", r));
    expect(answer).toMatch(/^HTTP\/1\.1 201/);
    expect(await exited(child)).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(mainOutput()).toMatch(/memory API stopped \(SIGINT\)/);
    expect(await survivors(child.pid!)).toEqual([]);
  }, 60_000);
});
