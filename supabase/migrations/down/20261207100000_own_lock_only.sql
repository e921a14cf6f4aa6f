-- Rollback: private.lock_user_memories takes any user's lock again.
set check_function_bodies = off;

CREATE OR REPLACE FUNCTION private.lock_user_memories(target uuid) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('user_memories:' || target::text, 0))
$$;

REVOKE ALL ON FUNCTION private.lock_user_memories(uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.lock_user_memories(target uuid) IS 'Takes the per-user transaction lock that makes duplicate detection exact under concurrency.';

REVOKE ALL ON FUNCTION private.lock_user_memories(target uuid) FROM PUBLIC;

GRANT ALL ON FUNCTION private.lock_user_memories(target uuid) TO authenticated;

GRANT ALL ON FUNCTION private.lock_user_memories(target uuid) TO service_role;

