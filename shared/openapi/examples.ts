// The example of each operation in the OpenAPI document: what /docs fills in on "Try it out", written so that each
// succeeds as shown for npm start's demo user, on the first click and after. The ids name memories npm start keeps
// for that user (local/docs-examples.ts makes them); elsewhere they only show the shape.
export const EXAMPLE_IDS = {
  /** A memory to show, search, update and take history of. */
  memory: "00000000-0000-4000-8000-00000000e001",
  /** A memory to forget (made again by each npm start). */
  forgettable: "00000000-0000-4000-8000-00000000e002",
  /** A statement merged into the memory, to unmerge (unmerging again answers the same memory). */
  sighting: "00000000-0000-4000-8000-00000000e003",
} as const;

/** The scope the examples of batch store, forget by scope and erase act in, so they touch no other memory. */
export const EXAMPLE_SCOPE = "docs-example";

export const EXAMPLE_FACTS = {
  memory: "Has a cat called Miso",
  forgettable: "Is reading a novel by Saramago",
  sighting: "Has a cat named Miso",
} as const;

/** By operationId: a JSON body, or the query parameters. */
export const OPERATION_EXAMPLES: Record<string, { body?: unknown; query?: Record<string, string | number> }> = {
  storeMemory: { body: { fact: "Prefers window seats on trains", memory_type: "preference", importance_score: 0.7 } },
  storeMemories: { body: { items: [
    { fact: "Has a brother called Tomas", memory_type: "person", agent_id: EXAMPLE_SCOPE },
    { fact: "Plays the cello on Sundays", agent_id: EXAMPLE_SCOPE, metadata: { source: "docs" } },
  ] } },
  forgetScope: { body: { agent_id: EXAMPLE_SCOPE, run_id: "run-1" } },
  eraseMemories: { body: { confirm: "erase my memories", agent_id: EXAMPLE_SCOPE } },
  updateMemory: { body: { id: EXAMPLE_IDS.memory, importance_score: 0.9 } },
  forgetMemory: { body: { id: EXAMPLE_IDS.forgettable } },
  memoryHistory: { query: { id: EXAMPLE_IDS.memory } },
  getMemory: { query: { id: EXAMPLE_IDS.memory } },
  unmergeMemory: { body: { id: EXAMPLE_IDS.sighting } },
  exportUserData: { query: {} },
  importUserData: { body: { format: "chat-memory-export", version: 1, exported_at: "2026-01-01T00:00:00Z",
    user_id: "00000000-0000-4000-8000-00000000d3e0", memories: [], sightings: [], conversations: [], access: [], access_log: [], statistics: {} } },
  searchMemories: { body: { query: "what pets does the user have?", match_count: 5 } },
  listMemories: { query: { page_size: 20 } },
  createBackup: { body: { kind: "manual", prune: false } },
};
