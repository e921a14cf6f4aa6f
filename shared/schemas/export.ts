// The chat-memory-export document, version 1 (docs/export-format.md): what export_user_data writes and
// import_user_data reads, as the API answers and accepts it. Field types follow fields.ts (what PostgreSQL can hold);
// the value rules are the tables' own, checked when the rows are imported.
import { z } from "zod";
import { int32, jsonObject, shortKey, text, timestamp, uuid } from "./fields.ts";

const nullable = <S extends z.ZodType>(schema: S) => schema.nullable();

/** The scope a row belongs to (agent_id, run_id); optional, as documents written before scopes have none. */
const scope = { agent_id: nullable(text).optional(), run_id: nullable(text).optional() };

export const ExportedMemory = z.object({
  id: uuid, fact: text, memory_type: text, category: nullable(text),
  importance_score: z.number(), confidence_score: z.number(),
  is_active: z.boolean(), duplicate_of: nullable(uuid), version: int32, previous_version_id: nullable(uuid),
  source_conversation_id: nullable(uuid), metadata: jsonObject,
  created_at: timestamp, updated_at: timestamp, last_accessed_at: nullable(timestamp), expires_at: nullable(timestamp),
  // Optional: documents written before observed_at existed have none.
  observed_at: nullable(timestamp).optional(),
  ...scope,
}).meta({ id: "ExportedMemory", description: "One row of user_memories: a version, current (is_active) or replaced, or a duplicate" });

export const ExportedSighting = z.object({
  id: uuid, memory_id: uuid, fact: text, memory_type: text, category: nullable(text),
  importance_score: z.number(), confidence_score: z.number(), metadata: jsonObject,
  source_conversation_id: nullable(uuid), expires_at: nullable(timestamp), idempotency_key: nullable(text),
  origin: text, merged_memory_id: nullable(uuid), similarity: nullable(z.number()),
  seen_at: timestamp, unmerged_at: nullable(timestamp), unmerged_memory_id: nullable(uuid),
  observed_at: nullable(timestamp).optional(),
  ...scope,
}).meta({ id: "ExportedSighting", description: "A statement merged into a memory instead of stored as one" });

export const ExportedConversation = z.object({
  id: uuid, title: nullable(text), metadata: jsonObject,
  started_at: timestamp, last_message_at: nullable(timestamp), created_at: timestamp, updated_at: timestamp,
  ...scope,
}).meta({ id: "ExportedConversation" });

export const ExportedAccess = z.object({
  memory_id: uuid, last_accessed_at: timestamp, access_count: z.number().int().positive(),
}).meta({ id: "ExportedAccess", description: "How often search returned a memory, and when last" });

export const ExportedAccessLogEntry = z.object({ id: uuid, memory_id: uuid, accessed_at: timestamp })
  .meta({ id: "ExportedAccessLogEntry", description: "A search access not yet folded into access" });

export const ExportDocument = z.object({
  format: z.literal("chat-memory-export"),
  version: z.literal(1),
  exported_at: timestamp,
  user_id: uuid.describe("the user it was exported for; an import is for the user who imports it"),
  memories: z.array(ExportedMemory),
  sightings: z.array(ExportedSighting),
  conversations: z.array(ExportedConversation),
  access: z.array(ExportedAccess),
  access_log: z.array(ExportedAccessLogEntry),
  statistics: z.record(z.string(), z.unknown()).describe("get_memory_stats at export time; informative, not imported"),
}).meta({ id: "ExportDocument" });

/** Who an export or an import is for: service_role names the user (?user_id=); a user is themselves. */
export const PortabilityQuery = z.strictObject({ user_id: uuid.optional() });

/** An export of one scope: each key given must match (the import takes any document back). */
export const ExportQuery = PortabilityQuery.extend({
  agent_id: shortKey.optional().describe("only this agent's memories and conversations"),
  run_id: shortKey.optional().describe("only this run's"),
});

/** An import's body is the exported document as it is; its size may be far above other requests'. */
export const MAX_IMPORT_BYTES = 32 * 1024 * 1024;

export const ImportOutcome = z.object({
  tables: z.array(z.object({
    table_name: z.string(),
    imported: z.int(),
    already_present: z.int().describe("rows already here (under their id, or the id an earlier import gave them): a second import changes nothing"),
    merged: z.int().describe("active memories that repeat one already here, kept as its duplicate"),
    ids: z.record(uuid, uuid).describe("exported id -> id here, for each row whose id is not the document's: a row keeps its id only when it is already the importing user's"),
  })),
  embedding: z.literal("pending").describe("imported memories get their embeddings from the embedding backfill"),
}).meta({ id: "ImportOutcome" });

export type ExportDocument = z.infer<typeof ExportDocument>;
export type ImportOutcome = z.infer<typeof ImportOutcome>;
