// The `postgres` database is the one pg_cron lives in (cron.database_name), and tests that need pg_cron share it:
// each holds this lock while it uses it, so that one test's rollback never meets another's migration.
import postgres from "postgres";
import { urlFor } from "../../scripts/db/local-stack.ts";

/** Waits for the shared database, and returns what releases it. */
export async function holdCronDatabase(): Promise<() => Promise<void>> {
  const holder = postgres(urlFor("postgres"), { max: 1, onnotice: () => {} });
  await holder`select pg_advisory_lock(hashtext('memory-tests: the postgres database'))`;
  return async () => {
    await holder`select pg_advisory_unlock(hashtext('memory-tests: the postgres database'))`;
    await holder.end();
  };
}
