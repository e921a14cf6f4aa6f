-- One list of the kinds of memory, public.memory_types(), read by the tables' checks, store_memory's validation
-- (and its message) and search's memory_types filter, which each spelled the list out before; signed-in users may
-- call it to list the kinds. Produced with npm run db:diff from supabase/schemas/, then ordered (the function before the
-- checks that call it) and schema-qualified by hand.

create function public.memory_types() returns text[]
    language sql immutable parallel safe
    set search_path = ''
    as $$ select array['person', 'preference', 'event', 'topic', 'fact', 'emotion'] $$;

comment on function public.memory_types() is 'The kinds of memory a memory_type may name: person, preference, event, topic, fact, emotion. Read by the tables'' checks, store_memory and search_memories; callable by signed-in users, so a client can list them.';

revoke all on function public.memory_types() from public, anon, authenticated, service_role;
grant execute on function public.memory_types() to authenticated, service_role;

-- Checked again under the new definition without blocking writes for the scan (validate takes a weaker lock).
alter table public.memory_sightings drop constraint memory_sightings_memory_type_check;
alter table public.memory_sightings add constraint memory_sightings_memory_type_check
  check (memory_type = any (public.memory_types())) not valid;
alter table public.memory_sightings validate constraint memory_sightings_memory_type_check;

alter table public.user_memories drop constraint user_memories_memory_type_check;
alter table public.user_memories add constraint user_memories_memory_type_check
  check (memory_type = any (public.memory_types())) not valid;
alter table public.user_memories validate constraint user_memories_memory_type_check;

CREATE OR REPLACE FUNCTION private.validate_memory_input(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, embedding extensions.vector, embedding_model text, metadata jsonb, expires_at timestamp with time zone)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
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
  if memory_type is null or not memory_type = any (public.memory_types()) then
    raise exception 'memory_type must be one of %; not %', array_to_string(public.memory_types(), ', '),
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
$function$
;

CREATE OR REPLACE FUNCTION public.search_memories(query text DEFAULT NULL::text, query_embedding extensions.vector DEFAULT NULL::extensions.vector, embedding_model text DEFAULT NULL::text, match_count integer DEFAULT 10, memory_types text[] DEFAULT NULL::text[], categories text[] DEFAULT NULL::text[], min_importance double precision DEFAULT NULL::double precision, created_after timestamp with time zone DEFAULT NULL::timestamp with time zone, created_before timestamp with time zone DEFAULT NULL::timestamp with time zone, user_id uuid DEFAULT NULL::uuid, touch boolean DEFAULT true, min_similarity double precision DEFAULT NULL::double precision)
 RETURNS TABLE(id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, source_conversation_id uuid, created_at timestamp with time zone, updated_at timestamp with time zone, text_rank integer, text_score real, vector_rank integer, vector_similarity double precision, rrf_score double precision, recency double precision, score double precision, matched_by text[])
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(search_memories.user_id);
  v_lexemes text[];
  v_floor double precision;
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
  if memory_types is not null and not memory_types <@ public.memory_types() then
    raise exception 'memory_types may hold only %', array_to_string(public.memory_types(), ', ')
      using errcode = '22023', column = 'memory_types';
  end if;
  if min_importance is not null and not (min_importance >= 0 and min_importance <= 1) then
    raise exception 'min_importance must be between 0 and 1' using errcode = '22023', column = 'min_importance';
  end if;
  if min_similarity is not null and not (min_similarity >= 0 and min_similarity <= 1) then
    raise exception 'min_similarity must be between 0 and 1' using errcode = '22023', column = 'min_similarity';
  end if;
  if created_after is not null and created_before is not null and created_after >= created_before then
    raise exception 'created_after must be before created_before' using errcode = '22023', column = 'created_after';
  end if;

  if query is not null then
    v_lexemes := array(select distinct t.lexeme from unnest(to_tsvector('english', query)) t);
  end if;
  if query_embedding is not null then
    v_floor := coalesce(min_similarity,
                        (select s.relevance_floor from private.model_settings(search_memories.embedding_model) s));
  end if;
  -- Each leg offers more candidates than are returned, so fusion can promote what one leg ranks low.
  v_pool := greatest(match_count * 4, 40);

  return query
    with text_hits as (
      select t.id, t.text_score, t.text_rank, t.qualified
        from private.text_matches(v_user, v_lexemes, v_pool, memory_types, categories, min_importance,
               created_after, created_before) t
       where cardinality(v_lexemes) > 0
    ),
    vector_hits as (
      select v.id, v.similarity as vector_similarity, v.rank as vector_rank
        from public.match_memories(query_embedding, search_memories.embedding_model, v_pool, memory_types, categories,
               min_importance, created_after, created_before, v_user) v
       where query_embedding is not null
    ),
    fused as (
      -- Reciprocal rank fusion (k = 60): rank positions, not raw scores, so the legs need no common scale. The
      -- vector leg counts only at or above the floor: below it, its order is noise that would push down what
      -- the text leg found (measured: recall@10 fell below plain BM25's).
      select coalesce(t.id, v.id) as id, t.text_rank, t.text_score, v.vector_rank, v.vector_similarity,
             coalesce(1.0 / (60 + t.text_rank), 0)
               + case when v.vector_similarity >= v_floor then 1.0 / (60 + v.vector_rank) else 0 end as rrf_score,
             array_remove(array[case when t.qualified then 'text' end,
                                case when v.vector_similarity >= v_floor then 'vector' end], null) as matched_by
        from text_hits t
        full join vector_hits v on v.id = t.id
    ),
    relevant as (select f.* from fused f where cardinality(f.matched_by) > 0),
    results as (
      select m.id, m.fact, m.memory_type, m.category, m.importance_score, m.confidence_score, m.metadata,
             m.source_conversation_id, m.created_at, m.updated_at, f.text_rank, f.text_score, f.vector_rank,
             f.vector_similarity, f.rrf_score::double precision as rrf_score,
             -- Half-life of 30 days since the memory was last written or merged.
             power(0.5, extract(epoch from (now() - m.updated_at)) / (30 * 86400))::double precision as recency,
             f.matched_by
        from relevant f
        join private.memories_by_id(v_user, (select array_agg(relevant.id) from relevant)) m on m.id = f.id
    ),
    ranked as (
      select r.id, r.fact, r.memory_type, r.category, r.importance_score, r.confidence_score, r.metadata,
             r.source_conversation_id, r.created_at, r.updated_at, r.text_rank, r.text_score, r.vector_rank,
             r.vector_similarity, r.rrf_score, r.recency,
             r.rrf_score * (0.5 + 0.5 * r.importance_score) * (0.75 + 0.25 * r.recency) as score, r.matched_by
        from results r
       order by 17 desc, r.id
       limit match_count
    ),
    -- Appended, not upserted: an insert into a table without unique keys or foreign keys takes no row lock, so
    -- two searches returning the same memories cannot wait on each other or on a write (fold_memory_access
    -- folds the log into memory_access).
    touched as (
      insert into public.memory_access_log (memory_id, user_id)
      select ranked.id, v_user from ranked where touch
    )
    select * from ranked order by ranked.score desc, ranked.id;
end
$function$
;
