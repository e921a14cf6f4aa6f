// Child processes the tests serve from: a free port, a process started until it prints what says it is ready,
// and an edge function entrypoint under the pinned Deno.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { ROOT } from "../../scripts/db/local-stack.ts";

export const DENO = `${ROOT}node_modules/.bin/deno`;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    }).on("error", reject);
  });
}

export interface Started {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
}

/** Spawns a command and waits until its output matches ready (or it exits, or timeoutMs passes: an error). */
export async function startUntil(command: string, args: string[], env: Record<string, string | undefined>, ready: RegExp,
  timeoutMs = 60_000): Promise<Started> {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  for (const until = Date.now() + timeoutMs; !ready.test(output); await new Promise((r) => setTimeout(r, 100))) {
    if (child.exitCode !== null) throw new Error(`${command} exited:\n${output}`);
    if (Date.now() > until) { child.kill(); throw new Error(`${command} was not ready within ${timeoutMs} ms:\n${output}`); }
  }
  return { child, output: () => output };
}

/** An edge function entrypoint served by the pinned Deno as deployed (the port from DENO_SERVE_ADDRESS). */
export async function serveUnderDeno(entrypoint: string, env: Record<string, string>): Promise<{ base: string; child: ChildProcess; output(): string }> {
  const port = await freePort();
  const started = await startUntil(DENO, ["run", "--allow-net", "--allow-env", "--allow-read", "--allow-sys", entrypoint],
    { ...env, DENO_SERVE_ADDRESS: `tcp:127.0.0.1:${port}` }, /Listening on/, 30_000);
  return { base: `http://127.0.0.1:${port}`, ...started };
}
