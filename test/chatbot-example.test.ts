// examples/chatbot: the chat loop run as a user runs it (npm run example:chatbot, lines on stdin) against the API over
// HTTP: it recalls before answering, stores what the user states, says what it already knew and which memory a new
// fact was set apart from. With LLM_API_KEY it talks to an OpenAI-compatible model (here a local stand-in speaking
// that protocol) and puts what it recalled in the system prompt.
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../scripts/db/local-stack.ts";
import { OfflineEmbedder } from "../shared/embeddings/offline.ts";
import { startApi, type ApiFixture } from "./support/http.ts";

let api: ApiFixture;

beforeAll(async () => {
  api = await startApi({ embedder: new OfflineEmbedder() });
}, 60_000);
afterAll(async () => api?.close());

function chatbot(lines: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", `${ROOT}examples/chatbot/index.ts`], {
      cwd: ROOT, env: { PATH: process.env.PATH, MEMORY_URL: api.base.replace(/\/functions\/v1$/, ""), ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(lines.map((l) => `${l}\n`).join(""));
  });
}

describe("examples/chatbot", () => {
  it("recalls, answers, stores the facts said, and shows what a new fact contradicts", async () => {
    const user = await api.newUser();
    const { code, stdout, stderr } = await chatbot([
      "My sister is called Ana.",
      "I prefer vegetarian food. I take 20 mg of blood pressure medication every morning with breakfast.",
      "What do you know about my sister?",
      "I take 40 mg of blood pressure medication every morning with breakfast.",
      "I prefer vegetarian food!",
      "exit",
    ], { TOKEN: await api.tokenFor(user) });
    expect(code, stderr).toBe(0);
    expect(stdout).toContain("assistant: From what you told me: The user's sister is called Ana.");
    expect(stdout).toContain("(kept apart from \"The user takes 20 mg of blood pressure medication every morning with breakfast\": number differs");
    expect(stdout).toContain("(already knew: The user prefers vegetarian food)");
    const rows = await api.database.sql`select fact, memory_type from public.user_memories where user_id = ${user} and is_active order by created_at`;
    expect(rows.map((r) => [r.fact, r.memory_type])).toEqual([
      ["The user's sister is called Ana", "person"],
      ["The user prefers vegetarian food", "preference"],
      ["The user takes 20 mg of blood pressure medication every morning with breakfast", "fact"],
      ["The user takes 40 mg of blood pressure medication every morning with breakfast", "fact"],
    ]);
  }, 60_000);

  it("says when a fact adds a detail to what it knew, and does not call that a contradiction", async () => {
    const user = await api.newUser();
    const { code, stdout, stderr } = await chatbot(["I play chess.", "I play chess online with my cousin.", "exit"],
      { TOKEN: await api.tokenFor(user) });
    expect(code, stderr).toBe(0);
    expect(stdout).toContain("(added a detail to what I knew: The user plays chess online with my cousin)");
    expect(stdout).not.toContain("kept apart from");
    const rows = await api.database.sql`select fact, is_active from public.user_memories where user_id = ${user} order by version`;
    expect(rows.map((r) => [r.fact, r.is_active])).toEqual([["The user plays chess", false],
      ["The user plays chess online with my cousin", true]]);
  }, 60_000);

  it("says the memory API cannot be reached and goes on, when the server is down", async () => {
    const { code, stdout, stderr } = await chatbot(["My dog is called Biscuit.", "exit"],
      { TOKEN: await api.tokenFor(await api.newUser()), MEMORY_URL: "http://127.0.0.1:9" });
    expect(code, stderr).toBe(0);
    expect(stdout).toContain("(memory API: 503 unreachable: the memory API could not be reached");
  });

  it("says how to get a token when none is set", async () => {
    const { code, stderr } = await chatbot([], {});
    expect([code, stderr]).toEqual([2, expect.stringMatching(/set TOKEN/)]);
  });

  it("uses an OpenAI-compatible model when LLM_API_KEY is set, with the recalled memories in its prompt", async () => {
    const requests: { messages: { role: string; content: string }[]; response_format?: unknown }[] = [];
    const model: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        const request = JSON.parse(body);
        requests.push(request);
        const user = request.messages[request.messages.length - 1].content as string;
        const content = request.response_format
          ? JSON.stringify({ facts: user.includes("?") ? [] : [{ fact: "The user plays the cello in a quartet", memory_type: "fact" }] })
          : `echo: ${user}`;
        res.writeHead(req.headers.authorization === "Bearer test-key" ? 200 : 401, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ choices: [{ message: { role: "assistant", content } }] }));
      });
    });
    await new Promise<void>((resolve) => model.listen(0, "127.0.0.1", resolve));
    try {
      const user = await api.newUser();
      const { code, stdout, stderr } = await chatbot(["I play the cello in a quartet.", "Which instrument do I play in the quartet?"], {
        TOKEN: await api.tokenFor(user), LLM_API_KEY: "test-key", LLM_MODEL: "test-model",
        LLM_BASE_URL: `http://127.0.0.1:${(model.address() as AddressInfo).port}/v1`,
      });
      expect(code, stderr).toBe(0);
      expect(stdout).toContain("model: test-model");
      expect(stdout).toContain("(remembered: The user plays the cello in a quartet)");
      const lastReply = requests.filter((r) => !r.response_format).at(-1)!;
      expect(lastReply.messages[0]).toMatchObject({ role: "system", content: expect.stringContaining("- The user plays the cello in a quartet") });
      expect(lastReply.messages.slice(1).map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    } finally {
      model.close();
    }
  }, 60_000);
});
