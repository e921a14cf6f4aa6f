// A typed client of the memory API (the edge functions memory-store and memory-search), for a chatbot's code on
// Node, Deno or a browser: fetch only. Request types are the handlers' own zod schemas (shared/schemas), so the
// client and the API cannot disagree on a field; a refused call throws a MemoryApiError with the API's answer.
import type { z } from "zod";
import type { ForgetRequest, HistoryQuery, SearchRequest, StoreRequest, UnmergeRequest, UpdateRequest } from "../shared/schemas/requests.ts";

export interface MemoryClientOptions {
  /** The project URL (https://<ref>.supabase.co) or npm start's (http://127.0.0.1:54321). */
  url: string;
  /** The signed-in user's access token, or what returns the current one (supabase.auth.getSession()). */
  accessToken: string | (() => string | Promise<string>);
  /** The project's anon or publishable key, sent as `apikey` as supabase-js does (the API gateway wants it). */
  apikey?: string;
  fetch?: typeof fetch;
}

export interface Related { id: string; similarity: number; reason: string }
export interface StoreOutcome {
  id: string; status: "created" | "distinct" | "duplicate"; version: number; sighting_id: string | null;
  related: Related[]; embedding: "stored" | "pending";
}
export interface Outcome { id: string; status: string; version: number }
export interface SearchResult {
  id: string; fact: string; memory_type: string; category: string | null; importance_score: number;
  confidence_score: number; metadata: Record<string, unknown>; created_at: string; updated_at: string;
  text_rank: number | null; vector_rank: number | null; vector_similarity: number | null; score: number;
  matched_by: ("text" | "vector")[];
}
export interface ListedMemory {
  id: string; fact: string; memory_type: string; category: string | null; importance_score: number;
  confidence_score: number; metadata: Record<string, unknown>; version: number; created_at: string; updated_at: string;
  last_accessed_at: string | null; expires_at: string | null;
}
export interface HistoryEntry { id: string; kind: "version" | "sighting"; fact: string; created_at: string; [field: string]: unknown }

/** The API's error answer: status, code, message, and the fields and rules it names. */
export class MemoryApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string,
    readonly details: { field?: string; rule?: string; message?: string }[] = [], readonly requestId?: string,
    readonly retryAfterSeconds?: number) {
    super(message);
    this.name = "MemoryApiError";
  }
}

type Input<S extends z.ZodType> = z.input<S>;

export function createMemoryClient(options: MemoryClientOptions) {
  const base = `${options.url.replace(/\/+$/, "")}/functions/v1`;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function call<T>(method: string, path: string, body?: unknown, query?: Record<string, string | number | undefined>): Promise<T> {
    const token = typeof options.accessToken === "function" ? await options.accessToken() : options.accessToken;
    const search = query ? new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])) : null;
    const response = await doFetch(`${base}${path}${search && [...search].length ? `?${search}` : ""}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(options.apikey ? { apikey: options.apikey } : {}),
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: any = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON: reported below */ }
    if (!response.ok) {
      const error = parsed?.error;
      const retry = Number(response.headers.get("retry-after") ?? NaN);
      throw new MemoryApiError(response.status, error?.code ?? "http_error", error?.message ?? `HTTP ${response.status}: ${text.slice(0, 200)}`,
        error?.details ?? [], error?.request_id, Number.isFinite(retry) ? retry : undefined);
    }
    return parsed as T;
  }

  return {
    /** Stores a fact: a new memory (201 created or distinct, with related memories a value sets apart), or a sighting on the one it repeats. */
    store: (input: Input<typeof StoreRequest>) => call<StoreOutcome>("POST", "/memory-store", input),
    /** A new version of a memory. */
    update: (input: Input<typeof UpdateRequest>) => call<Outcome & { embedding: string }>("PATCH", "/memory-store", input),
    forget: (input: Input<typeof ForgetRequest>) => call<Outcome>("DELETE", "/memory-store", input),
    /** Makes a merged statement (a sighting) or a marked duplicate a memory of its own again. */
    unmerge: (input: Input<typeof UnmergeRequest>) => call<Outcome & { sighting_id: string; merged_into: string }>("POST", "/memory-store/unmerge", input),
    /** Every version and every statement merged into a memory, oldest first. */
    history: async (input: Input<typeof HistoryQuery>) =>
      (await call<{ id: string; history: HistoryEntry[] }>("GET", "/memory-store", undefined, input)).history,
    /** What bears on a query, best first; [] when nothing does. */
    search: async (input: Input<typeof SearchRequest>) =>
      (await call<{ results: SearchResult[] }>("POST", "/memory-search", input)).results,
    /** The user's memories, newest first, a page at a time. */
    async *list(options: { pageSize?: number; userId?: string } = {}): AsyncGenerator<ListedMemory[]> {
      let cursor: string | undefined;
      do {
        const page = await call<{ memories: ListedMemory[]; next_cursor: string | null }>("GET", "/memory-search", undefined,
          { page_size: options.pageSize, cursor, user_id: options.userId });
        if (page.memories.length) yield page.memories;
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
    },
  };
}

export type MemoryClient = ReturnType<typeof createMemoryClient>;
