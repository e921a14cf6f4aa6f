// The `memory` command as an operator runs it: `node bin/memory.js ARGS`, in a process of its own.
import { execFile } from "node:child_process";
import { ROOT } from "../../scripts/db/local-stack.ts";

export interface CliRun { code: number; stdout: string; stderr: string }

/** Runs `memory ...args` with the environment given on top of this one; resolves with its exit code and output. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile("node", [`${ROOT}bin/memory.js`, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
  });
}
