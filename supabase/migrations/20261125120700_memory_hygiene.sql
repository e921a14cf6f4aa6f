-- Memory hygiene: finding and marking duplicates, cleaning up old inactive rows, expiring, and statistics.

create or replace function public.find_duplicate_memories(
  user_id uuid,
  fact text,
  threshold double precision default 0.85,
  embedding extensions.vector default null,
  embedding_model text default null
) returns table (id uuid, existing_fact text, jaccard double precision, cosine double precision, similarity double precision)
language plpgsql
stable
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(find_duplicate_memories.user_id);
begin
  if find_duplicate_memories.fact is null or find_duplicate_memories.fact !~ '[^[:space:]]' then
    raise exception 'fact must not be empty' using errcode = '22023', column = 'fact';
  end if;
  if (find_duplicate_memories.embedding is null) <> (find_duplicate_memories.embedding_model is null) then
    raise exception 'embedding and embedding_model go together' using errcode = '22023', column = 'embedding_model';
  end if;
  return query
    select d.id, m.fact, d.jaccard, d.cosine, d.similarity
      from private.duplicate_candidates(v_user, find_duplicate_memories.fact, find_duplicate_memories.embedding,
             find_duplicate_memories.embedding_model, threshold) d
      join public.user_memories m on m.id = d.id
     order by d.similarity desc, m.importance_score desc, m.id;
end
$$;
comment on function public.find_duplicate_memories(uuid, text, double precision, extensions.vector, text) is
  'The user''s active memories that duplicate a candidate text: word-set Jaccard and, for embeddings of the same '
  'model, cosine, each with its score; most similar first.';
revoke all on function public.find_duplicate_memories(uuid, text, double precision, extensions.vector, text) from public, anon;
grant execute on function public.find_duplicate_memories(uuid, text, double precision, extensions.vector, text)
  to authenticated, service_role;

create or replace function public.mark_memory_duplicate(memory_id uuid, original_id uuid)
returns table (id uuid, duplicate_of uuid, relinked integer)
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
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
  -- RLS decides what the caller can see; a memory of another user is simply not found.
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
  perform private.lock_user_memories(v_memory.user_id);
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
  update public.user_memories m set is_active = false, duplicate_of = original_id where m.id = memory_id;
  -- Keep duplicate chains one link long: what pointed at the new duplicate now points at its original.
  update public.user_memories m set duplicate_of = original_id where m.duplicate_of = memory_id and m.id <> original_id;
  get diagnostics v_relinked = row_count;
  return query select memory_id, original_id, v_relinked;
end
$$;
comment on function public.mark_memory_duplicate(uuid, uuid) is
  'Deactivates a memory as a duplicate of an active original of the same user and links it (and its own duplicates) '
  'to that original. Refuses self-links (22023), other users'' memories (PT404), inactive originals and cycles (PT409).';
revoke all on function public.mark_memory_duplicate(uuid, uuid) from public, anon;
grant execute on function public.mark_memory_duplicate(uuid, uuid) to authenticated, service_role;

-- Old inactive rows, oldest first: what cleanup deletes.
create index user_memories_inactive_updated_idx on public.user_memories (updated_at) where not is_active;
-- Active memories with an expiry, soonest first: what the expiry sweep deactivates.
create index user_memories_active_expires_idx on public.user_memories (expires_at) where is_active and expires_at is not null;

create or replace function public.cleanup_old_memories(days_old integer default 90, batch_size integer default 1000)
returns bigint
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_total bigint := 0;
  v_batch bigint;
begin
  if days_old is null or days_old < 1 then
    raise exception 'days_old must be at least 1' using errcode = '22023', column = 'days_old';
  end if;
  if batch_size is null or batch_size < 1 or batch_size > 100000 then
    raise exception 'batch_size must be between 1 and 100000' using errcode = '22023', column = 'batch_size';
  end if;
  loop
    -- Never an active memory: only rows deactivated (superseded, forgotten, duplicates) more than days_old ago.
    delete from public.user_memories m
     where m.id in (select x.id from public.user_memories x
                     where not x.is_active and x.updated_at < now() - make_interval(days => days_old)
                     order by x.updated_at limit batch_size);
    get diagnostics v_batch = row_count;
    v_total := v_total + v_batch;
    exit when v_batch < batch_size;
  end loop;
  return v_total;
end
$$;
comment on function public.cleanup_old_memories(integer, integer) is
  'Hard-deletes inactive memories (superseded, forgotten, duplicates) deactivated more than days_old days ago, '
  'batch_size at a time; never an active one. Returns how many. service_role only.';
revoke all on function public.cleanup_old_memories(integer, integer) from public, anon, authenticated;
grant execute on function public.cleanup_old_memories(integer, integer) to service_role;

create or replace function public.expire_memories(batch_size integer default 1000)
returns bigint
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_total bigint := 0;
  v_batch bigint;
begin
  if batch_size is null or batch_size < 1 or batch_size > 100000 then
    raise exception 'batch_size must be between 1 and 100000' using errcode = '22023', column = 'batch_size';
  end if;
  loop
    update public.user_memories m set is_active = false
     where m.id in (select x.id from public.user_memories x
                     where x.is_active and x.expires_at is not null and x.expires_at <= now()
                     order by x.expires_at limit batch_size);
    get diagnostics v_batch = row_count;
    v_total := v_total + v_batch;
    exit when v_batch < batch_size;
  end loop;
  return v_total;
end
$$;
comment on function public.expire_memories(integer) is
  'The expiry sweep: deactivates active memories past expires_at (they already stopped appearing in search and '
  'listings at that moment) and frees their quota places. Returns how many. service_role only.';
revoke all on function public.expire_memories(integer) from public, anon, authenticated;
grant execute on function public.expire_memories(integer) to service_role;

create or replace function public.get_memory_stats(user_id uuid default null)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_user uuid := private.acting_user(get_memory_stats.user_id);
  v_stats jsonb;
begin
  with mine as (
    select m.* from public.user_memories m where m.user_id = v_user
  )
  select jsonb_build_object(
    'user_id', v_user,
    'active', count(*) filter (where m.is_active),
    'inactive', count(*) filter (where not m.is_active and m.duplicate_of is null),
    'duplicates', count(*) filter (where m.duplicate_of is not null),
    'by_type', coalesce((select jsonb_object_agg(t.memory_type, t.n) from (select x.memory_type, count(*) n from mine x where x.is_active group by 1) t), '{}'),
    'by_category', coalesce((select jsonb_object_agg(coalesce(c.category, '(none)'), c.n) from (select x.category, count(*) n from mine x where x.is_active group by 1) c), '{}'),
    'average_importance', round(avg(m.importance_score) filter (where m.is_active)::numeric, 4),
    'average_confidence', round(avg(m.confidence_score) filter (where m.is_active)::numeric, 4),
    'embeddings', coalesce((select jsonb_object_agg(coalesce(e.embedding_model, '(none)'), e.n) from (select x.embedding_model, count(*) n from mine x where x.is_active group by 1) e), '{}'),
    'oldest', min(m.created_at) filter (where m.is_active),
    'newest', max(m.created_at) filter (where m.is_active),
    'storage_bytes', coalesce(sum(pg_column_size(m.*)), 0),
    'quota', (select coalesce(s.quota_limit, (select ms.default_quota from public.memory_settings ms))
                from (select 1) one left join public.memory_user_stats s on s.user_id = v_user),
    'quota_used', count(*) filter (where m.is_active)
  ) into v_stats
  from mine m;
  return v_stats;
end
$$;
comment on function public.get_memory_stats(uuid) is
  'One user''s memory statistics: counts (active, inactive, duplicates), by type and category, average scores, '
  'embedding coverage per model, oldest and newest, storage bytes, quota and quota used.';
revoke all on function public.get_memory_stats(uuid) from public, anon;
grant execute on function public.get_memory_stats(uuid) to authenticated, service_role;

create or replace function public.get_memory_overview()
returns table (user_id uuid, active integer, inactive integer, quota integer, quota_used_ratio double precision,
               last_stored_at timestamptz)
language sql
stable
set search_path = ''
as $$
  select s.user_id, s.active_count, s.inactive_count,
         coalesce(s.quota_limit, ms.default_quota),
         s.active_count::double precision / coalesce(s.quota_limit, ms.default_quota),
         s.last_stored_at
    from public.memory_user_stats s cross join public.memory_settings ms
   order by 5 desc, s.user_id
$$;
comment on function public.get_memory_overview() is
  'Every user''s counters and quota use, fullest first, from the trigger-kept statistics (service_role only).';
revoke all on function public.get_memory_overview() from public, anon, authenticated;
grant execute on function public.get_memory_overview() to service_role;
