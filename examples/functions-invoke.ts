// Calling the edge functions with supabase-js, as the README shows: `npm test` type-checks this file.
import { FunctionsHttpError, type SupabaseClient } from "@supabase/supabase-js";

/** Stores a fact for the signed-in user; a refusal is read from the HTTP response the error carries. */
export async function remember(supabase: SupabaseClient, fact: string): Promise<string | null> {
  const { data, error } = await supabase.functions.invoke<{ id: string; status: string }>("memory-store", { body: { fact } });
  if (error instanceof FunctionsHttpError) {
    const { error: api } = (await error.context.json()) as { error: { code: string; message: string; details: { field?: string; rule?: string }[] } };
    if (error.context.status === 507) console.warn("the user's memory is full:", api.message);
    else console.warn(`${api.code}: ${api.message}`, api.details);
    return null;
  }
  if (error) throw error; // the function could not be reached
  return data!.id;
}
