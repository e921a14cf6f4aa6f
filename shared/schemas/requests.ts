// Request bodies, parsed with zod. Only shape and types live here (each field type limited to what PostgreSQL can
// hold: fields.ts); the value rules (ranges, lengths, the memory types) are the database's, which names the field
// and the rule when one is broken.
import { z } from "zod";
import { KINDS } from "../backup/format.ts";
import { int32, jsonObject, memoryType, score, text, timestamp, uuid } from "./fields.ts";

/** Fields a service-role caller uses to act for a user; refused for user tokens by the handler. */
const actingFor = { user_id: uuid.optional() };

export const StoreRequest = z.strictObject({
  fact: text,
  memory_type: memoryType.optional(),
  category: text.nullable().optional(),
  importance_score: score.optional(),
  confidence_score: score.optional(),
  source_conversation_id: uuid.nullable().optional(),
  metadata: jsonObject.optional(),
  expires_at: timestamp.nullable().optional(),
  idempotency_key: text.optional(),
  observed_at: timestamp.optional()
    .describe("when the fact was said, e.g. the conversation turn's time (default: now); a search naming a date ranks what was said then first"),
  // A text: store_memory holds the rule (keep or supersede) and names this field when it is broken.
  on_conflict: text.optional()
    .describe("keep (default): a statement that conflicts with a memory is stored beside it; supersede: it becomes that memory's new version"),
  ...actingFor,
});

export const UpdateRequest = z.strictObject({
  id: uuid,
  fact: text.optional(),
  memory_type: memoryType.optional(),
  category: text.optional(),
  importance_score: score.optional(),
  confidence_score: score.optional(),
  metadata: jsonObject.optional(),
  expires_at: timestamp.optional(),
  ...actingFor,
}).refine((body) => Object.keys(body).some((k) => !["id", "user_id"].includes(k)), {
  error: "give at least one field to change", path: ["fact"],
});

export const ForgetRequest = z.strictObject({ id: uuid, ...actingFor });

/** The id of a sighting, or of a memory marked as a duplicate, to make a memory of its own again. */
export const UnmergeRequest = z.strictObject({ id: uuid, ...actingFor });

export const HistoryQuery = z.strictObject({ id: uuid, ...actingFor });

export const SearchRequest = z.strictObject({
  query: text,
  match_count: int32.optional(),
  memory_types: z.array(memoryType, { error: "must be an array of strings" }).optional(),
  categories: z.array(text, { error: "must be an array of strings" }).optional(),
  min_importance: score.optional(),
  created_after: timestamp.optional(),
  created_before: timestamp.optional(),
  min_similarity: score.optional(),
  ...actingFor,
});

export const ListQuery = z.strictObject({
  page_size: z.coerce.number({ error: "must be a whole number" }).pipe(int32).optional(),
  cursor: text.optional(),
  user_id: uuid.optional(),
});

/** memory-backups: which kind of backup to take, and whether to apply retention after it. */
export const BackupRequest = z.strictObject({
  kind: z.enum(KINDS, { error: `must be one of ${KINDS.join(", ")}` }).default("daily"),
  prune: z.boolean({ error: "must be true or false" }).default(true),
});

/** What a list cursor holds: the created_at and id of the last memory seen. */
export const ListCursor = z.tuple([timestamp, uuid]);

export type StoreRequest = z.infer<typeof StoreRequest>;
export type UpdateRequest = z.infer<typeof UpdateRequest>;
export type SearchRequest = z.infer<typeof SearchRequest>;
