// A chat loop with long-term memory, against the memory API (npm start, or a Supabase project):
//   npm start                      # in one shell; copy its `export TOKEN=...` line into the other
//   npm run example:chatbot        # then talk; Ctrl-D or "exit" ends
// MEMORY_URL (default http://127.0.0.1:54321) and TOKEN (a user's access token) say where and who. LLM_API_KEY
// (with LLM_BASE_URL, LLM_MODEL) uses an OpenAI-compatible model; without it a deterministic stand-in answers.
import { createInterface } from "node:readline";
import { createMemoryClient, MemoryApiError } from "../../client/index.ts";
import { chatTurn, describeTurn, type Chat } from "./chat.ts";
import { modelFromEnv } from "./model.ts";

async function main(): Promise<number> {
  const url = process.env.MEMORY_URL ?? "http://127.0.0.1:54321";
  const token = process.env.TOKEN;
  if (!token) {
    console.error("example:chatbot: set TOKEN to a user's access token (npm start prints `export TOKEN=...`)");
    return 2;
  }
  const chat: Chat = { memory: createMemoryClient({ url, accessToken: token, apikey: process.env.SUPABASE_ANON_KEY }), model: modelFromEnv(), messages: [] };
  const interactive = process.stdin.isTTY;
  console.log(`chatbot with memory at ${url}; model: ${chat.model.name}${interactive ? ". Ctrl-D or \"exit\" ends." : ""}`);
  const lines = createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, prompt: "you: " });
  if (interactive) lines.prompt();
  for await (const line of lines) {
    const message = line.trim();
    if (message === "exit") break;
    if (message) {
      if (!interactive) console.log(`you: ${message}`);
      try {
        console.log(describeTurn(await chatTurn(chat, message)));
      } catch (error) {
        // The memory API's refusals are said, and the chat goes on; anything else ends it.
        if (!(error instanceof MemoryApiError)) throw error;
        console.log(`  (memory API: ${error.status} ${error.code}: ${error.message})`);
      }
    }
    if (interactive) lines.prompt();
  }
  return 0;
}

main().then((code) => process.exit(code), (error) => {
  console.error(`example:chatbot: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
