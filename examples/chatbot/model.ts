// The language model behind the chatbot, as a small interface: answer a turn given the prompt, and pick out the facts
// about the user that a turn states. Two implementations: any OpenAI-compatible chat-completions API (LLM_API_KEY),
// and a deterministic stand-in used when no key is set, so the example runs (and is tested) offline.

import type { MemoryType } from "../../client/index.ts";

export interface Fact {
  fact: string;
  memory_type: MemoryType;
}

export interface ChatModel {
  readonly name: string;
  /** The assistant's answer to the prompt (system text with the recalled memories, then the conversation). */
  reply(prompt: { system: string; messages: { role: "user" | "assistant"; content: string }[] }): Promise<string>;
  /** The facts about the user that their message states, each a short sentence in the third person. */
  extractFacts(userMessage: string): Promise<Fact[]>;
}

export function modelFromEnv(env: Record<string, string | undefined> = process.env): ChatModel {
  return env.LLM_API_KEY
    ? new OpenAiCompatibleModel(env.LLM_BASE_URL ?? "https://api.openai.com/v1", env.LLM_API_KEY, env.LLM_MODEL ?? "gpt-4o-mini")
    : new StandInModel();
}

/** Any OpenAI-compatible chat-completions endpoint. */
export class OpenAiCompatibleModel implements ChatModel {
  readonly name: string;
  constructor(private baseUrl: string, private apiKey: string, private model: string) {
    this.name = model;
  }

  private async complete(messages: { role: string; content: string }[], json = false): Promise<string> {
    const response = await fetch(`${this.baseUrl.replace(/\/+$/, "")}/chat/completions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${this.apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ model: this.model, messages, temperature: 0, ...(json ? { response_format: { type: "json_object" } } : {}) }),
    });
    if (!response.ok) throw new Error(`the model answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    const body = await response.json() as { choices: { message: { content: string } }[] };
    return body.choices[0].message.content;
  }

  reply(prompt: Parameters<ChatModel["reply"]>[0]): Promise<string> {
    return this.complete([{ role: "system", content: prompt.system }, ...prompt.messages]);
  }

  async extractFacts(userMessage: string): Promise<Fact[]> {
    const answer = await this.complete([
      { role: "system", content: 'List the lasting facts about the user that this message states, as JSON {"facts": [{"fact": "The user ...", ' +
        '"memory_type": "person|preference|event|topic|fact|emotion"}]}. Questions and small talk state none.' },
      { role: "user", content: userMessage },
    ], true);
    const facts = (JSON.parse(answer) as { facts?: Fact[] }).facts ?? [];
    return facts.filter((f) => typeof f.fact === "string" && f.fact.trim());
  }
}

const PREFERENCE = /\b(prefer|like|love|enjoy|hate|dislike|favou?rite)\w*\b/i;
const PERSON = /\b(sister|brother|mother|father|mum|mom|dad|wife|husband|partner|son|daughter|friend|called|named)\b/i;
const EVENT = /\b(tomorrow|yesterday|next|last|birthday|wedding|trip|on (monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b/i;

/** "take" -> "takes", "have" -> "has", "study" -> "studies": enough English for the stand-in's third person. */
function thirdPerson(verb: string): string {
  const irregular: Record<string, string> = { have: "has", am: "is", "'m": "is", do: "does", go: "goes", was: "was" };
  if (irregular[verb]) return irregular[verb];
  if (/(s|sh|ch|x|z|o)$/.test(verb)) return `${verb}es`;
  if (/[^aeiou]y$/.test(verb)) return `${verb.slice(0, -1)}ies`;
  return `${verb}s`;
}

/** A statement about the user, in the third person, or null when the sentence is none. */
function aboutTheUser(sentence: string): string | null {
  const s = sentence.trim().replace(/[.!]+$/, "");
  if (!s || s.endsWith("?")) return null;
  let m = /^I(?:'m| am)\s+(.+)$/i.exec(s);
  if (m) return `The user is ${m[1]}`;
  m = /^I\s+(\w+)\s+(.+)$/i.exec(s);
  if (m) return `The user ${thirdPerson(m[1].toLowerCase())} ${m[2]}`;
  m = /^My\s+(.+)$/i.exec(s);
  if (m) return `The user's ${m[1]}`;
  return null;
}

/** Deterministic: facts from first-person statements, replies from what was recalled. No network, no key. */
export class StandInModel implements ChatModel {
  readonly name = "stand-in (set LLM_API_KEY for a real model)";

  async reply(prompt: Parameters<ChatModel["reply"]>[0]): Promise<string> {
    const recalled = prompt.system.split("\n").filter((line) => line.startsWith("- ")).map((line) => line.slice(2));
    const last = prompt.messages[prompt.messages.length - 1]?.content ?? "";
    if (last.trim().endsWith("?")) {
      return recalled.length ? `From what you told me: ${recalled.join("; ")}.` : "I don't know that yet: tell me?";
    }
    return recalled.length ? `Noted. I also remember: ${recalled.join("; ")}.` : "Noted.";
  }

  async extractFacts(userMessage: string): Promise<Fact[]> {
    return userMessage.split(/(?<=[.!?])\s+/).map(aboutTheUser).filter((f): f is string => f !== null).map((fact) => ({
      fact,
      memory_type: PREFERENCE.test(fact) ? "preference" : PERSON.test(fact) ? "person" : EVENT.test(fact) ? "event" : "fact",
    }));
  }
}
