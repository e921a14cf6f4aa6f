// A typed client of the memory API (the edge functions memory-store and memory-search), for a chatbot's code on
// Node, Deno or a browser: fetch alone, or a supabase-js client's functions.invoke. Request and answer types are the
// zod schemas the handlers parse with and the OpenAPI document describes (shared/schemas), so the client and the API
// cannot disagree on a field; a refused call throws a MemoryApiError with the API's answer.
import type { z } from "zod";
import type {
  BatchStoreRequest, EraseRequest, ForgetRequest, ForgetScopeRequest, HistoryQuery, ListQuery, SearchRequest, StoreRequest, UnmergeRequest,
  UpdateRequest,
} from "../shared/schemas/requests.ts";
import type { BatchOutcome, EraseOutcome, ForgetScopeOutcome, History, HistoryEntry, ListedMemory, ListResponse, MemoryResponse, Outcome,
  SearchResponse, SearchResult, StoreOutcome, UnmergeOutcome, UpdateOutcome } from "../shared/schemas/responses.ts";
import type { ExportDocument, ExportQuery, ImportOutcome, PortabilityQuery } from "../shared/schemas/export.ts";
import type { MEMORY_TYPES } from "../shared/schemas/fields.ts";

/** A kind of memory, as public.memory_types() lists them. */
export type MemoryType = (typeof MEMORY_TYPES)[number];

export interface MemoryClientOptions {
  /** The project URL (https://<ref>.supabase.co) or npm start's (http://127.0.0.1:54321). */
  url: string;
  /** The signed-in user's access token, or what returns the current one (supabase.auth.getSession()). */
  accessToken: string | (() => string | Promise<string>);
  /** The project's anon or publishable key, sent as `apikey` as supabase-js does (the API gateway wants it). */
  apikey?: string;
  fetch?: typeof fetch;
}

/** What the client needs of a supabase-js client: its functions client (which sends the session's token). */
export interface SupabaseLike {
  functions: {
    invoke(name: string, options: { method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"; body?: any }):
      Promise<{ data: any; error: any; response?: Response }>;
  };
}

export type { BatchOutcome, EraseOutcome, ExportDocument, ForgetScopeOutcome, HistoryEntry, ImportOutcome, ListedMemory, Outcome, SearchResult,
  StoreOutcome, UnmergeOutcome, UpdateOutcome };

/** The API's error answer: status, code, message, and the fields and rules it names. */
export class MemoryApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string,
    readonly details: { field?: string; rule?: string; message?: string }[] = [], readonly requestId?: string,
    readonly retryAfterSeconds?: number) {
    super(message);
    this.name = "MemoryApiError";
  }
}

const unreachable = (error: unknown): MemoryApiError => new MemoryApiError(503, "unreachable",
  `the memory API could not be reached: ${error instanceof Error ? error.message : String(error)}`);

type Input<S extends z.ZodType> = z.input<S>;
type Method = "GET" | "POST" | "PATCH" | "DELETE";
/** Sends one request to a function path ("memory-store/unmerge?x=1") and returns the HTTP answer. */
type Transport = (method: Method, path: string, body?: unknown) => Promise<Response>;

function fetchTransport(options: MemoryClientOptions): Transport {
  const base = `${options.url.replace(/\/+$/, "")}/functions/v1`;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  return async (method, path, body) => {
    const token = typeof options.accessToken === "function" ? await options.accessToken() : options.accessToken;
    try {
      return await doFetch(`${base}/${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(options.apikey ? { apikey: options.apikey } : {}),
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      // No answer at all (refused, reset, DNS): the same error as the supabase-js transport's, so callers catch one type.
      throw unreachable(error);
    }
  };
}

/** Through supabase.functions.invoke: the session's token and the project's key, as every supabase-js call. */
function supabaseTransport(supabase: SupabaseLike): Transport {
  return async (method, path, body) => {
    const { data, error, response } = await supabase.functions.invoke(path, { method, body });
    // A refusal: FunctionsHttpError carries the function's unread answer.
    if (error?.context instanceof Response) return error.context;
    if (error) throw unreachable(error);
    return new Response(JSON.stringify(data), { status: response?.status ?? 200, headers: { "Content-Type": "application/json" } });
  };
}

const isSupabase = (value: MemoryClientOptions | SupabaseLike): value is SupabaseLike =>
  typeof (value as SupabaseLike).functions?.invoke === "function";

async function answerOf<T>(response: Response): Promise<T> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    // The connection broke while the answer was on its way.
    throw unreachable(error);
  }
  let parsed: any = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON: reported below */ }
  if (response.ok && (parsed === null || typeof parsed !== "object")) {
    // A 2xx that is not the API's JSON (a proxy's page, an empty answer): not something to hand the app as a result.
    throw new MemoryApiError(502, "invalid_response", `the memory API answered ${response.status} with no JSON object: ${text.slice(0, 200)}`);
  }
  if (!response.ok) {
    const error = parsed?.error;
    const retry = Number(response.headers.get("retry-after") ?? NaN);
    throw new MemoryApiError(response.status, error?.code ?? "http_error", error?.message ?? `HTTP ${response.status}: ${text.slice(0, 200)}`,
      error?.details ?? [], error?.request_id, Number.isFinite(retry) ? retry : undefined);
  }
  return parsed as T;
}

const withQuery = (path: string, query: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
  return [...search].length ? `${path}?${search}` : path;
};

/**
 * A client of the memory API: `createMemoryClient(supabase)` with a supabase-js client (its session's token is
 * used), or `createMemoryClient({ url, accessToken })` with fetch alone.
 */
export function createMemoryClient(target: MemoryClientOptions | SupabaseLike) {
  const send = isSupabase(target) ? supabaseTransport(target) : fetchTransport(target);
  const call = async <T>(method: Method, path: string, body?: unknown, query?: Record<string, string | number | undefined>) =>
    answerOf<T>(await send(method, query ? withQuery(path, query) : path, body));

  return {
    /** Stores a fact: a new memory (201 created or distinct, with related memories a value sets apart), or a sighting on the one it repeats. */
    store: (input: Input<typeof StoreRequest>) => call<StoreOutcome>("POST", "memory-store", input),
    /** A memory as it is now, by the id it was stored with (or any id it had). */
    get: async (input: Input<typeof HistoryQuery>) =>
      (await call<MemoryResponse>("GET", "memory-store/memory", undefined, input)).memory,
    /** A new version of a memory; it keeps its id. */
    update: (input: Input<typeof UpdateRequest>) => call<UpdateOutcome>("PATCH", "memory-store", input),
    forget: (input: Input<typeof ForgetRequest>) => call<Outcome>("DELETE", "memory-store", input),
    /** Makes a merged statement (a sighting) or a marked duplicate a memory of its own again. */
    unmerge: (input: Input<typeof UnmergeRequest>) => call<UnmergeOutcome>("POST", "memory-store/unmerge", input),
    /** Every version and every statement merged into a memory, oldest first. */
    history: async (input: Input<typeof HistoryQuery>) =>
      (await call<History>("GET", "memory-store", undefined, input)).history,
    /** What bears on a query, best first; [] when nothing does. */
    search: async (input: Input<typeof SearchRequest>) =>
      (await call<SearchResponse>("POST", "memory-search", input)).results,
    /** Stores up to 100 facts in one transaction, each with its own outcome (results[i].item is its index); all or nothing. */
    storeMany: (input: Input<typeof BatchStoreRequest>) => call<BatchOutcome>("POST", "memory-store/batch", input),
    /** Forgets every memory of a scope (agent_id, run_id or both); answers how many. */
    forgetScope: async (input: Input<typeof ForgetScopeRequest>) =>
      (await call<ForgetScopeOutcome>("POST", "memory-store/forget", input)).forgotten,
    /** Deletes the user's memories for good (all, or a scope's): confirm must be 'erase my memories'. Answers how many rows. */
    erase: async (input: Input<typeof EraseRequest>) => (await call<EraseOutcome>("POST", "memory-store/erase", input)).erased,
    /** Everything stored about the user (or one scope of it), as one chat-memory-export document (docs/export-format.md). */
    export: (input: Input<typeof ExportQuery> = {}) => call<ExportDocument>("GET", "memory-store/export", undefined, input),
    /** Takes an exported document into this project for the user: all or nothing; a second import changes nothing. */
    import: (document: ExportDocument, input: Input<typeof PortabilityQuery> = {}) =>
      call<ImportOutcome>("POST", withQuery("memory-store/import", input), document),
    /** The user's memories (of a scope, with metadata containing a filter), newest first, a page at a time. */
    async *list(input: Omit<Input<typeof ListQuery>, "cursor"> = {}): AsyncGenerator<ListedMemory[]> {
      let cursor: string | undefined;
      const { metadata_filter, ...rest } = input;
      const filter = metadata_filter === undefined ? undefined : JSON.stringify(metadata_filter);
      do {
        const page = await call<ListResponse>("GET", "memory-search", undefined,
          { ...rest, metadata_filter: filter, cursor } as Record<string, string | number | undefined>);
        if (page.memories.length) yield page.memories;
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
    },
  };
}

export type MemoryClient = ReturnType<typeof createMemoryClient>;
