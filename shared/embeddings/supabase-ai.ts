// gte-small through the Supabase edge runtime's built-in inference (Supabase.ai.Session). Exists only there.
import { checkVectors, EmbeddingError, type EmbeddingProvider } from "./provider.ts";

interface AiSession {
  run(input: string, options: { mean_pool: boolean; normalize: boolean }): Promise<unknown>;
}
interface SupabaseGlobal {
  ai: { Session: new (model: string) => AiSession };
}

export function supabaseAiAvailable(): boolean {
  return typeof (globalThis as { Supabase?: SupabaseGlobal }).Supabase?.ai?.Session === "function";
}

export class SupabaseAiEmbedder implements EmbeddingProvider {
  readonly model = "gte-small";
  private readonly session: AiSession;
  constructor() {
    const supabase = (globalThis as { Supabase?: SupabaseGlobal }).Supabase;
    if (!supabase?.ai?.Session) throw new EmbeddingError("Supabase.ai.Session exists only inside the Supabase edge runtime");
    this.session = new supabase.ai.Session("gte-small");
  }

  async embed(texts: string[]): Promise<number[][]> {
    const vectors = [];
    for (const text of texts) vectors.push(Array.from((await this.session.run(text, { mean_pool: true, normalize: true })) as number[]));
    return checkVectors(vectors, texts.length, this.model);
  }
}
