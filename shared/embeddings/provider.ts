// Embedding providers turn facts and queries into 384-dim vectors, tagged with the model that made them
// (similarity is only computed within one model). A provider failure never fails a store: see embedOrNull.

export const EMBEDDING_DIMENSIONS = 384;

export interface Embedding {
  model: string;
  vector: number[];
}

export interface EmbeddingProvider {
  readonly model: string;
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

export class EmbeddingError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = "EmbeddingError";
  }
}

export function checkVectors(vectors: unknown, count: number, model: string): number[][] {
  if (!Array.isArray(vectors) || vectors.length !== count) {
    throw new EmbeddingError(`${model} returned ${Array.isArray(vectors) ? vectors.length : "no"} vectors for ${count} texts`);
  }
  for (const v of vectors) {
    if (!Array.isArray(v) || v.length !== EMBEDDING_DIMENSIONS || !v.every((x) => typeof x === "number" && Number.isFinite(x))) {
      throw new EmbeddingError(`${model} returned a vector that is not ${EMBEDDING_DIMENSIONS} finite numbers`);
    }
  }
  return vectors as number[][];
}

/** One text's embedding, or null (with the reason logged) if the provider fails or takes longer than timeoutMs. */
export async function embedOrNull(
  provider: EmbeddingProvider | null,
  text: string,
  timeoutMs: number,
  log: (message: string, error: unknown) => void = console.warn,
): Promise<Embedding | null> {
  const embeddings = await embedAllOrNull(provider, [text], timeoutMs, log);
  return embeddings ? embeddings[0] : null;
}

/** The texts' embeddings in one call to the provider, or null (the reason logged) as embedOrNull. */
export async function embedAllOrNull(
  provider: EmbeddingProvider | null,
  texts: string[],
  timeoutMs: number,
  log: (message: string, error: unknown) => void = console.warn,
): Promise<Embedding[] | null> {
  if (!provider) return null;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new EmbeddingError(`timed out after ${timeoutMs} ms`)), timeoutMs);
  try {
    const vectors = await Promise.race([
      provider.embed(texts, controller.signal),
      new Promise<never>((_, reject) => controller.signal.addEventListener("abort", () => reject(controller.signal.reason))),
    ]);
    return vectors.map((vector) => ({ model: provider.model, vector }));
  } catch (error) {
    log(`embedding with ${provider.model} failed; continuing without it`, error);
    return null;
  } finally {
    clearTimeout(timer);
  }
}

export function vectorLiteral(vector: number[]): string {
  return `[${vector.join(",")}]`;
}
