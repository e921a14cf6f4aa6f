-- What searches return is appended to a log and folded into memory_access by maintenance. Each search used to
-- upsert memory_access rows in score order: two searches of one user returning the same memories in different
-- orders locked them in opposite orders and deadlocked (40P01 in 14 of 73 searches on 8 connections), and the
-- upsert's foreign key made searches wait on writes to the same memories. An insert into a table without unique
-- business keys or foreign keys takes no row lock, so recording an access can neither fail nor wait.

create table public.memory_access_log (
  id uuid not null default gen_random_uuid(),
  memory_id uuid not null,
  user_id uuid not null,
  accessed_at timestamptz not null default now(),
  constraint memory_access_log_pkey primary key (id)
);
comment on table public.memory_access_log is
  'Each memory a search returned, appended by search_memories; fold_memory_access folds it into memory_access. '
  'No foreign keys on purpose: an entry for a memory deleted meanwhile is dropped when folded.';
-- A user's pending entries: list_memories, erasure and per-user backups.
create index memory_access_log_user_idx on public.memory_access_log (user_id, memory_id);

alter table public.memory_access_log enable row level security;
create policy memory_access_log_select_own on public.memory_access_log
  for select to authenticated using ((select auth.uid()) = user_id);
create policy memory_access_log_insert_own on public.memory_access_log
  for insert to authenticated with check ((select auth.uid()) = user_id);
revoke all on table public.memory_access_log from anon, authenticated, service_role;
-- The time is the server's: a caller names the memory, not when it was seen.
grant select, insert (memory_id, user_id) on table public.memory_access_log to authenticated;
grant select, insert, delete on table public.memory_access_log to service_role;

-- Folds and whatever replaces the access records wholesale (erasure, restore) exclude each other with this lock.
create or replace function private.access_fold_lock_key() returns bigint
language sql
immutable
set search_path = ''
as $$
  select pg_catalog.hashtextextended('memory_access_log:fold', 0)
$$;
comment on function private.access_fold_lock_key() is
  'The advisory lock a fold of memory_access_log holds; erasure and restore take it to wait out a fold in progress.';
revoke all on function private.access_fold_lock_key() from public;
grant execute on function private.access_fold_lock_key() to service_role;

create or replace function public.fold_memory_access(batch_size integer default 10000)
returns bigint
language plpgsql
volatile
set search_path = ''
as $$
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
comment on function public.fold_memory_access(integer) is
  'Folds up to batch_size entries of memory_access_log into memory_access (last access, count) and deletes '
  'them; entries of memories since deleted are dropped. Never waits on a write. Returns the entries done with.';
revoke all on function public.fold_memory_access(integer) from public, anon, authenticated;
grant execute on function public.fold_memory_access(integer) to service_role;

-- A memory's last access and count include what the log holds and no fold has taken yet.
create or replace function public.list_memories(
  page_size integer default 20,
  before_created_at timestamptz default null,
  before_id uuid default null,
  user_id uuid default null
) returns table (
  id uuid, fact text, memory_type text, category text, importance_score double precision,
  confidence_score double precision, metadata jsonb, source_conversation_id uuid, version integer,
  has_embedding boolean, embedding_model text, created_at timestamptz, updated_at timestamptz,
  last_accessed_at timestamptz, expires_at timestamptz
)
language plpgsql
stable
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(list_memories.user_id);
begin
  if page_size is null or page_size < 1 or page_size > 100 then
    raise exception 'page_size must be between 1 and 100' using errcode = '22023', column = 'page_size';
  end if;
  if (before_created_at is null) <> (before_id is null) then
    raise exception 'before_created_at and before_id go together (the cursor of the last row seen)'
      using errcode = '22023', column = 'before_id';
  end if;
  return query
    with page as (
      select m.* from public.user_memories m
       where m.user_id = v_user and m.is_active
         and (m.expires_at is null or m.expires_at > now())
         and (before_created_at is null or m.created_at < before_created_at
              or (m.created_at = before_created_at and m.id < before_id))
       order by m.created_at desc, m.id desc
       limit page_size
    )
    select m.id, m.fact, m.memory_type, m.category, m.importance_score, m.confidence_score, m.metadata,
           m.source_conversation_id, m.version, m.embedding is not null, m.embedding_model, m.created_at,
           m.updated_at,
           greatest(m.last_accessed_at, a.last_accessed_at,
                    (select max(l.accessed_at) from public.memory_access_log l
                      where l.user_id = v_user and l.memory_id = m.id)),
           m.expires_at
      from page m
      left join public.memory_access a on a.memory_id = m.id
     order by m.created_at desc, m.id desc;
end
$$;

-- Erasure waits out a fold in progress (which may hold the user's memories) and keeps folds off until it commits;
-- then it removes the user's rows, reporting each table.
create or replace function public.erase_user_data(target_user uuid)
returns table (table_name text, rows_deleted bigint)
language plpgsql
volatile
set search_path = ''
as $$
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

insert into public.maintenance_jobs (job_name, schedule, command) values
  ('memory-fold-access', '* * * * *', 'select public.fold_memory_access()');

do $$
begin
  if to_regclass('cron.job') is not null then
    perform public.schedule_maintenance();
  end if;
end
$$;
