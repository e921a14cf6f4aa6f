// The OpenAPI 3.1 document of the edge functions, made from the zod schemas the handlers parse with
// (shared/schemas/requests.ts) and the answers they give (responses.ts): zod 4 writes the JSON Schema 2020-12 that
// OpenAPI 3.1 uses. npm start serves it at /functions/v1/openapi.json; test/openapi.test.ts validates it with an
// OpenAPI validator and checks the running API against it, route by route.
import { z } from "zod";
import { OPERATION_EXAMPLES } from "./examples.ts";
import {
  BackupRequest, BatchStoreRequest, EraseRequest, ForgetRequest, ForgetScopeRequest, HistoryQuery, ListQuery, SearchRequest, StoreRequest,
  UnmergeRequest, UpdateRequest,
} from "../schemas/requests.ts";
import { ExportDocument, ExportQuery, ImportOutcome, PortabilityQuery } from "../schemas/export.ts";
import {
  BackupOutcome, BatchOutcome, EraseOutcome, ErrorResponse, ForgetScopeOutcome, History, ListResponse, MemoryResponse, Outcome, SearchResponse,
  StoreOutcome, UnmergeOutcome, UpdateOutcome,
} from "../schemas/responses.ts";

type Schema = z.ZodType;

export interface Operation {
  fn: "memory-store" | "memory-search" | "memory-backups";
  method: "get" | "post" | "patch" | "delete";
  /** Below the function's own path: "" or "/unmerge". */
  path: string;
  operationId: string;
  summary: string;
  body?: Schema;
  query?: z.ZodObject;
  responses: Record<number, { description: string; schema: Schema }>;
  /** The errors this operation answers besides the ones every operation may (400, 401, 503). */
  errors?: Record<number, string>;
  serviceOnly?: boolean;
}

/** Every route the functions serve: the handlers' routes, one entry each (the test checks the two agree). */
export const OPERATIONS: Operation[] = [
  {
    fn: "memory-store", method: "post", path: "", operationId: "storeMemory",
    summary: "Store a fact: a new memory, or a sighting on the memory it repeats",
    body: StoreRequest,
    responses: {
      201: { description: "a new memory (status created, or distinct when a value sets it apart from related ones)", schema: StoreOutcome },
      200: { description: "the fact repeats a memory (status duplicate): recorded as a sighting on it", schema: StoreOutcome },
    },
    errors: { 507: "the user's quota of active memories is full" },
  },
  {
    fn: "memory-store", method: "post", path: "/batch", operationId: "storeMemories",
    summary: "Store up to 100 facts in one transaction, each as a single store would; all or nothing",
    body: BatchStoreRequest,
    responses: {
      201: { description: "at least one item made a new memory", schema: BatchOutcome },
      200: { description: "every item repeated or refined a memory", schema: BatchOutcome },
    },
    errors: { 507: "the user's quota of active memories is full" },
  },
  {
    fn: "memory-store", method: "post", path: "/forget", operationId: "forgetScope",
    summary: "Forget every memory of a scope (an agent's, a run's, or one run of one agent)",
    body: ForgetScopeRequest,
    responses: { 200: { description: "how many were forgotten", schema: ForgetScopeOutcome } },
  },
  {
    fn: "memory-store", method: "post", path: "/erase", operationId: "eraseMemories",
    summary: "Delete the user's memories for good (all, or a scope's), with their history; asks for the words that confirm it",
    body: EraseRequest,
    responses: { 200: { description: "how many rows were deleted", schema: EraseOutcome } },
  },
  {
    fn: "memory-store", method: "patch", path: "", operationId: "updateMemory",
    summary: "Store a new version of a memory; it keeps its id",
    body: UpdateRequest,
    responses: { 200: { description: "the new version", schema: UpdateOutcome } },
    errors: { 404: "no such memory of this user", 409: "the memory was forgotten" },
  },
  {
    fn: "memory-store", method: "delete", path: "", operationId: "forgetMemory",
    summary: "Forget a memory (every version of it); the id may also come as ?id=",
    body: ForgetRequest,
    responses: { 200: { description: "forgotten", schema: Outcome } },
    errors: { 404: "no such memory of this user", 409: "the memory was forgotten already" },
  },
  {
    fn: "memory-store", method: "get", path: "", operationId: "memoryHistory",
    summary: "Everything said about a memory: its versions and the statements merged into it, oldest first",
    query: HistoryQuery,
    responses: { 200: { description: "the history", schema: History } },
    errors: { 404: "no such memory of this user" },
  },
  {
    fn: "memory-store", method: "get", path: "/memory", operationId: "getMemory",
    summary: "A memory as it is now, by its id (the id it was stored with names it across versions)",
    query: HistoryQuery,
    responses: { 200: { description: "the memory", schema: MemoryResponse } },
    errors: { 404: "no such memory of this user, or it was forgotten" },
  },
  {
    fn: "memory-store", method: "post", path: "/unmerge", operationId: "unmergeMemory",
    summary: "Make a merged statement (a sighting) or a marked duplicate a memory of its own again",
    body: UnmergeRequest,
    responses: { 200: { description: "the memory it became", schema: UnmergeOutcome } },
    errors: { 404: "no such sighting or duplicate of this user", 409: "it cannot be unmerged (already a memory of its own)" },
  },
  {
    fn: "memory-store", method: "get", path: "/export", operationId: "exportUserData",
    summary: "Everything stored about the user (or one scope of it), as one chat-memory-export document (docs/export-format.md)",
    query: ExportQuery,
    responses: { 200: { description: "the document (embeddings left out)", schema: ExportDocument } },
  },
  {
    fn: "memory-store", method: "post", path: "/import", operationId: "importUserData",
    summary: "Take an exported document into this project for the user: all or nothing, a second import changes nothing",
    query: PortabilityQuery,
    body: ExportDocument,
    responses: {
      201: { description: "rows imported, per table", schema: ImportOutcome },
      200: { description: "every row was already here", schema: ImportOutcome },
    },
    errors: { 413: "the document is over 32 MiB",
      507: "the user's quota of active memories would be exceeded" },
  },
  {
    fn: "memory-search", method: "post", path: "", operationId: "searchMemories",
    summary: "Search the user's memories (full text and vectors); [] when nothing bears on the query",
    body: SearchRequest,
    responses: { 200: { description: "the results, best first", schema: SearchResponse } },
  },
  {
    fn: "memory-search", method: "get", path: "", operationId: "listMemories",
    summary: "The user's memories, newest first, a page at a time",
    query: ListQuery,
    responses: { 200: { description: "one page, and the cursor of the next", schema: ListResponse } },
  },
  {
    fn: "memory-backups", method: "post", path: "", operationId: "createBackup", serviceOnly: true,
    summary: "Take a backup into the configured store and apply retention (service_role only; what the pg_cron jobs call)",
    body: BackupRequest,
    responses: { 201: { description: "the backup taken", schema: BackupOutcome } },
  },
];

const COMMON_ERRORS: Record<number, string> = {
  400: "the request breaks a rule: details name each field and rule",
  401: "no valid token",
  403: "user_id with a user token (a user acts for themselves), or a service_role operation without that key",
  503: "the database or the embedder is unavailable right now; retry after Retry-After seconds",
};

const TO_JSON_SCHEMA = { target: "draft-2020-12", unrepresentable: "any", uri: (id: string) => `#/components/schemas/${id}` } as const;

/** The answers' schemas (those given an id with .meta), as components that refer to one another. */
function componentSchemas(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, { ...TO_JSON_SCHEMA, io: "output" });
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _, $id: __, ...schema }]) => [id, schema]));
}

/** A schema with an id (.meta) as a $ref to its component (the export document is both an answer and a request);
 * any other, inline, as the handler reads it (input) or writes it (output). */
function jsonSchema(schema: Schema, io: "input" | "output"): unknown {
  const id = z.globalRegistry.get(schema)?.id;
  if (id) return { $ref: `#/components/schemas/${id}` };
  const { $schema: _, ...own } = z.toJSONSchema(schema, { ...TO_JSON_SCHEMA, io }) as Record<string, unknown>;
  return own;
}

/** A query schema as OpenAPI parameters, one per field, with the operation's example values. */
function queryParameters(query: z.ZodObject, example: Record<string, string | number> = {}) {
  const schema = jsonSchema(query, "input") as { properties: Record<string, unknown>; required?: string[] };
  return Object.entries(schema.properties).map(([name, property]) => ({
    name, in: "query", required: schema.required?.includes(name) ?? false,
    // An object travels as JSON text (metadata_filter={"source":"chat"}), which OpenAPI says with content.
    ...((property as { type?: string }).type === "object" ? { content: { "application/json": { schema: property } } } : { schema: property }),
    ...(example[name] !== undefined ? { example: example[name] } : {}),
  }));
}

function operationObject(op: Operation) {
  const errors = { ...COMMON_ERRORS, ...op.errors };
  const example = OPERATION_EXAMPLES[op.operationId] ?? {};
  return {
    operationId: op.operationId,
    summary: op.summary,
    tags: [op.fn],
    security: op.serviceOnly ? [{ serviceRole: [] }] : [{ userToken: [] }, { serviceRole: [] }],
    ...(op.query ? { parameters: queryParameters(op.query, example.query) } : {}),
    ...(op.body ? { requestBody: { required: true, content: { "application/json": {
      schema: jsonSchema(op.body, "input"), ...(example.body !== undefined ? { example: example.body } : {}) } } } } : {}),
    responses: {
      ...Object.fromEntries(Object.entries(op.responses).map(([status, r]) =>
        [status, { description: r.description, content: { "application/json": { schema: jsonSchema(r.schema, "output") } } }])),
      ...Object.fromEntries(Object.entries(errors).map(([status, description]) =>
        [status, { description, content: { "application/json": { schema: jsonSchema(ErrorResponse, "output") } } }])),
    },
  };
}

/** The document; `server` is where the functions are (relative to the document by default); `functions`, the
 * functions it describes (a server that serves only some of them, as npm start, describes only those). */
export function openApiDocument(server = "/functions/v1", functions?: readonly Operation["fn"][]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS.filter((o) => !functions || functions.includes(o.fn))) {
    (paths[`/${op.fn}${op.path}`] ??= {})[op.method] = operationObject(op);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Chat memory API",
      version: "1",
      description: "Long-term memory for chatbots: store short facts about the signed-in user and search them. " +
        "Every refused request answers JSON naming the field and the rule; a 5xx other than 503 is a bug.",
    },
    servers: [{ url: server }],
    tags: [
      { name: "memory-store", description: "storing, changing and forgetting memories" },
      { name: "memory-search", description: "finding and listing memories" },
      { name: "memory-backups", description: "backups, for the service_role key (not served by npm start)" },
    ],
    paths,
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        userToken: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "the signed-in user's access token" },
        serviceRole: { type: "http", scheme: "bearer", bearerFormat: "JWT",
          description: "the service_role key; acts for the user named by user_id" },
      },
    },
  };
}
