-- The write path: store_memory (validate, find a duplicate, merge or insert, in one transaction), new versions,
-- forgetting, history, and GDPR erasure. Functions run as the caller (security invoker), so RLS applies.

-- API roles call the helpers below from inside the public functions; PostgREST does not expose this schema.
grant usage on schema private to authenticated, service_role;

create table public.memory_idempotency_keys (
  user_id uuid not null,
  idempotency_key text not null,
  memory_id uuid not null,
  status text not null,
  version integer not null,
  created_at timestamptz not null default now(),
  constraint memory_idempotency_keys_pkey primary key (user_id, idempotency_key),
  constraint memory_idempotency_keys_user_id_fkey foreign key (user_id) references auth.users (id) on delete cascade,
  constraint memory_idempotency_keys_memory_fkey foreign key (memory_id, user_id)
    references public.user_memories (id, user_id) on delete cascade,
  constraint memory_idempotency_keys_key_length check (char_length(idempotency_key) between 1 and 200),
  constraint memory_idempotency_keys_status_check check (status in ('created', 'duplicate'))
);
comment on table public.memory_idempotency_keys is
  'The outcome of each store_memory call made with an idempotency key, returned again when the key is replayed.';
-- Serves the cascade when a memory is deleted.
create index memory_idempotency_keys_memory_idx on public.memory_idempotency_keys (memory_id);

alter table public.memory_idempotency_keys enable row level security;
create policy memory_idempotency_keys_select_own on public.memory_idempotency_keys
  for select to authenticated using ((select auth.uid()) = user_id);
create policy memory_idempotency_keys_insert_own on public.memory_idempotency_keys
  for insert to authenticated with check ((select auth.uid()) = user_id);
revoke all on table public.memory_idempotency_keys from anon, authenticated, service_role;
grant select, insert on table public.memory_idempotency_keys to authenticated;
grant select, insert, delete on table public.memory_idempotency_keys to service_role;

create or replace function private.acting_user(requested uuid) returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  v_uid uuid := auth.uid();
  v_privileged boolean;
begin
  if requested is null or requested = v_uid then
    if v_uid is null then
      raise exception 'not authenticated: the request carries no user id (JWT sub)'
        using errcode = 'PT401';
    end if;
    return v_uid;
  end if;
  -- A role that bypasses RLS (service_role, or the owner in a SQL session) may act for any user. The role asked
  -- about is the one the caller set (PostgREST's `set local role`), which security definer callers see too.
  select r.rolbypassrls or r.rolsuper into v_privileged from pg_catalog.pg_roles r
   where r.rolname = coalesce(nullif(current_setting('role'), 'none'), session_user);
  if not coalesce(v_privileged, false) then
    raise exception 'only service_role may act for another user'
      using errcode = '42501', hint = 'Omit user_id; the user is the one in the JWT.';
  end if;
  return requested;
end
$$;
comment on function private.acting_user(uuid) is
  'The user a call acts for: auth.uid(), or an explicit user for roles that bypass RLS. PT401 without a user. '
  'Judges the role the caller set, so security definer functions can use it to check their target.';
revoke all on function private.acting_user(uuid) from public;
grant execute on function private.acting_user(uuid) to authenticated, service_role;

-- Serializes one user's writes for duplicate detection: concurrent stores of one user queue, other users do not.
create or replace function private.lock_user_memories(target uuid) returns void
language sql
set search_path = ''
as $$
  select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('user_memories:' || target::text, 0))
$$;
comment on function private.lock_user_memories(uuid) is
  'Takes the per-user transaction lock that makes duplicate detection exact under concurrency.';
revoke all on function private.lock_user_memories(uuid) from public;
grant execute on function private.lock_user_memories(uuid) to authenticated, service_role;

-- The table's constraints, checked before duplicate detection: a duplicate is merged, not inserted, so
-- the constraints alone would never see bad input that arrives as a duplicate. Same SQLSTATE and constraint
-- names as the table, so callers see one error whichever path caught it.
create or replace function private.validate_memory_input(
  fact text, memory_type text, category text, importance_score double precision, confidence_score double precision,
  embedding extensions.vector, embedding_model text, metadata jsonb, expires_at timestamptz
) returns void
language plpgsql
-- stable, not immutable: the expiry check reads now().
stable
set search_path = ''
as $$
begin
  if fact is null or fact !~ '[^[:space:]]' then
    raise exception 'fact must not be empty or whitespace' using errcode = '23514',
      constraint = 'user_memories_fact_not_blank', column = 'fact';
  end if;
  if char_length(fact) > 2000 then
    raise exception 'fact must be at most 2000 characters, not %', char_length(fact) using errcode = '23514',
      constraint = 'user_memories_fact_length', column = 'fact';
  end if;
  if public.normalize_fact(fact) = '' then
    raise exception 'fact must contain at least one letter or digit' using errcode = '22023', column = 'fact';
  end if;
  if memory_type is null or memory_type not in ('person', 'preference', 'event', 'topic', 'fact', 'emotion') then
    raise exception 'memory_type must be one of person, preference, event, topic, fact, emotion; not %',
      coalesce(memory_type, 'null') using errcode = '23514', constraint = 'user_memories_memory_type_check',
      column = 'memory_type';
  end if;
  if category is not null and (category !~ '[^[:space:]]' or char_length(category) > 100) then
    raise exception 'category must be 1 to 100 characters, not blank' using errcode = '23514',
      constraint = 'user_memories_category_check', column = 'category';
  end if;
  if importance_score is null or not (importance_score >= 0 and importance_score <= 1) then
    raise exception 'importance_score must be between 0 and 1, not %', coalesce(importance_score::text, 'null')
      using errcode = '23514', constraint = 'user_memories_importance_range', column = 'importance_score';
  end if;
  if confidence_score is null or not (confidence_score >= 0 and confidence_score <= 1) then
    raise exception 'confidence_score must be between 0 and 1, not %', coalesce(confidence_score::text, 'null')
      using errcode = '23514', constraint = 'user_memories_confidence_range', column = 'confidence_score';
  end if;
  if (embedding is null) <> (embedding_model is null) then
    raise exception 'embedding and embedding_model go together: give both or neither' using errcode = '23514',
      constraint = 'user_memories_embedding_has_model', column = 'embedding_model';
  end if;
  if embedding is not null and extensions.vector_dims(embedding) <> 384 then
    raise exception 'embedding must have 384 dimensions, not %', extensions.vector_dims(embedding)
      using errcode = '22000', column = 'embedding';
  end if;
  if embedding_model is not null and (embedding_model !~ '[^[:space:]]' or char_length(embedding_model) > 200) then
    raise exception 'embedding_model must be 1 to 200 characters, not blank' using errcode = '23514',
      constraint = 'user_memories_embedding_model_check', column = 'embedding_model';
  end if;
  if metadata is null or jsonb_typeof(metadata) <> 'object' then
    raise exception 'metadata must be a JSON object' using errcode = '23514',
      constraint = 'user_memories_metadata_is_object', column = 'metadata';
  end if;
  if octet_length(metadata::text) > 16384 then
    raise exception 'metadata must be at most 16384 bytes as JSON' using errcode = '23514',
      constraint = 'user_memories_metadata_size', column = 'metadata';
  end if;
  if expires_at is not null and expires_at <= now() then
    raise exception 'expires_at must be in the future' using errcode = '23514',
      constraint = 'user_memories_expires_after_created', column = 'expires_at';
  end if;
end
$$;
comment on function private.validate_memory_input(text, text, text, double precision, double precision, extensions.vector, text, jsonb, timestamptz) is
  'Raises the error the table''s constraints would raise for this input, before duplicate detection needs it valid.';
revoke all on function private.validate_memory_input(text, text, text, double precision, double precision, extensions.vector, text, jsonb, timestamptz) from public;
grant execute on function private.validate_memory_input(text, text, text, double precision, double precision, extensions.vector, text, jsonb, timestamptz)
  to authenticated, service_role;

-- The user's active, unexpired memories nearest to an embedding of the same model: `candidates` of them by
-- Hamming distance of the quantized embeddings (an index-only scan of user_memories_active_bits_idx), then the
-- nearest `match_count` of those by exact cosine. More candidates, better recall (200 find 99.9% of the top 10).
-- security definer like the other lookups, and checks its target the same way.
create or replace function private.nearest_memories(
  target uuid, query_embedding extensions.vector, embedding_model text, match_count integer, candidates integer,
  memory_types text[] default null, categories text[] default null, min_importance double precision default null,
  created_after timestamptz default null, created_before timestamptz default null
) returns table (id uuid, similarity double precision, rank integer)
language plpgsql
stable
rows 40
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_checked uuid := private.acting_user(target);
begin
  return query
    with pool as (
      select m.id
        from public.user_memories m
       where m.user_id = target and m.is_active and m.embedding_bits is not null
         and m.embedding_model = nearest_memories.embedding_model
         and (m.expires_at is null or m.expires_at > now())
         and (memory_types is null or m.memory_type = any (memory_types))
         and (categories is null or m.category = any (categories))
         and (min_importance is null or m.importance_score >= min_importance)
         and (created_after is null or m.created_at >= created_after)
         and (created_before is null or m.created_at < created_before)
       order by m.embedding_bits operator(extensions.<~>) extensions.binary_quantize(query_embedding)
       limit greatest(candidates, match_count)
    ),
    reranked as (
      select p.id, x.embedding operator(extensions.<=>) query_embedding as distance
        from pool p
        cross join lateral (select e.embedding from public.user_memories e where e.id = p.id) x
       order by 2, p.id
       limit match_count
    )
    select r.id, 1 - r.distance, (row_number() over (order by r.distance, r.id))::integer
      from reranked r
     order by 3;
end
$$;
comment on function private.nearest_memories(uuid, extensions.vector, text, integer, integer, text[], text[], double precision, timestamptz, timestamptz) is
  'A user''s memories nearest to an embedding: candidates by Hamming distance of quantized embeddings, ranked by exact cosine.';
revoke all on function private.nearest_memories(uuid, extensions.vector, text, integer, integer, text[], text[], double precision, timestamptz, timestamptz) from public;
grant execute on function private.nearest_memories(uuid, extensions.vector, text, integer, integer, text[], text[], double precision, timestamptz, timestamptz)
  to authenticated, service_role;

-- Vector matching in the shape of Supabase's match_documents examples (the vector leg of search_memories).
create or replace function public.match_memories(
  query_embedding extensions.vector,
  embedding_model text,
  match_count integer default 10,
  memory_types text[] default null,
  categories text[] default null,
  min_importance double precision default null,
  created_after timestamptz default null,
  created_before timestamptz default null,
  user_id uuid default null
) returns table (id uuid, similarity double precision, rank integer)
language plpgsql
stable
rows 40
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(match_memories.user_id);
begin
  if query_embedding is null or match_memories.embedding_model is null then
    raise exception 'query_embedding and embedding_model are required' using errcode = '22023', column = 'query_embedding';
  end if;
  if extensions.vector_dims(query_embedding) <> 384 then
    raise exception 'query_embedding must have 384 dimensions, not %', extensions.vector_dims(query_embedding)
      using errcode = '22000', column = 'query_embedding';
  end if;
  if match_count is null or match_count < 1 or match_count > 400 then
    raise exception 'match_count must be between 1 and 400' using errcode = '22023', column = 'match_count';
  end if;
  return query
    select n.id, n.similarity, n.rank
      from private.nearest_memories(v_user, query_embedding, match_memories.embedding_model, match_count,
             greatest(match_count * 5, 200), memory_types, categories, min_importance, created_after, created_before) n;
end
$$;
comment on function public.match_memories(extensions.vector, text, integer, text[], text[], double precision, timestamptz, timestamptz, uuid) is
  'The caller''s active, unexpired memories nearest to an embedding of the same model (cosine; candidates by '
  'quantized Hamming distance), with similarity and rank; the vector leg of search_memories.';
revoke all on function public.match_memories(extensions.vector, text, integer, text[], text[], double precision, timestamptz, timestamptz, uuid) from public, anon;
grant execute on function public.match_memories(extensions.vector, text, integer, text[], text[], double precision, timestamptz, timestamptz, uuid)
  to authenticated, service_role;

-- Every active memory of the user that duplicates a candidate fact, with its scores: word-set Jaccard and, for
-- embeddings of the same model, cosine; similarity is the larger. Exact normalized matches have Jaccard 1.
-- security definer: under RLS the planner may not use the word-set index (fact_words() and @> are not leakproof)
-- and would test every row of the user instead. It checks its target as RLS would.
create or replace function private.duplicate_candidates(
  target uuid, fact text, embedding extensions.vector, embedding_model text, threshold double precision,
  exclude uuid default null
) returns table (id uuid, jaccard double precision, cosine double precision, similarity double precision,
                 importance_score double precision)
language plpgsql
stable
rows 4
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_checked uuid := private.acting_user(target);
  v_words text[] := public.fact_words(duplicate_candidates.fact);
  v_size integer := cardinality(public.fact_words(duplicate_candidates.fact));
  v_misses integer;
  v_group integer;
  v_probe text[];
  v_candidates uuid[] := '{}';
begin
  if threshold is null or not (threshold > 0 and threshold <= 1) then
    raise exception 'threshold must be above 0 and at most 1' using errcode = '22023', column = 'threshold';
  end if;
  -- Jaccard >= t means the other set lacks at most m = |a| - ceil(t|a|) of our words. Deal our words into m + 1
  -- groups: a true duplicate lacks words from at most m of them, so it contains some group whole. Each group is a
  -- containment probe of the GIN index (an intersection of posting lists), selective however common the words.
  v_misses := v_size - ceil(threshold * v_size)::integer;
  for v_group in 0 .. v_misses loop
    select array_agg(w) into v_probe
      from (select w, row_number() over (order by char_length(w) desc, w) as n from unnest(v_words) w) dealt
     where (dealt.n - 1) % (v_misses + 1) = v_group;
    v_candidates := v_candidates || array(
      select m.id from public.user_memories m
       where m.user_id = target and m.is_active and m.fact_words operator(pg_catalog.@>) v_probe
         and m.id is distinct from exclude);
  end loop;

  return query
    with scored as (
      select m.id, m.importance_score, public.jaccard(m.fact_words, v_words) as jac,
             case when duplicate_candidates.embedding is not null and m.embedding_model = duplicate_candidates.embedding_model
                  then 1 - (m.embedding operator(extensions.<=>) duplicate_candidates.embedding) end as cos
        from public.user_memories m
       where m.id = any (v_candidates)
       union all
      select n.id, m.importance_score, public.jaccard(m.fact_words, v_words), n.similarity
        -- A near duplicate (cosine >= threshold) shares almost every sign bit: a few candidates suffice.
        from private.nearest_memories(target, duplicate_candidates.embedding, duplicate_candidates.embedding_model, 4, 32) n
        join public.user_memories m on m.id = n.id
       where duplicate_candidates.embedding is not null and n.id is distinct from exclude
    )
    select s.id, max(s.jac), max(s.cos), max(greatest(coalesce(s.jac, 0), coalesce(s.cos, 0))), max(s.importance_score)
      from scored s
     group by s.id
    having max(greatest(coalesce(s.jac, 0), coalesce(s.cos, 0))) >= threshold;
end
$$;
comment on function private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, uuid) is
  'Every active memory of a user that duplicates a candidate fact (word Jaccard or same-model cosine >= threshold), with its scores.';
revoke all on function private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, uuid) from public;
grant execute on function private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, uuid)
  to authenticated, service_role;

-- The user's active memory most like a candidate, or nothing: same normalized text first (an index lookup), else
-- the most similar duplicate candidate; ties go to the more important.
create or replace function private.find_duplicate(
  target uuid, fact text, embedding extensions.vector, embedding_model text, threshold double precision,
  exclude uuid default null
) returns table (id uuid, similarity double precision, importance_score double precision)
language plpgsql
stable
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_checked uuid := private.acting_user(target);
begin
  return query
    select m.id, 1.0::double precision, m.importance_score
      from public.user_memories m
     where m.user_id = target and m.is_active
       and md5(public.normalize_fact(m.fact)) = md5(public.normalize_fact(find_duplicate.fact))
       and m.id is distinct from exclude
     limit 1;
  if found then
    return;
  end if;
  return query
    select d.id, d.similarity, d.importance_score
      from private.duplicate_candidates(target, find_duplicate.fact, find_duplicate.embedding,
             find_duplicate.embedding_model, threshold, exclude) d
     order by 2 desc, 3 desc
     limit 1;
end
$$;
comment on function private.find_duplicate(uuid, text, extensions.vector, text, double precision, uuid) is
  'The active memory of a user that duplicates a candidate fact (normalized text, word Jaccard or cosine), if any.';
revoke all on function private.find_duplicate(uuid, text, extensions.vector, text, double precision, uuid) from public;
grant execute on function private.find_duplicate(uuid, text, extensions.vector, text, double precision, uuid)
  to authenticated, service_role;

create or replace function public.store_memory(
  fact text,
  memory_type text default 'fact',
  category text default null,
  importance_score double precision default 0.5,
  confidence_score double precision default 0.5,
  source_conversation_id uuid default null,
  metadata jsonb default '{}'::jsonb,
  embedding extensions.vector default null,
  embedding_model text default null,
  expires_at timestamptz default null,
  idempotency_key text default null,
  user_id uuid default null,
  duplicate_threshold double precision default null
) returns table (id uuid, status text, version integer)
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(store_memory.user_id);
  v_fact text := regexp_replace(store_memory.fact, '^[[:space:]]+|[[:space:]]+$', '', 'g');
  v_threshold double precision;
  v_dup record;
  v_kept public.user_memories%rowtype;
  v_id uuid;
  v_status text;
  v_version integer;
begin
  if idempotency_key is not null and char_length(idempotency_key) not between 1 and 200 then
    raise exception 'idempotency_key must be 1 to 200 characters' using errcode = '22023', column = 'idempotency_key';
  end if;
  if duplicate_threshold is not null and not (duplicate_threshold > 0 and duplicate_threshold <= 1) then
    raise exception 'duplicate_threshold must be above 0 and at most 1' using errcode = '22023', column = 'duplicate_threshold';
  end if;
  perform private.validate_memory_input(v_fact, store_memory.memory_type, store_memory.category,
    store_memory.importance_score, store_memory.confidence_score, store_memory.embedding, store_memory.embedding_model,
    store_memory.metadata, store_memory.expires_at);

  perform private.lock_user_memories(v_user);

  if idempotency_key is not null then
    return query
      select k.memory_id, k.status, k.version from public.memory_idempotency_keys k
       where k.user_id = v_user and k.idempotency_key = store_memory.idempotency_key;
    if found then
      return;
    end if;
  end if;

  v_threshold := coalesce(duplicate_threshold, (select s.duplicate_threshold from public.memory_settings s));
  select d.id, d.similarity, d.importance_score into v_dup
    from private.find_duplicate(v_user, v_fact, store_memory.embedding, store_memory.embedding_model, v_threshold) d;

  if v_dup.id is null then
    insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
      source_conversation_id, metadata, embedding, embedding_model, expires_at)
    values (v_user, v_fact, store_memory.memory_type, store_memory.category, store_memory.importance_score,
      store_memory.confidence_score, store_memory.source_conversation_id, store_memory.metadata,
      store_memory.embedding, store_memory.embedding_model, store_memory.expires_at)
    returning user_memories.id, user_memories.version into v_id, v_version;
    v_status := 'created';
  elsif v_dup.importance_score >= store_memory.importance_score then
    -- Keep the existing memory, raised as a merge would: best scores, newest sighting, both metadata, later expiry.
    update public.user_memories m
       set confidence_score = greatest(m.confidence_score, store_memory.confidence_score),
           metadata = m.metadata || store_memory.metadata,
           expires_at = case when m.expires_at is null or store_memory.expires_at is null then null
                             else greatest(m.expires_at, store_memory.expires_at) end,
           embedding = coalesce(m.embedding, store_memory.embedding),
           embedding_model = case when m.embedding is null then store_memory.embedding_model else m.embedding_model end,
           last_accessed_at = now()
     where m.id = v_dup.id
    returning m.id, m.version into v_id, v_version;
    v_status := 'duplicate';
  else
    -- The new fact is the more important: it becomes the kept memory and the old one its duplicate.
    update public.user_memories m set is_active = false where m.id = v_dup.id returning m.* into v_kept;
    insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
      source_conversation_id, metadata, embedding, embedding_model, expires_at, last_accessed_at)
    values (v_user, v_fact, store_memory.memory_type, coalesce(store_memory.category, v_kept.category),
      store_memory.importance_score, greatest(v_kept.confidence_score, store_memory.confidence_score),
      coalesce(store_memory.source_conversation_id, v_kept.source_conversation_id), v_kept.metadata || store_memory.metadata,
      coalesce(store_memory.embedding, v_kept.embedding),
      case when store_memory.embedding is null then v_kept.embedding_model else store_memory.embedding_model end,
      case when v_kept.expires_at is null or store_memory.expires_at is null then null
           else greatest(v_kept.expires_at, store_memory.expires_at) end,
      now())
    returning user_memories.id, user_memories.version into v_id, v_version;
    update public.user_memories m set duplicate_of = v_id where m.id = v_dup.id;
    v_status := 'duplicate';
  end if;

  if idempotency_key is not null then
    insert into public.memory_idempotency_keys (user_id, idempotency_key, memory_id, status, version)
    values (v_user, store_memory.idempotency_key, v_id, v_status, v_version);
  end if;
  return query select v_id, v_status, v_version;
end
$$;
comment on function public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamptz, text, uuid, double precision) is
  'Stores a memory for the caller in one transaction: validates, merges into a duplicate (normalized text, word '
  'Jaccard or cosine >= threshold, keeping the most important) or inserts within the quota (PT507). '
  'Returns (id, status created|duplicate, version); an idempotency key replays the first outcome.';
revoke all on function public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamptz, text, uuid, double precision) from public, anon;
grant execute on function public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamptz, text, uuid, double precision)
  to authenticated, service_role;

-- The caller's active memory, locked; PT404 when it is not theirs, not there, or no longer active.
create or replace function private.active_memory_for_update(target uuid, memory uuid) returns public.user_memories
language plpgsql
set search_path = ''
as $$
declare
  v_row public.user_memories;
begin
  -- no key update: keys never change here, and a stronger lock would make searches (which record accesses
  -- with a foreign key to this row) wait.
  select m.* into v_row from public.user_memories m where m.id = memory and m.user_id = target for no key update;
  if not found then
    raise exception 'memory % not found', memory using errcode = 'PT404';
  end if;
  if not v_row.is_active then
    raise exception 'memory % is no longer active (superseded, forgotten or a duplicate)', memory
      using errcode = 'PT409', hint = 'memory_history(id) shows its current version.';
  end if;
  return v_row;
end
$$;
comment on function private.active_memory_for_update(uuid, uuid) is
  'Locks and returns a user''s active memory; PT404 if it is not theirs or absent, PT409 if inactive.';
revoke all on function private.active_memory_for_update(uuid, uuid) from public;
grant execute on function private.active_memory_for_update(uuid, uuid) to authenticated, service_role;

create or replace function public.update_memory(
  memory_id uuid,
  fact text default null,
  memory_type text default null,
  category text default null,
  importance_score double precision default null,
  confidence_score double precision default null,
  metadata jsonb default null,
  embedding extensions.vector default null,
  embedding_model text default null,
  expires_at timestamptz default null,
  user_id uuid default null
) returns table (id uuid, status text, version integer)
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(update_memory.user_id);
  v_old public.user_memories;
  v_new public.user_memories;
  v_fact_changed boolean;
begin
  perform private.lock_user_memories(v_user);
  v_old := private.active_memory_for_update(v_user, memory_id);
  v_new := v_old;
  v_new.fact := coalesce(regexp_replace(update_memory.fact, '^[[:space:]]+|[[:space:]]+$', '', 'g'), v_old.fact);
  v_fact_changed := v_new.fact is distinct from v_old.fact;
  v_new.memory_type := coalesce(update_memory.memory_type, v_old.memory_type);
  v_new.category := coalesce(update_memory.category, v_old.category);
  v_new.importance_score := coalesce(update_memory.importance_score, v_old.importance_score);
  v_new.confidence_score := coalesce(update_memory.confidence_score, v_old.confidence_score);
  v_new.metadata := coalesce(update_memory.metadata, v_old.metadata);
  v_new.expires_at := coalesce(update_memory.expires_at, v_old.expires_at);
  -- A new text invalidates the old embedding: keep it only when the fact is unchanged or a new one is given.
  v_new.embedding := case when update_memory.embedding is not null then update_memory.embedding
                          when v_fact_changed then null else v_old.embedding end;
  v_new.embedding_model := case when update_memory.embedding is not null then update_memory.embedding_model
                                when v_fact_changed then null else v_old.embedding_model end;
  perform private.validate_memory_input(v_new.fact, v_new.memory_type, v_new.category, v_new.importance_score,
    v_new.confidence_score, v_new.embedding, v_new.embedding_model, v_new.metadata,
    case when update_memory.expires_at is not null then v_new.expires_at end);

  update public.user_memories m set is_active = false where m.id = v_old.id;
  insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
    source_conversation_id, metadata, embedding, embedding_model, expires_at, version, previous_version_id)
  values (v_user, v_new.fact, v_new.memory_type, v_new.category, v_new.importance_score, v_new.confidence_score,
    v_old.source_conversation_id, v_new.metadata, v_new.embedding, v_new.embedding_model, v_new.expires_at,
    v_old.version + 1, v_old.id)
  returning user_memories.id, user_memories.version into v_new.id, v_new.version;
  return query select v_new.id, 'updated'::text, v_new.version;
end
$$;
comment on function public.update_memory(uuid, text, text, text, double precision, double precision, jsonb, extensions.vector, text, timestamptz, uuid) is
  'Stores a new version of an active memory (version + 1, linked to the old one, which is deactivated). '
  'Omitted fields keep their values; a changed fact drops the old embedding. PT404 not found, PT409 not active.';
revoke all on function public.update_memory(uuid, text, text, text, double precision, double precision, jsonb, extensions.vector, text, timestamptz, uuid) from public, anon;
grant execute on function public.update_memory(uuid, text, text, text, double precision, double precision, jsonb, extensions.vector, text, timestamptz, uuid)
  to authenticated, service_role;

create or replace function public.forget_memory(memory_id uuid, user_id uuid default null)
returns table (id uuid, status text, version integer)
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(forget_memory.user_id);
  v_row public.user_memories;
begin
  perform private.lock_user_memories(v_user);
  v_row := private.active_memory_for_update(v_user, memory_id);
  update public.user_memories m set is_active = false where m.id = v_row.id;
  return query select v_row.id, 'forgotten'::text, v_row.version;
end
$$;
comment on function public.forget_memory(uuid, uuid) is
  'Deactivates an active memory of the caller: it stops appearing in search and frees a quota place. '
  'The row stays for history until cleanup. PT404 not found, PT409 already inactive.';
revoke all on function public.forget_memory(uuid, uuid) from public, anon;
grant execute on function public.forget_memory(uuid, uuid) to authenticated, service_role;

create or replace function public.memory_history(memory_id uuid)
returns table (id uuid, version integer, fact text, memory_type text, category text, importance_score double precision,
               confidence_score double precision, is_active boolean, previous_version_id uuid, created_at timestamptz)
language sql
stable
set search_path = ''
as $$
  -- Walk back to the first version, then forward along previous_version_id; RLS limits it to the caller's rows.
  with recursive back as (
    select m.id, m.previous_version_id from public.user_memories m where m.id = memory_history.memory_id
    union all
    select m.id, m.previous_version_id from public.user_memories m join back b on m.id = b.previous_version_id
  ),
  forward as (
    select m.* from public.user_memories m join back b on m.id = b.id where b.previous_version_id is null
    union all
    select m.* from public.user_memories m join forward f on m.previous_version_id = f.id
  )
  select f.id, f.version, f.fact, f.memory_type, f.category, f.importance_score, f.confidence_score, f.is_active,
         f.previous_version_id, f.created_at
    from forward f
   order by f.version
$$;
comment on function public.memory_history(uuid) is
  'Every version of the memory that the given version belongs to, oldest first (empty if it is not the caller''s).';
revoke all on function public.memory_history(uuid) from public, anon;
grant execute on function public.memory_history(uuid) to authenticated, service_role;

-- Erasure removes a user's counters too.
grant delete on table public.memory_user_stats to service_role;

create or replace function public.erase_user_data(target_user uuid)
returns table (table_name text, rows_deleted bigint)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_keys bigint;
  v_memories bigint;
  v_conversations bigint;
  v_stats bigint;
begin
  if target_user is null then
    raise exception 'target_user is required' using errcode = '22023', column = 'target_user';
  end if;
  perform private.lock_user_memories(target_user);
  delete from public.memory_idempotency_keys k where k.user_id = target_user;
  get diagnostics v_keys = row_count;
  delete from public.user_memories m where m.user_id = target_user;
  get diagnostics v_memories = row_count;
  delete from public.conversations c where c.user_id = target_user;
  get diagnostics v_conversations = row_count;
  delete from public.memory_user_stats s where s.user_id = target_user;
  get diagnostics v_stats = row_count;
  return query values ('memory_idempotency_keys', v_keys), ('user_memories', v_memories),
                      ('conversations', v_conversations), ('memory_user_stats', v_stats);
end
$$;
comment on function public.erase_user_data(uuid) is
  'GDPR erasure, service_role only: hard-deletes every memory, version, conversation, key and counter of one user '
  'and reports the rows removed per table. The auth.users row is Supabase Auth''s to delete.';
revoke all on function public.erase_user_data(uuid) from public, anon, authenticated;
grant execute on function public.erase_user_data(uuid) to service_role;
