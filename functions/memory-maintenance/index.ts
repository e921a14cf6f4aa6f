// Edge function memory-maintenance: a backup into Supabase Storage and retention, for the service_role key only.
import { authConfigFromEnv, createVerifier } from "../../shared/auth/jwt.ts";
import { SupabaseStorageStore } from "../../shared/backup/supabase-storage.ts";
import { connect, databaseUrlFromEnv } from "../../shared/db/connect.ts";
import { memoryMaintenanceHandler } from "../../shared/handlers/memory-maintenance.ts";

const env = Deno.env.toObject();
const url = databaseUrlFromEnv(env);
if (!url || !env.SUPABASE_URL || !env.SUPABASE_SERVICE_ROLE_KEY) {
  throw new Error("memory-maintenance needs SUPABASE_DB_URL, SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY");
}
Deno.serve(memoryMaintenanceHandler({
  sql: connect(url, { max: 2, applicationName: "memory-maintenance" }),
  store: new SupabaseStorageStore({
    url: env.SUPABASE_URL, serviceKey: env.SUPABASE_SERVICE_ROLE_KEY,
    bucket: env.MEMORY_BACKUP_BUCKET ?? "memory-backups", prefix: env.MEMORY_BACKUP_PREFIX,
  }),
  verify: createVerifier(authConfigFromEnv(env)),
}));
