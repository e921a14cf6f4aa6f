-- One lock order for every write: a user's advisory lock (private.lock_user_memories) before any row of that
-- user, users in ascending order when a statement spans several, and one maintenance job at a time. The writes a
-- chatbot makes (store, update, forget, unmerge) already took their user's lock first. Left out were
-- mark_memory_duplicate, which locked both memories and then the user, and the sweeps (expire, cleanup), which
-- locked memories and counters of many users in whatever order a batch met them: against a store merging into
-- the same memory, each could hold what the other waited for.

create or replace function private.lock_maintenance() returns void
language sql
set search_path = ''
as $$
  select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('memory maintenance', 0))
$$;
comment on function private.lock_maintenance() is
  'Serializes the maintenance sweeps: each takes several users'' locks, and two taking them in different orders '
  'could deadlock.';
revoke all on function private.lock_maintenance() from public;
grant execute on function private.lock_maintenance() to service_role;

create or replace function private.lock_users(users uuid[]) returns void
language plpgsql
set search_path = ''
as $$
declare
  v_user uuid;
begin
  for v_user in select distinct u from unnest(users) u where u is not null order by u loop
    perform private.lock_user_memories(v_user);
  end loop;
end
$$;
comment on function private.lock_users(uuid[]) is
  'Takes each user''s write lock in ascending user order, before a statement touches rows of several users.';
revoke all on function private.lock_users(uuid[]) from public;
grant execute on function private.lock_users(uuid[]) to service_role;

create or replace function public.expire_memories(batch_size integer default 1000)
returns bigint
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_total bigint := 0;
  v_batch bigint;
  v_ids uuid[];
  v_users uuid[];
begin
  if batch_size is null or batch_size < 1 or batch_size > 100000 then
    raise exception 'batch_size must be between 1 and 100000' using errcode = '22023', column = 'batch_size';
  end if;
  perform private.lock_maintenance();
  loop
    select array_agg(x.id), array_agg(x.user_id) into v_ids, v_users
      from (select m.id, m.user_id from public.user_memories m
             where m.is_active and m.expires_at is not null and m.expires_at <= now()
             order by m.expires_at limit batch_size) x;
    exit when v_ids is null;
    perform private.lock_users(v_users);
    -- Checked again under the locks: a write may have changed the memory meanwhile.
    update public.user_memories m set is_active = false
     where m.id = any (v_ids) and m.is_active and m.expires_at <= now();
    get diagnostics v_batch = row_count;
    v_total := v_total + v_batch;
    exit when cardinality(v_ids) < batch_size;
  end loop;
  return v_total;
end
$$;

create or replace function public.cleanup_old_memories(days_old integer default 90, batch_size integer default 1000)
returns bigint
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_total bigint := 0;
  v_batch bigint;
  v_ids uuid[];
  v_users uuid[];
begin
  if days_old is null or days_old < 1 then
    raise exception 'days_old must be at least 1' using errcode = '22023', column = 'days_old';
  end if;
  if batch_size is null or batch_size < 1 or batch_size > 100000 then
    raise exception 'batch_size must be between 1 and 100000' using errcode = '22023', column = 'batch_size';
  end if;
  perform private.lock_maintenance();
  loop
    -- Never an active memory: only rows deactivated (superseded, forgotten, duplicates) more than days_old ago.
    select array_agg(x.id), array_agg(x.user_id) into v_ids, v_users
      from (select m.id, m.user_id from public.user_memories m
             where not m.is_active and m.updated_at < now() - make_interval(days => days_old)
             order by m.updated_at limit batch_size) x;
    exit when v_ids is null;
    perform private.lock_users(v_users);
    delete from public.user_memories m
     where m.id = any (v_ids) and not m.is_active and m.updated_at < now() - make_interval(days => days_old);
    get diagnostics v_batch = row_count;
    v_total := v_total + v_batch;
    exit when cardinality(v_ids) < batch_size;
  end loop;
  return v_total;
end
$$;

create or replace function public.deduplicate_all_memories(batch_size integer default 100)
returns table (users integer, duplicates_found bigint, duplicates_removed bigint)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_user uuid;
  v_result record;
  v_users integer := 0;
  v_found bigint := 0;
  v_removed bigint := 0;
begin
  if batch_size is null or batch_size < 1 then
    raise exception 'batch_size must be at least 1' using errcode = '22023', column = 'batch_size';
  end if;
  -- It keeps each user's lock until it commits, taking them in its own order: one sweep at a time.
  perform private.lock_maintenance();
  -- The users who stored something since their last run come first; batch_size of them per call.
  for v_user in
    select s.user_id from public.memory_user_stats s
     where s.active_count > 1
     order by s.last_deduplicated_at nulls first, s.user_id
     limit batch_size
  loop
    select * into v_result from public.deduplicate_memories(v_user);
    update public.memory_user_stats s set last_deduplicated_at = now() where s.user_id = v_user;
    v_users := v_users + 1;
    v_found := v_found + v_result.duplicates_found;
    v_removed := v_removed + v_result.duplicates_removed;
  end loop;
  return query select v_users, v_found, v_removed;
end
$$;

create or replace function public.mark_memory_duplicate(memory_id uuid, original_id uuid)
returns table (id uuid, duplicate_of uuid, relinked integer)
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid;
  v_memory public.user_memories;
  v_original public.user_memories;
  v_relinked integer;
begin
  if memory_id is null or original_id is null then
    raise exception 'memory_id and original_id are required' using errcode = '22023', column = 'memory_id';
  end if;
  if memory_id = original_id then
    raise exception 'a memory cannot be a duplicate of itself' using errcode = '22023', column = 'original_id';
  end if;
  -- The user first (a memory's user never changes), then their lock, then the rows.
  -- RLS decides what the caller can see; a memory of another user is simply not found.
  select m.user_id into v_user from public.user_memories m where m.id = memory_id;
  if v_user is null then
    raise exception 'memory % not found', memory_id using errcode = 'PT404', column = 'memory_id';
  end if;
  perform private.lock_user_memories(v_user);
  select m.* into v_memory from public.user_memories m where m.id = memory_id for no key update;
  select m.* into v_original from public.user_memories m where m.id = original_id for no key update;
  if v_memory.id is null then
    raise exception 'memory % not found', memory_id using errcode = 'PT404', column = 'memory_id';
  end if;
  if v_original.id is null then
    raise exception 'memory % not found', original_id using errcode = 'PT404', column = 'original_id';
  end if;
  if v_original.user_id <> v_memory.user_id then
    raise exception 'a memory can only duplicate a memory of the same user' using errcode = '22023', column = 'original_id';
  end if;
  if not v_original.is_active then
    raise exception 'the original % is not active (superseded, forgotten or itself a duplicate)', original_id
      using errcode = 'PT409', column = 'original_id';
  end if;
  -- An active original has no duplicate_of, so linking to it cannot close a cycle; the walk says so explicitly.
  if exists (
    with recursive chain as (
      select m.id, m.duplicate_of from public.user_memories m where m.id = original_id
      union all
      select m.id, m.duplicate_of from public.user_memories m join chain c on m.id = c.duplicate_of
    ) select 1 from chain where chain.id = memory_id
  ) then
    raise exception 'linking % to % would make a cycle', memory_id, original_id using errcode = 'PT409', column = 'original_id';
  end if;
  perform private.absorb_memories(v_memory.user_id, array[memory_id], array[original_id],
    array[public.jaccard(v_memory.fact_words, v_original.fact_words)]);
  update public.user_memories m set is_active = false, duplicate_of = original_id where m.id = memory_id;
  -- Keep duplicate chains one link long: what pointed at the new duplicate now points at its original.
  update public.user_memories m set duplicate_of = original_id where m.id <> original_id and m.duplicate_of = memory_id;
  get diagnostics v_relinked = row_count;
  return query select memory_id, original_id, v_relinked;
end
$$;
