-- Undoes 20261126090300_relevant_search: the text leg and search_memories of 20261125120400_search_memories.
drop function public.search_memories(text, extensions.vector, text, integer, text[], text[], double precision, timestamptz, timestamptz, uuid, boolean, double precision);
drop function private.text_matches(uuid, text[], integer, text[], text[], double precision, timestamptz, timestamptz);

create or replace function private.text_matches(
  target uuid, query tsquery, match_count integer, memory_types text[], categories text[],
  min_importance double precision, created_after timestamptz, created_before timestamptz
) returns table (id uuid, text_score real, text_rank integer)
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
    select t.id, t.text_score, (row_number() over (order by t.text_score desc, t.id))::integer
      from (select m.id, ts_rank_cd(m.fts, query) as text_score
              from public.user_memories m
             -- The same filters as private.nearest_memories, written out in both: a shared per-row function would
             -- need the whole row and end both index-only scans.
             where m.user_id = target and m.is_active and m.fts @@ query
               and (m.expires_at is null or m.expires_at > now())
               and (memory_types is null or m.memory_type = any (memory_types))
               and (categories is null or m.category = any (categories))
               and (min_importance is null or m.importance_score >= min_importance)
               and (created_after is null or m.created_at >= created_after)
               and (created_before is null or m.created_at < created_before)
             order by 2 desc, m.id
             limit match_count) t
     order by 3;
end
$$;
comment on function private.text_matches(uuid, tsquery, integer, text[], text[], double precision, timestamptz, timestamptz) is
  'The user''s active, unexpired memories matching a tsquery, best ts_rank_cd first; the text leg of search_memories.';
revoke all on function private.text_matches(uuid, tsquery, integer, text[], text[], double precision, timestamptz, timestamptz) from public;
grant execute on function private.text_matches(uuid, tsquery, integer, text[], text[], double precision, timestamptz, timestamptz)
  to authenticated, service_role;

create or replace function public.search_memories(
  query text default null,
  query_embedding extensions.vector default null,
  embedding_model text default null,
  match_count integer default 10,
  memory_types text[] default null,
  categories text[] default null,
  min_importance double precision default null,
  created_after timestamptz default null,
  created_before timestamptz default null,
  user_id uuid default null,
  touch boolean default true
) returns table (
  id uuid,
  fact text,
  memory_type text,
  category text,
  importance_score double precision,
  confidence_score double precision,
  metadata jsonb,
  source_conversation_id uuid,
  created_at timestamptz,
  updated_at timestamptz,
  text_rank integer,
  text_score real,
  vector_rank integer,
  vector_similarity double precision,
  rrf_score double precision,
  recency double precision,
  score double precision
)
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(search_memories.user_id);
  v_tsquery tsquery;
  v_pool integer;
begin
  if match_count is null or match_count < 1 or match_count > 100 then
    raise exception 'match_count must be between 1 and 100, not %', coalesce(match_count::text, 'null')
      using errcode = '22023', column = 'match_count';
  end if;
  if (query is null or query !~ '[^[:space:]]') and query_embedding is null then
    raise exception 'give a query text, a query_embedding, or both' using errcode = '22023', column = 'query';
  end if;
  if query is not null and char_length(query) > 2000 then
    raise exception 'query must be at most 2000 characters' using errcode = '22023', column = 'query';
  end if;
  if (query_embedding is null) <> (search_memories.embedding_model is null) then
    raise exception 'query_embedding and embedding_model go together: give both or neither'
      using errcode = '22023', column = 'embedding_model';
  end if;
  if query_embedding is not null and extensions.vector_dims(query_embedding) <> 384 then
    raise exception 'query_embedding must have 384 dimensions, not %', extensions.vector_dims(query_embedding)
      using errcode = '22000', column = 'query_embedding';
  end if;
  if memory_types is not null and not memory_types <@ array['person', 'preference', 'event', 'topic', 'fact', 'emotion'] then
    raise exception 'memory_types may hold only person, preference, event, topic, fact, emotion'
      using errcode = '22023', column = 'memory_types';
  end if;
  if min_importance is not null and not (min_importance >= 0 and min_importance <= 1) then
    raise exception 'min_importance must be between 0 and 1' using errcode = '22023', column = 'min_importance';
  end if;
  if created_after is not null and created_before is not null and created_after >= created_before then
    raise exception 'created_after must be before created_before' using errcode = '22023', column = 'created_after';
  end if;

  if query is not null and query ~ '[^[:space:]]' then
    v_tsquery := websearch_to_tsquery('english', query);
  end if;
  -- Each leg offers more candidates than are returned, so fusion can promote what one leg ranks low.
  v_pool := greatest(match_count * 4, 40);

  return query
    with text_hits as (
      select t.id, t.text_score, t.text_rank
        from private.text_matches(v_user, v_tsquery, v_pool, memory_types, categories, min_importance,
               created_after, created_before) t
       where v_tsquery is not null
    ),
    vector_hits as (
      select v.id, v.similarity as vector_similarity, v.rank as vector_rank
        from public.match_memories(query_embedding, search_memories.embedding_model, v_pool, memory_types, categories,
               min_importance, created_after, created_before, v_user) v
       where query_embedding is not null
    ),
    fused as (
      -- Reciprocal rank fusion (k = 60): rank positions, not raw scores, so the legs need no common scale.
      select coalesce(t.id, v.id) as id, t.text_rank, t.text_score, v.vector_rank, v.vector_similarity,
             coalesce(1.0 / (60 + t.text_rank), 0) + coalesce(1.0 / (60 + v.vector_rank), 0) as rrf_score
        from text_hits t
        full join vector_hits v on v.id = t.id
    ),
    results as (
      select m.id, m.fact, m.memory_type, m.category, m.importance_score, m.confidence_score, m.metadata,
             m.source_conversation_id, m.created_at, m.updated_at, f.text_rank, f.text_score, f.vector_rank,
             f.vector_similarity, f.rrf_score::double precision as rrf_score,
             -- Half-life of 30 days since the memory was last written or merged.
             power(0.5, extract(epoch from (now() - m.updated_at)) / (30 * 86400))::double precision as recency
        from fused f
        join private.memories_by_id(v_user, (select array_agg(fused.id) from fused)) m on m.id = f.id
    ),
    ranked as (
      select r.*, r.rrf_score * (0.5 + 0.5 * r.importance_score) * (0.75 + 0.25 * r.recency) as score
        from results r
       order by 17 desc, r.id
       limit match_count
    ),
    touched as (
      insert into public.memory_access as a (memory_id, user_id, last_accessed_at)
      select ranked.id, v_user, now() from ranked where touch
      on conflict (memory_id) do update set last_accessed_at = excluded.last_accessed_at, access_count = a.access_count + 1
    )
    select * from ranked order by ranked.score desc, ranked.id;
end
$$;
comment on function public.search_memories(text, extensions.vector, text, integer, text[], text[], double precision, timestamptz, timestamptz, uuid, boolean) is
  'Hybrid search over the caller''s active, unexpired memories: full text (websearch_to_tsquery, english) and, '
  'with a query embedding, match_memories (cosine, same model); fused by reciprocal rank (k = 60), then '
  'score = rrf * (0.5 + 0.5 * importance) * (0.75 + 0.25 * recency), recency halving every 30 days. '
  'Returns each component; records the access in memory_access unless touch is false.';
revoke all on function public.search_memories(text, extensions.vector, text, integer, text[], text[], double precision, timestamptz, timestamptz, uuid, boolean) from public, anon;
grant execute on function public.search_memories(text, extensions.vector, text, integer, text[], text[], double precision, timestamptz, timestamptz, uuid, boolean)
  to authenticated, service_role;

grant insert, update on table public.memory_access to authenticated;
create policy memory_access_insert_own on public.memory_access
  for insert to authenticated with check ((select auth.uid()) = user_id);
create policy memory_access_update_own on public.memory_access
  for update to authenticated using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);
