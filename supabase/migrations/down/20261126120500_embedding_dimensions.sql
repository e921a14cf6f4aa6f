-- The embedding dimension spelled out in each check, and search_memories' checks inline, as before 20261126120500.

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

CREATE OR REPLACE FUNCTION public.match_memories(query_embedding extensions.vector, embedding_model text, match_count integer DEFAULT 10, memory_types text[] DEFAULT NULL::text[], categories text[] DEFAULT NULL::text[], min_importance double precision DEFAULT NULL::double precision, created_after timestamp with time zone DEFAULT NULL::timestamp with time zone, created_before timestamp with time zone DEFAULT NULL::timestamp with time zone, user_id uuid DEFAULT NULL::uuid)
 RETURNS TABLE(id uuid, similarity double precision, rank integer)
 LANGUAGE plpgsql
 STABLE ROWS 40
 SET search_path TO ''
AS $function$
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

CREATE OR REPLACE FUNCTION private.duplicate_pairs(target uuid, jaccard_threshold double precision, cosine_threshold double precision DEFAULT NULL::double precision)
 RETURNS TABLE(a uuid, b uuid, similarity double precision)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
 SET work_mem TO '64MB'
 SET enable_mergejoin TO 'off'
 SET jit TO 'off'
 SET join_collapse_limit TO '1'
AS $function$
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
    -- about that share of 384 sign bits differ (68 at 0.85, with a standard deviation near 7.5). A quarter more
    -- keeps ~99% of the pairs at exactly t and drops most unrelated ones.
    models as materialized (
      select x.model, x.threshold, ceil(1.25 * 384 * acos(least(x.threshold, 1)) / pi())::integer as max_hamming
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
    -- The texts of the candidates only, for the value guard.
    texts as (
      select e.id, e.fact, e.fact_words, e.embedding_model from public.user_memories e
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
             private.value_difference(ta.fact, ta.fact_words, tb.fact, tb.fact_words) as reason
        from candidates c
        join texts ta on ta.id = c.a
        join texts tb on tb.id = c.b
       where not exists (select 1 from unmerged u
                          where (u.keeper = c.a and u.other = c.b) or (u.keeper = c.b and u.other = c.a))
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
$function$
;

drop function private.validate_search_input(text, extensions.vector, text, integer, text[], double precision, double precision, timestamp with time zone, timestamp with time zone);
drop function public.embedding_dimensions();
