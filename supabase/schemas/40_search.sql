-- Reading memories: the text and vector legs of search, their fusion, and the paged list.
-- The current definition of each object; migrations are produced from these (docs/architecture.md).
-- Bodies are checked when they run, not when they are created (as pg_dump does): a function may call one
-- defined further down, or in a later file.
set check_function_bodies = off;

CREATE FUNCTION private.own_index_name(target uuid) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  select 'user_memories_embedding_' || pg_catalog.replace(target::text, '-', '')
$$;
REVOKE ALL ON FUNCTION private.own_index_name(uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.own_index_name(target uuid) IS 'The name of a user''s own HNSW index of user_memories.';

CREATE FUNCTION private.own_index_owner(index_name text) RETURNS uuid
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  select o.owner from (select pg_catalog.substring(index_name, '([0-9a-f]{32})$')::uuid as owner) o
   where private.own_index_name(o.owner) = index_name
$$;
REVOKE ALL ON FUNCTION private.own_index_owner(text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.own_index_owner(index_name text) IS 'The user whose own index this is (the inverse of own_index_name), or null for any other index.';

CREATE FUNCTION private.has_own_index(target uuid) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select exists (
    select 1 from pg_catalog.pg_index i join pg_catalog.pg_class c on c.oid = i.indexrelid
     where i.indrelid = 'public.user_memories'::regclass and c.relname = private.own_index_name(target)
       and i.indisvalid and i.indisready)
$$;
REVOKE ALL ON FUNCTION private.has_own_index(uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.has_own_index(target uuid) IS 'Whether the user has a valid index of their own: a concurrent build that failed leaves an invalid one, which no search may count on.';

CREATE FUNCTION private.memories_by_id(target uuid, ids uuid[]) RETURNS SETOF public.user_memories
    LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 80
    SET search_path TO ''
    AS $$
declare
  v_checked uuid := private.acting_user(target);
begin
  return query select m.* from public.user_memories m where m.id = any (ids) and m.user_id = target;
end
$$;
REVOKE ALL ON FUNCTION private.memories_by_id(uuid, uuid[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.memories_by_id(target uuid, ids uuid[]) IS 'The user''s memories with the given ids (primary-key lookups); the final fetch of search_memories.';

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

CREATE FUNCTION private.in_scope(memory_agent_id text, memory_run_id text, agent_id text, run_id text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$
  select (agent_id is null or memory_agent_id = agent_id) and (run_id is null or memory_run_id = run_id)
$$;
REVOKE ALL ON FUNCTION private.in_scope(text, text, text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.in_scope(memory_agent_id text, memory_run_id text, agent_id text, run_id text) IS 'Whether a row of a scope (memory_agent_id, memory_run_id) is in the scope asked for: each key given must match; a key left out matches any.';

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

GRANT ALL ON FUNCTION private.filtered_ids(target uuid, agent_id text, run_id text, metadata_filter jsonb) TO service_role;

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

GRANT ALL ON FUNCTION private.validate_filter(agent_id text, run_id text, metadata_filter jsonb) TO service_role;

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

GRANT ALL ON FUNCTION private.memories_shown(target uuid, ids uuid[]) TO service_role;

CREATE FUNCTION public.get_memory(memory_id uuid, user_id uuid DEFAULT NULL::uuid) RETURNS TABLE(id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, source_conversation_id uuid, version integer, has_embedding boolean, embedding_model text, created_at timestamp with time zone, updated_at timestamp with time zone, last_accessed_at timestamp with time zone, expires_at timestamp with time zone, observed_at timestamp with time zone, agent_id text, run_id text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
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

GRANT ALL ON FUNCTION private.list_memories(page_size integer, before_created_at timestamp with time zone, before_id uuid, user_id uuid, agent text, run text, metadata_filter jsonb) TO service_role;

CREATE FUNCTION public.list_memories(page_size integer DEFAULT 20, before_created_at timestamp with time zone DEFAULT NULL::timestamp with time zone, before_id uuid DEFAULT NULL::uuid, user_id uuid DEFAULT NULL::uuid, agent_id text DEFAULT NULL::text, run_id text DEFAULT NULL::text, metadata_filter jsonb DEFAULT NULL::jsonb) RETURNS TABLE(id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, source_conversation_id uuid, version integer, has_embedding boolean, embedding_model text, created_at timestamp with time zone, updated_at timestamp with time zone, last_accessed_at timestamp with time zone, expires_at timestamp with time zone, observed_at timestamp with time zone, agent_id text, run_id text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  -- The body is private.list_memories: a PL/pgSQL function cannot name a parameter as a column it returns.
  select * from private.list_memories(page_size, before_created_at, before_id, user_id, agent_id, run_id, metadata_filter)
$$;
REVOKE ALL ON FUNCTION public.list_memories(integer, timestamp with time zone, uuid, uuid, text, text, jsonb) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.list_memories(page_size integer, before_created_at timestamp with time zone, before_id uuid, user_id uuid, agent_id text, run_id text, metadata_filter jsonb) IS 'The caller''s active, unexpired memories, newest first, page_size at a time; pass the last row''s created_at and id to get the next page. observed_at: when each was said (store_memory''s observed_at, else created_at). agent_id, run_id and metadata_filter keep to a scope and to memories whose metadata contains the filter, as in search_memories.';

CREATE FUNCTION public.match_memories(query_embedding extensions.vector, embedding_model text, match_count integer DEFAULT 10, memory_types text[] DEFAULT NULL::text[], categories text[] DEFAULT NULL::text[], min_importance double precision DEFAULT NULL::double precision, created_after timestamp with time zone DEFAULT NULL::timestamp with time zone, created_before timestamp with time zone DEFAULT NULL::timestamp with time zone, user_id uuid DEFAULT NULL::uuid, agent_id text DEFAULT NULL::text, run_id text DEFAULT NULL::text, metadata_filter jsonb DEFAULT NULL::jsonb) RETURNS TABLE(id uuid, similarity double precision, rank integer)
    LANGUAGE plpgsql STABLE ROWS 40 SECURITY DEFINER
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

CREATE FUNCTION private.validate_search_input(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], min_importance double precision, min_similarity double precision, created_after timestamp with time zone, created_before timestamp with time zone) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
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
  if (query_embedding is null) <> (embedding_model is null) then
    raise exception 'query_embedding and embedding_model go together: give both or neither'
      using errcode = '22023', column = 'embedding_model';
  end if;
  if query_embedding is not null and extensions.vector_dims(query_embedding) <> public.embedding_dimensions() then
    raise exception 'query_embedding must have % dimensions, not %', public.embedding_dimensions(), extensions.vector_dims(query_embedding)
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
end
$$;
REVOKE ALL ON FUNCTION private.validate_search_input(text, extensions.vector, text, integer, text[], double precision, double precision, timestamp with time zone, timestamp with time zone) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.validate_search_input(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], min_importance double precision, min_similarity double precision, created_after timestamp with time zone, created_before timestamp with time zone) IS 'search_memories'' input rules, each broken one raised with SQLSTATE 22023 (22000 for an embedding of another dimension) and the parameter''s name as the column.';

GRANT ALL ON FUNCTION private.validate_search_input(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], min_importance double precision, min_similarity double precision, created_after timestamp with time zone, created_before timestamp with time zone) TO service_role;

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

GRANT ALL ON FUNCTION private.search_memories(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, touch boolean, min_similarity double precision, agent text, run text, metadata_filter jsonb) TO service_role;

CREATE FUNCTION public.search_memories(query text DEFAULT NULL::text, query_embedding extensions.vector DEFAULT NULL::extensions.vector, embedding_model text DEFAULT NULL::text, match_count integer DEFAULT 10, memory_types text[] DEFAULT NULL::text[], categories text[] DEFAULT NULL::text[], min_importance double precision DEFAULT NULL::double precision, created_after timestamp with time zone DEFAULT NULL::timestamp with time zone, created_before timestamp with time zone DEFAULT NULL::timestamp with time zone, user_id uuid DEFAULT NULL::uuid, touch boolean DEFAULT true, min_similarity double precision DEFAULT NULL::double precision, agent_id text DEFAULT NULL::text, run_id text DEFAULT NULL::text, metadata_filter jsonb DEFAULT NULL::jsonb) RETURNS TABLE(id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, source_conversation_id uuid, created_at timestamp with time zone, updated_at timestamp with time zone, text_rank integer, text_score real, vector_rank integer, vector_similarity double precision, rrf_score double precision, recency double precision, score double precision, matched_by text[], observed_at timestamp with time zone, agent_id text, run_id text)
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  -- The body is private.search_memories: a PL/pgSQL function cannot name a parameter as a column it returns.
  select * from private.search_memories(query, query_embedding, embedding_model, match_count, memory_types, categories,
    min_importance, created_after, created_before, user_id, touch, min_similarity, agent_id, run_id, metadata_filter)
$$;
REVOKE ALL ON FUNCTION public.search_memories(text, extensions.vector, text, integer, text[], text[], double precision, timestamp with time zone, timestamp with time zone, uuid, boolean, double precision, text, text, jsonb) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.search_memories(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, touch boolean, min_similarity double precision, agent_id text, run_id text, metadata_filter jsonb) IS 'Hybrid search over the caller''s active, unexpired memories: full text (any of the query''s English lexemes, BM25) and, with a query embedding, match_memories (cosine, same model); fused by reciprocal rank (k = 60), then score = rrf * (0.5 + 0.5 * importance) * (0.75 + 0.25 * recency), recency halving every 30 days. When the query names a date or a period (private.query_period), memories said then (observed_at, else created_at) come first. A memory is returned only when it holds the text evidence the question needs (private.text_matches: half the weight of the question''s required words, a quarter with a name or an uncommon word; a date, a number or the kind of answer asked for is not required) or its similarity reaches the relevance floor (min_similarity, else the model''s in memory_model_settings); matched_by says which. Appends what it returned to memory_access_log unless touch is false. agent_id, run_id: only that scope''s memories (each given key must match; omitted, any); metadata_filter: only memories whose metadata contains it (jsonb @>: equality on keys, nested objects and array members).';

REVOKE ALL ON FUNCTION private.memories_by_id(target uuid, ids uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION private.memories_by_id(target uuid, ids uuid[]) TO service_role;

REVOKE ALL ON FUNCTION private.nearest_memories(target uuid, query_embedding extensions.vector, embedding_model text, match_count integer, candidates integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, agent_id text, run_id text, metadata_filter jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION private.nearest_memories(target uuid, query_embedding extensions.vector, embedding_model text, match_count integer, candidates integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, agent_id text, run_id text, metadata_filter jsonb) TO service_role;

REVOKE ALL ON FUNCTION private.text_matches(target uuid, lexemes text[], terms text[], optional_terms text[], distinctive_terms text[], asked_terms text[], match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, agent_id text, run_id text, metadata_filter jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION private.text_matches(target uuid, lexemes text[], terms text[], optional_terms text[], distinctive_terms text[], asked_terms text[], match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, agent_id text, run_id text, metadata_filter jsonb) TO service_role;

REVOKE ALL ON FUNCTION public.list_memories(page_size integer, before_created_at timestamp with time zone, before_id uuid, user_id uuid, agent_id text, run_id text, metadata_filter jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.list_memories(page_size integer, before_created_at timestamp with time zone, before_id uuid, user_id uuid, agent_id text, run_id text, metadata_filter jsonb) TO authenticated;
GRANT ALL ON FUNCTION public.list_memories(page_size integer, before_created_at timestamp with time zone, before_id uuid, user_id uuid, agent_id text, run_id text, metadata_filter jsonb) TO service_role;

REVOKE ALL ON FUNCTION public.match_memories(query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, agent_id text, run_id text, metadata_filter jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.match_memories(query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, agent_id text, run_id text, metadata_filter jsonb) TO authenticated;
GRANT ALL ON FUNCTION public.match_memories(query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, agent_id text, run_id text, metadata_filter jsonb) TO service_role;

REVOKE ALL ON FUNCTION public.search_memories(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, touch boolean, min_similarity double precision, agent_id text, run_id text, metadata_filter jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.search_memories(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, touch boolean, min_similarity double precision, agent_id text, run_id text, metadata_filter jsonb) TO authenticated;
GRANT ALL ON FUNCTION public.search_memories(query text, query_embedding extensions.vector, embedding_model text, match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone, user_id uuid, touch boolean, min_similarity double precision, agent_id text, run_id text, metadata_filter jsonb) TO service_role;

REVOKE ALL ON FUNCTION private.query_lexemes(query text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.query_lexemes(query text) TO service_role;

REVOKE ALL ON FUNCTION private.query_period(query text, at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION private.query_period(query text, at timestamp with time zone) TO service_role;
