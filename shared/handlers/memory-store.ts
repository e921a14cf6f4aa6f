// memory-store: POST stores a memory, PATCH stores a new version of one, DELETE forgets one, GET ?id= shows
// everything said about one (versions and sightings), GET /memory?id= shows one as it is now, POST /unmerge makes a
// merged statement a memory again;
// GET /export and POST /import carry a user's whole data (portability.ts).
import { ApiError } from "../http/errors.ts";
import { json } from "../http/respond.ts";
import { embedOrNull } from "../embeddings/provider.ts";
import { ForgetRequest, HistoryQuery, StoreRequest, UnmergeRequest, UpdateRequest } from "../schemas/requests.ts";
import { authenticated, queryOf, type HandlerDeps } from "./context.ts";
import { callFunction } from "./sql-call.ts";
import { portabilityRoutes } from "./portability.ts";
import { byMethod } from "./serve.ts";

/** store_memory's outcome: status created | distinct | duplicate | refined | superseded, and the statement's relation. */
interface Stored { id: string; status: string; version: number; sighting_id: string | null; related: unknown[]; relation: string | null }
interface Outcome { id: string; status: string; version: number }

export function memoryStoreHandler(deps: HandlerDeps) {
  return byMethod({
    async POST(req) {
      const { body, as } = await authenticated(req, deps, StoreRequest);
      const embedding = await embedOrNull(deps.embedder, body.fact, deps.embedTimeoutMs, deps.log);
      const [outcome] = await deps.db.asCaller(as.claims, (db) =>
        callFunction<Stored>(db, "store_memory", {
          fact: [body.fact, "text"],
          memory_type: [body.memory_type, "text"],
          category: [body.category, "text"],
          importance_score: [body.importance_score, "float8"],
          confidence_score: [body.confidence_score, "float8"],
          source_conversation_id: [body.source_conversation_id, "uuid"],
          metadata: [body.metadata, "jsonb"],
          embedding: [embedding?.vector, "vector"],
          embedding_model: [embedding?.model, "text"],
          expires_at: [body.expires_at, "timestamptz"],
          idempotency_key: [body.idempotency_key ?? req.headers.get("idempotency-key") ?? undefined, "text"],
          user_id: [as.userId, "uuid"],
          on_conflict: [body.on_conflict, "text"],
          observed_at: [body.observed_at, "timestamptz"],
        }));
      // A new memory is 201, whether or not it conflicts with others; a merge or a new version of a memory is 200.
      const created = outcome.status === "created" || outcome.status === "distinct";
      return json({ ...outcome, embedding: embedding ? "stored" : "pending" }, created ? 201 : 200);
    },

    async "POST /unmerge"(req) {
      const { body, as } = await authenticated(req, deps, UnmergeRequest);
      const [outcome] = await deps.db.asCaller(as.claims, (db) =>
        callFunction<Outcome>(db, "unmerge_memory", { merged_id: [body.id, "uuid"], user_id: [as.userId, "uuid"] }));
      return json(outcome);
    },

    async GET(req) {
      const { body: query, as } = await authenticated(req, deps, HistoryQuery, queryOf(req));
      const history = await deps.db.asCaller(as.claims, (db) =>
        callFunction(db, "memory_history", { memory_id: [query.id, "uuid"] }));
      if (history.length === 0) {
        throw new ApiError(404, "not_found", `memory ${query.id} not found`, [{ field: "id", rule: "not_found" }]);
      }
      return json({ id: query.id, history });
    },

    async "GET /memory"(req) {
      const { body: query, as } = await authenticated(req, deps, HistoryQuery, queryOf(req));
      const [memory] = await deps.db.asCaller(as.claims, (db) =>
        callFunction(db, "get_memory", { memory_id: [query.id, "uuid"], user_id: [as.userId, "uuid"] }));
      if (!memory) throw new ApiError(404, "not_found", `memory ${query.id} not found`, [{ field: "id", rule: "not_found" }]);
      return json({ memory });
    },

    async PATCH(req) {
      const { body, as } = await authenticated(req, deps, UpdateRequest);
      const embedding = body.fact === undefined ? null : await embedOrNull(deps.embedder, body.fact, deps.embedTimeoutMs, deps.log);
      const [outcome] = await deps.db.asCaller(as.claims, (db) =>
        callFunction<Outcome>(db, "update_memory", {
          memory_id: [body.id, "uuid"],
          fact: [body.fact, "text"],
          memory_type: [body.memory_type, "text"],
          category: [body.category, "text"],
          importance_score: [body.importance_score, "float8"],
          confidence_score: [body.confidence_score, "float8"],
          metadata: [body.metadata, "jsonb"],
          embedding: [embedding?.vector, "vector"],
          embedding_model: [embedding?.model, "text"],
          expires_at: [body.expires_at, "timestamptz"],
          user_id: [as.userId, "uuid"],
        }));
      return json({ ...outcome, embedding: body.fact === undefined ? "unchanged" : embedding ? "stored" : "pending" });
    },

    async DELETE(req) {
      // The id may come as ?id= (no body) or in a JSON body.
      const input = req.headers.get("content-type") ? undefined : queryOf(req);
      const { body, as } = await authenticated(req, deps, ForgetRequest, input);
      const [outcome] = await deps.db.asCaller(as.claims, (db) =>
        callFunction<Outcome>(db, "forget_memory", { memory_id: [body.id, "uuid"], user_id: [as.userId, "uuid"] }));
      return json(outcome);
    },

    ...portabilityRoutes(deps),
  }, deps.log, "memory-store");
}
