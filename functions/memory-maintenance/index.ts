// The old name of memory-backups, kept for one release so that a project whose pg_cron jobs still call it keeps
// its backups while it deploys memory-backups (migration 20261126120100 points the jobs there). Delete it after:
// npx supabase functions delete memory-maintenance
import "../memory-backups/index.ts";
