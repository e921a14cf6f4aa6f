// The service survives the database going away under load: the local server (`npm start` against PostgreSQL)
// and the edge functions under Deno keep running while the database is shut down, started again, killed and
// started again; requests meanwhile answer 503 JSON with Retry-After (never another 5xx, never a hang past the
// statement timeout), and service resumes without restarting anything. The CLI says the database is unavailable
// and exits 1, without a stack trace.
import type { ChildProcess } from "node:child_process";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.ts";
import { LOCAL_JWT_SECRET, localIssuer, userToken } from "../local/demo-auth.ts";
import { ROOT } from "../scripts/db/local-stack.ts";
import { ISSUER, SECRET } from "./support/http.ts";
import { freePort, serveUnderDeno, startUntil } from "./support/processes.ts";
import { startSecondCluster, type SecondCluster } from "./support/second-cluster.ts";

const STATEMENT_TIMEOUT_MS = 4000;

interface Endpoint { name: string; url: string; token: string; body: () => unknown; child: ChildProcess; output(): string }
interface Answer { endpoint: string; status: number; ms: number; code?: string; retryAfter: string | null; at: number }

let cluster: SecondCluster;
let user: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  cluster = await startSecondCluster();
  const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
  [{ id: user }] = await admin`insert into auth.users (id) values (gen_random_uuid()) returning id`;
  await admin.end();
}, 180_000);
afterAll(async () => {
  for (const child of children) child.kill();
  await cluster?.remove();
});

const cli = (args: string[]) => runCli([...args, "--db-url", cluster.url]);

async function call(endpoint: Endpoint): Promise<Answer> {
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(endpoint.url, {
      method: "POST",
      headers: { Authorization: `Bearer ${endpoint.token}`, "Content-Type": "application/json" },
      body: JSON.stringify(endpoint.body()),
      // Far past any deadline: a request still open then is a hang, and fails the test.
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    // No HTTP answer at all: the server died or hung. Status 0, with why.
    const e = error as Error & { cause?: { code?: string; message?: string } };
    return { endpoint: endpoint.name, status: 0, ms: performance.now() - started, code: e.cause?.code ?? e.name,
      retryAfter: null, at: Date.now() };
  }
  const text = await response.text();
  let code: string | undefined;
  try { code = JSON.parse(text)?.error?.code; } catch { code = `not JSON: ${text.slice(0, 80)}`; }
  return { endpoint: endpoint.name, status: response.status, ms: performance.now() - started, code,
    retryAfter: response.headers.get("retry-after"), at: Date.now() };
}

describe("a database outage under HTTP load", () => {
  it("answers 503 with Retry-After meanwhile, never crashes or hangs, and resumes by itself", async () => {
    const localPort = await freePort();
    const local = await startUntil(`${ROOT}node_modules/.bin/tsx`, ["local/start.ts"], {
      DATABASE_URL: cluster.url, PORT: String(localPort), MEMORY_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
    }, /export SERVICE_TOKEN=/);
    children.push(local.child);
    const denoEnv = { DATABASE_URL: cluster.url, SUPABASE_JWT_SECRET: SECRET, SUPABASE_JWT_ISSUER: ISSUER,
      MEMORY_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS) };
    const denoStore = await serveUnderDeno("functions/memory-store/index.ts", denoEnv);
    const denoSearch = await serveUnderDeno("functions/memory-search/index.ts", denoEnv);
    children.push(denoStore.child, denoSearch.child);

    const localToken = await userToken(user, LOCAL_JWT_SECRET, localIssuer(localPort));
    const denoToken = await userToken(user, SECRET, ISSUER);
    let n = 0;
    const fact = () => ({ fact: `Outage note ${n++} ${crypto.randomUUID()}`, memory_type: "fact" });
    const query = () => ({ query: "outage note" });
    const localBase = `http://127.0.0.1:${localPort}/functions/v1`;
    const endpoints: Endpoint[] = [
      { name: "local memory-store", url: `${localBase}/memory-store`, token: localToken, body: fact, child: local.child, output: local.output },
      { name: "local memory-search", url: `${localBase}/memory-search`, token: localToken, body: query, child: local.child, output: local.output },
      { name: "deno memory-store", url: denoStore.base, token: denoToken, body: fact, child: denoStore.child, output: denoStore.output },
      { name: "deno memory-search", url: denoSearch.base, token: denoToken, body: query, child: denoSearch.child, output: denoSearch.output },
    ];

    const answers: Answer[] = [];
    let loading = true;
    const load = Promise.all(endpoints.flatMap((endpoint) => Array.from({ length: 2 }, async () => {
      while (loading && endpoint.child.exitCode === null) answers.push(await call(endpoint));
    })));
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

    await pause(1500);
    await cluster.stop(); // a planned restart: fast shutdown, down for a while
    const down = await cli(["stats", "--json"]);
    await pause(1500);
    await cluster.start();
    await pause(2500);
    cluster.kill(); // a crash: killed mid-work, started again at once
    await cluster.start();
    const restarted = Date.now();
    await pause(3000);
    loading = false;
    await load;

    const counts = new Map<number, number>();
    for (const a of answers) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
    const byStatus = [...counts].map(([status, count]) => `${status}: ${count}`);
    const slowest = Math.max(...answers.map((a) => a.ms));
    console.log(`outage: ${answers.length} requests (${byStatus.join(", ")}), slowest ${slowest.toFixed(0)} ms`);

    for (const endpoint of endpoints) {
      expect(endpoint.child.exitCode, `${endpoint.name} is still running; it printed:\n${endpoint.output().slice(-3000)}`).toBeNull();
    }
    const unexpected = answers.filter((a) => ![200, 201, 503].includes(a.status));
    expect(unexpected).toEqual([]);
    const unavailable = answers.filter((a) => a.status === 503);
    expect(unavailable.length, "the outage was seen").toBeGreaterThan(0);
    expect(unavailable.filter((a) => !["database_unavailable", "timeout"].includes(a.code!) || a.retryAfter === null)).toEqual([]);
    expect(slowest, "no request waits past the statement timeout").toBeLessThan(STATEMENT_TIMEOUT_MS + 1000);
    // Service resumed by itself: every endpoint answered successfully after the last restart.
    for (const endpoint of endpoints) {
      const after = answers.filter((a) => a.endpoint === endpoint.name && a.at > restarted);
      expect(after.some((a) => a.status < 300), `${endpoint.name} answers again`).toBe(true);
      expect(after.at(-1)!.status, `${endpoint.name}'s last answer; after the restart: ${JSON.stringify(after.map((a) => [a.status, a.code, Math.round(a.ms)]))}`).toBeLessThan(300);
    }

    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/database is unavailable/);
    expect(down.stderr).not.toMatch(/TypeError|\n\s+at /);
    expect((await cli(["stats", "--json"])).code).toBe(0);
  }, 120_000);
});
