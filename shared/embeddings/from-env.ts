// Which provider to use, from the environment: EMBEDDINGS_PROVIDER = gte-small | openai | offline | none.
// Default: gte-small inside the Supabase edge runtime, offline elsewhere.
import { OfflineEmbedder } from "./offline.ts";
import { OpenAiEmbedder } from "./openai.ts";
import type { EmbeddingProvider } from "./provider.ts";
import { SupabaseAiEmbedder, supabaseAiAvailable } from "./supabase-ai.ts";

export function embedderFromEnv(env: Record<string, string | undefined>): EmbeddingProvider | null {
  const choice = env.EMBEDDINGS_PROVIDER ?? (supabaseAiAvailable() ? "gte-small" : "offline");
  switch (choice) {
    case "gte-small":
      return new SupabaseAiEmbedder();
    case "openai":
      if (!env.EMBEDDINGS_BASE_URL || !env.EMBEDDINGS_MODEL) {
        throw new Error("EMBEDDINGS_PROVIDER=openai needs EMBEDDINGS_BASE_URL and EMBEDDINGS_MODEL (and EMBEDDINGS_API_KEY)");
      }
      return new OpenAiEmbedder({ baseUrl: env.EMBEDDINGS_BASE_URL, apiKey: env.EMBEDDINGS_API_KEY, model: env.EMBEDDINGS_MODEL });
    case "offline":
      return new OfflineEmbedder();
    case "none":
      return null;
    default:
      throw new Error(`unknown EMBEDDINGS_PROVIDER '${choice}': use gte-small, openai, offline or none`);
  }
}
