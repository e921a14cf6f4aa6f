-- Scopes below the user, metadata filters, batch store and erase (issue 23, items 2 and 3).
--
-- A memory, a sighting and a conversation carry an optional agent_id (the agent that learned it) and run_id (the
-- session or run it came from): mem0's names; a LangGraph namespace maps onto them. Duplicates are found within one
-- scope: a fact stored without a scope holds for the user and is one memory however often it is said; a fact stored
-- in an agent's or a run's scope stays there (the same words in another scope are another memory). The unique index
-- of active facts now keys on the scope for the same reason.
--
-- search_memories, match_memories, list_memories and export_user_data filter by scope (each key given must match)
-- and by metadata (metadata_filter: jsonb containment, served by a GIN index of active memories). forget_memories
-- forgets every memory of a scope; erase_memories deletes a user's memories (all, or a scope) with their history,
-- given the confirmation 'erase my memories'. store_memories stores up to 100 facts in one transaction, each with
-- its own outcome.
--
-- update_memory to a text another active memory of the scope has already said broke the unique index of active
-- facts (a 409 with the index's SQL text); it now names that memory (PT409, column fact), as unmerge_memory does
-- (private.memory_saying, one definition for both).
--
-- The new columns are nullable without a default (a catalog change); their checks are NOT VALID, since every
-- existing row has them null. The indexes are built on user_memories: on a large table, build them concurrently by
-- hand first (.squawk.toml).
set check_function_bodies = off;

ALTER TABLE public.user_memories ADD COLUMN agent_id text;
ALTER TABLE public.user_memories ADD COLUMN run_id text;
ALTER TABLE public.memory_sightings ADD COLUMN agent_id text;
ALTER TABLE public.memory_sightings ADD COLUMN run_id text;
ALTER TABLE public.conversations ADD COLUMN agent_id text;
ALTER TABLE public.conversations ADD COLUMN run_id text;

ALTER TABLE public.user_memories ADD CONSTRAINT user_memories_agent_id_check CHECK (((agent_id IS NULL) OR ((agent_id ~ '[^[:space:]]'::text) AND (char_length(agent_id) <= 200)))) NOT VALID;
ALTER TABLE public.user_memories ADD CONSTRAINT user_memories_run_id_check CHECK (((run_id IS NULL) OR ((run_id ~ '[^[:space:]]'::text) AND (char_length(run_id) <= 200)))) NOT VALID;

ALTER TABLE public.memory_sightings ADD CONSTRAINT memory_sightings_agent_id_check CHECK (((agent_id IS NULL) OR ((agent_id ~ '[^[:space:]]'::text) AND (char_length(agent_id) <= 200)))) NOT VALID;
ALTER TABLE public.memory_sightings ADD CONSTRAINT memory_sightings_run_id_check CHECK (((run_id IS NULL) OR ((run_id ~ '[^[:space:]]'::text) AND (char_length(run_id) <= 200)))) NOT VALID;

ALTER TABLE public.conversations ADD CONSTRAINT conversations_agent_id_check CHECK (((agent_id IS NULL) OR ((agent_id ~ '[^[:space:]]'::text) AND (char_length(agent_id) <= 200)))) NOT VALID;
ALTER TABLE public.conversations ADD CONSTRAINT conversations_run_id_check CHECK (((run_id IS NULL) OR ((run_id ~ '[^[:space:]]'::text) AND (char_length(run_id) <= 200)))) NOT VALID;

COMMENT ON COLUMN public.user_memories.agent_id IS 'The agent the memory belongs to (mem0''s agent_id); null: it holds for the user whatever the agent. Duplicates are found within one scope (agent_id, run_id).';

COMMENT ON COLUMN public.user_memories.run_id IS 'The session or run the memory belongs to (mem0''s run_id, a LangGraph thread); null: not tied to one.';

COMMENT ON COLUMN public.conversations.agent_id IS 'The agent that held the conversation; run_id, the session or run it was (mem0''s names).';

COMMENT ON COLUMN public.memory_sightings.agent_id IS 'The scope the statement was said in (agent_id, run_id), as its memory''s: an unmerge gives it back.';

DROP INDEX public.user_memories_active_fact_key;

CREATE UNIQUE INDEX user_memories_active_fact_key ON public.user_memories USING btree (user_id, COALESCE(agent_id, ''::text), COALESCE(run_id, ''::text), md5(public.fact_key(fact))) WHERE is_active;

CREATE INDEX user_memories_active_metadata_idx ON public.user_memories USING gin (metadata jsonb_path_ops) WHERE is_active;

DROP FUNCTION private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, double precision, uuid);
DROP FUNCTION private.nearest_memories(uuid, extensions.vector, text, integer, integer, text[], text[], double precision, timestamp with time zone, timestamp with time zone);
DROP FUNCTION private.text_matches(uuid, text[], text[], text[], text[], text[], integer, text[], text[], double precision, timestamp with time zone, timestamp with time zone);
DROP FUNCTION public.export_user_data(uuid);
DROP FUNCTION public.find_duplicate_memories(uuid, text, double precision, extensions.vector, text);
DROP FUNCTION public.list_memories(integer, timestamp with time zone, uuid, uuid);
DROP FUNCTION public.match_memories(extensions.vector, text, integer, text[], text[], double precision, timestamp with time zone, timestamp with time zone, uuid);
DROP FUNCTION public.search_memories(text, extensions.vector, text, integer, text[], text[], double precision, timestamp with time zone, timestamp with time zone, uuid, boolean, double precision);
DROP FUNCTION public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamp with time zone, text, uuid, double precision, text, timestamp with time zone);
DROP FUNCTION public.get_memory(uuid, uuid);
DROP FUNCTION private.memories_shown(uuid, uuid[]);

CREATE FUNCTION private.validate_scope(agent_id text, run_id text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
begin
  -- The rules of user_memories_agent_id_check and _run_id_check, said with the parameter's name.
  if agent_id is not null and (agent_id !~ '[^[:space:]]' or char_length(agent_id) > 200) then
    raise exception 'agent_id must be 1 to 200 characters, not blank' using errcode = '22023', column = 'agent_id';
  end if;
  if run_id is not null and (run_id !~ '[^[:space:]]' or char_length(run_id) > 200) then
    raise exception 'run_id must be 1 to 200 characters, not blank' using errcode = '22023', column = 'run_id';
  end if;
end
$$;

REVOKE ALL ON FUNCTION private.validate_scope(text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.validate_scope(agent_id text, run_id text) IS 'Refuses a blank or over-long agent_id or run_id (22023, naming it): the rule of the scope checks on user_memories, memory_sightings and conversations.';

GRANT ALL ON FUNCTION private.validate_scope(agent_id text, run_id text) TO authenticated;

GRANT ALL ON FUNCTION private.validate_scope(agent_id text, run_id text) TO service_role;

CREATE FUNCTION private.validate_filter(agent_id text, run_id text, metadata_filter jsonb) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
begin
  perform private.validate_scope(agent_id, run_id);
  if metadata_filter is not null and (jsonb_typeof(metadata_filter) <> 'object' or octet_length(metadata_filter::text) > 16384) then
    raise exception 'metadata_filter must be a JSON object of at most 16 KB (the memories'' metadata must contain it)'
      using errcode = '22023', column = 'metadata_filter';
  end if;
end
$$;

REVOKE ALL ON FUNCTION private.validate_filter(text, text, jsonb) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.validate_filter(agent_id text, run_id text, metadata_filter jsonb) IS 'Refuses a filter search, list or export cannot apply: a blank or over-long scope key (private.validate_scope), a metadata_filter that is not a JSON object or is over 16 KB (22023, naming it).';

GRANT ALL ON FUNCTION private.validate_filter(agent_id text, run_id text, metadata_filter jsonb) TO authenticated;

GRANT ALL ON FUNCTION private.validate_filter(agent_id text, run_id text, metadata_filter jsonb) TO service_role;

CREATE FUNCTION private.in_scope(memory_agent_id text, memory_run_id text, agent_id text, run_id text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$
  select (agent_id is null or memory_agent_id = agent_id) and (run_id is null or memory_run_id = run_id)
$$;

REVOKE ALL ON FUNCTION private.in_scope(text, text, text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.in_scope(memory_agent_id text, memory_run_id text, agent_id text, run_id text) IS 'Whether a row of a scope (memory_agent_id, memory_run_id) is in the scope asked for: each key given must match; a key left out matches any.';

GRANT ALL ON FUNCTION private.in_scope(memory_agent_id text, memory_run_id text, agent_id text, run_id text) TO authenticated;

GRANT ALL ON FUNCTION private.in_scope(memory_agent_id text, memory_run_id text, agent_id text, run_id text) TO service_role;

CREATE FUNCTION private.filtered_ids(target uuid, agent_id text, run_id text, metadata_filter jsonb) RETURNS SETOF uuid
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
begin
  -- Two statements, so that each is planned for what it has: containment alone can use
  -- user_memories_active_metadata_idx, which a predicate "filter is null or ..." would not let the planner use.
  if metadata_filter is null then
    return query select m.id from public.user_memories m
      where m.user_id = target and m.is_active
        and private.in_scope(m.agent_id, m.run_id, filtered_ids.agent_id, filtered_ids.run_id);
  else
    return query select m.id from public.user_memories m
      where m.user_id = target and m.is_active and m.metadata operator(pg_catalog.@>) metadata_filter
        and private.in_scope(m.agent_id, m.run_id, filtered_ids.agent_id, filtered_ids.run_id);
  end if;
end
$$;

REVOKE ALL ON FUNCTION private.filtered_ids(uuid, text, text, jsonb) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.filtered_ids(target uuid, agent_id text, run_id text, metadata_filter jsonb) IS 'The filter of search and list: the ids of the user''s active memories in the scope asked for (private.in_scope) whose metadata contains metadata_filter (jsonb @>: equality on keys, nested objects, array members). Callers ask for it only when a filter is given (a subquery behind "no filter or"), so a search without one reads only its covering indexes.';

GRANT ALL ON FUNCTION private.filtered_ids(target uuid, agent_id text, run_id text, metadata_filter jsonb) TO authenticated;

GRANT ALL ON FUNCTION private.filtered_ids(target uuid, agent_id text, run_id text, metadata_filter jsonb) TO service_role;

CREATE FUNCTION private.duplicate_candidates(target uuid, fact text, embedding extensions.vector, embedding_model text, jaccard_threshold double precision, cosine_threshold double precision, exclude uuid DEFAULT NULL::uuid, agent_id text DEFAULT NULL::text, run_id text DEFAULT NULL::text) RETURNS TABLE(id uuid, same_text boolean, jaccard double precision, cosine double precision, similarity double precision, importance_score double precision, created_at timestamp with time zone, value_difference text, is_duplicate boolean, relation text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 4
    SET search_path TO ''
    SET max_parallel_workers_per_gather TO '0'
    AS $$
#variable_conflict use_column
declare
  v_checked uuid := private.acting_user(target);
  v_words text[] := public.fact_words(duplicate_candidates.fact);
  v_size integer := cardinality(public.fact_words(duplicate_candidates.fact));
  v_key text := md5(public.fact_key(duplicate_candidates.fact));
  v_tokens text[] := private.fact_tokens(duplicate_candidates.fact);
  v_misses integer;
  v_probe text[];
  v_same uuid[];
  v_candidates uuid[];
  v_wide uuid[] := '{}'::uuid[];
  -- What the statement is about (private.topic_words), as stored (to probe the index, in any of its forms) and as
  -- read; then, once there are candidates, every word and stem it holds, to compare with what a memory holds
  -- before reading the memory.
  v_topic text[] := private.topic_words(v_words);
  v_read_topic text[] := private.topic_words(v_tokens);
  -- Probed: its three longest topic words that are not among the table's most common words (planner statistics): a
  -- common word's posting list spans every user, and reading it would cost more than the store.
  v_common text[] := private.common_words();
  v_probes text[] := array(select distinct on (char_length(w), w) w from unnest(v_topic || v_read_topic) w
                            where not w = any (v_common)
                            order by char_length(w) desc, w limit 3);
  v_variants text[] := array(select distinct v from unnest(v_probes) w, unnest(private.word_variants(w)) v);
  v_held text[];
  v_reach text[];
  v_stems text[];
begin
  if jaccard_threshold is null or not (jaccard_threshold > 0 and jaccard_threshold <= 1)
     or cosine_threshold is null or not (cosine_threshold > 0 and cosine_threshold <= 1) then
    raise exception 'thresholds must be above 0 and at most 1' using errcode = '22023', column = 'threshold';
  end if;
  v_same := array(
    select m.id from public.user_memories m
     where m.user_id = target and m.is_active and coalesce(m.agent_id, '') = coalesce(duplicate_candidates.agent_id, '')
       and coalesce(m.run_id, '') = coalesce(duplicate_candidates.run_id, '') and md5(public.fact_key(m.fact)) = v_key
       and m.id is distinct from exclude);
  v_candidates := v_same;
  -- Jaccard >= t means the other set lacks at most m = |a| - ceil(t|a|) of our words. Deal our words into m + 1
  -- groups: a true duplicate lacks words from at most m of them, so it contains some group whole. Each group is a
  -- containment probe of the GIN index (an intersection of posting lists), selective however common the words.
  v_misses := v_size - ceil(jaccard_threshold * v_size)::integer;
  for v_group in 0 .. v_misses loop
    select array_agg(w) into v_probe
      from (select w, row_number() over (order by char_length(w) desc, w) as n from unnest(v_words) w) dealt
     where (dealt.n - 1) % (v_misses + 1) = v_group;
    v_candidates := v_candidates || array(
      select m.id from public.user_memories m
       where m.user_id = target and m.is_active and m.fact_words operator(pg_catalog.@>) v_probe
         and m.id is distinct from exclude);
  end loop;
  -- A wider net for what the statement may refine, say less than, or conflict with: memories that hold one of the
  -- probed topic words in any of its forms ("drives", "driving"). One probe for all of them, reading only the rare
  -- words' posting lists and picking the user's rows from what they hold (materialized: planned with the user's own
  -- index beside it, or walking that index until rows match, it cost more than the words).
  -- Planned for the call (EXECUTE): a generic plan, blind to how rare the words are, scanned the table instead.
  if cardinality(v_probes) > 0 then
    execute $probe$
      select array(
        with hits as materialized (
          select m.id, m.user_id from public.user_memories m
           where m.is_active and m.fact_words operator(pg_catalog.&&) $1)
        select h.id from hits h where h.user_id = $2 and h.id is distinct from $3 limit 24)$probe$
      into v_wide using v_variants, target, exclude;
  end if;
  -- A near duplicate by cosine shares almost every sign bit: a few candidates suffice. Asked only with an
  -- embedding: the scan behind it costs as much without one.
  if duplicate_candidates.embedding is not null then
    v_candidates := v_candidates || array(
      select n.id from private.nearest_memories(target, duplicate_candidates.embedding, duplicate_candidates.embedding_model, 4, 32) n
       where n.id is distinct from exclude);
  end if;

  if cardinality(v_candidates || v_wide) = 0 then
    return;
  end if;
  v_held := array(select distinct w from unnest(v_words || v_tokens) w where w <> ',');
  v_reach := v_held || v_variants;
  -- Its stems, as full-text search has them (memories keep theirs in fts): "drives" and "driving" are one.
  v_stems := pg_catalog.tsvector_to_array(pg_catalog.to_tsvector('english'::regconfig,
               duplicate_candidates.fact || ' ' || array_to_string(v_tokens, ' ')));

  return query
    with found as materialized (
      select m.id, m.fact, m.importance_score, m.created_at, m.id = any (v_same) as same,
             -- Jaccard of the word sets (each word once) from the size of their overlap.
             o.shared::double precision / (cardinality(m.fact_words) + v_size - o.shared) as jac,
             case when duplicate_candidates.embedding is not null and m.embedding_model = duplicate_candidates.embedding_model
                  then 1 - (m.embedding operator(extensions.<=>) duplicate_candidates.embedding) end as cos,
             m.fact_words, pg_catalog.tsvector_to_array(m.fts) as stems
        from public.user_memories m
        cross join lateral (select count(*) as shared from unnest(m.fact_words) w where w = any (v_words)) o
       where m.id = any (v_candidates || v_wide) and m.user_id = target
         -- Duplicates are found within one scope: a fact for the user, for one agent, or for one of its runs.
         and m.agent_id is not distinct from duplicate_candidates.agent_id and m.run_id is not distinct from duplicate_candidates.run_id
    ),
    near as (
      select f.id, f.fact, f.importance_score, f.created_at, f.same, f.jac, f.cos from found f
       where f.same or f.jac >= jaccard_threshold or f.cos >= cosine_threshold
      union
      -- From the rest, the two nearest by what they hold already (no reading): near in words or in stems,
      -- inside the statement's reach (a detail added), or holding all of it (a detail left out, a word of time or
      -- polarity added).
      (select o.id, o.fact, o.importance_score, o.created_at, o.same, o.jac, o.cos
         from (select f.*,
                      -- Jaccard of word sets (each word once) from the size of their overlap.
                      x.words::double precision / nullif(cardinality(f.fact_words) + cardinality(v_held) - x.words, 0) as word_near,
                      x.stems::double precision / nullif(cardinality(f.stems) + cardinality(v_stems) - x.stems, 0) as stem_near
                 from found f
                 cross join lateral (select (select count(*) from unnest(f.fact_words) w where w = any (v_held)) as words,
                                            (select count(*) from unnest(f.stems) w where w = any (v_stems)) as stems) x
                where not (f.same or f.jac >= jaccard_threshold or coalesce(f.cos >= cosine_threshold, false))) o
        where o.word_near >= 0.4 or o.stem_near >= 0.5
           or (cardinality(o.fact_words) >= 2 and o.fact_words operator(pg_catalog.<@) v_reach)
           or v_words operator(pg_catalog.<@) o.fact_words
           or (cardinality(o.stems) >= 1 and o.stems operator(pg_catalog.<@) v_stems)
           or v_stems operator(pg_catalog.<@) o.stems
        order by greatest(o.word_near, o.stem_near) desc, o.id
        limit 2)
    ),
    judged as (
      select n.*, r.relation, r.reason, n.jac >= jaccard_threshold or n.cos >= cosine_threshold as close
        from near n
        cross join lateral (select private.fact_tokens(n.fact) as tokens) t
        left join lateral (select f.relation, f.reason from private.tokens_relation(n.fact, t.tokens, duplicate_candidates.fact, v_tokens) f
                            where not n.same) r on true
    )
    select j.id, j.same, j.jac, j.cos, j.similarity, j.importance_score, j.created_at, j.reason, j.duplicate,
           case when j.duplicate then 'duplicate' else j.relation end
      from (select j.*,
                   case when j.same then 1.0::double precision else greatest(coalesce(j.jac, 0), coalesce(j.cos, 0)) end as similarity,
                   j.same or j.relation = 'duplicate'
                     or (j.reason = 'word differs' and private.guard_allows_merge(j.reason, j.cos, cosine_threshold)) as duplicate
              from judged j) j
     -- Judged: the close ones, and from the wider net what the statement repeats, refines or conflicts with (a word
     -- in place of another there is another fact, not a conflict).
     where j.close or j.same or j.duplicate or j.relation = 'refines' or j.reason <> 'word differs';
end
$$;

REVOKE ALL ON FUNCTION private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, double precision, uuid, text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.duplicate_candidates(target uuid, fact text, embedding extensions.vector, embedding_model text, jaccard_threshold double precision, cosine_threshold double precision, exclude uuid, agent_id text, run_id text) IS 'The active memories of a user, in one scope (agent_id, run_id: null is the user''s own), near a candidate fact (same text, word Jaccard, or same-model cosine at its threshold, or half of its topic words), with their scores, the reason that sets each apart, whether it is a duplicate, and its relation (public.fact_relation): duplicate, refines or conflicts.';

REVOKE ALL ON FUNCTION private.duplicate_candidates(target uuid, fact text, embedding extensions.vector, embedding_model text, jaccard_threshold double precision, cosine_threshold double precision, exclude uuid, agent_id text, run_id text) FROM PUBLIC;

GRANT ALL ON FUNCTION private.duplicate_candidates(target uuid, fact text, embedding extensions.vector, embedding_model text, jaccard_threshold double precision, cosine_threshold double precision, exclude uuid, agent_id text, run_id text) TO authenticated;

GRANT ALL ON FUNCTION private.duplicate_candidates(target uuid, fact text, embedding extensions.vector, embedding_model text, jaccard_threshold double precision, cosine_threshold double precision, exclude uuid, agent_id text, run_id text) TO service_role;

CREATE FUNCTION private.nearest_memories(target uuid, query_embedding extensions.vector, embedding_model text, match_count integer, candidates integer, memory_types text[] DEFAULT NULL::text[], categories text[] DEFAULT NULL::text[], min_importance double precision DEFAULT NULL::double precision, created_after timestamp with time zone DEFAULT NULL::timestamp with time zone, created_before timestamp with time zone DEFAULT NULL::timestamp with time zone, agent_id text DEFAULT NULL::text, run_id text DEFAULT NULL::text, metadata_filter jsonb DEFAULT NULL::jsonb) RETURNS TABLE(id uuid, similarity double precision, rank integer)
    LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 40
    SET search_path TO ''
    SET max_parallel_workers_per_gather TO '0'
    SET hnsw.ef_search TO '200'
    SET hnsw.iterative_scan TO 'relaxed_order'
    AS $$
#variable_conflict use_column
declare
  v_checked uuid := private.acting_user(target);
  -- Computed here, once: see the note at the top of migration 20261125150000.
  v_bits bit varying := extensions.binary_quantize(query_embedding);
begin
  -- A user with an index of their own, and no filter: exact cosine order, which the index serves without reading
  -- every memory. Planned for this call (EXECUTE), so the plan knows the user and can use the index.
  if memory_types is null and categories is null and min_importance is null and created_after is null
     and created_before is null and nearest_memories.agent_id is null and nearest_memories.run_id is null
     and metadata_filter is null and private.has_own_index(target) then
    return query execute pg_catalog.format($query$
      with nearest as (
        select m.id, m.embedding::extensions.vector(%1$s) operator(extensions.<=>) $2 as distance
          from public.user_memories m
         where m.user_id = $1 and m.is_active and m.embedding_model = $3 and (m.expires_at is null or m.expires_at > now())
         order by m.embedding::extensions.vector(%1$s) operator(extensions.<=>) $2
         limit $4
      )
      select n.id, 1 - n.distance, (row_number() over (order by n.distance, n.id))::integer
        from nearest n
       order by 3$query$, public.embedding_dimensions())
    using target, query_embedding, embedding_model, match_count;
    return;
  end if;
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
         and (num_nonnulls(nearest_memories.agent_id, nearest_memories.run_id, metadata_filter) = 0
              or m.id in (select private.filtered_ids(target, nearest_memories.agent_id, nearest_memories.run_id, metadata_filter)))
       order by m.embedding_bits operator(extensions.<~>) v_bits
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

REVOKE ALL ON FUNCTION private.nearest_memories(uuid, extensions.vector, text, integer, integer, text[], text[], double precision, timestamp with time zone, timestamp with time zone, text, text, jsonb) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.nearest_memories(target uuid, query_embedding extensions.vector, embedding_model text, match_count integer, candidates integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, agent_id text, run_id text, metadata_filter jsonb) IS 'A user''s memories nearest to an embedding, ranked by exact cosine: from the user''s own HNSW index when they have one and no filter is given (public.own_index_changes), else candidates by Hamming distance of quantized embeddings, reranked.';

REVOKE ALL ON FUNCTION private.nearest_memories(target uuid, query_embedding extensions.vector, embedding_model text, match_count integer, candidates integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, agent_id text, run_id text, metadata_filter jsonb) FROM PUBLIC;

GRANT ALL ON FUNCTION private.nearest_memories(target uuid, query_embedding extensions.vector, embedding_model text, match_count integer, candidates integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, agent_id text, run_id text, metadata_filter jsonb) TO authenticated;

GRANT ALL ON FUNCTION private.nearest_memories(target uuid, query_embedding extensions.vector, embedding_model text, match_count integer, candidates integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, agent_id text, run_id text, metadata_filter jsonb) TO service_role;

CREATE FUNCTION private.text_matches(target uuid, lexemes text[], terms text[], optional_terms text[], distinctive_terms text[], asked_terms text[], match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, agent_id text DEFAULT NULL::text, run_id text DEFAULT NULL::text, metadata_filter jsonb DEFAULT NULL::jsonb) RETURNS TABLE(id uuid, text_score real, text_rank integer, qualified boolean)
    LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 40
    SET search_path TO ''
    SET max_parallel_workers_per_gather TO '0'
    AS $$
#variable_conflict use_column
declare
  v_checked uuid := private.acting_user(target);
begin
  if cardinality(lexemes) = 0 then
    return;
  end if;
  -- One statement: each step below is a node of one plan, not a query of its own.
  return query
    -- Each lexeme as a tsquery of its own ('it''s' and back-slashes escaped), with the query term it stands for
    -- ("broke" for "break"): a term is found in a memory when one of its forms is.
    with query_terms as materialized (
      select l.lexeme, l.term, ('''' || replace(replace(l.lexeme, '\', '\\'), '''', '''''') || '''')::tsquery as tsq
        from unnest(lexemes, terms) l(lexeme, term)
    ),
    documents as (
      select greatest(1, coalesce((select s.active_count from public.memory_user_stats s where s.user_id = target), 0))::double precision as n
    ),
    -- Every hit counts for the lexemes' document frequencies; the filters only decide which are returned. Each
    -- row carries its verdict on them, so nothing joins back to the hits (under PL/pgSQL's generic plan, whose
    -- estimates are blind to the user, such a join ran as a nested loop over hits times hits: 50 ms).
    hits as materialized (
      select m.id, m.fts, length(m.fts)::double precision as len,
             (memory_types is null or m.memory_type = any (memory_types))
               and (categories is null or m.category = any (categories))
               and (min_importance is null or m.importance_score >= min_importance)
               and (created_after is null or m.created_at >= created_after)
               and (created_before is null or m.created_at < created_before)
               and (num_nonnulls(text_matches.agent_id, text_matches.run_id, metadata_filter) = 0
                    or m.id in (select private.filtered_ids(target, text_matches.agent_id, text_matches.run_id, metadata_filter))) as wanted
        from public.user_memories m
       where m.user_id = target and m.is_active
         and m.fts @@ (select string_agg(q.tsq::text, ' | ')::tsquery from query_terms q)
         and (m.expires_at is null or m.expires_at > now())
    ),
    -- Which query terms each hit holds: one containment test per lexeme (a binary search in the tsvector),
    -- cheaper than unnesting every hit. A fact rarely repeats a word, so a term counts once (tf = 1).
    found as (
      select distinct h.id, h.wanted, h.len, q.term
        from hits h join query_terms q on h.fts @@ q.tsq
    ),
    -- Every lexeme of the query, found or not: a word no memory holds weighs the most (what the question asks
    -- about and nothing says). What a memory must cover is the weight of the question's required informative
    -- words; optional words (a date, "said", the kind of answer asked for: private.query_lexemes) add to a memory
    -- that holds them and take nothing from one that does not, as a conversation rarely writes down the day it
    -- happened. When no required word is informative, the kind of answer asked for is what the question is about
    -- ("Which tattoo does he have?"); else the optional words some memory holds; else the required words; else
    -- every word. A word is uninformative when more than half of the user's memories hold it, counting two
    -- more memories that do not: with one or two memories every word found is in "most" of them, which says
    -- nothing (a user's first memory was never recalled by a question about it).
    weights as (
      select w.term, w.idf, w.informative and w.optional as bonus,
             case when bool_or(w.informative and not w.optional) over () then w.informative and not w.optional
                  when bool_or(w.informative and w.asked) over () then w.informative and w.asked
                  when bool_or(w.informative and w.seen) over () then w.informative and w.seen
                  when bool_or(not w.optional) over () then not w.optional
                  else true end as counts
        from (select q.term, ln(1 + (d.n - coalesce(f.df, 0) + 0.5) / (coalesce(f.df, 0) + 0.5)) as idf,
                     coalesce(f.df, 0) <= (d.n + 2) / 2 as informative, f.df is not null as seen,
                     q.term = any (optional_terms) as optional, q.term = any (asked_terms) as asked
                from (select distinct t.term from query_terms t) q
                cross join documents d
                left join (select t.term, count(*)::double precision as df from found t group by t.term) f on f.term = q.term) w
    ),
    totals as (
      select (select avg(h.len) from hits h) as mean_length, (select sum(w.idf) from weights w where w.counts) as counted_idf
    ),
    scored as (
      select t.id, sum(w.idf) * 2.2 / (1 + 1.2 * (0.25 + 0.75 * min(t.len) / c.mean_length)) as score,
             coalesce(sum(w.idf) filter (where w.counts or w.bonus), 0) / nullif(c.counted_idf, 0) as coverage,
             bool_or((w.counts or w.bonus) and t.term = any (distinctive_terms)) as distinctive,
             bool_or(w.counts) or count(*) filter (where w.bonus) > 1 as required
        from found t join weights w on w.term = t.term cross join totals c
       where t.wanted
       group by t.id, c.mean_length, c.counted_idf
    )
    -- Evidence: a word the question requires or two of its words, and half the question's weight, or a quarter
    -- of it with a name or an uncommon word among it. One ordinary word in common with a question about another
    -- thing ("favourite" of "favourite movie"), or only the kind of answer asked for ("hospital" of "Which
    -- hospital was she born in?"), is no answer.
    select s.id, s.score::real, (row_number() over (order by s.score desc, s.id))::integer,
           coalesce(s.required and (s.coverage >= 0.5 or (s.coverage >= 0.25 and s.distinctive)), false)
      from scored s
     order by s.score desc, s.id
     limit match_count;
end
$$;

REVOKE ALL ON FUNCTION private.text_matches(uuid, text[], text[], text[], text[], text[], integer, text[], text[], double precision, timestamp with time zone, timestamp with time zone, text, text, jsonb) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.text_matches(target uuid, lexemes text[], terms text[], optional_terms text[], distinctive_terms text[], asked_terms text[], match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, agent_id text, run_id text, metadata_filter jsonb) IS 'The text leg of search_memories: the user''s active, unexpired memories holding any of the query''s lexemes (terms: a query word in any of its forms), BM25 first, each marked qualified when it holds the evidence a question needs: a required term or two terms, and half of the idf of the required informative terms (those in at most half of the user''s memories, counting two more that lack them), or a quarter with a distinctive term. Optional terms (private.query_lexemes: dates, the kind of answer asked for) add to the memories that hold them and are not required; when no required term is informative, the kind of answer asked for is.';

REVOKE ALL ON FUNCTION private.text_matches(target uuid, lexemes text[], terms text[], optional_terms text[], distinctive_terms text[], asked_terms text[], match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, agent_id text, run_id text, metadata_filter jsonb) FROM PUBLIC;

GRANT ALL ON FUNCTION private.text_matches(target uuid, lexemes text[], terms text[], optional_terms text[], distinctive_terms text[], asked_terms text[], match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, agent_id text, run_id text, metadata_filter jsonb) TO authenticated;

GRANT ALL ON FUNCTION private.text_matches(target uuid, lexemes text[], terms text[], optional_terms text[], distinctive_terms text[], asked_terms text[], match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, agent_id text, run_id text, metadata_filter jsonb) TO service_role;

CREATE FUNCTION private.memories_shown(target uuid, ids uuid[]) RETURNS TABLE(id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, source_conversation_id uuid, version integer, has_embedding boolean, embedding_model text, created_at timestamp with time zone, updated_at timestamp with time zone, last_accessed_at timestamp with time zone, expires_at timestamp with time zone, observed_at timestamp with time zone, agent_id text, run_id text)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select m.id, m.fact, m.memory_type, m.category, m.importance_score, m.confidence_score, m.metadata,
         m.source_conversation_id, m.version, m.embedding is not null, m.embedding_model, m.created_at, m.updated_at,
         greatest(m.last_accessed_at, a.last_accessed_at,
                  (select max(l.accessed_at) from public.memory_access_log l
                    where l.user_id = target and l.memory_id = m.id)),
         m.expires_at, coalesce(m.observed_at, m.created_at), m.agent_id, m.run_id
    from public.user_memories m
    left join public.memory_access a on a.memory_id = m.id
   where m.user_id = target and m.id = any (ids)
$$;

REVOKE ALL ON FUNCTION private.memories_shown(uuid, uuid[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.memories_shown(target uuid, ids uuid[]) IS 'A user''s memories as list_memories and get_memory show them: when each was last accessed (folded or still in the log), observed_at (when it was said, else created_at), and the scope (agent_id, run_id).';

GRANT ALL ON FUNCTION private.memories_shown(target uuid, ids uuid[]) TO authenticated;

GRANT ALL ON FUNCTION private.memories_shown(target uuid, ids uuid[]) TO service_role;

CREATE FUNCTION public.get_memory(memory_id uuid, user_id uuid DEFAULT NULL::uuid) RETURNS TABLE(id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, source_conversation_id uuid, version integer, has_embedding boolean, embedding_model text, created_at timestamp with time zone, updated_at timestamp with time zone, last_accessed_at timestamp with time zone, expires_at timestamp with time zone, observed_at timestamp with time zone, agent_id text, run_id text)
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(get_memory.user_id);
begin
  if memory_id is null then
    raise exception 'memory_id is required' using errcode = '22023', column = 'memory_id';
  end if;
  return query
    select s.* from private.memories_shown(v_user, array[private.current_memory_id(v_user, memory_id)]) s
     join public.user_memories m on m.id = s.id
    where m.is_active and (m.expires_at is null or m.expires_at > now());
end
$$;

REVOKE ALL ON FUNCTION public.get_memory(uuid, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.get_memory(memory_id uuid, user_id uuid) IS 'The caller''s memory an id names, as list_memories shows it: the id of any of its versions, or of a memory merged into it, names it too. Empty when it was forgotten, expired, or is not the caller''s.';

GRANT ALL ON FUNCTION public.get_memory(memory_id uuid, user_id uuid) TO authenticated;

GRANT ALL ON FUNCTION public.get_memory(memory_id uuid, user_id uuid) TO service_role;

CREATE FUNCTION private.list_memories(page_size integer, before_created_at timestamp with time zone, before_id uuid, user_id uuid, agent text, run text, metadata_filter jsonb) RETURNS TABLE(id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, source_conversation_id uuid, version integer, has_embedding boolean, embedding_model text, created_at timestamp with time zone, updated_at timestamp with time zone, last_accessed_at timestamp with time zone, expires_at timestamp with time zone, observed_at timestamp with time zone, agent_id text, run_id text)
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
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
  perform private.validate_filter(agent, run, metadata_filter);
  return query
    select s.* from private.memories_shown(v_user, array(
      select m.id from public.user_memories m
       where m.user_id = v_user and m.is_active
         and (m.expires_at is null or m.expires_at > now())
         and (num_nonnulls(agent, run, metadata_filter) = 0
              or m.id in (select private.filtered_ids(v_user, agent, run, metadata_filter)))
         and (before_created_at is null or m.created_at < before_created_at
              or (m.created_at = before_created_at and m.id < before_id))
       order by m.created_at desc, m.id desc
       limit page_size)) s
     order by s.created_at desc, s.id desc;
end
$$;

REVOKE ALL ON FUNCTION private.list_memories(integer, timestamp with time zone, uuid, uuid, text, text, jsonb) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.list_memories(page_size integer, before_created_at timestamp with time zone, before_id uuid, user_id uuid, agent text, run text, metadata_filter jsonb) IS 'The body of public.list_memories (agent, run: its agent_id and run_id).';

GRANT ALL ON FUNCTION private.list_memories(page_size integer, before_created_at timestamp with time zone, before_id uuid, user_id uuid, agent text, run text, metadata_filter jsonb) TO authenticated;

GRANT ALL ON FUNCTION private.list_memories(page_size integer, before_created_at timestamp with time zone, before_id uuid, user_id uuid, agent text, run text, metadata_filter jsonb) TO service_role;

CREATE FUNCTION public.list_memories(page_size integer DEFAULT 20, before_created_at timestamp with time zone DEFAULT NULL::timestamp with time zone, before_id uuid DEFAULT NULL::uuid, user_id uuid DEFAULT NULL::uuid, agent_id text DEFAULT NULL::text, run_id text DEFAULT NULL::text, metadata_filter jsonb DEFAULT NULL::jsonb) RETURNS TABLE(id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, source_conversation_id uuid, version integer, has_embedding boolean, embedding_model text, created_at timestamp with time zone, updated_at timestamp with time zone, last_accessed_at timestamp with time zone, expires_at timestamp with time zone, observed_at timestamp with time zone, agent_id text, run_id text)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- The body is private.list_memories: a PL/pgSQL function cannot name a parameter as a column it returns.
  select * from private.list_memories(page_size, before_created_at, before_id, user_id, agent_id, run_id, metadata_filter)
$$;

REVOKE ALL ON FUNCTION public.list_memories(integer, timestamp with time zone, uuid, uuid, text, text, jsonb) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.list_memories(page_size integer, before_created_at timestamp with time zone, before_id uuid, user_id uuid, agent_id text, run_id text, metadata_filter jsonb) IS 'The caller''s active, unexpired memories, newest first, page_size at a time; pass the last row''s created_at and id to get the next page. observed_at: when each was said (store_memory''s observed_at, else created_at). agent_id, run_id and metadata_filter keep to a scope and to memories whose metadata contains the filter, as in search_memories.';

REVOKE ALL ON FUNCTION public.list_memories(page_size integer, before_created_at timestamp with time zone, before_id uuid, user_id uuid, agent_id text, run_id text, metadata_filter jsonb) FROM PUBLIC;

GRANT ALL ON FUNCTION public.list_memories(page_size integer, before_created_at timestamp with time zone, before_id uuid, user_id uuid, agent_id text, run_id text, metadata_filter jsonb) TO authenticated;

GRANT ALL ON FUNCTION public.list_memories(page_size integer, before_created_at timestamp with time zone, before_id uuid, user_id uuid, agent_id text, run_id text, metadata_filter jsonb) TO service_role;

CREATE FUNCTION public.match_memories(query_embedding extensions.vector, embedding_model text, match_count integer DEFAULT 10, memory_types text[] DEFAULT NULL::text[], categories text[] DEFAULT NULL::text[], min_importance double precision DEFAULT NULL::double precision, created_after timestamp with time zone DEFAULT NULL::timestamp with time zone, created_before timestamp with time zone DEFAULT NULL::timestamp with time zone, user_id uuid DEFAULT NULL::uuid, agent_id text DEFAULT NULL::text, run_id text DEFAULT NULL::text, metadata_filter jsonb DEFAULT NULL::jsonb) RETURNS TABLE(id uuid, similarity double precision, rank integer)
    LANGUAGE plpgsql STABLE ROWS 40
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(match_memories.user_id);
begin
  if query_embedding is null or match_memories.embedding_model is null then
    raise exception 'query_embedding and embedding_model are required' using errcode = '22023', column = 'query_embedding';
  end if;
  if extensions.vector_dims(query_embedding) <> public.embedding_dimensions() then
    raise exception 'query_embedding must have % dimensions, not %', public.embedding_dimensions(), extensions.vector_dims(query_embedding)
      using errcode = '22000', column = 'query_embedding';
  end if;
  perform private.validate_filter(match_memories.agent_id, match_memories.run_id, metadata_filter);
  if match_count is null or match_count < 1 or match_count > 400 then
    raise exception 'match_count must be between 1 and 400' using errcode = '22023', column = 'match_count';
  end if;
  -- The Hamming pre-filter keeps a share of the user's memories, not a fixed number: for a user with 50,000, 200
  -- candidates held 63% of the exact top 10 (embeddings of one topic quantize alike), 2% of them (1,000) 99.7%.
  return query
    select n.id, n.similarity, n.rank
      from private.nearest_memories(v_user, query_embedding, match_memories.embedding_model, match_count,
             greatest(match_count * 5, 200, (select ceil(s.active_count / 50.0)::integer from public.memory_user_stats s
                                              where s.user_id = v_user)),
             memory_types, categories, min_importance, created_after, created_before, match_memories.agent_id,
             match_memories.run_id, metadata_filter) n;
end
$$;

REVOKE ALL ON FUNCTION public.match_memories(extensions.vector, text, integer, text[], text[], double precision, timestamp with time zone, timestamp with time zone, uuid, text, text, jsonb) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.match_memories(query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, agent_id text, run_id text, metadata_filter jsonb) IS 'The caller''s active, unexpired memories nearest to an embedding of the same model (cosine; candidates by quantized Hamming distance), with similarity and rank; the vector leg of search_memories. agent_id, run_id and metadata_filter keep to a scope and to memories whose metadata contains the filter (private.filtered_ids).';

REVOKE ALL ON FUNCTION public.match_memories(query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, agent_id text, run_id text, metadata_filter jsonb) FROM PUBLIC;

GRANT ALL ON FUNCTION public.match_memories(query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, agent_id text, run_id text, metadata_filter jsonb) TO authenticated;

GRANT ALL ON FUNCTION public.match_memories(query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, agent_id text, run_id text, metadata_filter jsonb) TO service_role;

CREATE FUNCTION private.search_memories(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, touch boolean, min_similarity double precision, agent text, run text, metadata_filter jsonb) RETURNS TABLE(id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, source_conversation_id uuid, created_at timestamp with time zone, updated_at timestamp with time zone, text_rank integer, text_score real, vector_rank integer, vector_similarity double precision, rrf_score double precision, recency double precision, score double precision, matched_by text[], observed_at timestamp with time zone, agent_id text, run_id text)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(search_memories.user_id);
  v_lexemes text[];
  v_terms text[];
  v_optional text[];
  v_distinctive text[];
  v_asked text[];
  v_floor double precision;
  -- A date or period the question names ("on 16 March, 2023", "last summer"): what was said then ranks first.
  v_period tstzrange := private.query_period(query, now());
  v_pool integer;
begin
  perform private.validate_search_input(query, query_embedding, search_memories.embedding_model, match_count,
    memory_types, min_importance, min_similarity, created_after, created_before);
  perform private.validate_filter(agent, run, metadata_filter);

  if query is not null then
    select coalesce(array_agg(q.lexeme), '{}'), coalesce(array_agg(q.term), '{}'),
           coalesce(array_agg(distinct q.term) filter (where q.optional), '{}'),
           coalesce(array_agg(distinct q.term) filter (where q.distinctive), '{}'),
           coalesce(array_agg(distinct q.term) filter (where q.asked), '{}')
      into v_lexemes, v_terms, v_optional, v_distinctive, v_asked
      from private.query_lexemes(query) q;
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
        from private.text_matches(v_user, v_lexemes, v_terms, v_optional, v_distinctive, v_asked, v_pool, memory_types, categories, min_importance,
               created_after, created_before, agent, run, metadata_filter) t
       where cardinality(v_lexemes) > 0
    ),
    vector_hits as (
      select v.id, v.similarity as vector_similarity, v.rank as vector_rank
        from public.match_memories(query_embedding, search_memories.embedding_model, v_pool, memory_types, categories,
               min_importance, created_after, created_before, v_user, agent, run,
               metadata_filter) v
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
             f.matched_by, coalesce(m.observed_at, m.created_at) as observed_at, m.agent_id, m.run_id
        from relevant f
        join private.memories_by_id(v_user, (select array_agg(relevant.id) from relevant)) m on m.id = f.id
    ),
    ranked as (
      select r.id, r.fact, r.memory_type, r.category, r.importance_score, r.confidence_score, r.metadata,
             r.source_conversation_id, r.created_at, r.updated_at, r.text_rank, r.text_score, r.vector_rank,
             r.vector_similarity, r.rrf_score, r.recency,
             r.rrf_score * (0.5 + 0.5 * r.importance_score) * (0.75 + 0.25 * r.recency) as score, r.matched_by,
             r.observed_at, coalesce(v_period @> r.observed_at, false) as said_then, r.agent_id, r.run_id
        from results r
       order by said_then desc, score desc, r.id
       limit match_count
    ),
    -- Appended, not upserted: an insert into a table without unique keys or foreign keys takes no row lock, so
    -- two searches returning the same memories cannot wait on each other or on a write (fold_memory_access
    -- folds the log into memory_access).
    touched as (
      insert into public.memory_access_log (memory_id, user_id)
      select ranked.id, v_user from ranked where touch
    )
    select r.id, r.fact, r.memory_type, r.category, r.importance_score, r.confidence_score, r.metadata,
           r.source_conversation_id, r.created_at, r.updated_at, r.text_rank, r.text_score, r.vector_rank,
           r.vector_similarity, r.rrf_score, r.recency, r.score, r.matched_by, r.observed_at, r.agent_id, r.run_id
      from ranked r
     order by r.said_then desc, r.score desc, r.id;
end
$$;

REVOKE ALL ON FUNCTION private.search_memories(text, extensions.vector, text, integer, text[], text[], double precision, timestamp with time zone, timestamp with time zone, uuid, boolean, double precision, text, text, jsonb) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.search_memories(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, touch boolean, min_similarity double precision, agent text, run text, metadata_filter jsonb) IS 'The body of public.search_memories (agent, run: its agent_id and run_id).';

GRANT ALL ON FUNCTION private.search_memories(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, touch boolean, min_similarity double precision, agent text, run text, metadata_filter jsonb) TO authenticated;

GRANT ALL ON FUNCTION private.search_memories(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, touch boolean, min_similarity double precision, agent text, run text, metadata_filter jsonb) TO service_role;

CREATE FUNCTION public.search_memories(query text DEFAULT NULL::text, query_embedding extensions.vector DEFAULT NULL::extensions.vector, embedding_model text DEFAULT NULL::text, match_count integer DEFAULT 10, memory_types text[] DEFAULT NULL::text[], categories text[] DEFAULT NULL::text[], min_importance double precision DEFAULT NULL::double precision, created_after timestamp with time zone DEFAULT NULL::timestamp with time zone, created_before timestamp with time zone DEFAULT NULL::timestamp with time zone, user_id uuid DEFAULT NULL::uuid, touch boolean DEFAULT true, min_similarity double precision DEFAULT NULL::double precision, agent_id text DEFAULT NULL::text, run_id text DEFAULT NULL::text, metadata_filter jsonb DEFAULT NULL::jsonb) RETURNS TABLE(id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, source_conversation_id uuid, created_at timestamp with time zone, updated_at timestamp with time zone, text_rank integer, text_score real, vector_rank integer, vector_similarity double precision, rrf_score double precision, recency double precision, score double precision, matched_by text[], observed_at timestamp with time zone, agent_id text, run_id text)
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  -- The body is private.search_memories: a PL/pgSQL function cannot name a parameter as a column it returns.
  select * from private.search_memories(query, query_embedding, embedding_model, match_count, memory_types, categories,
    min_importance, created_after, created_before, user_id, touch, min_similarity, agent_id, run_id, metadata_filter)
$$;

REVOKE ALL ON FUNCTION public.search_memories(text, extensions.vector, text, integer, text[], text[], double precision, timestamp with time zone, timestamp with time zone, uuid, boolean, double precision, text, text, jsonb) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.search_memories(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, touch boolean, min_similarity double precision, agent_id text, run_id text, metadata_filter jsonb) IS 'Hybrid search over the caller''s active, unexpired memories: full text (any of the query''s English lexemes, BM25) and, with a query embedding, match_memories (cosine, same model); fused by reciprocal rank (k = 60), then score = rrf * (0.5 + 0.5 * importance) * (0.75 + 0.25 * recency), recency halving every 30 days. When the query names a date or a period (private.query_period), memories said then (observed_at, else created_at) come first. A memory is returned only when it holds the text evidence the question needs (private.text_matches: half the weight of the question''s required words, a quarter with a name or an uncommon word; a date, a number or the kind of answer asked for is not required) or its similarity reaches the relevance floor (min_similarity, else the model''s in memory_model_settings); matched_by says which. Appends what it returned to memory_access_log unless touch is false. agent_id, run_id: only that scope''s memories (each given key must match; omitted, any); metadata_filter: only memories whose metadata contains it (jsonb @>: equality on keys, nested objects and array members).';

REVOKE ALL ON FUNCTION public.search_memories(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, touch boolean, min_similarity double precision, agent_id text, run_id text, metadata_filter jsonb) FROM PUBLIC;

GRANT ALL ON FUNCTION public.search_memories(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, touch boolean, min_similarity double precision, agent_id text, run_id text, metadata_filter jsonb) TO authenticated;

GRANT ALL ON FUNCTION public.search_memories(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, touch boolean, min_similarity double precision, agent_id text, run_id text, metadata_filter jsonb) TO service_role;

CREATE FUNCTION private.memory_saying(target uuid, fact text, agent_id text, run_id text, except_id uuid DEFAULT NULL::uuid) RETURNS uuid
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select m.id from public.user_memories m
   where m.user_id = target and m.is_active and m.id is distinct from except_id
     and coalesce(m.agent_id, '') = coalesce(memory_saying.agent_id, '') and coalesce(m.run_id, '') = coalesce(memory_saying.run_id, '')
     and md5(public.fact_key(m.fact)) = md5(public.fact_key(memory_saying.fact))
   limit 1
$$;

REVOKE ALL ON FUNCTION private.memory_saying(uuid, text, text, text, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.memory_saying(target uuid, fact text, agent_id text, run_id text, except_id uuid) IS 'The user''s active memory of the scope (agent_id, run_id) whose text is this fact''s (the key of user_memories_active_fact_key), other than except_id; null when none. unmerge_memory and update_memory name it instead of breaking the unique index.';

GRANT ALL ON FUNCTION private.memory_saying(target uuid, fact text, agent_id text, run_id text, except_id uuid) TO authenticated;

GRANT ALL ON FUNCTION private.memory_saying(target uuid, fact text, agent_id text, run_id text, except_id uuid) TO service_role;

CREATE FUNCTION public.store_memory(fact text, memory_type text DEFAULT 'fact'::text, category text DEFAULT NULL::text, importance_score double precision DEFAULT 0.5, confidence_score double precision DEFAULT 0.5, source_conversation_id uuid DEFAULT NULL::uuid, metadata jsonb DEFAULT '{}'::jsonb, embedding extensions.vector DEFAULT NULL::extensions.vector, embedding_model text DEFAULT NULL::text, expires_at timestamp with time zone DEFAULT NULL::timestamp with time zone, idempotency_key text DEFAULT NULL::text, user_id uuid DEFAULT NULL::uuid, duplicate_threshold double precision DEFAULT NULL::double precision, on_conflict text DEFAULT 'keep'::text, observed_at timestamp with time zone DEFAULT NULL::timestamp with time zone, agent_id text DEFAULT NULL::text, run_id text DEFAULT NULL::text) RETURNS TABLE(id uuid, status text, version integer, sighting_id uuid, related jsonb, relation text)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(store_memory.user_id);
  v_fact text := regexp_replace(store_memory.fact, '^[[:space:]]+|[[:space:]]+$', '', 'g');
  v_thresholds record;
  v_statement public.user_memories;
  v_match uuid;
  v_similarity double precision;
  v_related jsonb;
  v_refined uuid;
  v_conflicting uuid;
  v_relation text;
  v_id uuid;
  v_status text;
  v_version integer;
  v_sighting uuid;
begin
  if on_conflict is null or on_conflict not in ('keep', 'supersede') then
    raise exception 'on_conflict must be keep or supersede, not %', coalesce(on_conflict, 'null')
      using errcode = '22023', column = 'on_conflict';
  end if;
  if idempotency_key is not null and char_length(idempotency_key) not between 1 and 200 then
    raise exception 'idempotency_key must be 1 to 200 characters' using errcode = '22023', column = 'idempotency_key';
  end if;
  if duplicate_threshold is not null and not (duplicate_threshold > 0 and duplicate_threshold <= 1) then
    raise exception 'duplicate_threshold must be above 0 and at most 1' using errcode = '22023', column = 'duplicate_threshold';
  end if;
  perform private.validate_memory_input(v_fact, store_memory.memory_type, store_memory.category,
    store_memory.importance_score, store_memory.confidence_score, store_memory.embedding, store_memory.embedding_model,
    store_memory.metadata, store_memory.expires_at);
  perform private.validate_scope(store_memory.agent_id, store_memory.run_id);
  -- The table's rule (user_memories_observed_before_stored), said before a merge could put it on a sighting.
  if store_memory.observed_at is not null
     and (not isfinite(store_memory.observed_at) or store_memory.observed_at > now() + interval '1 day') then
    raise exception 'observed_at must be a time at most a day after now, not %', store_memory.observed_at
      using errcode = '23514', constraint = 'user_memories_observed_before_stored', column = 'observed_at';
  end if;

  perform private.lock_user_memories(v_user);

  if idempotency_key is not null then
    return query
      select k.memory_id, k.status, k.version, k.sighting_id, k.related, k.relation from public.memory_idempotency_keys k
       where k.user_id = v_user and k.idempotency_key = store_memory.idempotency_key;
    if found then
      return;
    end if;
  end if;

  -- The statement as a memory row, for the merge rule and the sighting.
  v_statement.user_id := v_user;
  v_statement.fact := v_fact;
  v_statement.memory_type := store_memory.memory_type;
  v_statement.category := store_memory.category;
  v_statement.importance_score := store_memory.importance_score;
  v_statement.confidence_score := store_memory.confidence_score;
  v_statement.source_conversation_id := store_memory.source_conversation_id;
  v_statement.metadata := store_memory.metadata;
  v_statement.embedding := store_memory.embedding;
  v_statement.embedding_model := store_memory.embedding_model;
  v_statement.expires_at := store_memory.expires_at;
  v_statement.observed_at := store_memory.observed_at;
  v_statement.agent_id := store_memory.agent_id;
  v_statement.run_id := store_memory.run_id;
  -- The newcomer: on a tie of importance the memory already there stays (its id is the one a chatbot holds). Not
  -- now(): a store that waited on the lock began before the memory it now meets.
  v_statement.created_at := 'infinity';

  -- One pass over the near memories: the duplicate to merge into (the same text first, then the most similar,
  -- then keep order), and those a value sets apart, which the caller hears of as related.
  select * into v_thresholds from private.duplicate_thresholds(store_memory.embedding_model, duplicate_threshold);
  select coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'similarity', round(c.similarity::numeric, 4), 'reason', c.value_difference,
                                               'relation', c.relation)
                    order by c.similarity desc, c.id) filter (where not c.is_duplicate), '[]'::jsonb),
         (array_agg(c.id order by c.same_text desc, c.similarity desc, private.keep_order(c.importance_score, c.created_at), c.id)
            filter (where c.is_duplicate))[1],
         (array_agg(c.similarity order by c.same_text desc, c.similarity desc, private.keep_order(c.importance_score, c.created_at), c.id)
            filter (where c.is_duplicate))[1],
         (array_agg(c.id order by c.similarity desc, c.id) filter (where c.relation = 'refines'))[1],
         (array_agg(c.id order by c.similarity desc, c.id) filter (where c.relation = 'conflicts'))[1]
    into v_related, v_match, v_similarity, v_refined, v_conflicting
    from private.duplicate_candidates(v_user, v_fact, store_memory.embedding, store_memory.embedding_model,
           v_thresholds.jaccard, v_thresholds.cosine, null, store_memory.agent_id, store_memory.run_id) c;
  v_relation := case when v_match is not null then 'duplicate' when v_refined is not null then 'refines'
                     when v_conflicting is not null then 'conflicts' else 'new' end;

  -- The fuller statement of a memory, or (asked for) the statement that replaces the one it conflicts with: a new
  -- version of that memory, the previous text kept in its history.
  if v_match is null and (v_refined is not null or (v_conflicting is not null and on_conflict = 'supersede')) then
    select v.id, v.version into v_id, v_version
      from private.store_version(v_user, coalesce(v_refined, v_conflicting), v_statement) v;
    v_status := case when v_refined is not null then 'refined' else 'superseded' end;
  elsif v_match is null then
    insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
      source_conversation_id, metadata, embedding, embedding_model, expires_at, observed_at, agent_id, run_id)
    values (v_user, v_fact, store_memory.memory_type, store_memory.category, store_memory.importance_score,
      store_memory.confidence_score, store_memory.source_conversation_id, store_memory.metadata,
      store_memory.embedding, store_memory.embedding_model, store_memory.expires_at, store_memory.observed_at,
      store_memory.agent_id, store_memory.run_id)
    returning user_memories.id, user_memories.version into v_id, v_version;
    v_status := case when v_related = '[]'::jsonb then 'created' else 'distinct' end;
  else
    select m.id, m.version, m.sighting_id into v_id, v_version, v_sighting
      from private.merge_statement(v_user, v_match, v_statement, v_similarity, store_memory.idempotency_key) m;
    v_status := 'duplicate';
  end if;

  if idempotency_key is not null then
    insert into public.memory_idempotency_keys (user_id, idempotency_key, memory_id, status, version, sighting_id, related, relation)
    values (v_user, store_memory.idempotency_key, v_id, v_status, v_version, v_sighting, v_related, v_relation);
  end if;
  return query select v_id, v_status, v_version, v_sighting, v_related, v_relation;
end
$_$;

REVOKE ALL ON FUNCTION public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamp with time zone, text, uuid, double precision, text, timestamp with time zone, text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.store_memory(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, source_conversation_id uuid, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, idempotency_key text, user_id uuid, duplicate_threshold double precision, on_conflict text, observed_at timestamp with time zone, agent_id text, run_id text) IS 'Stores a statement for the caller in one transaction and says how it stands to what is known (relation): duplicate (the same meaning, read through contractions, spellings, number formats, filler and moved phrases: merged, the statement kept as a sighting; status duplicate), refines (the fact with a detail added: a new version of that memory, the previous text in its history; status refined), conflicts (a value, a role or order, a tense, a polarity, a comparison or a quantity differs: a new memory, status distinct; or, with on_conflict => ''supersede'', a new version of the memory it conflicts with, status superseded) or new (status created). related names each memory refined or conflicting, [{id, similarity, reason, relation}]. Validates first (SQLSTATE 23514/22023), refuses active memories past the quota (PT507); an idempotency key replays the first outcome. observed_at: when the statement was said (a conversation turn''s time; default the time of the store), kept on the memory, its new version or its sighting (23514 when later than a day from now). agent_id and run_id: the scope the statement belongs to (mem0''s names; null: the user''s own): duplicates, refinements and conflicts are found within the same scope only, so a fact for the user is one memory and a fact of one agent''s run stays in that run (22023 when blank or over 200 characters).';

REVOKE ALL ON FUNCTION public.store_memory(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, source_conversation_id uuid, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, idempotency_key text, user_id uuid, duplicate_threshold double precision, on_conflict text, observed_at timestamp with time zone, agent_id text, run_id text) FROM PUBLIC;

GRANT ALL ON FUNCTION public.store_memory(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, source_conversation_id uuid, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, idempotency_key text, user_id uuid, duplicate_threshold double precision, on_conflict text, observed_at timestamp with time zone, agent_id text, run_id text) TO authenticated;

GRANT ALL ON FUNCTION public.store_memory(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, source_conversation_id uuid, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, idempotency_key text, user_id uuid, duplicate_threshold double precision, on_conflict text, observed_at timestamp with time zone, agent_id text, run_id text) TO service_role;

CREATE FUNCTION private.first_mistyped_key(item jsonb, params jsonb) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $_$
declare
  v_key text;
begin
  for v_key in select k from jsonb_object_keys(item) k where params ? k and item -> k <> 'null'::jsonb order by k loop
    continue when params ->> v_key = 'jsonb';
    begin
      execute pg_catalog.format('select ($1)::%s', (params ->> v_key)::regtype) using item ->> v_key;
    exception when others then
      return v_key;
    end;
  end loop;
  return null;
end
$_$;

REVOKE ALL ON FUNCTION private.first_mistyped_key(jsonb, jsonb) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.first_mistyped_key(item jsonb, params jsonb) IS 'The first key of item whose value does not cast to the type params gives it (params: key => type name), for store_memories to name the field a failed cast came from; null when every value casts.';

GRANT ALL ON FUNCTION private.first_mistyped_key(item jsonb, params jsonb) TO authenticated;

GRANT ALL ON FUNCTION private.first_mistyped_key(item jsonb, params jsonb) TO service_role;

CREATE FUNCTION public.store_memories(items jsonb, user_id uuid DEFAULT NULL::uuid) RETURNS TABLE(item integer, id uuid, status text, version integer, sighting_id uuid, related jsonb, relation text)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
#variable_conflict use_column
declare
  -- store_memory's parameters an item may give, each with its type; an item leaves out what it does not give, so
  -- store_memory's own defaults apply (one definition of them).
  v_params constant jsonb := '{"fact": "text", "memory_type": "text", "category": "text", "importance_score": "double precision",
    "confidence_score": "double precision", "source_conversation_id": "uuid", "metadata": "jsonb",
    "embedding": "extensions.vector", "embedding_model": "text", "expires_at": "timestamp with time zone",
    "idempotency_key": "text", "duplicate_threshold": "double precision", "on_conflict": "text",
    "observed_at": "timestamp with time zone", "agent_id": "text", "run_id": "text"}'::jsonb;
  v_user uuid := private.acting_user(store_memories.user_id);
  v_item jsonb;
  v_key text;
  v_state text;
  v_message text;
  v_column text;
  v_constraint text;
begin
  if items is null or jsonb_typeof(items) <> 'array' or jsonb_array_length(items) not between 1 and 100 then
    raise exception 'items must be an array of 1 to 100 statements' using errcode = '22023', column = 'items';
  end if;
  for v_index in 0 .. jsonb_array_length(items) - 1 loop
    v_item := items -> v_index;
    if jsonb_typeof(v_item) is distinct from 'object' or jsonb_typeof(v_item -> 'fact') is distinct from 'string' then
      raise exception 'items[%] must be an object whose fact is a string', v_index
        using errcode = '22023', column = format('items[%s].fact', v_index);
    end if;
    select k into v_key from jsonb_object_keys(v_item) k where not v_params ? k limit 1;
    if found then
      raise exception 'items[%] has %, which store_memory does not take', v_index, v_key
        using errcode = '22023', column = format('items[%s].%s', v_index, v_key);
    end if;
    -- JSON that no cast would refuse but that is not a value of its parameter: an object or a list as text, a boolean.
    select k into v_key from jsonb_object_keys(v_item) k
     where v_params ->> k <> 'jsonb'
       and (jsonb_typeof(v_item -> k) = 'boolean'
            or jsonb_typeof(v_item -> k) = 'object'
            or (jsonb_typeof(v_item -> k) = 'array' and v_params ->> k <> 'extensions.vector'))
     limit 1;
    if found then
      raise exception 'items[%].% must be a %', v_index, v_key, v_params ->> v_key
        using errcode = '22023', column = format('items[%s].%s', v_index, v_key);
    end if;
    begin
      -- Named arguments from the item's keys (each one of v_params), the item bound as $1.
      execute pg_catalog.format('select s.id, s.status, s.version, s.sighting_id, s.related, s.relation from public.store_memory(%s) s',
        (select string_agg(case when v_params ->> k = 'jsonb' then pg_catalog.format('%I => $1 -> %L', k, k)
                                else pg_catalog.format('%I => ($1 ->> %L)::%s', k, k, (v_params ->> k)::regtype) end, ', ')
                || ', user_id => $2'
           from jsonb_object_keys(v_item) k where v_item -> k <> 'null'::jsonb))
        into id, status, version, sighting_id, related, relation
        using v_item, v_user;
      item := v_index;
      return next;
    exception when others then
      -- Said with the item it came from; the transaction ends here, so nothing of the batch is written.
      get stacked diagnostics v_state = returned_sqlstate, v_message = message_text, v_column = column_name,
                              v_constraint = constraint_name;
      -- A failed cast of the item's values does not say which: the first value not of its parameter's type.
      if coalesce(v_column, '') = '' and v_state like '22%' then
        v_column := private.first_mistyped_key(v_item, v_params);
        if v_column is not null then
          v_message := pg_catalog.format('%s must be a %s (%s)', v_column, v_params ->> v_column, v_message);
        end if;
      end if;
      raise exception 'items[%]: %', v_index, v_message
        using errcode = v_state, constraint = v_constraint,
              column = format('items[%s]', v_index) || coalesce('.' || nullif(v_column, ''), '');
    end;
  end loop;
end
$_$;

REVOKE ALL ON FUNCTION public.store_memories(jsonb, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.store_memories(items jsonb, user_id uuid) IS 'Stores up to 100 statements in one transaction, in order, each as store_memory stores it (an item is an object of store_memory''s parameters, user_id aside: fact, memory_type, metadata, embedding, agent_id, run_id ...); one row per item with its outcome and relation (item: its index). A later item meets what an earlier one stored. All or nothing: a refused item (its SQLSTATE, column items[i].field) writes nothing of the batch.';

GRANT ALL ON FUNCTION public.store_memories(items jsonb, user_id uuid) TO authenticated;

GRANT ALL ON FUNCTION public.store_memories(items jsonb, user_id uuid) TO service_role;

CREATE FUNCTION public.find_duplicate_memories(user_id uuid, fact text, threshold double precision DEFAULT NULL::double precision, embedding extensions.vector DEFAULT NULL::extensions.vector, embedding_model text DEFAULT NULL::text, agent_id text DEFAULT NULL::text, run_id text DEFAULT NULL::text) RETURNS TABLE(id uuid, existing_fact text, jaccard double precision, cosine double precision, similarity double precision, is_duplicate boolean, value_difference text)
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(find_duplicate_memories.user_id);
  v_thresholds record;
begin
  if find_duplicate_memories.fact is null or find_duplicate_memories.fact !~ '[^[:space:]]' then
    raise exception 'fact must not be empty' using errcode = '22023', column = 'fact';
  end if;
  if (find_duplicate_memories.embedding is null) <> (find_duplicate_memories.embedding_model is null) then
    raise exception 'embedding and embedding_model go together' using errcode = '22023', column = 'embedding_model';
  end if;
  perform private.validate_scope(find_duplicate_memories.agent_id, find_duplicate_memories.run_id);
  select * into v_thresholds from private.duplicate_thresholds(find_duplicate_memories.embedding_model, threshold);
  return query
    select d.id, m.fact, d.jaccard, d.cosine, d.similarity, d.is_duplicate, d.value_difference
      from private.duplicate_candidates(v_user, find_duplicate_memories.fact, find_duplicate_memories.embedding,
             find_duplicate_memories.embedding_model, v_thresholds.jaccard, v_thresholds.cosine, null,
             find_duplicate_memories.agent_id, find_duplicate_memories.run_id) d
      join public.user_memories m on m.id = d.id
     -- Near by the thresholds, or the same fact read through its form; not every memory the statement refines.
     where d.is_duplicate or d.jaccard >= v_thresholds.jaccard or d.cosine >= v_thresholds.cosine
     order by d.is_duplicate desc, d.similarity desc, m.importance_score desc, m.id;
end
$$;

REVOKE ALL ON FUNCTION public.find_duplicate_memories(uuid, text, double precision, extensions.vector, text, text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.find_duplicate_memories(user_id uuid, fact text, threshold double precision, embedding extensions.vector, embedding_model text, agent_id text, run_id text) IS 'The user''s active memories near a candidate text (word-set Jaccard; cosine for embeddings of the same model), each with its scores and whether store_memory would merge it: is_duplicate, or value_difference saying what value sets the two apart. Duplicates first, most similar first. Within the scope given (agent_id, run_id; null: the user''s own), as store_memory looks.';

REVOKE ALL ON FUNCTION public.find_duplicate_memories(user_id uuid, fact text, threshold double precision, embedding extensions.vector, embedding_model text, agent_id text, run_id text) FROM PUBLIC;

GRANT ALL ON FUNCTION public.find_duplicate_memories(user_id uuid, fact text, threshold double precision, embedding extensions.vector, embedding_model text, agent_id text, run_id text) TO authenticated;

GRANT ALL ON FUNCTION public.find_duplicate_memories(user_id uuid, fact text, threshold double precision, embedding extensions.vector, embedding_model text, agent_id text, run_id text) TO service_role;

CREATE FUNCTION public.forget_memories(agent_id text DEFAULT NULL::text, run_id text DEFAULT NULL::text, user_id uuid DEFAULT NULL::uuid) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_user uuid := private.acting_user(forget_memories.user_id);
  v_done bigint;
begin
  perform private.validate_scope(forget_memories.agent_id, forget_memories.run_id);
  if forget_memories.agent_id is null and forget_memories.run_id is null then
    raise exception 'name a scope to forget: agent_id, run_id or both'
      using errcode = '22023', column = 'agent_id', hint = 'erase_memories removes every memory of the user.';
  end if;
  perform private.lock_user_memories(v_user);
  update public.user_memories m set is_active = false
   where m.user_id = v_user and m.is_active
     and private.in_scope(m.agent_id, m.run_id, forget_memories.agent_id, forget_memories.run_id);
  get diagnostics v_done = row_count;
  return v_done;
end
$$;

REVOKE ALL ON FUNCTION public.forget_memories(text, text, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.forget_memories(agent_id text, run_id text, user_id uuid) IS 'Forgets every active memory of the caller in a scope: an agent''s (agent_id), a run''s (run_id), or one run of one agent (both); forget_memory''s effect on each (kept in history until cleanup). Returns how many. 22023 without a scope.';

GRANT ALL ON FUNCTION public.forget_memories(agent_id text, run_id text, user_id uuid) TO authenticated;

GRANT ALL ON FUNCTION public.forget_memories(agent_id text, run_id text, user_id uuid) TO service_role;

CREATE FUNCTION public.erase_memories(confirm text, agent_id text DEFAULT NULL::text, run_id text DEFAULT NULL::text, user_id uuid DEFAULT NULL::uuid) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_user uuid := private.acting_user(erase_memories.user_id);
  v_done bigint;
begin
  -- Deleting cannot be undone: the caller says so in words, as a dashboard asks a user to type them.
  if confirm is distinct from 'erase my memories' then
    raise exception 'confirm must be the words ''erase my memories'': erasing deletes the memories, their history and what was merged into them, and cannot be undone'
      using errcode = '22023', column = 'confirm';
  end if;
  perform private.validate_scope(erase_memories.agent_id, erase_memories.run_id);
  perform private.lock_user_memories(v_user);
  -- Every row of the scope, active or not; their sightings, access counts and idempotency keys go with them (on
  -- delete cascade). A version belongs to its memory's scope.
  delete from public.user_memories m
   where m.user_id = v_user and private.in_scope(m.agent_id, m.run_id, erase_memories.agent_id, erase_memories.run_id);
  get diagnostics v_done = row_count;
  return v_done;
end
$$;

REVOKE ALL ON FUNCTION public.erase_memories(text, text, text, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.erase_memories(confirm text, agent_id text, run_id text, user_id uuid) IS 'A signed-in user erases their own memories: all of them, or a scope''s (agent_id, run_id), with every version, sighting and access record; confirm must be ''erase my memories'' (22023 otherwise). Returns how many memory rows (versions included) were deleted. Conversations and the account stay; erase_user_data (service_role) removes everything.';

GRANT ALL ON FUNCTION public.erase_memories(confirm text, agent_id text, run_id text, user_id uuid) TO authenticated;

GRANT ALL ON FUNCTION public.erase_memories(confirm text, agent_id text, run_id text, user_id uuid) TO service_role;

CREATE FUNCTION public.export_user_data(user_id uuid DEFAULT NULL::uuid, agent_id text DEFAULT NULL::text, run_id text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_user uuid := private.acting_user(export_user_data.user_id);
begin
  perform private.validate_scope(export_user_data.agent_id, export_user_data.run_id);
  -- Embeddings and their model are left out: they are the model's, not what the user said, and the importing project
  -- computes its own (imported memories are pending embedding). A scope keeps to its memories, what was said about
  -- them and its conversations.
  return jsonb_build_object(
    'format', 'chat-memory-export',
    'version', 1,
    'exported_at', now(),
    'user_id', v_user,
    'memories', coalesce((select jsonb_agg(to_jsonb(m) - '{embedding,embedding_model,embedding_bits,fts,fact_words,user_id}'::text[]
                                           order by m.created_at, m.version, m.id)
                            from public.user_memories m
                           where m.user_id = v_user
                             and private.in_scope(m.agent_id, m.run_id, export_user_data.agent_id, export_user_data.run_id)), '[]'),
    'sightings', coalesce((select jsonb_agg(to_jsonb(s) - '{embedding,embedding_model,user_id}'::text[] order by s.seen_at, s.id)
                             from public.memory_sightings s join public.user_memories m on m.id = s.memory_id
                            where s.user_id = v_user
                              and private.in_scope(m.agent_id, m.run_id, export_user_data.agent_id, export_user_data.run_id)), '[]'),
    'conversations', coalesce((select jsonb_agg(to_jsonb(c) - 'user_id' order by c.created_at, c.id)
                                 from public.conversations c
                                where c.user_id = v_user
                                  and private.in_scope(c.agent_id, c.run_id, export_user_data.agent_id, export_user_data.run_id)), '[]'),
    'access', coalesce((select jsonb_agg(to_jsonb(a) - 'user_id' order by a.memory_id)
                          from public.memory_access a join public.user_memories m on m.id = a.memory_id
                         where a.user_id = v_user
                           and private.in_scope(m.agent_id, m.run_id, export_user_data.agent_id, export_user_data.run_id)), '[]'),
    'access_log', coalesce((select jsonb_agg(to_jsonb(l) - 'user_id' order by l.accessed_at, l.id)
                              from public.memory_access_log l
                             where l.user_id = v_user
                               and (num_nonnulls(export_user_data.agent_id, export_user_data.run_id) = 0
                                    or l.memory_id in (select m.id from public.user_memories m where m.user_id = v_user
                                                          and private.in_scope(m.agent_id, m.run_id, export_user_data.agent_id, export_user_data.run_id)))), '[]'),
    'statistics', public.get_memory_stats(v_user));
end
$$;

REVOKE ALL ON FUNCTION public.export_user_data(uuid, text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.export_user_data(user_id uuid, agent_id text, run_id text) IS 'Everything stored about the caller (or, for service_role, the user named): every memory row (versions and duplicates included), sightings, conversations, search access and statistics, as one JSON document in the chat-memory-export format, version 1 (docs/export-format.md); with agent_id or run_id, only that scope''s memories, what was said about them and its conversations. Embeddings are left out. import_user_data takes it back.';

GRANT ALL ON FUNCTION public.export_user_data(user_id uuid, agent_id text, run_id text) TO authenticated;

GRANT ALL ON FUNCTION public.export_user_data(user_id uuid, agent_id text, run_id text) TO service_role;

CREATE OR REPLACE FUNCTION private.absorb_memories(target uuid, absorbed uuid[], keepers uuid[], similarities double precision[]) RETURNS TABLE(memory_id uuid, sighting_id uuid)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_checked uuid := private.acting_user(target);
begin
  perform private.move_sightings(target, absorbed, keepers);
  return query
    insert into public.memory_sightings as s (user_id, memory_id, fact, memory_type, category, importance_score,
      confidence_score, metadata, source_conversation_id, embedding, embedding_model, expires_at, origin,
      merged_memory_id, similarity, observed_at, agent_id, run_id)
    -- When the absorbed memory was said stays with it: the sighting's seen_at is the time of the merge.
    select target, a.keeper, m.fact, m.memory_type, m.category, m.importance_score, m.confidence_score, m.metadata,
           m.source_conversation_id, m.embedding, m.embedding_model, m.expires_at, 'absorbed', m.id, a.similarity,
           coalesce(m.observed_at, m.created_at), m.agent_id, m.run_id
      from unnest(absorbed, keepers, similarities) as a(id, keeper, similarity)
      join public.user_memories m on m.id = a.id and m.user_id = target
    returning s.merged_memory_id, s.id;
end
$$;

REVOKE ALL ON FUNCTION private.absorb_memories(uuid, uuid[], uuid[], double precision[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.absorb_memories(target uuid, absorbed uuid[], keepers uuid[], similarities double precision[]) IS 'Records each absorbed memory as a sighting on its keeper and moves its sightings there (same user).';

REVOKE ALL ON FUNCTION private.absorb_memories(target uuid, absorbed uuid[], keepers uuid[], similarities double precision[]) FROM PUBLIC;

GRANT ALL ON FUNCTION private.absorb_memories(target uuid, absorbed uuid[], keepers uuid[], similarities double precision[]) TO authenticated;

GRANT ALL ON FUNCTION private.absorb_memories(target uuid, absorbed uuid[], keepers uuid[], similarities double precision[]) TO service_role;

CREATE OR REPLACE FUNCTION private.duplicate_pairs(target uuid, jaccard_threshold double precision, cosine_threshold double precision DEFAULT NULL::double precision) RETURNS TABLE(a uuid, b uuid, similarity double precision)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    SET work_mem TO '64MB'
    SET enable_mergejoin TO 'off'
    SET jit TO 'off'
    SET join_collapse_limit TO '1'
    AS $$
#variable_conflict use_column
declare
  v_checked uuid := private.acting_user(target);
begin
  if jaccard_threshold is null or not (jaccard_threshold > 0 and jaccard_threshold <= 1)
     or not coalesce(cosine_threshold > 0 and cosine_threshold <= 1, cosine_threshold is null) then
    raise exception 'thresholds must be above 0 and at most 1' using errcode = '22023', column = 'threshold';
  end if;
  return query
    -- Small rows only: the embeddings (1.5 KB each) are fetched for the few pairs that pass the Hamming bound;
    -- carrying them here spilled this CTE to disk at 10k memories.
    with mem as materialized (
      select m.id, m.fact_words as words, cardinality(m.fact_words) as size, m.embedding_bits, m.embedding_model,
             dense_rank() over (order by m.embedding_model) as model
        from public.user_memories m
       where m.user_id = target and m.is_active
    ),
    -- Each model's cosine threshold, and the Hamming distance it allows: a cosine of t is an angle of acos(t);
    -- about that share of the sign bits differ (68 at 0.85, with a standard deviation near 7.5). A quarter more
    -- keeps ~99% of the pairs at exactly t and drops most unrelated ones.
    models as materialized (
      select x.model, x.threshold, ceil(1.25 * public.embedding_dimensions() * acos(least(x.threshold, 1)) / pi())::integer as max_hamming
        from (select m.model, coalesce(cosine_threshold,
                (select t.duplicate_threshold from private.model_settings(m.embedding_model) t)) as threshold
                from (select distinct mem.model, mem.embedding_model from mem where mem.embedding_bits is not null) m) x
    ),
    -- Narrow rows from here on: the word sets rejoin only the candidate pairs.
    tok as materialized (select mem.id, mem.size, w from mem, unnest(mem.words) w),
    freq as (select tok.w, count(*) as f from tok group by tok.w),
    prefix as (
      select r.id, r.w, r.size, r.pos
        from (select tok.id, tok.w, tok.size, row_number() over (partition by tok.id order by freq.f, tok.w) as pos
                from tok join freq using (w)) r
       where r.pos <= r.size - ceil(jaccard_threshold * r.size) + 1
    ),
    -- Positional filtering (PPJoin): a word at position i of one set and j of the other leaves room for at most
    -- 1 + min(|a| - i, |b| - j) shared words, and Jaccard >= t needs t / (1 + t) * (|a| + |b|) of them. Most
    -- chance meetings on a prefix word fail this (the epsilon keeps float rounding from dropping a true pair).
    word_pairs as (
      select distinct p.id as a, q.id as b
        from prefix p join prefix q on q.w = p.w and q.id > p.id
       where q.size between ceil(jaccard_threshold * p.size) and floor(p.size / jaccard_threshold)
         and 1 + least(p.size - p.pos, q.size - q.pos)
             >= ceil(jaccard_threshold / (1 + jaccard_threshold) * (p.size + q.size) - 1e-9)
    ),
    -- Jaccard by counting shared words inline (a dozen comparisons, not a function call each).
    word_scores as (
      select wp.a, wp.b, x.shared / (ma.size + mb.size - x.shared) as sim
        from word_pairs wp join mem ma on ma.id = wp.a join mem mb on mb.id = wp.b
        cross join lateral (select count(*)::double precision as shared from unnest(ma.words) w where w = any (mb.words)) x
    ),
    -- One integer key per band: the model, the band's number and its 16 bits (a shift and a cast: substring()
    -- cost twice as much over 24 bands of every memory).
    bands as materialized (
      select mem.id, mem.model, mem.embedding_bits,
             ((mem.model * 24 + k) << 16) | ((mem.embedding_bits << (16 * k))::bit(16))::integer::bigint as key
        from mem, generate_series(0, 23) k
       where mem.embedding_bits is not null
    ),
    -- Only bands that pair something: most keys belong to one memory, and are dropped before the self-join. A
    -- band shared by more than 64 memories says nothing about any pair of them (a dense cluster: memories
    -- written from one template, or short texts of one topic): it is skipped, or its pairs would grow with the
    -- square of the cluster. Their other bands, and their words, still find their duplicates. (Measured at 10k
    -- memories: 460 ms against 650 ms joining all bands and filtering after, 580 ms grouping them into arrays.)
    shared_bands as (
      select b.* from bands b
       where b.key in (select s.key from bands s group by s.key having count(*) between 2 and 64)
    ),
    near as materialized (
      select distinct x.id as a, y.id as b, models.threshold
        from shared_bands x
        join shared_bands y on y.key = x.key and y.id > x.id
        join models on models.model = x.model
       where pg_catalog.bit_count(x.embedding_bits # y.embedding_bits) <= models.max_hamming
    ),
    -- The embeddings of the pairs left, read once through the user's rows (never a scan of the whole table).
    embeddings as (
      select e.id, e.embedding from public.user_memories e
       where e.user_id = target and e.is_active and e.id in (select near.a from near union select near.b from near)
    ),
    scored as (
      select ws.a, ws.b, ws.sim, false as by_vector from word_scores ws where ws.sim >= jaccard_threshold
      union all
      select v.a, v.b, v.sim, true
        from (select near.a, near.b, near.threshold, 1 - (ea.embedding operator(extensions.<=>) eb.embedding) as sim
                from near join embeddings ea on ea.id = near.a join embeddings eb on eb.id = near.b) v
       where v.sim >= v.threshold
    ),
    candidates as (
      select s.a, s.b, max(s.sim) as sim, max(s.sim) filter (where s.by_vector) as cos from scored s group by s.a, s.b
    ),
    -- The texts of the candidates only, for the value guard, each read once (not once per pair it is in).
    texts as materialized (
      select e.id, e.fact, private.fact_tokens(e.fact) as tokens, e.embedding_model, e.agent_id, e.run_id from public.user_memories e
       where e.user_id = target and e.is_active
         and e.id in (select c.a from candidates c union select c.b from candidates c)
    ),
    unmerged as (
      select s.memory_id as keeper, s.unmerged_memory_id as other from public.memory_sightings s
       where s.user_id = target and s.unmerged_memory_id is not null
    ),
    -- Materialized: the guard runs once per pair (inlined, the filter below called it twice).
    judged as materialized (
      select c.a, c.b, c.sim, c.cos, ta.embedding_model as model_a, tb.embedding_model as model_b,
             private.tokens_difference(ta.fact, ta.tokens, tb.fact, tb.tokens) as reason
        from candidates c
        join texts ta on ta.id = c.a
        join texts tb on tb.id = c.b
       where not exists (select 1 from unmerged u
                          where (u.keeper = c.a and u.other = c.b) or (u.keeper = c.b and u.other = c.a))
         -- Duplicates within one scope only, as store_memory finds them.
         and ta.agent_id is not distinct from tb.agent_id and ta.run_id is not distinct from tb.run_id
    )
    select j.a, j.b, j.sim
      from judged j
     -- The cosine between embeddings of one model, computed only for a pair the guard would let it decide.
     where private.guard_allows_merge(j.reason,
             case when j.reason = 'word differs' and j.model_a = j.model_b
                  then coalesce(j.cos, (select 1 - (ea.embedding operator(extensions.<=>) eb.embedding)
                                          from public.user_memories ea, public.user_memories eb
                                         where ea.id = j.a and eb.id = j.b)) end,
             case when j.reason = 'word differs'
                  then coalesce(cosine_threshold, (select t.duplicate_threshold from private.model_settings(j.model_a) t)) end);
end
$$;

REVOKE ALL ON FUNCTION private.duplicate_pairs(uuid, double precision, double precision) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.duplicate_pairs(target uuid, jaccard_threshold double precision, cosine_threshold double precision) IS 'The duplicate pairs among a user''s active memories of one scope (agent_id, run_id): Jaccard at jaccard_threshold or same-model cosine at cosine_threshold (default: each model''s), no value differing, never a pair the user unmerged.';

REVOKE ALL ON FUNCTION private.duplicate_pairs(target uuid, jaccard_threshold double precision, cosine_threshold double precision) FROM PUBLIC;

GRANT ALL ON FUNCTION private.duplicate_pairs(target uuid, jaccard_threshold double precision, cosine_threshold double precision) TO authenticated;

GRANT ALL ON FUNCTION private.duplicate_pairs(target uuid, jaccard_threshold double precision, cosine_threshold double precision) TO service_role;

CREATE OR REPLACE FUNCTION private.import_user_rows(target uuid, document jsonb) RETURNS TABLE(table_name text, imported bigint, already_present bigint, merged bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_taken uuid;
  v_count bigint;
  v_merged bigint;
begin
  -- The schema private is usable by signed-in users: the target is checked here too, not only by the caller.
  perform private.acting_user(target);
  -- A row of the document whose key exists for someone else would be skipped silently (on conflict do nothing):
  -- refuse instead, for every table the document fills.
  select x.id into v_taken from (
      select c.id, c.user_id from public.conversations c
       where c.id in (select (r->>'id')::uuid from jsonb_array_elements(document->'conversations') r)
      union all
      select m.id, m.user_id from public.user_memories m
       where m.id in (select (r->>'id')::uuid from jsonb_array_elements(document->'memories') r)
      union all
      select s.id, s.user_id from public.memory_sightings s
       where s.id in (select (r->>'id')::uuid from jsonb_array_elements(document->'sightings') r)
      union all
      select a.memory_id, a.user_id from public.memory_access a
       where a.memory_id in (select (r->>'memory_id')::uuid from jsonb_array_elements(document->'access') r)
      union all
      select l.id, l.user_id from public.memory_access_log l
       where l.id in (select (r->>'id')::uuid from jsonb_array_elements(document->'access_log') r)) x
   where x.user_id <> target limit 1;
  if found then
    raise exception 'row % of this export belongs to another user in this project', v_taken
      using errcode = '23505', column = 'document', hint = 'An export is imported for the user it was taken from, or into another project.';
  end if;

  insert into public.conversations (id, user_id, title, metadata, started_at, last_message_at, created_at, updated_at,
    agent_id, run_id)
  select r.id, target, r.title, coalesce(r.metadata, '{}'), r.started_at, r.last_message_at, r.created_at, r.updated_at,
         r.agent_id, r.run_id
    from jsonb_populate_recordset(null::public.conversations, document->'conversations') r
   order by r.created_at
  on conflict (id) do nothing;
  get diagnostics v_count = row_count;
  return query select 'conversations', v_count, jsonb_array_length(document->'conversations') - v_count, 0::bigint;

  -- An active memory that says what an active memory of the user already says (the same fact key) is kept as a
  -- duplicate of it, not dropped: history shows it and unmerge_memory makes it a memory of its own again.
  with rows as (
    select r.* from jsonb_populate_recordset(null::public.user_memories, document->'memories') r
     where not exists (select 1 from public.user_memories m where m.id = r.id)
  ), placed as (
    select r.*, (select m.id from public.user_memories m
                  where r.is_active and m.user_id = target and m.is_active
                    and coalesce(m.agent_id, '') = coalesce(r.agent_id, '') and coalesce(m.run_id, '') = coalesce(r.run_id, '')
                    and md5(public.fact_key(m.fact)) = md5(public.fact_key(r.fact))) as existing
      from rows r
  ), inserted as (
    insert into public.user_memories (id, user_id, fact, memory_type, category, importance_score, confidence_score,
      is_active, duplicate_of, source_conversation_id, version, previous_version_id, metadata, created_at, updated_at,
      last_accessed_at, expires_at, observed_at, agent_id, run_id)
    select p.id, target, p.fact, p.memory_type, p.category, p.importance_score, p.confidence_score,
           p.is_active and p.existing is null, coalesce(p.existing, p.duplicate_of), p.source_conversation_id,
           p.version, p.previous_version_id, coalesce(p.metadata, '{}'), p.created_at, p.updated_at,
           p.last_accessed_at, p.expires_at, p.observed_at, p.agent_id, p.run_id
      from placed p
     order by p.version, p.created_at
    returning 1
  )
  select (select count(*) from inserted), (select count(*) from placed p where p.existing is not null)
    into v_count, v_merged;
  return query select 'user_memories', v_count, jsonb_array_length(document->'memories') - v_count, v_merged;

  insert into public.memory_sightings (id, user_id, memory_id, fact, memory_type, category, importance_score,
    confidence_score, metadata, source_conversation_id, expires_at, idempotency_key, origin,
    merged_memory_id, similarity, seen_at, unmerged_at, unmerged_memory_id, observed_at, agent_id, run_id)
  select r.id, target, r.memory_id, r.fact, r.memory_type, r.category, r.importance_score, r.confidence_score,
         coalesce(r.metadata, '{}'), r.source_conversation_id, r.expires_at, r.idempotency_key, r.origin,
         r.merged_memory_id, r.similarity, r.seen_at, r.unmerged_at, r.unmerged_memory_id, r.observed_at,
         r.agent_id, r.run_id
    from jsonb_populate_recordset(null::public.memory_sightings, document->'sightings') r
  on conflict (id) do nothing;
  get diagnostics v_count = row_count;
  return query select 'memory_sightings', v_count, jsonb_array_length(document->'sightings') - v_count, 0::bigint;

  insert into public.memory_access (memory_id, user_id, last_accessed_at, access_count)
  select r.memory_id, target, r.last_accessed_at, r.access_count
    from jsonb_populate_recordset(null::public.memory_access, document->'access') r
  on conflict (memory_id) do nothing;
  get diagnostics v_count = row_count;
  return query select 'memory_access', v_count, jsonb_array_length(document->'access') - v_count, 0::bigint;

  insert into public.memory_access_log (id, memory_id, user_id, accessed_at)
  select r.id, r.memory_id, target, r.accessed_at
    from jsonb_populate_recordset(null::public.memory_access_log, document->'access_log') r
  on conflict (id) do nothing;
  get diagnostics v_count = row_count;
  return query select 'memory_access_log', v_count, jsonb_array_length(document->'access_log') - v_count, 0::bigint;
end
$$;

REVOKE ALL ON FUNCTION private.import_user_rows(uuid, jsonb) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.import_user_rows(target uuid, document jsonb) IS 'import_user_data''s writing step, for a target user it has already checked: inserts the document''s rows for that user, skipping rows already present, keeping an active memory that repeats one of the user''s as its duplicate, and refusing (23505) rows that belong to another user.';

GRANT ALL ON FUNCTION private.import_user_rows(uuid, jsonb) TO authenticated;

GRANT ALL ON FUNCTION private.import_user_rows(uuid, jsonb) TO service_role;

CREATE OR REPLACE FUNCTION private.new_version(target uuid, memory public.user_memories, next public.user_memories) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  -- The memory keeps its id: its version as it stands is copied to a row of its own (inactive, without the embedding
  -- nothing searches), which takes the link to the version before; then the memory becomes the next version, linked
  -- to the copy. The link is freed first because a version has one successor (user_memories_previous_version_key).
  update public.user_memories m set previous_version_id = null where m.id = memory.id and m.user_id = target;
  next.id := gen_random_uuid();
  insert into public.user_memories (id, user_id, fact, memory_type, category, importance_score, confidence_score,
    is_active, source_conversation_id, version, previous_version_id, metadata, created_at, last_accessed_at,
    expires_at, observed_at, agent_id, run_id)
  values (next.id, target, memory.fact, memory.memory_type, memory.category, memory.importance_score,
    memory.confidence_score, false, memory.source_conversation_id, memory.version, memory.previous_version_id,
    memory.metadata, memory.created_at, memory.last_accessed_at, memory.expires_at, memory.observed_at,
    memory.agent_id, memory.run_id);
  update public.user_memories m
     set fact = next.fact, memory_type = next.memory_type, category = next.category,
         importance_score = next.importance_score, confidence_score = next.confidence_score,
         source_conversation_id = next.source_conversation_id, metadata = next.metadata, embedding = next.embedding,
         embedding_model = next.embedding_model, expires_at = next.expires_at, observed_at = next.observed_at,
         version = memory.version + 1, previous_version_id = next.id, created_at = now()
   where m.id = memory.id and m.user_id = target;
  return memory.version + 1;
end
$$;

REVOKE ALL ON FUNCTION private.new_version(uuid, public.user_memories, public.user_memories) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.new_version(target uuid, memory public.user_memories, next public.user_memories) IS 'Makes next (its text, type, category, scores, metadata, conversation, embedding, expiry and observed_at) the new version of an active memory locked by the caller, in place: the memory keeps its id, its version before is kept as an inactive copy in its history. Returns the new version number.';

GRANT ALL ON FUNCTION private.new_version(target uuid, memory public.user_memories, next public.user_memories) TO authenticated;

GRANT ALL ON FUNCTION private.new_version(target uuid, memory public.user_memories, next public.user_memories) TO service_role;

CREATE OR REPLACE FUNCTION private.record_earlier_wording(target uuid, memory public.user_memories, similarity double precision) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_checked uuid := private.acting_user(target);
  v_id uuid;
begin
  -- As an absorbed memory is kept (origin absorbed, when it was said), without a row of its own to name.
  insert into public.memory_sightings (user_id, memory_id, fact, memory_type, category, importance_score,
    confidence_score, metadata, source_conversation_id, embedding, embedding_model, expires_at, origin, similarity,
    observed_at, agent_id, run_id)
  values (target, memory.id, memory.fact, memory.memory_type, memory.category, memory.importance_score,
    memory.confidence_score, memory.metadata, memory.source_conversation_id, memory.embedding, memory.embedding_model,
    memory.expires_at, 'absorbed', record_earlier_wording.similarity, coalesce(memory.observed_at, memory.created_at),
    memory.agent_id, memory.run_id)
  returning id into v_id;
  return v_id;
end
$$;

REVOKE ALL ON FUNCTION private.record_earlier_wording(uuid, public.user_memories, double precision) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.record_earlier_wording(target uuid, memory public.user_memories, similarity double precision) IS 'Keeps what a memory of the target user said before a more important duplicate took its place (same id) as a sighting on it; returns the sighting id.';

GRANT ALL ON FUNCTION private.record_earlier_wording(target uuid, memory public.user_memories, similarity double precision) TO authenticated;

GRANT ALL ON FUNCTION private.record_earlier_wording(target uuid, memory public.user_memories, similarity double precision) TO service_role;

CREATE OR REPLACE FUNCTION private.record_sighting(target uuid, memory_id uuid, statement public.user_memories, similarity double precision, idempotency_key text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_checked uuid := private.acting_user(target);
  v_id uuid;
begin
  insert into public.memory_sightings (user_id, memory_id, fact, memory_type, category, importance_score,
    confidence_score, metadata, source_conversation_id, embedding, embedding_model, expires_at, idempotency_key,
    origin, similarity, observed_at, agent_id, run_id)
  values (target, record_sighting.memory_id, statement.fact, statement.memory_type, statement.category,
    statement.importance_score, statement.confidence_score, statement.metadata, statement.source_conversation_id,
    statement.embedding, statement.embedding_model, statement.expires_at, record_sighting.idempotency_key, 'store',
    record_sighting.similarity, statement.observed_at, statement.agent_id, statement.run_id)
  returning id into v_id;
  return v_id;
end
$$;

REVOKE ALL ON FUNCTION private.record_sighting(uuid, uuid, public.user_memories, double precision, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.record_sighting(target uuid, memory_id uuid, statement public.user_memories, similarity double precision, idempotency_key text) IS 'Records a store_memory statement that merged into a memory of the target user; returns the sighting id.';

REVOKE ALL ON FUNCTION private.record_sighting(target uuid, memory_id uuid, statement public.user_memories, similarity double precision, idempotency_key text) FROM PUBLIC;

GRANT ALL ON FUNCTION private.record_sighting(target uuid, memory_id uuid, statement public.user_memories, similarity double precision, idempotency_key text) TO authenticated;

GRANT ALL ON FUNCTION private.record_sighting(target uuid, memory_id uuid, statement public.user_memories, similarity double precision, idempotency_key text) TO service_role;

CREATE OR REPLACE FUNCTION public.unmerge_memory(merged_id uuid, user_id uuid DEFAULT NULL::uuid) RETURNS TABLE(id uuid, status text, version integer, sighting_id uuid, merged_into uuid)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(unmerge_memory.user_id);
  v_sighting public.memory_sightings;
  v_absorbed public.user_memories;
  v_same uuid;
  v_id uuid;
  v_version integer;
begin
  if merged_id is null then
    raise exception 'merged_id is required: a sighting''s id, or the id of a memory marked as a duplicate'
      using errcode = '22023', column = 'merged_id';
  end if;
  perform private.lock_user_memories(v_user);
  -- A sighting by its id, or the one recording a merged memory (its latest merge, when it was merged again).
  select s.* into v_sighting from public.memory_sightings s
   where s.user_id = v_user and (s.id = merged_id or s.merged_memory_id = merged_id)
   order by s.unmerged_at is not null, s.seen_at desc
   limit 1;
  if v_sighting.id is null then
    raise exception 'no merged statement or duplicate memory % of this user', merged_id
      using errcode = 'PT404', column = 'merged_id',
            hint = 'memory_history(memory_id) lists the sightings of a memory with their ids.';
  end if;
  -- Idempotent: unmerging again answers the memory the first unmerge made.
  if v_sighting.unmerged_at is not null then
    return query
      select v_sighting.unmerged_memory_id, 'unmerged'::text,
             (select m.version from public.user_memories m where m.id = v_sighting.unmerged_memory_id),
             v_sighting.id, v_sighting.memory_id;
    return;
  end if;

  v_same := private.memory_saying(v_user, v_sighting.fact, v_sighting.agent_id, v_sighting.run_id, v_sighting.merged_memory_id);
  if v_same is not null then
    raise exception 'memory % already says this (the same text): it cannot be unmerged into a second one', v_same
      using errcode = 'PT409', column = 'merged_id', hint = 'Update or forget that memory instead.';
  end if;

  if v_sighting.merged_memory_id is not null then
    select m.* into v_absorbed from public.user_memories m where m.id = v_sighting.merged_memory_id for no key update;
  end if;
  if v_absorbed.id is not null then
    -- The absorbed memory's row is still there: it comes back as it was (a new active place, within the quota).
    if not v_absorbed.is_active then
      update public.user_memories m set is_active = true, duplicate_of = null where m.id = v_absorbed.id;
    end if;
    v_id := v_absorbed.id;
    v_version := v_absorbed.version;
  else
    if v_sighting.expires_at is not null and v_sighting.expires_at <= now() then
      raise exception 'the statement expired at %; an expired statement is not made a memory again', v_sighting.expires_at
        using errcode = 'PT409', column = 'merged_id';
    end if;
    insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
      source_conversation_id, metadata, embedding, embedding_model, expires_at, observed_at, agent_id, run_id)
    values (v_user, v_sighting.fact, v_sighting.memory_type, v_sighting.category, v_sighting.importance_score,
      v_sighting.confidence_score, v_sighting.source_conversation_id, v_sighting.metadata, v_sighting.embedding,
      v_sighting.embedding_model, v_sighting.expires_at, coalesce(v_sighting.observed_at, v_sighting.seen_at),
      v_sighting.agent_id, v_sighting.run_id)
    returning user_memories.id, user_memories.version into v_id, v_version;
  end if;
  perform private.mark_unmerged(v_user, v_sighting.id, v_id);
  return query select v_id, 'unmerged'::text, v_version, v_sighting.id, v_sighting.memory_id;
end
$$;

REVOKE ALL ON FUNCTION public.unmerge_memory(uuid, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.unmerge_memory(merged_id uuid, user_id uuid) IS 'Undoes a merge: the sighting with this id, or the memory that deduplication (or a store) marked as a duplicate, becomes an active memory of its own again, within the quota (PT507); deduplication never merges the two again. Idempotent. PT404 unknown id, PT409 when an active memory already has the same text or the statement expired.';

REVOKE ALL ON FUNCTION public.unmerge_memory(merged_id uuid, user_id uuid) FROM PUBLIC;

GRANT ALL ON FUNCTION public.unmerge_memory(merged_id uuid, user_id uuid) TO authenticated;

GRANT ALL ON FUNCTION public.unmerge_memory(merged_id uuid, user_id uuid) TO service_role;

CREATE OR REPLACE FUNCTION public.update_memory(memory_id uuid, fact text DEFAULT NULL::text, memory_type text DEFAULT NULL::text, category text DEFAULT NULL::text, importance_score double precision DEFAULT NULL::double precision, confidence_score double precision DEFAULT NULL::double precision, metadata jsonb DEFAULT NULL::jsonb, embedding extensions.vector DEFAULT NULL::extensions.vector, embedding_model text DEFAULT NULL::text, expires_at timestamp with time zone DEFAULT NULL::timestamp with time zone, user_id uuid DEFAULT NULL::uuid) RETURNS TABLE(id uuid, status text, version integer)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(update_memory.user_id);
  v_old public.user_memories;
  v_new public.user_memories;
  v_fact_changed boolean;
  v_same uuid;
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

  -- A new text is said now; an unchanged one keeps when it was said. Another memory of the scope may say it already:
  -- two active memories of the same text are not kept (user_memories_active_fact_key), and which one to keep is the
  -- caller's choice, so it is named.
  if v_fact_changed then
    v_new.observed_at := null;
    v_same := private.memory_saying(v_user, v_new.fact, v_old.agent_id, v_old.run_id, v_old.id);
    if v_same is not null then
      raise exception 'memory % already says this (the same text): forget one of the two, or update that one', v_same
        using errcode = 'PT409', column = 'fact', hint = 'memory_history shows what each has said.';
    end if;
  end if;
  return query select v_old.id, 'updated'::text, private.new_version(v_user, v_old, v_new);
end
$_$;

REVOKE ALL ON FUNCTION public.update_memory(uuid, text, text, text, double precision, double precision, jsonb, extensions.vector, text, timestamp with time zone, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.update_memory(memory_id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, user_id uuid) IS 'Stores a new version of a memory in place (private.new_version): the memory keeps its id, version + 1, the version before kept in memory_history. An id of an earlier version, or of a memory merged into this one, names it too. Omitted fields keep their values; a changed fact drops the old embedding and is said now (observed_at). PT404 not found, PT409 forgotten or another memory of the scope says the new text already (named).';

REVOKE ALL ON FUNCTION public.update_memory(memory_id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, user_id uuid) FROM PUBLIC;

GRANT ALL ON FUNCTION public.update_memory(memory_id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, user_id uuid) TO authenticated;

GRANT ALL ON FUNCTION public.update_memory(memory_id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, user_id uuid) TO service_role;

