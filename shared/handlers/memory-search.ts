// memory-search: POST searches (hybrid text + vector), GET lists recent memories a page at a time.
import { ApiError } from "../http/errors.ts";
import { json } from "../http/respond.ts";
import { embedOrNull } from "../embeddings/provider.ts";
import { ListQuery, SearchRequest } from "../schemas/requests.ts";
import { authenticated, type HandlerDeps } from "./context.ts";
import { callFunction } from "./sql-call.ts";
import { byMethod } from "./serve.ts";

interface Listed { id: string; created_at: string | Date }

function encodeCursor(row: Listed): string {
  const at = row.created_at instanceof Date ? row.created_at.toISOString() : row.created_at;
  return btoa(JSON.stringify([at, row.id])).replace(/=+$/, "");
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const [at, id] = JSON.parse(atob(cursor)) as [string, string];
    if (typeof at === "string" && typeof id === "string") return [at, id];
  } catch { /* reported below */ }
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
          user_id: [as.userId, "uuid"],
        }));
      return json({ results, embedding: embedding ? embedding.model : deps.embedder ? "unavailable" : "disabled" });
    },

    async GET(req) {
      const { body: query, as } = await authenticated(req, deps, ListQuery, Object.fromEntries(new URL(req.url).searchParams));
      const [beforeAt, beforeId] = query.cursor ? decodeCursor(query.cursor) : [undefined, undefined];
      const pageSize = query.page_size ?? 20;
      const memories = await deps.db.asCaller(as.claims, (db) =>
        callFunction<Listed>(db, "list_memories", {
          page_size: [pageSize, "int4"],
          before_created_at: [beforeAt, "timestamptz"],
          before_id: [beforeId, "uuid"],
          user_id: [as.userId, "uuid"],
        }));
      const last = memories[memories.length - 1];
      return json({ memories, next_cursor: memories.length === pageSize && last ? encodeCursor(last) : null });
    },
  }, deps.log, "memory-search");
}
