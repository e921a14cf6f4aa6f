// memory-store: POST stores a memory, POST /batch several in one transaction, PATCH stores a new version of one,
// DELETE forgets one, POST /forget every memory of a scope, POST /erase deletes the user's memories for good, GET ?id=
// shows everything said about one (versions and sightings), GET /memory?id= shows one as it is now, POST /unmerge
// makes a merged statement a memory again;
// GET /export and POST /import carry a user's whole data (portability.ts).
import { ApiError } from "../http/errors.ts";
import { json } from "../http/respond.ts";
import { embedAllOrNull, embedOrNull } from "../embeddings/provider.ts";
import {
  BatchStoreRequest, EraseRequest, ForgetRequest, ForgetScopeRequest, HistoryQuery, StoreRequest, UnmergeRequest, UpdateRequest,
} from "../schemas/requests.ts";
import { authenticated, queryOf, type HandlerDeps } from "./context.ts";
import { callFunction } from "./sql-call.ts";
import { portabilityRoutes } from "./portability.ts";
import { byMethod } from "./serve.ts";

/** store_memory's outcome: status created | distinct | duplicate | refined | superseded, and the statement's relation. */
interface Stored { id: string; status: string; version: number; sighting_id: string | null; related: unknown[]; relation: string | null }
interface Outcome { id: string; status: string; version: number }

/** A new memory is 201, whether or not it conflicts with others; a merge or a new version of a memory is 200. */
const isNew = (outcome: Stored): boolean => outcome.status === "created" || outcome.status === "distinct";

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
          agent_id: [body.agent_id, "text"],
          run_id: [body.run_id, "text"],
        }));
      return json({ ...outcome, embedding: embedding ? "stored" : "pending" }, isNew(outcome) ? 201 : 200);
    },

    async "POST /batch"(req) {
      const { body, as } = await authenticated(req, deps, BatchStoreRequest);
      // One call to the provider for the whole batch; each item goes to store_memory as its parameters.
      const embeddings = await embedAllOrNull(deps.embedder, body.items.map((item) => item.fact), deps.embedTimeoutMs, deps.log);
      const items = body.items.map((item, i) =>
        embeddings ? { ...item, embedding: embeddings[i].vector, embedding_model: embeddings[i].model } : item);
      const results = await deps.db.asCaller(as.claims, (db) =>
        callFunction<Stored & { item: number }>(db, "store_memories", { items: [items, "jsonb"], user_id: [as.userId, "uuid"] }));
      return json({ results, embedding: embeddings ? "stored" : "pending" }, results.some(isNew) ? 201 : 200);
    },

    async "POST /forget"(req) {
      const { body, as } = await authenticated(req, deps, ForgetScopeRequest);
      const [{ forgotten }] = await deps.db.asCaller(as.claims, (db) =>
        callFunction<{ forgotten: number }>(db, "forget_memories", {
          agent_id: [body.agent_id, "text"], run_id: [body.run_id, "text"], user_id: [as.userId, "uuid"],
        }, "r::int as forgotten"));
      return json({ forgotten });
    },

    async "POST /erase"(req) {
      const { body, as } = await authenticated(req, deps, EraseRequest);
      const [{ erased }] = await deps.db.asCaller(as.claims, (db) =>
        callFunction<{ erased: number }>(db, "erase_memories", {
          confirm: [body.confirm, "text"], agent_id: [body.agent_id, "text"], run_id: [body.run_id, "text"], user_id: [as.userId, "uuid"],
        }, "r::int as erased"));
      return json({ erased });
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
