// Request bodies, parsed with zod. Only shape and types live here (each field type limited to what PostgreSQL can
// hold: fields.ts); the value rules (ranges, lengths, the memory types) are the database's, which names the field
// and the rule when one is broken.
import { z } from "zod";
import { KINDS } from "../backup/format.ts";
import { int32, jsonObject, memoryType, score, shortKey, text, timestamp, uuid } from "./fields.ts";

/**
 * The database's bounds, said in the OpenAPI document (JSON Schema keywords; the database enforces them and names
 * the field when one is broken). test/openapi-bounds.test.ts checks that each is exactly where the API starts
 * refusing, so the document cannot promise more or less than the rules.
 */
const factText = text.meta({ minLength: 1, maxLength: 2000, description: "1 to 2000 characters, with a letter or a digit" });
const categoryText = text.meta({ minLength: 1, maxLength: 100, description: "1 to 100 characters, not blank" });
const unit = score.meta({ minimum: 0, maximum: 1 });
const count = int32.meta({ minimum: 1, maximum: 100 });

/** Fields a service-role caller uses to act for a user; refused for user tokens by the handler. */
const actingFor = { user_id: uuid.optional() };

/**
 * The scope below the user (mem0's names): the agent that learned a memory and the session or run it came from.
 * The database holds the rule (1 to 200 characters, not blank) and names the field when it is broken.
 */
const scope = {
  agent_id: shortKey.optional().describe("the agent the memory belongs to; leave out for a fact that holds for the user whatever the agent"),
  run_id: shortKey.optional().describe("the session or run (a LangGraph thread) the memory belongs to"),
};

/** A scope to keep to when reading: each key given must match; a key left out matches any. */
const scopeFilter = {
  agent_id: shortKey.optional().describe("only this agent's memories"),
  run_id: shortKey.optional().describe("only this run's memories"),
};

/** A metadata filter in a query string is JSON text; parsed first, so the rule is the body's. */
const jsonText = (value: unknown): unknown => {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};
const metadataFilter = jsonObject.describe("only memories whose metadata contains this object (equal keys, nested objects, members of arrays)");

export const StoreRequest = z.strictObject({
  fact: factText,
  memory_type: memoryType.optional(),
  category: categoryText.nullable().optional(),
  importance_score: unit.optional().describe("0 to 1 (default 0.5)"),
  confidence_score: unit.optional().describe("0 to 1 (default 0.5)"),
  source_conversation_id: uuid.nullable().optional(),
  metadata: jsonObject.optional(),
  expires_at: timestamp.nullable().optional().describe("when it stops being true; must be in the future"),
  idempotency_key: shortKey.optional(),
  observed_at: timestamp.optional()
    .describe("when the fact was said, e.g. the conversation turn's time (default: now; at most a day from now); a search naming a date ranks what was said then first"),
  // A text: store_memory holds the rule (keep or supersede) and names this field when it is broken.
  on_conflict: text.meta({ enum: ["keep", "supersede"] }).optional()
    .describe("keep (default): a statement that conflicts with a memory is stored beside it; supersede: it becomes that memory's new version"),
  ...scope,
  ...actingFor,
});

/** One statement of a batch: a store's fields, the user aside (the batch names it once). */
export const StoreItem = StoreRequest.omit({ user_id: true });

export const MAX_BATCH_ITEMS = 100;

export const BatchStoreRequest = z.strictObject({
  items: z.array(StoreItem, { error: "must be an array of statements" })
    .min(1, { error: "must hold at least one statement" })
    .max(MAX_BATCH_ITEMS, { error: `must hold at most ${MAX_BATCH_ITEMS} statements` }),
  ...actingFor,
});

/** Forgets every memory of a scope; forget_memories requires one key at least (erasing everything is /erase). */
export const ForgetScopeRequest = z.strictObject({ ...scopeFilter, ...actingFor });

export const ERASE_CONFIRMATION = "erase my memories";

/** Deletes the user's memories (all, or a scope's) for good, with the words that confirm it. */
export const EraseRequest = z.strictObject({
  // The words are erase_memories' rule (it names this field when they are missing); said here for the document.
  confirm: text.meta({ enum: [ERASE_CONFIRMATION] })
    .describe("the words that confirm it: erasing deletes the memories, their history and what was merged into them"),
  ...scopeFilter,
  ...actingFor,
});

export const UpdateRequest = z.strictObject({
  id: uuid,
  fact: factText.optional(),
  memory_type: memoryType.optional(),
  category: categoryText.optional(),
  importance_score: unit.optional(),
  confidence_score: unit.optional(),
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
  query: text.meta({ minLength: 1, maxLength: 2000, description: "the question, 1 to 2000 characters, not blank" }),
  match_count: count.optional().describe("1 to 100 (default 10)"),
  memory_types: z.array(memoryType, { error: "must be an array of strings" }).optional(),
  categories: z.array(text, { error: "must be an array of strings" }).optional(),
  min_importance: unit.optional(),
  created_after: timestamp.optional(),
  created_before: timestamp.optional(),
  min_similarity: unit.optional(),
  ...scopeFilter,
  metadata_filter: metadataFilter.optional(),
  ...actingFor,
});

export const ListQuery = z.strictObject({
  page_size: z.coerce.number({ error: "must be a whole number" }).pipe(int32).meta({ type: "integer", minimum: 1, maximum: 100, description: "1 to 100 (default 20)" }).optional(),
  cursor: text.optional(),
  ...scopeFilter,
  metadata_filter: z.preprocess(jsonText, metadataFilter).optional(),
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
export type StoreItem = z.infer<typeof StoreItem>;
export type UpdateRequest = z.infer<typeof UpdateRequest>;
export type SearchRequest = z.infer<typeof SearchRequest>;
