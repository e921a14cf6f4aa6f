-- A user takes only their own write lock (issue 24, item 3 in part): private.lock_user_memories was executable by
-- authenticated with any user as target, so a signed-in user could hold another user's lock and stall their stores.
-- It now checks its target with private.acting_user (42501 for another user's, unless the role bypasses RLS).
set check_function_bodies = off;

CREATE OR REPLACE FUNCTION private.lock_user_memories(target uuid) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  -- The caller's own lock only (any user's for a role that bypasses RLS): another user's would let a signed-in user
  -- stall that user's writes for as long as a transaction stays open.
  select private.acting_user(target);
  select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('user_memories:' || target::text, 0))
$$;

REVOKE ALL ON FUNCTION private.lock_user_memories(uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.lock_user_memories(target uuid) IS 'Takes the per-user transaction lock that makes duplicate detection exact under concurrency; only the caller''s own (private.acting_user: 42501 for another user''s unless the role bypasses RLS).';

REVOKE ALL ON FUNCTION private.lock_user_memories(target uuid) FROM PUBLIC;

GRANT ALL ON FUNCTION private.lock_user_memories(target uuid) TO authenticated;

GRANT ALL ON FUNCTION private.lock_user_memories(target uuid) TO service_role;

