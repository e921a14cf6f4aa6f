// Calling the SQL API from a chatbot's backend with supabase-js, typed by shared/database.types.ts (generated from
// the migrations: npm run db:types). `npm test` type-checks this file; it needs a Supabase stack to run, as
// `.rpc()` goes through PostgREST (npm start serves only the edge functions).
import { createClient } from "@supabase/supabase-js";
import type { Database } from "../shared/database.types.ts";

export function memoryClient(url: string, userAccessToken: string, anonKey: string) {
  return createClient<Database>(url, anonKey, { global: { headers: { Authorization: `Bearer ${userAccessToken}` } } });
}

/** Remembers a fact for the signed-in user: a new memory, or a sighting on the one it repeats. */
export async function remember(supabase: ReturnType<typeof memoryClient>, fact: string) {
  const { data, error } = await supabase.rpc("store_memory", { fact, memory_type: "preference", importance_score: 0.8 });
  if (error) throw new Error(`${error.code}: ${error.message}`); // e.g. PT507 when the user's quota is full
  return data[0]; // { id, status: "created" | "distinct" | "duplicate", version, sighting_id, related }
}

/** What the user said that bears on a question: [] when nothing does. */
export async function recall(supabase: ReturnType<typeof memoryClient>, question: string) {
  const { data, error } = await supabase.rpc("search_memories", { query: question, match_count: 5 });
  if (error) throw new Error(`${error.code}: ${error.message}`);
  return data.map((m) => m.fact);
}

export async function kinds(supabase: ReturnType<typeof memoryClient>): Promise<string[]> {
  const { data, error } = await supabase.rpc("memory_types");
  if (error) throw new Error(error.message);
  return data;
}

// The types refuse what the API would: a fact must be a string.
export async function refused(supabase: ReturnType<typeof memoryClient>) {
  // @ts-expect-error fact is text
  await supabase.rpc("store_memory", { fact: 42 });
}
