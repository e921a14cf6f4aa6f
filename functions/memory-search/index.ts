// Edge function memory-search: POST searches, GET lists recent memories. The work is in shared/.
import { depsFromEnv } from "../../shared/handlers/from-env.ts";
import { memorySearchHandler } from "../../shared/handlers/memory-search.ts";

Deno.serve(memorySearchHandler(depsFromEnv(Deno.env.toObject())));
