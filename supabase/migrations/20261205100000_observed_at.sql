-- When a fact was said (issue 22, item 5): a memory carries observed_at, given by the caller (a conversation
-- turn's time) or, when null, the time of the store (created_at). store_memory takes it, keeps it on the memory,
-- its new version or the sighting a merge makes; a merge that absorbs a memory keeps when that memory was said on
-- its sighting, and unmerge gives it back. Export and import carry it.
--
-- A search that names a date or a period (private.query_period: "on 16 November, 2023", "last summer", "two
-- years ago", "in Q3 2023") ranks the memories said then first; search_memories and list_memories answer
-- observed_at. The columns are new and nullable (no rewrite); their checks are NOT VALID, as no row had a value.
--
-- private.text_matches: a question whose required words are all uninformative (in most of the user's memories)
-- and that names a date no memory holds weighed the date as required: nothing qualified. The required words count.
-- private.query_lexemes: a measure after "how" ("how far", "how often", "how long") puts the question and is left
-- out, as "how many" was: "How far did she run?" required "far" of every memory.
-- private.text_matches: when no required word of a question is informative, the kind of answer it asks for is
-- what it is about ("Which tattoo does he have?" asks for a tattoo, and no memory mentions one).

set check_function_bodies = off;

ALTER TABLE public.user_memories ADD COLUMN observed_at timestamp with time zone;
ALTER TABLE public.memory_sightings ADD COLUMN observed_at timestamp with time zone;

-- NOT VALID: the rows there when observed_at was added have none, so there is nothing to check, and validating
-- would read the whole table under the lock that adding the column takes. New rows are checked.
ALTER TABLE public.user_memories
    ADD CONSTRAINT user_memories_observed_before_stored CHECK (((observed_at IS NULL) OR (isfinite(observed_at) AND (observed_at <= (created_at + '1 day'::interval))))) NOT VALID;

ALTER TABLE public.memory_sightings
    ADD CONSTRAINT memory_sightings_observed_before_seen CHECK (((observed_at IS NULL) OR (isfinite(observed_at) AND (observed_at <= (seen_at + '1 day'::interval))))) NOT VALID;

COMMENT ON COLUMN public.user_memories.observed_at IS 'When the fact was said, as the caller gave it (store_memory''s observed_at: the time of a conversation turn); null when stored as it was said (created_at). At most a day after created_at (clocks and time zones). A search that names a date or a period ranks what was said then first.';

COMMENT ON COLUMN public.memory_sightings.observed_at IS 'When the statement was said: the observed_at its store gave, or, for an absorbed memory, when that memory was said; null when said as it was stored (seen_at).';

DROP FUNCTION public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamp with time zone, text, uuid, double precision, text);
DROP FUNCTION public.search_memories(text, extensions.vector, text, integer, text[], text[], double precision, timestamp with time zone, timestamp with time zone, uuid, boolean, double precision);
DROP FUNCTION public.list_memories(integer, timestamp with time zone, uuid, uuid);

CREATE FUNCTION private.query_period(query text, at timestamp with time zone) RETURNS tstzrange
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $_$
declare
  v_q text := lower(query);
  v_month_pattern text := '(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?';
  v_months text[] := array['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  v_numbers jsonb := private.value_words();
  v_today date := (at at time zone 'UTC')::date;
  v_m text[];
  v_year integer;
  v_month integer;
  v_day integer;
  v_start date;
  v_count integer;
begin
  -- A day: 2023-11-16; 11/16/2023 (month first, unless the first number cannot be a month); 16 November, 2023;
  -- the 16th of November; November 16th, 2023. Without a year, the latest such day up to today.
  v_m := regexp_match(v_q, '\m((?:19|20)[0-9]{2})-([0-9]{1,2})-([0-9]{1,2})\M');
  if v_m is not null then
    v_year := v_m[1]::integer; v_month := v_m[2]::integer; v_day := v_m[3]::integer;
  else
    v_m := regexp_match(v_q, '\m([0-9]{1,2})/([0-9]{1,2})/((?:19|20)?[0-9]{2})\M');
    if v_m is not null then
      v_month := v_m[1]::integer; v_day := v_m[2]::integer;
      if v_month > 12 then
        v_month := v_m[2]::integer; v_day := v_m[1]::integer;
      end if;
      v_year := case when char_length(v_m[3]) = 2 then 2000 + v_m[3]::integer else v_m[3]::integer end;
    end if;
  end if;
  if v_m is null then
    v_m := regexp_match(v_q, '\m([0-9]{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+' || v_month_pattern || '\M(?:,?\s+((?:19|20)[0-9]{2})\M)?');
    if v_m is not null then
      v_day := v_m[1]::integer; v_month := array_position(v_months, left(v_m[2], 3)); v_year := v_m[3]::integer;
    end if;
  end if;
  if v_m is null then
    v_m := regexp_match(v_q, '\m' || v_month_pattern || '\s+([0-9]{1,2})(?:st|nd|rd|th)?\M(?:,?\s+((?:19|20)[0-9]{2})\M)?');
    if v_m is not null then
      v_month := array_position(v_months, left(v_m[1], 3)); v_day := v_m[2]::integer; v_year := v_m[3]::integer;
    end if;
  end if;
  if v_day is not null then
    if v_month not between 1 and 12 or v_day not between 1 and 31 then
      return null;
    end if;
    if v_year is null then
      v_year := extract(year from v_today)::integer;
      if make_date(v_year, v_month, least(v_day, 28)) > v_today then
        v_year := v_year - 1;
      end if;
    end if;
    begin
      v_start := make_date(v_year, v_month, v_day);
    exception when datetime_field_overflow then
      return null;
    end;
    return tstzrange(v_start::timestamp at time zone 'UTC', (v_start + 1)::timestamp at time zone 'UTC');
  end if;

  -- A month: November 2023; in November (the latest up to today).
  v_m := regexp_match(v_q, '\m' || v_month_pattern || ',?\s+((?:19|20)[0-9]{2})\M');
  if v_m is null then
    v_m := regexp_match(v_q, '\m(?:in|during|since|of|last|this)\s+(?:early\s+|late\s+|mid\s+)?' || v_month_pattern || '\M()');
  end if;
  if v_m is not null then
    v_month := array_position(v_months, left(v_m[1], 3));
    v_year := coalesce(nullif(v_m[2], '')::integer, extract(year from v_today)::integer);
    if v_m[2] = '' and make_date(v_year, v_month, 1) > v_today then
      v_year := v_year - 1;
    end if;
    v_start := make_date(v_year, v_month, 1);
    return tstzrange(v_start::timestamp at time zone 'UTC', (v_start + interval '1 month') at time zone 'UTC');
  end if;

  -- A season (northern: summer is June to August): the summer of 2022, summer 2022; last summer, this summer.
  v_m := regexp_match(v_q, '\m(?:(last|this)\s+)?(spring|summer|autumn|fall|winter)\M(?:\s+(?:of\s+)?((?:19|20)[0-9]{2})\M)?');
  if v_m is not null and (v_m[1] is not null or v_m[3] is not null) then
    v_month := case v_m[2] when 'spring' then 3 when 'summer' then 6 when 'winter' then 12 else 9 end;
    v_year := coalesce(v_m[3]::integer, extract(year from v_today)::integer);
    if v_m[3] is null and v_m[1] = 'last' then
      -- The latest such season that has ended.
      while make_date(v_year, v_month, 1) + interval '3 months' > v_today loop
        v_year := v_year - 1;
      end loop;
    end if;
    v_start := make_date(v_year, v_month, 1);
    return tstzrange(v_start::timestamp at time zone 'UTC', (v_start + interval '3 months') at time zone 'UTC');
  end if;

  -- A quarter: Q3 2023.
  v_m := regexp_match(v_q, '\mq([1-4])\s+((?:19|20)[0-9]{2})\M');
  if v_m is not null then
    v_start := make_date(v_m[2]::integer, 3 * v_m[1]::integer - 2, 1);
    return tstzrange(v_start::timestamp at time zone 'UTC', (v_start + interval '3 months') at time zone 'UTC');
  end if;

  -- Relative: today, yesterday; last week, last month, last year; two years ago (that year, month, week or day).
  if v_q ~ '\myesterday\M' then
    return tstzrange((v_today - 1)::timestamp at time zone 'UTC', v_today::timestamp at time zone 'UTC');
  elsif v_q ~ '\mtoday\M' then
    return tstzrange(v_today::timestamp at time zone 'UTC', (v_today + 1)::timestamp at time zone 'UTC');
  end if;
  v_m := regexp_match(v_q, '\mlast\s+(week|month|year)\M');
  if v_m is not null then
    v_start := date_trunc(v_m[1], v_today - ('1 ' || v_m[1])::interval)::date;
    return tstzrange(v_start::timestamp at time zone 'UTC', (v_start + ('1 ' || v_m[1])::interval) at time zone 'UTC');
  end if;
  v_m := regexp_match(v_q, '\m([0-9]+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+(day|week|month|year)s?\s+ago\M');
  if v_m is not null then
    v_count := case when v_m[1] ~ '^[0-9]+$' then v_m[1]::integer when v_m[1] in ('a', 'an') then 1
                    else substr(v_numbers ->> v_m[1], 8)::integer end;
    v_start := date_trunc(v_m[2], v_today - (v_count || ' ' || v_m[2])::interval)::date;
    return tstzrange(v_start::timestamp at time zone 'UTC', (v_start + ('1 ' || v_m[2])::interval) at time zone 'UTC');
  end if;

  -- A year: in 2023, back in 2021, 2019.
  v_m := regexp_match(v_q, '\m((?:19|20)[0-9]{2})\M');
  if v_m is not null and v_m[1]::integer <= extract(year from v_today)::integer + 1 then
    v_start := make_date(v_m[1]::integer, 1, 1);
    return tstzrange(v_start::timestamp at time zone 'UTC', (v_start + interval '1 year') at time zone 'UTC');
  end if;
  return null;
end
$_$;

REVOKE ALL ON FUNCTION private.query_period(text, timestamp with time zone) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.query_period(query text, at timestamp with time zone) IS 'The date or period a search query names, as a range of time in UTC, or null: a day (2023-11-16, 11/16/2023, 16 November 2023, the 16th of November, November 16th), a month (November 2023, in November), a season (the summer of 2022, last summer), a quarter (Q3 2023), yesterday, today, last week / month / year, N days / weeks / months / years ago, a year. Without a year, the latest such day or month up to at.';

REVOKE ALL ON FUNCTION private.query_period(query text, at timestamp with time zone) FROM PUBLIC;

GRANT ALL ON FUNCTION private.query_period(query text, at timestamp with time zone) TO authenticated;

GRANT ALL ON FUNCTION private.query_period(query text, at timestamp with time zone) TO service_role;

CREATE FUNCTION public.search_memories(query text DEFAULT NULL::text, query_embedding extensions.vector DEFAULT NULL::extensions.vector, embedding_model text DEFAULT NULL::text, match_count integer DEFAULT 10, memory_types text[] DEFAULT NULL::text[], categories text[] DEFAULT NULL::text[], min_importance double precision DEFAULT NULL::double precision, created_after timestamp with time zone DEFAULT NULL::timestamp with time zone, created_before timestamp with time zone DEFAULT NULL::timestamp with time zone, user_id uuid DEFAULT NULL::uuid, touch boolean DEFAULT true, min_similarity double precision DEFAULT NULL::double precision) RETURNS TABLE(id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, source_conversation_id uuid, created_at timestamp with time zone, updated_at timestamp with time zone, text_rank integer, text_score real, vector_rank integer, vector_similarity double precision, rrf_score double precision, recency double precision, score double precision, matched_by text[], observed_at timestamp with time zone)
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
             f.matched_by, coalesce(m.observed_at, m.created_at) as observed_at
        from relevant f
        join private.memories_by_id(v_user, (select array_agg(relevant.id) from relevant)) m on m.id = f.id
    ),
    ranked as (
      select r.id, r.fact, r.memory_type, r.category, r.importance_score, r.confidence_score, r.metadata,
             r.source_conversation_id, r.created_at, r.updated_at, r.text_rank, r.text_score, r.vector_rank,
             r.vector_similarity, r.rrf_score, r.recency,
             r.rrf_score * (0.5 + 0.5 * r.importance_score) * (0.75 + 0.25 * r.recency) as score, r.matched_by,
             r.observed_at, coalesce(v_period @> r.observed_at, false) as said_then
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
           r.vector_similarity, r.rrf_score, r.recency, r.score, r.matched_by, r.observed_at
      from ranked r
     order by r.said_then desc, r.score desc, r.id;
end
$$;

REVOKE ALL ON FUNCTION public.search_memories(text, extensions.vector, text, integer, text[], text[], double precision, timestamp with time zone, timestamp with time zone, uuid, boolean, double precision) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.search_memories(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, touch boolean, min_similarity double precision) IS 'Hybrid search over the caller''s active, unexpired memories: full text (any of the query''s English lexemes, BM25) and, with a query embedding, match_memories (cosine, same model); fused by reciprocal rank (k = 60), then score = rrf * (0.5 + 0.5 * importance) * (0.75 + 0.25 * recency), recency halving every 30 days. When the query names a date or a period (private.query_period), memories said then (observed_at, else created_at) come first. A memory is returned only when it holds the text evidence the question needs (private.text_matches: half the weight of the question''s required words, a quarter with a name or an uncommon word; a date, a number or the kind of answer asked for is not required) or its similarity reaches the relevance floor (min_similarity, else the model''s in memory_model_settings); matched_by says which. Appends what it returned to memory_access_log unless touch is false.';

REVOKE ALL ON FUNCTION public.search_memories(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, touch boolean, min_similarity double precision) FROM PUBLIC;

GRANT ALL ON FUNCTION public.search_memories(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, touch boolean, min_similarity double precision) TO authenticated;

GRANT ALL ON FUNCTION public.search_memories(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, touch boolean, min_similarity double precision) TO service_role;

CREATE FUNCTION public.list_memories(page_size integer DEFAULT 20, before_created_at timestamp with time zone DEFAULT NULL::timestamp with time zone, before_id uuid DEFAULT NULL::uuid, user_id uuid DEFAULT NULL::uuid) RETURNS TABLE(id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, source_conversation_id uuid, version integer, has_embedding boolean, embedding_model text, created_at timestamp with time zone, updated_at timestamp with time zone, last_accessed_at timestamp with time zone, expires_at timestamp with time zone, observed_at timestamp with time zone)
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
           m.expires_at, coalesce(m.observed_at, m.created_at)
      from page m
      left join public.memory_access a on a.memory_id = m.id
     order by m.created_at desc, m.id desc;
end
$$;

REVOKE ALL ON FUNCTION public.list_memories(integer, timestamp with time zone, uuid, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.list_memories(page_size integer, before_created_at timestamp with time zone, before_id uuid, user_id uuid) IS 'The caller''s active, unexpired memories, newest first, page_size at a time; pass the last row''s created_at and id to get the next page. observed_at: when each was said (store_memory''s observed_at, else created_at).';

REVOKE ALL ON FUNCTION public.list_memories(page_size integer, before_created_at timestamp with time zone, before_id uuid, user_id uuid) FROM PUBLIC;

GRANT ALL ON FUNCTION public.list_memories(page_size integer, before_created_at timestamp with time zone, before_id uuid, user_id uuid) TO authenticated;

GRANT ALL ON FUNCTION public.list_memories(page_size integer, before_created_at timestamp with time zone, before_id uuid, user_id uuid) TO service_role;

DROP FUNCTION private.text_matches(uuid, text[], text[], text[], text[], integer, text[], text[], double precision, timestamp with time zone, timestamp with time zone);
DROP FUNCTION private.query_lexemes(text);

CREATE FUNCTION private.query_lexemes(query text) RETURNS TABLE(lexeme text, term text, optional boolean, distinctive boolean, asked boolean)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path TO ''
    AS $_$
declare
  -- How a question is put rather than what it asks about ("What did she say about ...", "Do you remember ...",
  -- "how many"): left out of the query, like filler.
  -- And after "how", a measure the answer states in numbers or times, never in the word: "How far did she run?"
  -- (21 km), "how often" (every Saturday). "How big is ..." asks about size, which a fact may say.
  v_measures text[] := array['far', 'long', 'often', 'soon'];
  v_asking text[] := array['say', 'tell', 'mention', 'talk', 'discuss', 'ask', 'share', 'recall', 'remember',
                           'happen', 'happened', 'know', 'knew', 'many', 'much'];
  -- What narrows a date without being one ("in late 2019").
  v_period text[] := array['late', 'early', 'mid', 'around'];
  v_auxiliaries text[] := array['is', 'are', 'was', 'were', 'do', 'does', 'did', 'has', 'have', 'had', 'will', 'would',
                                'can', 'could', 'should', 'might', 'may'];
  v_filler text[] := private.filler_words();
  v_values jsonb := private.value_words();
  v_ordinary jsonb := private.ordinary_words();
  v_forms jsonb := private.verb_forms();
  v_spellings jsonb := private.word_forms();
begin
  return query
    with words as (
      select w.*, coalesce(lag(w.word) over (order by w.n) = 'how', false) as after_how
        from (select r.raw, r.n,
                     regexp_replace(lower(regexp_replace(r.raw, '^[^[:alnum:]]+|[^[:alnum:]]+$', '', 'g')), '[''’]s$', '') as word
                from regexp_split_to_table(query, '[[:space:]]+') with ordinality r(raw, n)) w
    ),
    -- The kind of answer asked for, between "what", "which", "whose" or "how many" and the verb ("What colour is
    -- the bedroom?", "Which football club does he support?"): a fact says "dark blue", rarely "colour".
    asked as (
      select a.n as first, (select min(v.n) from words v where v.n > a.n and v.word = any (v_auxiliaries)) as verb
        from words a where a.word in ('what', 'which', 'whose', 'many', 'much') order by a.n limit 1
    ),
    judged as (
      select w.raw, w.word,
             -- Optional: names the kind of answer, or says when (a date, a period, a number, a time of day).
             exists (select 1 from asked a where w.n > a.first and w.n < coalesce(a.verb, a.first + 4)) as asked,
             private.says_when(w.word) or w.word = any (v_period) as dated,
             -- Distinctive: a name (capitalized inside a sentence) or a word outside everyday English (in its
             -- American spelling: the word list is American).
             private.capitalized_as_name(query, w.word, false)
               or not v_ordinary ? coalesce(substring(v_spellings ->> w.word from '^[a-z]+$'), w.word) as distinctive,
             coalesce(nullif(split_part(v_forms ->> w.word, ' ', 1), ''), w.word) as base,
             nullif(v_values ->> w.word, '') as family
        from words w
       where not (w.word = any (v_asking) or w.word = any (v_filler) or (w.after_how and w.word = any (v_measures)))
    ),
    -- Each word in the forms a memory may hold it in: an irregular verb's other forms ("broke" for "break") and
    -- the other names of a family member ("mum" for "mother"); to_tsvector's stemming sees the regular ones.
    forms as (
      select j.raw, j.asked, j.dated, j.distinctive, j.raw as form from judged j
      union
      select j.raw, j.asked, j.dated, j.distinctive, f.key from judged j
        join jsonb_each_text(v_forms) f on split_part(f.value, ' ', 1) = j.base
      union
      select j.raw, j.asked, j.dated, j.distinctive, v.key from judged j
        join jsonb_each_text(v_values) v on v.value = j.family and j.family like 'family:%'
    )
    select l.lexeme, min(t.lexeme), bool_and(f.asked or f.dated), bool_or(f.distinctive), bool_and(f.asked)
      from forms f
      cross join lateral (select min(x.lexeme) as lexeme from unnest(to_tsvector('english', f.raw)) x) t
      cross join lateral unnest(to_tsvector('english', f.form)) l
     where t.lexeme is not null
     group by l.lexeme;
end
$_$;

REVOKE ALL ON FUNCTION private.query_lexemes(text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.query_lexemes(query text) IS 'The lexemes of a search query and of the other forms of its words (irregular verb forms, the other names of a family member), each with the term of the query it stands for, whether it is optional (every word it comes from says when or how many, private.says_when, narrows a date, "late", or names the kind of answer asked for, "What colour is ...": a conversation rarely writes these down) and whether it is distinctive (a name, private.capitalized_as_name, or a word outside the everyday English of private.ordinary_words). The words that put a question ("say", "mention", "how many") and filler are left out. private.text_matches weighs the evidence of a memory by them.';

REVOKE ALL ON FUNCTION private.query_lexemes(query text) FROM PUBLIC;

GRANT ALL ON FUNCTION private.query_lexemes(query text) TO authenticated;

GRANT ALL ON FUNCTION private.query_lexemes(query text) TO service_role;

CREATE FUNCTION private.text_matches(target uuid, lexemes text[], terms text[], optional_terms text[], distinctive_terms text[], asked_terms text[], match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone) RETURNS TABLE(id uuid, text_score real, text_rank integer, qualified boolean)
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
               and (created_before is null or m.created_at < created_before) as wanted
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

REVOKE ALL ON FUNCTION private.text_matches(uuid, text[], text[], text[], text[], text[], integer, text[], text[], double precision, timestamp with time zone, timestamp with time zone) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.text_matches(target uuid, lexemes text[], terms text[], optional_terms text[], distinctive_terms text[], asked_terms text[], match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone) IS 'The text leg of search_memories: the user''s active, unexpired memories holding any of the query''s lexemes (terms: a query word in any of its forms), BM25 first, each marked qualified when it holds the evidence a question needs: a required term or two terms, and half of the idf of the required informative terms (those in at most half of the user''s memories, counting two more that lack them), or a quarter with a distinctive term. Optional terms (private.query_lexemes: dates, the kind of answer asked for) add to the memories that hold them and are not required; when no required term is informative, the kind of answer asked for is.';

REVOKE ALL ON FUNCTION private.text_matches(target uuid, lexemes text[], terms text[], optional_terms text[], distinctive_terms text[], asked_terms text[], match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone) FROM PUBLIC;

GRANT ALL ON FUNCTION private.text_matches(target uuid, lexemes text[], terms text[], optional_terms text[], distinctive_terms text[], asked_terms text[], match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone) TO authenticated;

GRANT ALL ON FUNCTION private.text_matches(target uuid, lexemes text[], terms text[], optional_terms text[], distinctive_terms text[], asked_terms text[], match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone) TO service_role;

CREATE FUNCTION public.store_memory(fact text, memory_type text DEFAULT 'fact'::text, category text DEFAULT NULL::text, importance_score double precision DEFAULT 0.5, confidence_score double precision DEFAULT 0.5, source_conversation_id uuid DEFAULT NULL::uuid, metadata jsonb DEFAULT '{}'::jsonb, embedding extensions.vector DEFAULT NULL::extensions.vector, embedding_model text DEFAULT NULL::text, expires_at timestamp with time zone DEFAULT NULL::timestamp with time zone, idempotency_key text DEFAULT NULL::text, user_id uuid DEFAULT NULL::uuid, duplicate_threshold double precision DEFAULT NULL::double precision, on_conflict text DEFAULT 'keep'::text, observed_at timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(id uuid, status text, version integer, sighting_id uuid, related jsonb, relation text)
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
           v_thresholds.jaccard, v_thresholds.cosine) c;
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
      source_conversation_id, metadata, embedding, embedding_model, expires_at, observed_at)
    values (v_user, v_fact, store_memory.memory_type, store_memory.category, store_memory.importance_score,
      store_memory.confidence_score, store_memory.source_conversation_id, store_memory.metadata,
      store_memory.embedding, store_memory.embedding_model, store_memory.expires_at, store_memory.observed_at)
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

REVOKE ALL ON FUNCTION public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamp with time zone, text, uuid, double precision, text, timestamp with time zone) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.store_memory(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, source_conversation_id uuid, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, idempotency_key text, user_id uuid, duplicate_threshold double precision, on_conflict text, observed_at timestamp with time zone) IS 'Stores a statement for the caller in one transaction and says how it stands to what is known (relation): duplicate (the same meaning, read through contractions, spellings, number formats, filler and moved phrases: merged, the statement kept as a sighting; status duplicate), refines (the fact with a detail added: a new version of that memory, the previous text in its history; status refined), conflicts (a value, a role or order, a tense, a polarity, a comparison or a quantity differs: a new memory, status distinct; or, with on_conflict => ''supersede'', a new version of the memory it conflicts with, status superseded) or new (status created). related names each memory refined or conflicting, [{id, similarity, reason, relation}]. Validates first (SQLSTATE 23514/22023), refuses active memories past the quota (PT507); an idempotency key replays the first outcome. observed_at: when the statement was said (a conversation turn''s time; default the time of the store), kept on the memory, its new version or its sighting (23514 when later than a day from now).';

REVOKE ALL ON FUNCTION public.store_memory(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, source_conversation_id uuid, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, idempotency_key text, user_id uuid, duplicate_threshold double precision, on_conflict text, observed_at timestamp with time zone) FROM PUBLIC;

GRANT ALL ON FUNCTION public.store_memory(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, source_conversation_id uuid, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, idempotency_key text, user_id uuid, duplicate_threshold double precision, on_conflict text, observed_at timestamp with time zone) TO authenticated;

GRANT ALL ON FUNCTION public.store_memory(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, source_conversation_id uuid, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, idempotency_key text, user_id uuid, duplicate_threshold double precision, on_conflict text, observed_at timestamp with time zone) TO service_role;

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
      merged_memory_id, similarity, observed_at)
    -- When the absorbed memory was said stays with it: the sighting's seen_at is the time of the merge.
    select target, a.keeper, m.fact, m.memory_type, m.category, m.importance_score, m.confidence_score, m.metadata,
           m.source_conversation_id, m.embedding, m.embedding_model, m.expires_at, 'absorbed', m.id, a.similarity,
           coalesce(m.observed_at, m.created_at)
      from unnest(absorbed, keepers, similarities) as a(id, keeper, similarity)
      join public.user_memories m on m.id = a.id and m.user_id = target
    returning s.merged_memory_id, s.id;
end
$$;


COMMENT ON FUNCTION private.absorb_memories(target uuid, absorbed uuid[], keepers uuid[], similarities double precision[]) IS 'Records each absorbed memory as a sighting on its keeper and moves its sightings there (same user).';




CREATE OR REPLACE FUNCTION private.merge_statement(target_user uuid, match_id uuid, statement_row public.user_memories, similarity double precision, idempotency_key text) RETURNS TABLE(id uuid, version integer, sighting_id uuid)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_existing public.user_memories;
  v_kept public.user_memories;
  v_id uuid;
  v_version integer;
  v_sighting uuid;
begin
  select m.* into v_existing from public.user_memories m where m.id = match_id for no key update;
  if private.keep_order(v_existing.importance_score, v_existing.created_at)
     <= private.keep_order(statement_row.importance_score, statement_row.created_at) then
    -- The existing memory stays and takes what the merge keeps; the statement is kept as a sighting on it.
    v_kept := private.merged_memory(v_existing, array[statement_row]);
    update public.user_memories m
       set importance_score = v_kept.importance_score, confidence_score = v_kept.confidence_score,
           metadata = v_kept.metadata, expires_at = v_kept.expires_at, category = v_kept.category,
           source_conversation_id = v_kept.source_conversation_id, embedding = v_kept.embedding,
           embedding_model = v_kept.embedding_model, last_accessed_at = now()
     where m.id = v_existing.id;
    v_sighting := private.record_sighting(target_user, v_existing.id, statement_row, similarity, idempotency_key);
    return query select v_existing.id, v_existing.version, v_sighting;
    return;
  end if;
  -- The statement is the more important: it becomes the memory, and the old one a sighting on it.
  v_kept := private.merged_memory(statement_row, array[v_existing]);
  update public.user_memories m set is_active = false where m.id = v_existing.id;
  insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
    source_conversation_id, metadata, embedding, embedding_model, expires_at, last_accessed_at, observed_at)
  values (target_user, statement_row.fact, v_kept.memory_type, v_kept.category, v_kept.importance_score, v_kept.confidence_score,
    v_kept.source_conversation_id, v_kept.metadata, v_kept.embedding, v_kept.embedding_model, v_kept.expires_at, now(),
    statement_row.observed_at)
  returning user_memories.id, user_memories.version into v_id, v_version;
  select a.sighting_id into v_sighting
    from private.absorb_memories(target_user, array[v_existing.id], array[v_id], array[similarity]) a;
  -- Duplicate chains stay one link long.
  update public.user_memories m set duplicate_of = v_id
   where m.user_id = target_user and (m.id = v_existing.id or m.duplicate_of = v_existing.id);
  return query select v_id, v_version, v_sighting;
end
$$;


COMMENT ON FUNCTION private.merge_statement(target_user uuid, match_id uuid, statement_row public.user_memories, similarity double precision, idempotency_key text) IS 'store_memory''s merge, under the user''s lock: the statement and the duplicate it meets; the more important stays (on a tie the memory already there, whose id the caller holds) and takes what the merge keeps, the other is kept as a sighting on it. Returns the memory''s id and version and the sighting''s id.';



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
    origin, similarity, observed_at)
  values (target, record_sighting.memory_id, statement.fact, statement.memory_type, statement.category,
    statement.importance_score, statement.confidence_score, statement.metadata, statement.source_conversation_id,
    statement.embedding, statement.embedding_model, statement.expires_at, record_sighting.idempotency_key, 'store',
    record_sighting.similarity, statement.observed_at)
  returning id into v_id;
  return v_id;
end
$$;


COMMENT ON FUNCTION private.record_sighting(target uuid, memory_id uuid, statement public.user_memories, similarity double precision, idempotency_key text) IS 'Records a store_memory statement that merged into a memory of the target user; returns the sighting id.';




CREATE OR REPLACE FUNCTION private.store_version(target uuid, memory uuid, statement public.user_memories) RETURNS TABLE(id uuid, version integer)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_old public.user_memories := private.active_memory_for_update(target, memory);
  v_kept public.user_memories := private.merged_memory(statement, array[v_old]);
begin
  update public.user_memories m set is_active = false where m.id = v_old.id;
  -- The statement's text and embedding (the old embedding is of the old text); the rest as a merge keeps it.
  insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
    source_conversation_id, metadata, embedding, embedding_model, expires_at, version, previous_version_id, observed_at)
  values (target, statement.fact, statement.memory_type, v_kept.category, v_kept.importance_score, v_kept.confidence_score,
    v_kept.source_conversation_id, v_kept.metadata, statement.embedding, statement.embedding_model, v_kept.expires_at,
    v_old.version + 1, v_old.id, statement.observed_at)
  returning user_memories.id, user_memories.version into id, version;
  perform private.move_sightings(target, array[v_old.id], array[id]);
  return next;
end
$$;


COMMENT ON FUNCTION private.store_version(target uuid, memory uuid, statement public.user_memories) IS 'store_memory''s new version of a memory the statement refines or supersedes (under the user''s lock): the statement''s text and embedding, version + 1 linked to the previous one (deactivated, its text in memory_history), the rest kept as a merge keeps it; the sightings move along. PT404/PT409 as active_memory_for_update.';



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

  select m.id into v_same from public.user_memories m
   where m.user_id = v_user and m.is_active and md5(public.fact_key(m.fact)) = md5(public.fact_key(v_sighting.fact))
     and m.id is distinct from v_sighting.merged_memory_id;
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
      source_conversation_id, metadata, embedding, embedding_model, expires_at, observed_at)
    values (v_user, v_sighting.fact, v_sighting.memory_type, v_sighting.category, v_sighting.importance_score,
      v_sighting.confidence_score, v_sighting.source_conversation_id, v_sighting.metadata, v_sighting.embedding,
      v_sighting.embedding_model, v_sighting.expires_at, coalesce(v_sighting.observed_at, v_sighting.seen_at))
    returning user_memories.id, user_memories.version into v_id, v_version;
  end if;
  perform private.mark_unmerged(v_user, v_sighting.id, v_id);
  return query select v_id, 'unmerged'::text, v_version, v_sighting.id, v_sighting.memory_id;
end
$$;


COMMENT ON FUNCTION public.unmerge_memory(merged_id uuid, user_id uuid) IS 'Undoes a merge: the sighting with this id, or the memory that deduplication (or a store) marked as a duplicate, becomes an active memory of its own again, within the quota (PT507); deduplication never merges the two again. Idempotent. PT404 unknown id, PT409 when an active memory already has the same text or the statement expired.';




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

  insert into public.conversations (id, user_id, title, metadata, started_at, last_message_at, created_at, updated_at)
  select r.id, target, r.title, coalesce(r.metadata, '{}'), r.started_at, r.last_message_at, r.created_at, r.updated_at
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
                    and md5(public.fact_key(m.fact)) = md5(public.fact_key(r.fact))) as existing
      from rows r
  ), inserted as (
    insert into public.user_memories (id, user_id, fact, memory_type, category, importance_score, confidence_score,
      is_active, duplicate_of, source_conversation_id, version, previous_version_id, metadata, created_at, updated_at,
      last_accessed_at, expires_at, observed_at)
    select p.id, target, p.fact, p.memory_type, p.category, p.importance_score, p.confidence_score,
           p.is_active and p.existing is null, coalesce(p.existing, p.duplicate_of), p.source_conversation_id,
           p.version, p.previous_version_id, coalesce(p.metadata, '{}'), p.created_at, p.updated_at,
           p.last_accessed_at, p.expires_at, p.observed_at
      from placed p
     order by p.version, p.created_at
    returning 1
  )
  select (select count(*) from inserted), (select count(*) from placed p where p.existing is not null)
    into v_count, v_merged;
  return query select 'user_memories', v_count, jsonb_array_length(document->'memories') - v_count, v_merged;

  insert into public.memory_sightings (id, user_id, memory_id, fact, memory_type, category, importance_score,
    confidence_score, metadata, source_conversation_id, expires_at, idempotency_key, origin,
    merged_memory_id, similarity, seen_at, unmerged_at, unmerged_memory_id, observed_at)
  select r.id, target, r.memory_id, r.fact, r.memory_type, r.category, r.importance_score, r.confidence_score,
         coalesce(r.metadata, '{}'), r.source_conversation_id, r.expires_at, r.idempotency_key, r.origin,
         r.merged_memory_id, r.similarity, r.seen_at, r.unmerged_at, r.unmerged_memory_id, r.observed_at
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


COMMENT ON FUNCTION private.import_user_rows(target uuid, document jsonb) IS 'import_user_data''s writing step, for a target user it has already checked: inserts the document''s rows for that user, skipping rows already present, keeping an active memory that repeats one of the user''s as its duplicate, and refusing (23505) rows that belong to another user.';


