// Request bodies, parsed with zod. Only shape and types live here; the value rules (ranges, lengths, the memory
// types) are the database's, which names the field and the rule when one is broken.
import { z } from "zod";

const uuid = z.uuid({ error: "must be a UUID" });
const timestamp = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time with a time zone" });
const score = z.number({ error: "must be a number" });

/** Fields a service-role caller uses to act for a user; refused for user tokens by the handler. */
const actingFor = { user_id: uuid.optional() };

export const StoreRequest = z.strictObject({
  fact: z.string({ error: "must be a string" }),
  memory_type: z.string({ error: "must be a string" }).optional(),
  category: z.string({ error: "must be a string" }).nullable().optional(),
  importance_score: score.optional(),
  confidence_score: score.optional(),
  source_conversation_id: uuid.nullable().optional(),
  metadata: z.record(z.string(), z.unknown(), { error: "must be a JSON object" }).optional(),
  expires_at: timestamp.nullable().optional(),
  idempotency_key: z.string({ error: "must be a string" }).optional(),
  ...actingFor,
});

export const UpdateRequest = z.strictObject({
  id: uuid,
  fact: z.string({ error: "must be a string" }).optional(),
  memory_type: z.string({ error: "must be a string" }).optional(),
  category: z.string({ error: "must be a string" }).optional(),
  importance_score: score.optional(),
  confidence_score: score.optional(),
  metadata: z.record(z.string(), z.unknown(), { error: "must be a JSON object" }).optional(),
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
  query: z.string({ error: "must be a string" }),
  match_count: z.int({ error: "must be a whole number" }).optional(),
  memory_types: z.array(z.string(), { error: "must be an array of strings" }).optional(),
  categories: z.array(z.string(), { error: "must be an array of strings" }).optional(),
  min_importance: score.optional(),
  created_after: timestamp.optional(),
  created_before: timestamp.optional(),
  min_similarity: score.optional(),
  ...actingFor,
});

export const ListQuery = z.strictObject({
  page_size: z.coerce.number({ error: "must be a whole number" }).int({ error: "must be a whole number" }).optional(),
  cursor: z.string().optional(),
  user_id: uuid.optional(),
});

export type StoreRequest = z.infer<typeof StoreRequest>;
export type UpdateRequest = z.infer<typeof UpdateRequest>;
export type SearchRequest = z.infer<typeof SearchRequest>;
