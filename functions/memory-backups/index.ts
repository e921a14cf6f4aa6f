// Edge function memory-backups: a backup into Supabase Storage and retention, for the service_role key only.
import { authConfigFromEnv, createVerifier } from "../../shared/auth/jwt.ts";
import { SupabaseStorageStore } from "../../shared/backup/supabase-storage.ts";
import { connect, databaseUrlFromEnv } from "../../shared/db/connect.ts";
import { memoryBackupsHandler } from "../../shared/handlers/memory-backups.ts";

const env = Deno.env.toObject();
const url = databaseUrlFromEnv(env);
if (!url || !env.SUPABASE_URL || !env.SUPABASE_SERVICE_ROLE_KEY) {
  throw new Error("memory-backups needs SUPABASE_DB_URL, SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY");
}
Deno.serve(memoryBackupsHandler({
  sql: connect(url, { max: 2, applicationName: "memory-backups" }),
  store: new SupabaseStorageStore({
    url: env.SUPABASE_URL, serviceKey: env.SUPABASE_SERVICE_ROLE_KEY,
    bucket: env.MEMORY_BACKUP_BUCKET ?? "memory-backups", prefix: env.MEMORY_BACKUP_PREFIX,
  }),
  verify: createVerifier(authConfigFromEnv(env)),
}));
