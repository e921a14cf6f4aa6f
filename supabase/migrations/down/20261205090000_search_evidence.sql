-- Rollback of search with evidence: the text leg's quarter coverage with every query word counted, as before.
set check_function_bodies = off;

DROP FUNCTION private.text_matches(uuid, text[], text[], text[], text[], integer, text[], text[], double precision, timestamp with time zone, timestamp with time zone);
DROP FUNCTION private.query_lexemes(text);
DROP FUNCTION private.ordinary_words();
DROP FUNCTION private.says_when(text);

CREATE OR REPLACE FUNCTION private.capitalized_as_name(fact text, word text, may_open boolean) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $_$
declare
  v_form text;
  v_from integer;
  v_at integer;
  v_before text;
  v_stem text[];
begin
  foreach v_form in array array[initcap(word), upper(word)] loop
    v_from := 1;
    loop
      v_at := strpos(substr(fact, v_from), v_form);
      exit when v_at = 0;
      v_at := v_from + v_at - 1;
      -- A whole word: no letter or digit right before or after it.
      if substr(fact, v_at + char_length(v_form), 1) !~ '[[:alnum:]]'
         and (v_at = 1 or substr(fact, v_at - 1, 1) !~ '[[:alnum:]]') then
        v_before := rtrim(substr(fact, 1, v_at - 1), ' "''(');
        if v_before <> '' and right(v_before, 1) !~ '[.!?]' then
          return true;
        end if;
        if may_open then
          v_stem := pg_catalog.ts_lexize('english_stem', word);
          if not (word ~ '(ed|ing)$' and v_stem[1] <> word) then
            return true;
          end if;
        end if;
      end if;
      v_from := v_at + char_length(v_form);
    end loop;
  end loop;
  return false;
end
$_$;


COMMENT ON FUNCTION private.capitalized_as_name(fact text, word text, may_open boolean) IS 'Whether a word appears capitalized in a fact as a name would: inside a sentence, or opening one when may_open and it is not inflected like a verb.';




CREATE FUNCTION private.text_matches(target uuid, lexemes text[], match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone) RETURNS TABLE(id uuid, text_score real, text_rank integer, qualified boolean)
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
    -- Each lexeme as a tsquery of its own ('it''s' and back-slashes escaped).
    with query_terms as materialized (
      select l as lexeme, ('''' || replace(replace(l, '\', '\\'), '''', '''''') || '''')::tsquery as term
        from unnest(lexemes) l
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
               and (created_before is null or m.created_at < created_before) as wanted
        from public.user_memories m
       where m.user_id = target and m.is_active
         and m.fts @@ (select string_agg(q.term::text, ' | ')::tsquery from query_terms q)
         and (m.expires_at is null or m.expires_at > now())
    ),
    -- Which query lexemes each hit holds: one containment test per lexeme (a binary search in the tsvector),
    -- cheaper than unnesting every hit. A fact rarely repeats a word, so a term counts once (tf = 1).
    terms as (
      select h.id, h.wanted, h.len, q.lexeme
        from hits h join query_terms q on h.fts @@ q.term
    ),
    -- Every lexeme of the query, found or not (a word no memory holds weighs the most); informative ones count
    -- towards coverage, or all of them when none is. A word is uninformative when more than half of the user's
    -- memories hold it, counting two more memories that do not: with one or two memories every word found is in
    -- "most" of them, which says nothing (a user's first memory was never recalled by a question about it).
    weights as (
      select w.lexeme, w.idf, w.informative or not bool_or(w.informative) over () as counts
        from (select q.lexeme, ln(1 + (d.n - coalesce(f.df, 0) + 0.5) / (coalesce(f.df, 0) + 0.5)) as idf,
                     coalesce(f.df, 0) <= (d.n + 2) / 2 as informative
                from query_terms q
                cross join documents d
                left join (select t.lexeme, count(*)::double precision as df from terms t group by t.lexeme) f on f.lexeme = q.lexeme) w
    ),
    totals as (
      select (select avg(h.len) from hits h) as mean_length, (select sum(w.idf) from weights w where w.counts) as counted_idf
    ),
    scored as (
      select t.id, sum(w.idf) * 2.2 / (1 + 1.2 * (0.25 + 0.75 * min(t.len) / c.mean_length)) as score,
             coalesce(sum(w.idf) filter (where w.counts), 0) / c.counted_idf as coverage
        from terms t join weights w on w.lexeme = t.lexeme cross join totals c
       where t.wanted
       group by t.id, c.mean_length, c.counted_idf
    )
    select s.id, s.score::real, (row_number() over (order by s.score desc, s.id))::integer, s.coverage >= 0.25
      from scored s
     order by s.score desc, s.id
     limit match_count;
end
$$;

REVOKE ALL ON FUNCTION private.text_matches(uuid, text[], integer, text[], text[], double precision, timestamp with time zone, timestamp with time zone) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.text_matches(target uuid, lexemes text[], match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone) IS 'The text leg of search_memories: the user''s active, unexpired memories containing any query lexeme, BM25 first, each marked qualified when it covers at least a quarter of the idf of the query''s informative lexemes (those in at most half of the user''s memories, counting two more that lack them).';

REVOKE ALL ON FUNCTION private.text_matches(target uuid, lexemes text[], match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone) FROM PUBLIC;

GRANT ALL ON FUNCTION private.text_matches(target uuid, lexemes text[], match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone) TO authenticated;

GRANT ALL ON FUNCTION private.text_matches(target uuid, lexemes text[], match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone) TO service_role;

CREATE OR REPLACE FUNCTION public.search_memories(query text DEFAULT NULL::text, query_embedding extensions.vector DEFAULT NULL::extensions.vector, embedding_model text DEFAULT NULL::text, match_count integer DEFAULT 10, memory_types text[] DEFAULT NULL::text[], categories text[] DEFAULT NULL::text[], min_importance double precision DEFAULT NULL::double precision, created_after timestamp with time zone DEFAULT NULL::timestamp with time zone, created_before timestamp with time zone DEFAULT NULL::timestamp with time zone, user_id uuid DEFAULT NULL::uuid, touch boolean DEFAULT true, min_similarity double precision DEFAULT NULL::double precision) RETURNS TABLE(id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, source_conversation_id uuid, created_at timestamp with time zone, updated_at timestamp with time zone, text_rank integer, text_score real, vector_rank integer, vector_similarity double precision, rrf_score double precision, recency double precision, score double precision, matched_by text[])
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(search_memories.user_id);
  v_lexemes text[];
  v_floor double precision;
  v_pool integer;
begin
  perform private.validate_search_input(query, query_embedding, search_memories.embedding_model, match_count,
    memory_types, min_importance, min_similarity, created_after, created_before);

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
$$;


COMMENT ON FUNCTION public.search_memories(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, touch boolean, min_similarity double precision) IS 'Hybrid search over the caller''s active, unexpired memories: full text (any of the query''s English lexemes, BM25) and, with a query embedding, match_memories (cosine, same model); fused by reciprocal rank (k = 60), then score = rrf * (0.5 + 0.5 * importance) * (0.75 + 0.25 * recency), recency halving every 30 days. A memory is returned only when it matches an informative word of the query or its similarity reaches the relevance floor (min_similarity, else the model''s in memory_model_settings); matched_by says which. Appends what it returned to memory_access_log unless touch is false.';



