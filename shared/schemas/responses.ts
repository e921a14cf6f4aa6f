// What the functions answer, as zod schemas: the one description the OpenAPI document (shared/openapi/) and the
// typed client (client/) are both made from. test/openapi.test.ts checks real answers against them, so they
// cannot drift from what the SQL functions return.
import { z } from "zod";
import { uuid } from "./fields.ts";

const id = uuid;
const at = z.string().describe("an ISO 8601 date-time");
const json = z.record(z.string(), z.unknown());

/** How a statement stands to what is known: the same, the same with more, at odds, or new. */
export const Relation = z.enum(["new", "duplicate", "refines", "conflicts"]);

/** A memory that a stored fact refines or conflicts with, and what sets them apart. */
export const Related = z.object({
  id,
  similarity: z.number(),
  reason: z.string().describe("what sets the two apart, e.g. \"number differs\", \"order or roles differ\", \"adds a detail\""),
  relation: Relation.exclude(["new", "duplicate"]).optional(),
}).meta({ id: "Related" });

export const StoreOutcome = z.object({
  id: id.describe("the memory: new (created, distinct), the one this fact repeats (duplicate), or the new version of the one it refines or supersedes (refined, superseded)"),
  status: z.enum(["created", "distinct", "duplicate", "refined", "superseded"]),
  relation: Relation.nullable().describe("duplicate: the same meaning; refines: the same fact with a detail added; conflicts: a value, a role or order, a tense, a polarity, a comparison or a quantity differs; new"),
  version: z.int(),
  sighting_id: id.nullable().describe("when the fact repeated a memory: the record of this statement"),
  related: z.array(Related),
  embedding: z.enum(["stored", "pending"]).describe("pending: the embedder was unavailable; a job fills it in later"),
}).meta({ id: "StoreOutcome" });

/** One item of a batch: its index in items, and its outcome as a single store answers it. */
export const BatchOutcome = z.object({
  results: z.array(StoreOutcome.omit({ embedding: true }).extend({ item: z.int().describe("the item's index in items") })),
  embedding: z.enum(["stored", "pending"]).describe("pending: the embedder was unavailable; a job fills them in later"),
}).meta({ id: "BatchOutcome" });

export const ForgetScopeOutcome = z.object({ forgotten: z.int().describe("how many memories were forgotten") })
  .meta({ id: "ForgetScopeOutcome" });

export const EraseOutcome = z.object({ erased: z.int().describe("how many memory rows (versions included) were deleted") })
  .meta({ id: "EraseOutcome" });

export const Outcome = z.object({
  id,
  status: z.string(),
  version: z.int(),
}).meta({ id: "Outcome" });

export const UpdateOutcome = Outcome.extend({
  embedding: z.enum(["stored", "pending", "unchanged"]),
}).meta({ id: "UpdateOutcome" });

export const UnmergeOutcome = Outcome.extend({
  sighting_id: id.nullable(),
  merged_into: id.nullable(),
}).meta({ id: "UnmergeOutcome" });

export const HistoryEntry = z.object({
  id,
  kind: z.enum(["version", "sighting"]),
  fact: z.string(),
  memory_type: z.string().nullable(),
  category: z.string().nullable(),
  importance_score: z.number().nullable(),
  confidence_score: z.number().nullable(),
  metadata: json.nullable(),
  version: z.int().nullable(),
  is_active: z.boolean().nullable(),
  duplicate_of: id.nullable(),
  previous_version_id: id.nullable(),
  source_conversation_id: id.nullable(),
  origin: z.string().nullable(),
  similarity: z.number().nullable(),
  attached_to: id.nullable(),
  merged_memory_id: id.nullable(),
  unmerged_at: at.nullable(),
  unmerged_memory_id: id.nullable(),
  relation: Relation.nullable()
    .describe("how this statement stands to what was known: to the version before it, or to the memory it was merged into"),
  relation_reason: z.string().nullable().describe("what sets it apart, for refines and conflicts"),
  created_at: at,
}).meta({ id: "HistoryEntry" });

export const History = z.object({ id, history: z.array(HistoryEntry) }).meta({ id: "History" });

/** What a search result and a listed memory both show of a memory. */
const memoryShown = {
  id,
  fact: z.string(),
  memory_type: z.string(),
  category: z.string().nullable(),
  importance_score: z.number(),
  confidence_score: z.number(),
  metadata: json,
  source_conversation_id: id.nullable(),
  created_at: at,
  updated_at: at,
  observed_at: at.describe("when it was said: the observed_at it was stored with, else when it was stored"),
  agent_id: z.string().nullable().describe("the agent it belongs to; null: the user's own"),
  run_id: z.string().nullable().describe("the session or run it belongs to"),
};

export const SearchResult = z.object({
  ...memoryShown,
  text_rank: z.int().nullable(),
  text_score: z.number().nullable(),
  vector_rank: z.int().nullable(),
  vector_similarity: z.number().nullable(),
  rrf_score: z.number(),
  recency: z.number(),
  score: z.number(),
  matched_by: z.array(z.enum(["text", "vector"])),
}).meta({ id: "SearchResult" });

export const SearchResponse = z.object({
  results: z.array(SearchResult).describe("best first; empty when nothing bears on the query"),
  embedding: z.string().describe("the model that embedded the query, or unavailable / disabled"),
}).meta({ id: "SearchResponse" });

export const ListedMemory = z.object({
  ...memoryShown,
  version: z.int(),
  has_embedding: z.boolean(),
  embedding_model: z.string().nullable(),
  last_accessed_at: at.nullable(),
  expires_at: at.nullable(),
}).meta({ id: "ListedMemory" });

export const MemoryResponse = z.object({
  memory: ListedMemory.describe("the memory as it is now; an id of any of its versions, or of a memory merged into it, names it too"),
}).meta({ id: "MemoryResponse" });

export const ListResponse = z.object({
  memories: z.array(ListedMemory),
  next_cursor: z.string().nullable().describe("pass as cursor for the next page; null on the last"),
}).meta({ id: "ListResponse" });

export const BackupOutcome = z.object({
  backup: z.string().describe("the backup's id, as `npx memory backup list` shows it"),
  rows: z.record(z.string(), z.int()).describe("rows saved, per table"),
  bytes: z.int(),
  pruned: z.array(z.string()).describe("backups removed by retention"),
}).meta({ id: "BackupOutcome" });

/** Every refused request: the field and the rule it broke, and the request id a 500 was logged under. */
export const ErrorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string().optional(), rule: z.string().optional(), message: z.string().optional() })),
    request_id: z.string().optional(),
  }),
}).meta({ id: "Error" });

export type BatchOutcome = z.infer<typeof BatchOutcome>;
export type ForgetScopeOutcome = z.infer<typeof ForgetScopeOutcome>;
export type EraseOutcome = z.infer<typeof EraseOutcome>;
export type StoreOutcome = z.infer<typeof StoreOutcome>;
export type Outcome = z.infer<typeof Outcome>;
export type UpdateOutcome = z.infer<typeof UpdateOutcome>;
export type UnmergeOutcome = z.infer<typeof UnmergeOutcome>;
export type HistoryEntry = z.infer<typeof HistoryEntry>;
export type History = z.infer<typeof History>;
export type BackupOutcome = z.infer<typeof BackupOutcome>;
export type SearchResult = z.infer<typeof SearchResult>;
export type SearchResponse = z.infer<typeof SearchResponse>;
export type ListedMemory = z.infer<typeof ListedMemory>;
export type ListResponse = z.infer<typeof ListResponse>;
export type MemoryResponse = z.infer<typeof MemoryResponse>;
