-- Undoes 20261126090250_access_log: list_memories and erase_user_data as 20261125120500 and 20261126090200
-- defined them, and no access log (entries not yet folded are lost with it).
do $$
begin
  -- Nested: the inner condition names cron.job, which a database without pg_cron cannot even parse.
  if to_regclass('cron.job') is not null then
    if exists (select 1 from cron.job where jobname = 'memory-fold-access') then
      perform cron.unschedule('memory-fold-access');
    end if;
  end if;
end
$$;
delete from public.maintenance_jobs where job_name = 'memory-fold-access';

create or replace function public.erase_user_data(target_user uuid)
returns table (table_name text, rows_deleted bigint)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_access bigint;
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
  -- Deleted here, not left to the cascade from user_memories, so that the report counts them.
  delete from public.memory_access a where a.user_id = target_user;
  get diagnostics v_access = row_count;
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
  return query values ('memory_access', v_access), ('memory_idempotency_keys', v_keys),
                      ('memory_sightings', v_sightings), ('user_memories', v_memories),
                      ('conversations', v_conversations), ('memory_user_stats', v_stats);
end
$$;

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
    select m.id, m.fact, m.memory_type, m.category, m.importance_score, m.confidence_score, m.metadata,
           m.source_conversation_id, m.version, m.embedding is not null, m.embedding_model, m.created_at,
           m.updated_at, greatest(m.last_accessed_at, a.last_accessed_at), m.expires_at
      from public.user_memories m
      left join public.memory_access a on a.memory_id = m.id
     where m.user_id = v_user and m.is_active
       and (m.expires_at is null or m.expires_at > now())
       and (before_created_at is null or m.created_at < before_created_at
            or (m.created_at = before_created_at and m.id < before_id))
     order by m.created_at desc, m.id desc
     limit page_size;
end
$$;


drop function public.fold_memory_access(integer);
drop function private.access_fold_lock_key();
drop table public.memory_access_log;
