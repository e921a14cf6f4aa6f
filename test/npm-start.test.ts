// `npm start` on a fresh embedded PGlite, then the README's quick-start curl commands as written (only the port
// is the test's own), checked for what the README says they answer.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, run } from "../scripts/db/local-stack.ts";
import { freePort } from "./support/processes.ts";

let child: ChildProcess;
let output = "";
let dataDir: string;
let port: number;

/** The curl commands of the README's quick start, continuation lines joined. */
async function quickStartCommands(): Promise<string[]> {
  const readme = await readFile(`${ROOT}README.md`, "utf8");
  const section = readme.slice(readme.indexOf("## Quick start"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1];
  return block.replace(/\\\n\s*/g, "").split("\n").filter((line) => line.startsWith("curl"));
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "pglite-"));
  port = await freePort();
  child = spawn("npm", ["start"], { cwd: ROOT, env: { ...process.env, PORT: String(port), MEMORY_PGLITE_DIR: dataDir, DATABASE_URL: "" }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  for (let i = 0; i < 600 && !/export SERVICE_TOKEN=/.test(output); i++) {
    if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, 120_000);
afterAll(async () => {
  child?.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 300));
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
    expect(list.memories.map((m: { id: string }) => m.id)).toEqual([created.id]);
  });
});
