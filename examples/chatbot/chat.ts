// One turn of a chatbot with long-term memory, on the typed client: recall what bears on the user's message, answer
// with it in the prompt, then store the facts the message states, saying which were new, already known, added a
// detail to a memory (refined), or set apart from a memory they contradict (`related`: both are kept).
import type { MemoryClient, SearchResult, StoreOutcome } from "../../client/index.ts";
import type { ChatModel, Fact } from "./model.ts";

export interface Chat {
  memory: MemoryClient;
  model: ChatModel;
  messages: { role: "user" | "assistant"; content: string }[];
}

export interface Turn {
  reply: string;
  recalled: SearchResult[];
  remembered: { fact: Fact; outcome: StoreOutcome; conflicts: { fact: string; reason: string }[] }[];
}

/** The system prompt: the instructions and what was recalled, one memory a line. */
export function systemPrompt(recalled: SearchResult[]): string {
  const known = recalled.length ? recalled.map((r) => `- ${r.fact}`).join("\n") : "(nothing yet)";
  return `You are a friendly assistant with a long-term memory of this user. Use what you remember when it helps; ` +
    `never invent facts about the user.\nWhat you remember about the user:\n${known}`;
}

/** The current text of a memory `related` names, for saying what a new fact contradicts. */
async function currentFact(memory: MemoryClient, id: string): Promise<string> {
  const versions = (await memory.history({ id })).filter((h) => h.kind === "version");
  return versions[versions.length - 1]?.fact ?? id;
}

export async function chatTurn(chat: Chat, userMessage: string): Promise<Turn> {
  const recalled = await chat.memory.search({ query: userMessage, match_count: 5 });
  chat.messages.push({ role: "user", content: userMessage });
  const reply = await chat.model.reply({ system: systemPrompt(recalled), messages: chat.messages });
  chat.messages.push({ role: "assistant", content: reply });
  const remembered: Turn["remembered"] = [];
  for (const fact of await chat.model.extractFacts(userMessage)) {
    const outcome = await chat.memory.store({ fact: fact.fact, memory_type: fact.memory_type });
    const conflicting = outcome.related.filter((r) => r.relation !== "refines");
    const conflicts = await Promise.all(conflicting.map(async (r) => ({ fact: await currentFact(chat.memory, r.id), reason: r.reason })));
    remembered.push({ fact, outcome, conflicts });
  }
  return { reply, recalled, remembered };
}

/** A turn as the terminal shows it. */
export function describeTurn(turn: Turn): string {
  const lines = [`assistant: ${turn.reply}`];
  for (const { fact, outcome, conflicts } of turn.remembered) {
    if (outcome.status === "duplicate") lines.push(`  (already knew: ${fact.fact})`);
    else if (outcome.status === "refined") lines.push(`  (added a detail to what I knew: ${fact.fact})`);
    else lines.push(`  (remembered: ${fact.fact})`);
    for (const c of conflicts) lines.push(`  (kept apart from "${c.fact}": ${c.reason}; both are kept, the newer is the new memory)`);
  }
  return lines.join("\n");
}
