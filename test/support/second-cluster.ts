// A second PostgreSQL cluster of the project's own stack (scripts/db/ctl.sh with its own folder and port), for
// tests that kill or restart the server: the shared test cluster stays up for the other suites.
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, run } from "../../scripts/db/local-stack.ts";
import { freePort } from "./processes.ts";

export interface SecondCluster {
  port: number;
  /** The `postgres` database, bootstrapped like a Supabase project and migrated. */
  url: string;
  /** `ctl.sh start`: after a crash it must wait out the recovery, not fail. */
  start(): Promise<void>;
  /** A fast shutdown, as a planned restart does. */
  stop(): Promise<void>;
  /** SIGKILL to the postmaster: the server crashes mid-work. */
  kill(): void;
  remove(): Promise<void>;
}

export async function startSecondCluster(): Promise<SecondCluster> {
  const state = mkdtempSync(join(tmpdir(), "memory-cluster-"));
  chmodSync(state, 0o755); // the server runs as the postgres user
  const port = await freePort();
  const env = { ...process.env, MEMORY_DB_STATE: join(state, "db"), MEMORY_DB_PORT: String(port) };
  const ctl = async (command: string) => {
    await run("bash", [`${ROOT}scripts/db/ctl.sh`, command], { cwd: ROOT, env, maxBuffer: 16 << 20 });
  };
  await ctl("start");
  const dataDir = (await run("readlink", ["-m", join(state, "db")])).stdout.trim();
  return {
    port,
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    start: () => ctl("start"),
    stop: () => ctl("stop"),
    kill() {
      const postmaster = Number(readFileSync(join(dataDir, "data", "postmaster.pid"), "utf8").split("\n")[0]);
      process.kill(postmaster, "SIGKILL");
    },
    async remove() {
      await ctl("stop").catch(() => {});
      rmSync(state, { recursive: true, force: true });
    },
  };
}
