// Edge function memory-store: POST stores, PATCH stores a new version, DELETE forgets. The work is in shared/.
import { depsFromEnv } from "../../shared/handlers/from-env.ts";
import { memoryStoreHandler } from "../../shared/handlers/memory-store.ts";

Deno.serve(memoryStoreHandler(depsFromEnv(Deno.env.toObject())));
