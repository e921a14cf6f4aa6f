-- The schemas: `private` holds what the API does not expose (helpers, security-definer steps).
-- The current definition of each object; migrations are produced from these (docs/architecture.md).
-- Bodies are checked when they run, not when they are created (as pg_dump does): a function may call one
-- defined further down, or in a later file.
set check_function_bodies = off;

-- The extensions: pgvector in `extensions` (as Supabase installs it); pg_cron is enabled by the maintenance
-- migration only where it can exist (the database named by cron.database_name).
create extension if not exists vector with schema extensions;

CREATE SCHEMA private;

GRANT USAGE ON SCHEMA private TO service_role;
