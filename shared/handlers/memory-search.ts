// memory-search: POST searches (hybrid text + vector), GET lists recent memories a page at a time.
import { ApiError } from "../http/errors.ts";
import { json } from "../http/respond.ts";
import { embedOrNull } from "../embeddings/provider.ts";
import { ListCursor, ListQuery, SearchRequest } from "../schemas/requests.ts";
import type { SqlExecutor } from "../db/executor.ts";
import { authenticated, queryOf, type HandlerDeps } from "./context.ts";
import { callFunction } from "./sql-call.ts";
import { byMethod } from "./serve.ts";

/** A listed memory, with its created_at to the microsecond for the cursor (a Date keeps only milliseconds). */
interface Listed { id: string; cursor_at?: string }

/** The list's own columns, and the exact created_at that the next page continues from. */
const LISTED = `r.*, to_char(r.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at`;

function encodeCursor(row: Listed): string {
  return btoa(JSON.stringify([row.cursor_at, row.id])).replace(/=+$/, "");
}

function decodeCursor(cursor: string): [string, string] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(atob(cursor));
  } catch { /* reported below */ }
  const parsed = ListCursor.safeParse(decoded);
  if (parsed.success) return parsed.data;
  throw new ApiError(400, "invalid_request", "cursor is not one this API returned", [{ field: "cursor", rule: "cursor" }]);
}

export function memorySearchHandler(deps: HandlerDeps) {
  return byMethod({
    async POST(req) {
      const { body, as } = await authenticated(req, deps, SearchRequest);
      const embedding = body.query.trim() ? await embedOrNull(deps.embedder, body.query, deps.embedTimeoutMs, deps.log) : null;
      const results = await deps.db.asCaller(as.claims, (db) =>
        callFunction(db, "search_memories", {
          query: [body.query, "text"],
          query_embedding: [embedding?.vector, "vector"],
          embedding_model: [embedding?.model, "text"],
          match_count: [body.match_count, "int4"],
          memory_types: [body.memory_types, "text[]"],
          categories: [body.categories, "text[]"],
          min_importance: [body.min_importance, "float8"],
          created_after: [body.created_after, "timestamptz"],
          created_before: [body.created_before, "timestamptz"],
          min_similarity: [body.min_similarity, "float8"],
          agent_id: [body.agent_id, "text"],
          run_id: [body.run_id, "text"],
          metadata_filter: [body.metadata_filter, "jsonb"],
          user_id: [as.userId, "uuid"],
        }));
      return json({ results, embedding: embedding ? embedding.model : deps.embedder ? "unavailable" : "disabled" });
    },

    async GET(req) {
      const { body: query, as } = await authenticated(req, deps, ListQuery, queryOf(req));
      const [beforeAt, beforeId] = query.cursor ? decodeCursor(query.cursor) : [undefined, undefined];
      const pageSize = query.page_size ?? 20;
      const list = (db: SqlExecutor, size: number, at?: string, id?: string) => callFunction<Listed>(db, "list_memories", {
        page_size: [size, "int4"],
        before_created_at: [at, "timestamptz"],
        before_id: [id, "uuid"],
        agent_id: [query.agent_id, "text"],
        run_id: [query.run_id, "text"],
        metadata_filter: [query.metadata_filter, "jsonb"],
        user_id: [as.userId, "uuid"],
      }, LISTED);
      // A full page has a next one only if a memory follows it: the last full page says so (no cursor to nothing).
      const [memories, more] = await deps.db.asCaller(as.claims, async (db) => {
        const page = await list(db, pageSize, beforeAt, beforeId);
        const last = page.length === pageSize ? page[page.length - 1] : undefined;
        return [page, last ? (await list(db, 1, last.cursor_at, last.id)).length > 0 : false] as const;
      });
      const next = more ? encodeCursor(memories[memories.length - 1]) : null;
      return json({ memories: memories.map(({ cursor_at: _, ...memory }) => memory), next_cursor: next });
    },
  }, deps.log, "memory-search");
}
