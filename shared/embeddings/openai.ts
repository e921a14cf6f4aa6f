// Any OpenAI-compatible embeddings endpoint (OpenAI, Azure, Ollama, vLLM, ...): POST {baseUrl}/embeddings.
import { checkVectors, EMBEDDING_DIMENSIONS, EmbeddingError, type EmbeddingProvider } from "./provider.ts";

export interface OpenAiConfig {
  baseUrl: string;
  apiKey?: string;
  model: string;
}

export class OpenAiEmbedder implements EmbeddingProvider {
  readonly model: string;
  constructor(private readonly config: OpenAiConfig, private readonly fetchImpl: typeof fetch = fetch) {
    this.model = config.model;
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    const response = await this.fetchImpl(`${this.config.baseUrl.replace(/\/$/, "")}/embeddings`, {
      method: "POST",
      signal,
      headers: {
        "Content-Type": "application/json",
        ...(this.config.apiKey ? { Authorization: `Bearer ${this.config.apiKey}` } : {}),
      },
      body: JSON.stringify({ model: this.config.model, input: texts, dimensions: EMBEDDING_DIMENSIONS, encoding_format: "float" }),
    });
    if (!response.ok) {
      throw new EmbeddingError(`${this.model}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
    }
    const body = (await response.json()) as { data?: { index: number; embedding: number[] }[] };
    const ordered = [...(body.data ?? [])].sort((a, b) => a.index - b.index).map((d) => d.embedding);
    return checkVectors(ordered, texts.length, this.model);
  }
}
