// memory-store: POST stores a memory, PATCH stores a new version of one, DELETE forgets one.
import { json } from "../http/respond.ts";
import { embedOrNull } from "../embeddings/provider.ts";
import { ForgetRequest, StoreRequest, UpdateRequest } from "../schemas/requests.ts";
import { authenticated, type HandlerDeps } from "./context.ts";
import { callFunction } from "./sql-call.ts";
import { byMethod } from "./serve.ts";

interface Outcome { id: string; status: string; version: number }

export function memoryStoreHandler(deps: HandlerDeps) {
  return byMethod({
    async POST(req) {
      const { body, as } = await authenticated(req, deps, StoreRequest);
      const embedding = await embedOrNull(deps.embedder, body.fact, deps.embedTimeoutMs, deps.log);
      const [outcome] = await deps.db.asCaller(as.claims, (db) =>
        callFunction<Outcome>(db, "store_memory", {
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
        }));
      return json({ ...outcome, embedding: embedding ? "stored" : "pending" }, outcome.status === "created" ? 201 : 200);
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
      const input = req.headers.get("content-type") ? undefined : Object.fromEntries(new URL(req.url).searchParams);
      const { body, as } = await authenticated(req, deps, ForgetRequest, input);
      const [outcome] = await deps.db.asCaller(as.claims, (db) =>
        callFunction<Outcome>(db, "forget_memory", { memory_id: [body.id, "uuid"], user_id: [as.userId, "uuid"] }));
      return json(outcome);
    },
  }, deps.log);
}
