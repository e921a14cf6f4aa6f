-- Access: the search-access log folded into memory_access, and erasure of a user's data.
-- The current definition of each object; migrations are produced from these (docs/architecture.md).
-- Bodies are checked when they run, not when they are created (as pg_dump does): a function may call one
-- defined further down, or in a later file.
set check_function_bodies = off;

CREATE FUNCTION private.access_fold_lock_key() RETURNS bigint
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  select pg_catalog.hashtextextended('memory_access_log:fold', 0)
$$;
REVOKE ALL ON FUNCTION private.access_fold_lock_key() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.access_fold_lock_key() IS 'The advisory lock a fold of memory_access_log holds; erasure and restore take it to wait out a fold in progress.';

CREATE FUNCTION public.erase_user_data(target_user uuid) RETURNS TABLE(table_name text, rows_deleted bigint)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_access bigint;
  v_log bigint;
  v_keys bigint;
  v_sightings bigint;
  v_memories bigint;
  v_conversations bigint;
  v_stats bigint;
begin
  if target_user is null then
    raise exception 'target_user is required' using errcode = '22023', column = 'target_user';
  end if;
  perform private.lock_user_memories(target_user);
  perform pg_catalog.pg_advisory_xact_lock(private.access_fold_lock_key());
  -- Deleted here, not left to the cascade from user_memories, so that the report counts them.
  delete from public.memory_access a where a.user_id = target_user;
  get diagnostics v_access = row_count;
  delete from public.memory_access_log l where l.user_id = target_user;
  get diagnostics v_log = row_count;
  delete from public.memory_idempotency_keys k where k.user_id = target_user;
  get diagnostics v_keys = row_count;
  delete from public.memory_sightings s where s.user_id = target_user;
  get diagnostics v_sightings = row_count;
  delete from public.user_memories m where m.user_id = target_user;
  get diagnostics v_memories = row_count;
  delete from public.conversations c where c.user_id = target_user;
  get diagnostics v_conversations = row_count;
  delete from public.memory_user_stats s where s.user_id = target_user;
  get diagnostics v_stats = row_count;
  return query values ('memory_access', v_access), ('memory_access_log', v_log), ('memory_idempotency_keys', v_keys),
                      ('memory_sightings', v_sightings), ('user_memories', v_memories),
                      ('conversations', v_conversations), ('memory_user_stats', v_stats);
end
$$;
REVOKE ALL ON FUNCTION public.erase_user_data(uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.erase_user_data(target_user uuid) IS 'GDPR erasure, service_role only: hard-deletes every memory, version, sighting, access record, conversation, key and counter of one user and reports the rows removed per table. The auth.users row is Supabase Auth''s to delete.';

CREATE FUNCTION public.fold_memory_access(batch_size integer DEFAULT 10000) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_done bigint;
begin
  if batch_size is null or batch_size < 1 or batch_size > 1000000 then
    raise exception 'batch_size must be between 1 and 1000000' using errcode = '22023', column = 'batch_size';
  end if;
  -- One fold at a time; another finds the lock taken and leaves the log to the next run.
  if not pg_catalog.pg_try_advisory_xact_lock(private.access_fold_lock_key()) then
    return 0;
  end if;
  -- One statement, one snapshot: the entries folded are exactly the entries deleted.
  with batch as materialized (
    select l.id, l.memory_id, l.user_id, l.accessed_at from public.memory_access_log l limit batch_size
  ),
  present as materialized (
    select m.id, m.user_id from public.user_memories m where m.id in (select b.memory_id from batch b)
  ),
  -- The memories, locked in one order and without waiting: a memory a write is deleting right now is skipped,
  -- and its entries wait for the next fold, so a fold never holds up a write and no write holds up a fold. A
  -- key share lock does not conflict with the updates that store, update and forget make.
  locked as materialized (
    select m.id, m.user_id from public.user_memories m
     where m.id in (select p.id from present p)
     order by m.id
       for key share skip locked
  ),
  folded as (
    insert into public.memory_access as a (memory_id, user_id, last_accessed_at, access_count)
    select b.memory_id, b.user_id, max(b.accessed_at), count(*)
      from batch b join locked k on k.id = b.memory_id and k.user_id = b.user_id
     group by b.memory_id, b.user_id
     order by b.memory_id
    on conflict (memory_id) do update
      set last_accessed_at = greatest(a.last_accessed_at, excluded.last_accessed_at),
          access_count = a.access_count + excluded.access_count
  ),
  -- Folded, or about a memory that is gone (or is another user's): either way done with.
  done as (
    delete from public.memory_access_log l
     using batch b
     where l.id = b.id
       and (b.memory_id in (select k.id from locked k) or b.memory_id not in (select p.id from present p))
    returning 1
  )
  select count(*) into v_done from done;
  return v_done;
end
$$;
REVOKE ALL ON FUNCTION public.fold_memory_access(integer) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.fold_memory_access(batch_size integer) IS 'Folds up to batch_size entries of memory_access_log into memory_access (last access, count) and deletes them; entries of memories since deleted are dropped. Never waits on a write. Returns the entries done with.';

REVOKE ALL ON FUNCTION private.access_fold_lock_key() FROM PUBLIC;
GRANT ALL ON FUNCTION private.access_fold_lock_key() TO service_role;

REVOKE ALL ON FUNCTION public.erase_user_data(target_user uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.erase_user_data(target_user uuid) TO service_role;

REVOKE ALL ON FUNCTION public.fold_memory_access(batch_size integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fold_memory_access(batch_size integer) TO service_role;
