-- The rules on a fact's text, shared by storing, deduplication and search: its normal form and key,
-- its word set, word Jaccard, and the value guard (two facts that differ in a value are never duplicates).
-- The current definition of each object; migrations are produced from these (docs/architecture.md).
-- Bodies are checked when they run, not when they are created (as pg_dump does): a function may call one
-- defined further down, or in a later file.
set check_function_bodies = off;

--
-- The merge rule's last word, for storing and for deduplication alike: two similar facts are duplicates unless the
-- value guard names a difference; a word put in place of another yields only to the same model's cosine.
--

CREATE FUNCTION private.guard_allows_merge(reason text, cosine double precision, cosine_threshold double precision) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$ select reason is null or (reason = 'word differs' and coalesce(cosine >= cosine_threshold, false)) $$;
REVOKE ALL ON FUNCTION private.guard_allows_merge(text, double precision, double precision) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.guard_allows_merge(reason text, cosine double precision, cosine_threshold double precision) IS 'Whether two similar facts may merge, given the value guard''s reason (private.value_difference) and their cosine between embeddings of one model (null otherwise): no difference, or only a word put in place of another with the cosine at the threshold. The one statement of this rule: store_memory (through duplicate_candidates) and deduplication (duplicate_pairs) both ask it.';

GRANT ALL ON FUNCTION private.guard_allows_merge(reason text, cosine double precision, cosine_threshold double precision) TO service_role;

--
-- An embedding as the tables hold it: the domain is the one place its dimension is written; every check of an
-- embedding's size and deduplication's Hamming bounds read it through embedding_dimensions().
--

CREATE DOMAIN public.embedding AS extensions.vector(384);

COMMENT ON DOMAIN public.embedding IS 'An embedding as user_memories and memory_sightings hold it; its dimension is read by public.embedding_dimensions().';

CREATE FUNCTION public.embedding_dimensions() RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
    SET search_path TO ''
    AS $$ select t.typtypmod from pg_catalog.pg_type t where t.oid = 'public.embedding'::pg_catalog.regtype $$;
REVOKE ALL ON FUNCTION public.embedding_dimensions() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.embedding_dimensions() IS 'The dimension of the public.embedding domain (the type of user_memories.embedding and memory_sightings.embedding): what store_memory, search_memories and match_memories require of an embedding, and what deduplication''s Hamming bounds are computed on. Callable by signed-in users.';

GRANT ALL ON FUNCTION public.embedding_dimensions() TO authenticated;
GRANT ALL ON FUNCTION public.embedding_dimensions() TO service_role;

--
-- The kinds of memory: the one list the tables' checks, store_memory's validation and search's filter read.
--

CREATE FUNCTION public.memory_types() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY DEFINER
    SET search_path TO ''
    AS $$ select array['person', 'preference', 'event', 'topic', 'fact', 'emotion'] $$;
REVOKE ALL ON FUNCTION public.memory_types() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.memory_types() IS 'The kinds of memory a memory_type may name: person, preference, event, topic, fact, emotion. Read by the tables'' checks, store_memory and search_memories; callable by signed-in users, so a client can list them.';

GRANT ALL ON FUNCTION public.memory_types() TO authenticated;
GRANT ALL ON FUNCTION public.memory_types() TO service_role;

CREATE FUNCTION public.fact_words(fact text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select coalesce(array_agg(distinct w order by w), '{}')
    from regexp_split_to_table(public.normalize_fact(fact), ' ') as w
   where w <> ''
$$;
REVOKE ALL ON FUNCTION public.fact_words(text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.fact_words(fact text) IS 'The distinct words of a fact (normalized), sorted: the sets whose Jaccard similarity finds reworded duplicates.';


SET default_tablespace = '';

SET default_table_access_method = heap;

CREATE FUNCTION private.capitalized_as_name(fact text, word text, may_open boolean) RETURNS boolean
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
  -- An empty word is found everywhere and nowhere advances the search.
  if word = '' then
    return false;
  end if;
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
REVOKE ALL ON FUNCTION private.capitalized_as_name(text, text, boolean) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.capitalized_as_name(fact text, word text, may_open boolean) IS 'Whether a word appears capitalized in a fact as a name would: inside a sentence, or opening one when may_open and it is not inflected like a verb.';

CREATE FUNCTION private.filler_words() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$
  select array[
    -- articles: "the user" and "user" say the same
    'a', 'an', 'the',
    -- emphasis and hedges that add no fact
    'really', 'actually', 'honestly', 'basically', 'definitely', 'just', 'truly', 'certainly', 'literally', 'simply',
    'indeed', 'totally', 'absolutely', 'quite', 'very', 'so', 'also', 'too', 'surely', 'seriously', 'genuinely',
    'kinda', 'sorta', 'um', 'uh', 'oh', 'hey', 'well', 'yeah', 'ok', 'okay', 'fyi', 'btw', 'anyway', 'anyways',
    -- reporting: who said it is not part of the fact
    'apparently', 'mentioned', 'mentions', 'said', 'says', 'told', 'tells', 'stated', 'states', 'noted', 'notes',
    'claims', 'claimed', 'reports', 'reported', 'shared',
    -- "now" and "currently" restate the present tense every statement has
    'now', 'currently', 'nowadays', 'presently', 'lately']
$$;
REVOKE ALL ON FUNCTION private.filler_words() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.filler_words() IS 'Words a statement can carry without changing its fact (articles, emphasis, reporting verbs, "now"): private.fact_tokens leaves them out, so "Honestly, the user really enjoys jazz" and "User enjoys jazz" are one fact.';

GRANT ALL ON FUNCTION private.filler_words() TO service_role;

CREATE FUNCTION private.fact_tokens(fact text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $_$
declare
  v_forms jsonb := private.word_forms();
  v_values jsonb := private.value_words();
  v_filler text[] := private.filler_words();
  v_text text;
  v_raw text;
  v_base text;
  v_suffix text;
  v_parts text[];
  v_part text;
  v_word text;
  v_value text;
  v_hour integer;
  v_out text[] := '{}'::text[];
  v_tens boolean := false;
begin
  v_text := lower(translate(fact, '’‘`´', ''''''''''));
  -- Times and amounts written in one piece: "9am", "9 a.m.", "3,000".
  v_text := regexp_replace(v_text, '\m([ap])\.m\.?', '\1m', 'g');
  v_text := regexp_replace(v_text, '([[:digit:]])(am|pm)\M', '\1 \2', 'g');
  v_text := regexp_replace(v_text, '([[:digit:]]),([[:digit:]]{3})\M', '\1\2', 'g');
  v_text := regexp_replace(v_text, 'o''clock', ' ', 'g');
  v_text := replace(v_text, '&', ' and ');
  -- Filler of more than one word ("to be honest", "by the way"): no part of the fact.
  v_text := regexp_replace(v_text, '\m(to be (honest|fair|frank)|tbh|in fact|of course|by the way|btw|you know|i mean|i guess|as it happens)\M',
                           ' , ', 'g');
  -- A currency sign after its amount, where the unit's word goes: "$15" as "15 dollars".
  v_text := regexp_replace(v_text, '([$€£¥₹])[[:space:]]*([[:digit:]][[:digit:].]*)', '\2 \1', 'g');
  -- A day before its month ("12 September") as after it ("September 12").
  v_text := regexp_replace(v_text, '\m([[:digit:]]{1,2})(st|nd|rd|th)?(\s+of)?\s+(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\M',
                           '\4 \1', 'g');
  for v_raw in select m[1] from regexp_matches(v_text, '([[:digit:]]{1,2}:[[:digit:]]{2}|[[:alnum:]]+(?:''[[:alpha:]]+)*|[$€£¥₹%°]|[,;:()]|--|[[:space:]]-[[:space:]])', 'g') m loop
    v_parts := null;
    if v_raw ~ '^[$€£¥₹%°]$' then
      -- A sign is its unit's word: "$20" and "20 dollars" are one amount, "$20" and "€20" are not.
      v_parts := array[case v_raw when '$' then 'dollar' when '€' then 'euro' when '£' then 'gbp' when '¥' then 'yen'
                                  when '₹' then 'rupee' when '%' then 'percent' else 'degree' end];
    elsif v_raw !~ '[[:alnum:]]' then
      -- Where a clause or a phrase set off by commas ends: what the rules of order read.
      if v_out[cardinality(v_out)] is distinct from ',' and cardinality(v_out) > 0 then
        v_out := v_out || ','::text;
      end if;
      continue;
    elsif v_raw ~ '^[[:digit:]]{1,2}:[[:digit:]]{2}$' then
      -- A clock time: "09:00" and "9 am", "21:30" and "9 30 pm" are the same time.
      v_hour := split_part(v_raw, ':', 1)::integer;
      v_parts := array[case when v_hour % 12 = 0 then 12 else v_hour % 12 end::text];
      if split_part(v_raw, ':', 2) <> '00' then
        v_parts := v_parts || ltrim(split_part(v_raw, ':', 2), '0');
      end if;
      if v_hour >= 12 and v_hour <= 23 then
        v_parts := v_parts || 'pm'::text;
      elsif v_hour = 0 or v_raw ~ '^0' then
        v_parts := v_parts || 'am'::text;
      end if;
    elsif v_forms ? v_raw then
      v_parts := string_to_array(v_forms ->> v_raw, ' ');
    elsif v_raw ~ 'n''t$' then
      v_parts := array[left(v_raw, -3), 'not'];
    elsif v_raw ~ '''[[:alpha:]]+$' then
      v_base := substring(v_raw from '^(.*)''[[:alpha:]]+$');
      v_suffix := substring(v_raw from '''[[:alpha:]]+$');
      if v_forms ? v_suffix then
        v_parts := array[v_base] || string_to_array(v_forms ->> v_suffix, ' ');
      elsif v_suffix = '''s' and v_base in ('he', 'she', 'it', 'there', 'here', 'who', 'where', 'how', 'what', 'that', 'this') then
        v_parts := array[v_base, 'is'];
      elsif v_suffix = '''d' then
        v_parts := array[v_base, 'would'];
      else
        -- A possessive: "user's" is "user" and its "s", as normalize_fact splits it.
        v_parts := array[v_base, ltrim(v_suffix, '''')];
      end if;
    else
      v_parts := array[v_raw];
    end if;
    foreach v_part in array v_parts loop
      foreach v_word in array coalesce(string_to_array(coalesce(v_forms ->> v_part, v_part), ' '), '{}') loop
        v_word := replace(v_word, '''', '');
        continue when v_word = '' or v_word = any (v_filler);
        -- Numbers as digits, ordinals as their number: "two", "2"; "3rd", "third", "3".
        v_value := v_values ->> v_word;
        if v_value like 'number:%' and v_word !~ '^(primary|secondary|tertiary)$' then
          -- "thirty-four", "thirty four": one number, 34.
          if v_tens and substr(v_value, 8) ~ '^[1-9]$' then
            v_out[cardinality(v_out)] := (v_out[cardinality(v_out)]::integer + substr(v_value, 8)::integer)::text;
            v_tens := false;
            continue;
          end if;
          v_word := substr(v_value, 8);
          v_tens := v_word ~ '^[2-9]0$';
        elsif v_word ~ '^[[:digit:]]+(st|nd|rd|th)$' then
          v_word := substring(v_word from '^[[:digit:]]+');
          v_tens := false;
        elsif v_word ~ '^0[[:digit:]]+$' then
          v_word := ltrim(v_word, '0');
          v_tens := false;
        else
          v_tens := false;
        end if;
        v_out := v_out || v_word;
      end loop;
    end loop;
  end loop;
  -- "9 pm" written after a 24-hour time already read as pm.
  if v_out[cardinality(v_out)] = ',' then
    v_out := v_out[:cardinality(v_out) - 1];
  end if;
  return array(select t from unnest(v_out) with ordinality u(t, n)
                where not (t in ('am', 'pm') and n > 1 and v_out[n - 1] = t) order by n);
end
$_$;
REVOKE ALL ON FUNCTION private.fact_tokens(text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.fact_tokens(fact text) IS 'A fact''s words as the relation rules read it, in order, with a '','' where a comma, semicolon, colon or dash sets a phrase off: lower case, contractions expanded (private.word_forms), British spellings American, numbers as digits and ordinals as their number, clock times in one form (09:00 = 9:00 am = 9 am), filler words left out (private.filler_words).';

GRANT ALL ON FUNCTION private.fact_tokens(fact text) TO service_role;

CREATE FUNCTION private.relation_words() RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$
  select jsonb_object_agg(r.word, r.role) from (values
    -- What a phrase's first word says of the words after it; a word may say two things ('to' Lisbon, 'to' tea).
    ('from', 'source'), ('to', 'goal|alternative'), ('into', 'goal'), ('onto', 'goal'), ('towards', 'goal'),
    ('toward', 'goal'), ('over', 'alternative'), ('than', 'alternative'), ('instead', 'alternative'),
    ('rather', 'alternative'), ('versus', 'alternative'), ('vs', 'alternative'), ('before', 'before'),
    ('until', 'before'), ('till', 'before'), ('after', 'after'), ('since', 'after'), ('under', 'below'),
    ('below', 'below'), ('beneath', 'below'), ('above', 'above'), ('inside', 'inside'), ('within', 'inside'),
    ('outside', 'outside'), ('with', 'with'), ('without', 'without'), ('by', 'by'), ('for', 'for'),
    ('at', 'place'), ('in', 'place'), ('on', 'place'), ('near', 'place'), ('of', 'of'), ('about', 'about'),
    ('as', 'as'), ('across', 'place'), ('along', 'place'), ('among', 'place'), ('around', 'place'),
    ('during', 'time'), ('through', 'place'), ('throughout', 'place'), ('per', 'time'), ('via', 'place'),
    ('upon', 'place'), ('beside', 'place'), ('besides', 'place'), ('between', 'place'), ('behind', 'place'),
    ('beyond', 'place'), ('despite', 'despite'), ('except', 'except'), ('like', 'as'),
    -- Words that join clauses: each starts a clause of its own.
    ('and', 'clause'), ('or', 'clause'), ('but', 'clause'), ('while', 'clause'), ('whereas', 'clause'),
    ('although', 'clause'), ('though', 'clause'), ('because', 'clause'), ('yet', 'clause'), ('plus', 'clause'),
    ('when', 'clause'), ('whenever', 'clause'), ('if', 'clause'), ('unless', 'clause'),
    -- Words that open a time phrase before a time word ("every morning").
    ('every', 'opens time'), ('each', 'opens time'), ('last', 'opens time'), ('next', 'opens time'),
    -- Personal pronouns, as subject and object alike: who does what to whom is a role.
    ('him', 'pronoun he'), ('he', 'pronoun he'), ('her', 'pronoun she'), ('she', 'pronoun she'),
    ('them', 'pronoun they'), ('they', 'pronoun they'), ('me', 'pronoun i'), ('i', 'pronoun i'),
    ('us', 'pronoun we'), ('we', 'pronoun we')) as r(word, role)
$$;
REVOKE ALL ON FUNCTION private.relation_words() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.relation_words() IS 'The words that give the words after them a role (private.fact_roles): prepositions and comparators by what they say (source, goal, alternative, before, ...), the words that join clauses, the openers of time phrases, and the personal pronouns (one role whether subject or object).';

GRANT ALL ON FUNCTION private.relation_words() TO service_role;

CREATE FUNCTION private.is_time_word(word text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$
begin
  return coalesce(private.value_words() ->> word, '')
         ~ '^(date|frequency):|^amount:(times|hour|minute|second|day|week|fortnight|month|year|decade)$';
end
$$;
REVOKE ALL ON FUNCTION private.is_time_word(text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.is_time_word(word text) IS 'Whether a word says when or how often (a day, month, time of day, season, frequency or a unit of time): what a time phrase holds.';

GRANT ALL ON FUNCTION private.is_time_word(word text) TO service_role;

CREATE FUNCTION private.says_when(word text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$
begin
  return private.is_time_word(word)
         or coalesce(private.value_words() ->> word, '') ~ '^(number|meridiem):'
         -- "3", "3rd", "2023", "1990s"; "7/14/2022", "12:30", "2023-11-16"; "q3"
         or word ~ '^[[:digit:]]+(st|nd|rd|th|s)?$'
         or word ~ '^[[:digit:]]+([/.:-][[:digit:]]+)+$'
         or word ~ '^q[1-4]$';
end
$$;
REVOKE ALL ON FUNCTION private.says_when(text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.says_when(word text) IS 'Whether a word (lower case, punctuation trimmed) says when, how often or how many: a time word (private.is_time_word), a number in words or digits, an ordinal, a decade, a numeric date or clock time, am / pm, a quarter. What a question may name without any memory writing it down (private.query_lexemes).';

GRANT ALL ON FUNCTION private.says_when(word text) TO service_role;

CREATE FUNCTION private.fact_roles(tokens text[]) RETURNS TABLE(word text, clause integer, role text, core_order integer, segment integer)
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_relations jsonb := private.relation_words();
  v_values jsonb := private.value_words();
  v_t text[] := tokens;
  v_n integer := cardinality(tokens);
  v_word text;
  v_kind text;
  v_clause integer := 1;
  v_role text := 'core';
  v_filled boolean := false;
  v_core integer := 0;
  v_clause_core integer := 0;
  v_fronted boolean := false;
  v_time boolean;
  v_segment integer := 1;
  v_compared boolean := false;
begin
  -- Two words joined by "and" or "or" say the same in either order ("tea and coffee"): put them in one order.
  for i in 2 .. v_n - 1 loop
    -- Only where the second word ends the phrase: in "Lyon and studied in Paris" a clause starts.
    if v_t[i] in ('and', 'or') and private.is_content_word(v_t[i - 1]) and private.is_content_word(v_t[i + 1])
       and (i + 1 = v_n or v_t[i + 2] = ',' or v_relations ->> v_t[i + 2] = 'clause'
            or coalesce(v_values ->> v_t[i + 2], '') ~ '^(date|frequency):') then
      if v_t[i - 1] > v_t[i + 1] then
        v_word := v_t[i - 1];
        v_t[i - 1] := v_t[i + 1];
        v_t[i + 1] := v_word;
      end if;
      v_t[i] := '&';
    end if;
  end loop;
  for i in 1 .. v_n loop
    v_word := v_t[i];
    v_kind := v_relations ->> v_word;
    continue when v_word = '&';
    if v_word = ',' then
      v_role := 'core';
      v_fronted := false;
      v_compared := false;
      v_segment := v_segment + 1;
      continue;
    elsif v_kind = 'clause' then
      v_clause := v_clause + 1;
      v_compared := false;
      v_segment := v_segment + 1;
      v_role := 'core';
      v_filled := false;
      v_fronted := false;
      v_clause_core := 0;
      continue;
    end if;
    v_time := private.is_time_word(v_word);
    -- "rather" compares only before "than"; "instead of" is one word.
    if v_word = 'rather' and v_t[i + 1] is distinct from 'than' then
      v_kind := null;
    elsif v_word = 'of' and v_t[i - 1] = 'instead' then
      continue;
    end if;
    -- Where a phrase ends without a word to say so: a time phrase with its time words and numbers ("every morning
    -- drinks coffee"), a phrase before the clause's subject after one word unless a comma closes it ("In Lisbon the
    -- user").
    if v_role <> 'core' and v_filled and (v_kind is null or v_kind like 'pronoun %') then
      if v_role = 'time' then
        if not (v_time or v_word ~ '^[[:digit:]]' or coalesce(v_values ->> v_word, '') ~ '^(number|amount):') then
          v_role := 'core';
        end if;
      elsif v_fronted and ',' <> all (v_t[i:]) and not (v_time or v_word ~ '^[[:digit:]]') then
        v_role := 'core';
      end if;
    end if;
    if v_kind = 'opens time' then
      if private.is_time_word(v_t[i + 1]) or v_t[i + 1] ~ '^[[:digit:]]' then
        v_role := 'time';
        v_filled := false;
        v_fronted := v_clause_core = 0;
      end if;
      continue;
    elsif v_kind like 'pronoun %' then
      v_word := substr(v_kind, 9);
    elsif v_kind is not null then
      v_role := v_kind;
      v_filled := false;
      v_fronted := v_clause_core = 0;
      -- What a comparison sets against ("over", "than", or "to" after a preference) reaches the phrases after it:
      -- "from home to working at the office", "at night to working in the morning".
      if v_kind = 'alternative' or (v_kind = 'goal|alternative'
                                    and exists (select 1 from unnest(v_t[:i]) p where p like 'prefer%')) then
        v_compared := true;
      end if;
      continue;
    elsif not private.is_content_word(v_word) then
      continue;
    end if;
    -- A time word after the words of a phrase starts a time phrase ("of medication every morning"), and so does a
    -- number before one ("three times a week", "twice a year").
    if v_role <> 'time' and ((v_time and (v_role in ('core', 'place') or v_filled))
                             or ((v_word ~ '^[[:digit:]]' or v_word in ('once', 'twice', 'thrice'))
                                 and private.is_time_word(v_t[i + 1]))) then
      v_role := 'time';
      v_fronted := v_clause_core = 0;
    end if;
    -- A word by its stem: "sisters" and "sister", "drives" and "driving" hold one place.
    word := coalesce((pg_catalog.ts_lexize('english_stem', v_word))[1], v_word);
    clause := v_clause;
    role := case when v_compared and v_role not in ('alternative', 'goal|alternative') then 'alternative ' || v_role
                 else v_role end;
    segment := v_segment;
    core_order := null;
    v_filled := true;
    if v_role = 'core' then
      v_core := v_core + 1;
      v_clause_core := v_clause_core + 1;
      core_order := v_core;
    end if;
    return next;
  end loop;
end
$$;
REVOKE ALL ON FUNCTION private.fact_roles(text[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.fact_roles(tokens text[]) IS 'The role of each content word of a fact (its private.fact_tokens): the clause it is in, and either its place in the clause''s core (subject, verb, object in order) or the kind of phrase it is in (source, goal, alternative, time, ...), and the segment (the stretch between commas or clause words) it stands in. Two words joined by and/or are put in one order.';

GRANT ALL ON FUNCTION private.fact_roles(tokens text[]) TO service_role;

CREATE FUNCTION private.is_content_word(word text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
begin
  -- PL/pgSQL, not SQL: its plan, with the word lists folded in, is kept for the session.
  return pg_catalog.ts_lexize('english_stem', word) <> '{}' and not private.relation_words() ? word;
end
$$;
REVOKE ALL ON FUNCTION private.is_content_word(text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.is_content_word(word text) IS 'Whether a word carries content: not an English stop word, and no word of private.relation_words.';

GRANT ALL ON FUNCTION private.is_content_word(word text) TO service_role;

CREATE FUNCTION private.roles_differ(a_tokens text[], b_tokens text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
  with ra as (select distinct on (r.word) r.* from private.fact_roles(a_tokens) r order by r.word, r.clause, r.core_order),
       rb as (select distinct on (r.word) r.* from private.fact_roles(b_tokens) r order by r.word, r.clause, r.core_order),
       common as materialized (
         select ra.word, ra.clause as a_clause, rb.clause as b_clause, ra.role as a_role, rb.role as b_role,
                ra.core_order as a_core, rb.core_order as b_core, ra.segment as a_segment, rb.segment as b_segment
           from ra join rb using (word))
  select (select count(*) from common) >= 2 and (
    -- A word in another kind of phrase ("cats" preferred, then the ones "to" which dogs are).
    exists (select 1 from common c
             where not string_to_array(c.a_role, '|') operator(pg_catalog.&&) string_to_array(c.b_role, '|'))
    -- Words that shared a clause now apart, or the other way round ("bike in the garage and car in the street").
    or exists (select 1 from common x join common y on x.word < y.word
                where (x.a_clause = y.a_clause) <> (x.b_clause = y.b_clause))
    -- Two words of one clause's core in the other order (subject and object swapped), unless a comma sets one
    -- apart from the other on either side: that stretch moved whole ("Miso and Tofu: has two cats called").
    or exists (select 1 from common x join common y on x.word < y.word
                where x.a_core is not null and y.a_core is not null and x.b_core is not null and y.b_core is not null
                  and x.a_clause = y.a_clause and x.a_segment = y.a_segment and x.b_segment = y.b_segment
                  and (x.a_core < y.a_core) <> (x.b_core < y.b_core)))
$$;
REVOKE ALL ON FUNCTION private.roles_differ(text[], text[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.roles_differ(a_tokens text[], b_tokens text[]) IS 'Whether the words two facts share stand in other roles (private.fact_roles): in another kind of phrase, in another order in the core, or grouped into other clauses. Whole phrases and clauses may move; "cats to dogs" and "dogs to cats" differ.';

GRANT ALL ON FUNCTION private.roles_differ(a_tokens text[], b_tokens text[]) TO service_role;

CREATE FUNCTION private.denied_words(tokens text[]) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
declare
  v_vocabulary jsonb := private.value_words();
  v_word text;
  v_next boolean := false;
  v_denied text[] := '{}'::text[];
begin
  -- Each negation is read with the first word after it that is no stop word ("not ... meat", "without sugar").
  foreach v_word in array tokens loop
    if v_vocabulary ->> v_word = 'negation' then
      v_denied := v_denied || 'not'::text;
      v_next := true;
    elsif v_next and v_word <> ',' and pg_catalog.ts_lexize('english_stem', v_word) <> '{}'
          and v_word not in ('longer', 'anymore') then
      -- "no longer plays": what is denied is the playing.
      v_denied := v_denied || v_word;
      v_next := false;
    end if;
  end loop;
  return array(select t from unnest(v_denied) t order by t);
end
$$;
REVOKE ALL ON FUNCTION private.denied_words(text[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.denied_words(tokens text[]) IS 'What a fact''s tokens deny, sorted: a ''not'' for each negation and the first content word after it.';

GRANT ALL ON FUNCTION private.denied_words(tokens text[]) TO service_role;

CREATE FUNCTION private.tokens_difference(a_fact text, a_tokens text[], b_fact text, b_tokens text[]) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $_$
declare
  v_vocabulary jsonb := private.value_words();
  v_verbs jsonb := private.verb_forms();
  -- With the commas: where phrases are set off matters to the order of words, not to the words.
  v_a_tokens text[] := a_tokens;
  v_b_tokens text[] := b_tokens;
  v_a_words text[];
  v_b_words text[];
  v_fact text;
  v_mine text[];
  v_other text[];
  v_word text;
  v_known text;
  v_suffix text;
  v_found text[];
  v_token text;
  v_a text[] := '{}'::text[];
  v_b text[] := '{}'::text[];
  v_differing text[] := '{}'::text[];
  v_at integer;
  v_class text;
  v_written_in_digits text[] := '{}'::text[];
  -- Whether each side has a word of its own that is no value, no stop word and no filler.
  v_own_word boolean[] := array[false, false];
  v_maybe_past boolean[] := array[false, false];
  v_perfect boolean[] := array[false, false];
begin
  -- The same words in the same order, or joined otherwise ("e-mail", "email"): the same statement.
  if array_remove(v_a_tokens, ',') = array_remove(v_b_tokens, ',')
     or array_to_string(array_remove(v_a_tokens, ','), '') = array_to_string(array_remove(v_b_tokens, ','), '') then
    return null;
  end if;
  v_a_words := array(select distinct w from unnest(v_a_tokens) w where w <> ',' order by w);
  v_b_words := array(select distinct w from unnest(v_b_tokens) w where w <> ',' order by w);
  if not (v_a_words operator(pg_catalog.<@) v_b_words and v_b_words operator(pg_catalog.<@) v_a_words) then
    for v_side in 1 .. 2 loop
      v_fact := case v_side when 1 then a_fact else b_fact end;
      v_mine := case v_side when 1 then v_a_words else v_b_words end;
      v_other := case v_side when 1 then v_b_words else v_a_words end;
      foreach v_word in array v_mine loop
        continue when v_word = any (v_other);
        v_known := v_vocabulary ->> v_word;
        v_found := '{}';
        if v_word ~ '^[[:digit:]]' then
          v_found := array['number:' || substring(v_word from '^[[:digit:]]+')];
          v_written_in_digits := v_written_in_digits || v_found[1];
          v_suffix := v_vocabulary ->> substring(v_word from '^[[:digit:]]+([[:alpha:]]+)$');
          if v_suffix <> '' then
            v_found := v_found || v_suffix;
          end if;
        elsif v_word = 'may' then
          if strpos(v_fact, 'May') > 0 or strpos(v_fact, 'MAY') > 0 then
            v_found := array['date:may'];
          end if;
        elsif v_known <> '' then
          v_found := array[v_known];
        elsif (v_verbs ->> v_word) ~ ' (past|participle)$'
              or (v_word ~ 'ed$' and pg_catalog.ts_lexize('english_stem', v_word) <> array[v_word]
                  and exists (select 1 from unnest(v_other) o
                               where not o = any (v_mine)
                                 and pg_catalog.ts_lexize('english_stem', o) = pg_catalog.ts_lexize('english_stem', v_word))) then
          -- A verb in the past: irregular ("went"), or the other side's verb with -ed ("lived" for "lives").
          v_found := array['tense:past'];
        elsif v_word ~ 'ed$' and pg_catalog.ts_lexize('english_stem', v_word) <> array[v_word] then
          -- Any other -ed word may be a past verb or an adjective ("employed"): past only beside another past
          -- ("purchased" for "bought"), where it keeps the two sides' time the same.
          v_maybe_past[v_side] := true;
        -- A name: capitalized somewhere, and no stop word.
        elsif (strpos(v_fact, initcap(v_word)) > 0 or strpos(v_fact, upper(v_word)) > 0)
              and private.capitalized_as_name(v_fact, v_word, v_known is null)
              and pg_catalog.ts_lexize('english_stem', v_word) <> '{}' then
          v_found := array['name:' || v_word];
        end if;
        if v_word in ('has', 'have') then
          v_perfect[v_side] := true;
        end if;
        -- A word of its own: no value, no stop word ("vegan" for "vegetarian", "loves" for "likes"; the openers
        -- value_words lists carry no value, but they are words, and filler is already left out).
        -- "The user", whom every memory is about, is no word of its own: "the user prefers tea" is "prefers tea".
        if cardinality(v_found) = 0 and coalesce(v_known, '') = '' and pg_catalog.ts_lexize('english_stem', v_word) <> '{}'
           and v_word not in ('user', 'users') then
          v_own_word[v_side] := true;
        end if;
        foreach v_token in array v_found loop
          if v_token like 'name:%' then
            v_differing := v_differing || v_token;
          elsif v_side = 1 then
            v_a := v_a || v_token;
          else
            v_b := v_b || v_token;
          end if;
        end loop;
      end loop;
    end loop;
    -- "has been", "have lived": a past form after has or have is the present perfect, still true now.
    if v_perfect[1] and 'tense:past' = any (v_a) then
      v_a := array_replace(v_a, 'tense:past', 'tense:perfect');
    end if;
    if v_perfect[2] and 'tense:past' = any (v_b) then
      v_b := array_replace(v_b, 'tense:past', 'tense:perfect');
    end if;
    if v_maybe_past[1] and 'tense:past' = any (v_b) then
      v_a := v_a || 'tense:past'::text;
    end if;
    if v_maybe_past[2] and 'tense:past' = any (v_a) then
      v_b := v_b || 'tense:past'::text;
    end if;
    -- How often, and am or pm, count only when both facts say it.
    foreach v_class in array array['frequency', 'meridiem'] loop
      if not exists (select 1 from unnest(v_b) t where split_part(t, ':', 1) = v_class) then
        v_a := array(select t from unnest(v_a) t where split_part(t, ':', 1) <> v_class);
      end if;
      if not exists (select 1 from unnest(v_a) t where split_part(t, ':', 1) = v_class) then
        v_b := array(select t from unnest(v_b) t where split_part(t, ':', 1) <> v_class);
      end if;
    end loop;
    -- The multiset difference: each token of one side cancels one equal token of the other.
    foreach v_token in array v_a loop
      v_at := array_position(v_b, v_token);
      if v_at is null then
        v_differing := v_differing || v_token;
      else
        v_b := v_b[:v_at - 1] || v_b[v_at + 1:];
      end if;
    end loop;
    v_differing := v_differing || v_b;
    -- The same digits in the same order, only grouped otherwise ("3,000" and "3000"), are one number.
    if regexp_replace(array_to_string(v_a_tokens, ' '), '[^[:digit:]]', '', 'g') = regexp_replace(array_to_string(v_b_tokens, ' '), '[^[:digit:]]', '', 'g')
       and not exists (select 1 from unnest(v_differing) t where t like 'number:%' and not t = any (v_written_in_digits)) then
      v_differing := array(select t from unnest(v_differing) t where t not like 'number:%');
    end if;
    -- A word in place of another ("padel" for "squash", "bus" for "train") or added ("table tennis" for
    -- "tennis") may change the fact or only its wording ("named" for "called"): words alone cannot tell, so the
    -- pair stands apart unless its embeddings call it a duplicate (the callers let cosine overrule this reason).
    if v_own_word[1] or v_own_word[2] then
      v_differing := v_differing || 'word:'::text;
    end if;
    -- What the statement says of its fact first (polarity, time, comparison, quantity), then who stands where,
    -- then the values it holds.
    foreach v_class in array array['negation', 'tense', 'comparison', 'quantity', 'roles', 'number', 'date', 'meridiem',
                                   'amount', 'frequency', 'family', 'name', 'word'] loop
      if v_class = 'roles' then
        if private.roles_differ(v_a_tokens, v_b_tokens) then
          return 'order or roles differ';
        end if;
        continue;
      end if;
      foreach v_token in array v_differing loop
        if split_part(v_token, ':', 1) = v_class then
          return case v_class
                   when 'negation' then 'negation differs'
                   when 'tense' then 'tense or aspect differs'
                   when 'comparison' then 'comparison differs'
                   when 'quantity' then 'quantity differs'
                   when 'number' then 'number differs'
                   when 'date' then 'date or time differs'
                   when 'meridiem' then 'date or time differs'
                   when 'amount' then 'amount or unit differs'
                   when 'frequency' then 'frequency differs'
                   when 'family' then 'family member differs'
                   when 'name' then 'name differs'
                   else 'word differs'
                 end;
        end if;
      end loop;
    end loop;
    return null;
  end if;

  if regexp_replace(a_fact, '[^$€£¥₹%°]', '', 'g') <> regexp_replace(b_fact, '[^$€£¥₹%°]', '', 'g') then
    return 'amount or unit differs';
  end if;
  -- The same words can still hold a negation a different number of times, or deny different things.
  if private.denied_words(v_a_tokens) <> private.denied_words(v_b_tokens) then
    return 'negation differs';
  end if;
  -- The same words in another order: the same fact when whole phrases or clauses moved, not when two words
  -- changed places around a relation.
  if private.roles_differ(v_a_tokens, v_b_tokens) then
    return 'order or roles differ';
  end if;
  return null;
end
$_$;
REVOKE ALL ON FUNCTION private.tokens_difference(text, text[], text, text[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.tokens_difference(a_fact text, a_tokens text[], b_fact text, b_tokens text[]) IS 'private.value_difference on facts already read (their private.fact_tokens), for callers that read each fact once.';

GRANT ALL ON FUNCTION private.tokens_difference(a_fact text, a_tokens text[], b_fact text, b_tokens text[]) TO service_role;

CREATE FUNCTION private.value_difference(a_fact text, b_fact text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$ select private.tokens_difference(a_fact, private.fact_tokens(a_fact), b_fact, private.fact_tokens(b_fact)) $$;
REVOKE ALL ON FUNCTION private.value_difference(text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.value_difference(a_fact text, b_fact text) IS 'The guard of duplicate detection: why two facts are distinct whatever their word similarity, read on their private.fact_tokens (so contractions, spellings, number and time formats and filler never count): ''negation differs'', ''tense or aspect differs'', ''comparison differs'', ''quantity differs'', ''order or roles differ'', ''number differs'', ''date or time differs'', ''amount or unit differs'', ''frequency differs'', ''family member differs'', ''name differs'', or null when they say the same; ''word differs'' (a word put in place of another, or added) yields to a cosine at the model''s threshold.';

CREATE FUNCTION private.content_words(tokens text[]) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
begin
  return coalesce((select array_agg(distinct t order by t) from unnest(tokens) t where private.is_content_word(t)), '{}');
end
$$;
REVOKE ALL ON FUNCTION private.content_words(text[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.content_words(tokens text[]) IS 'The distinct content words (private.is_content_word) of a fact''s tokens.';

GRANT ALL ON FUNCTION private.content_words(tokens text[]) TO service_role;

CREATE FUNCTION private.topic_words(tokens text[]) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
declare
  v_words text[] := private.content_words(tokens);
begin
  return coalesce(nullif(array(select w from unnest(v_words) w
                                where coalesce(private.value_words() ->> w, 'value') <> ''), '{}'), v_words);
end
$$;
REVOKE ALL ON FUNCTION private.topic_words(text[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.topic_words(tokens text[]) IS 'What a fact is about: the content words of its tokens (private.fact_tokens), less the openers every fact has ("user", "likes") unless it has no others. store_memory looks for the memories a statement may refine or conflict with by them.';

GRANT ALL ON FUNCTION private.topic_words(tokens text[]) TO service_role;

CREATE FUNCTION private.word_variants(word text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
declare
  v_stem text := coalesce((pg_catalog.ts_lexize('english_stem', word))[1], word);
  -- "driv" for "drive", "stud" for "studi": the base the endings join.
  v_base text := case when right(v_stem, 1) in ('e', 'i') then left(v_stem, -1) else v_stem end;
begin
  return array[word, v_stem, v_stem || 's', v_stem || 'es', v_stem || 'd', v_stem || 'ed', v_stem || 'ing',
               v_stem || 'er', v_stem || 'ers', v_base || 'ing', v_base || 'y', v_base || 'ies', v_base || 'ied',
               v_stem || 'e', v_stem || 'es'];
end
$$;
REVOKE ALL ON FUNCTION private.word_variants(text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.word_variants(word text) IS 'The forms a word may be stored in (its stem with the usual English endings: "drive", "drives", "driving", "driven"...), for the probes of store_memory''s wider candidate net.';

GRANT ALL ON FUNCTION private.word_variants(word text) TO service_role;

CREATE FUNCTION private.family_in_core(tokens text[], besides text[]) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
begin
  return exists (select 1 from private.fact_roles(tokens) r
                  where r.role = 'core' and not r.word = any (besides)
                    and coalesce(private.value_words() ->> r.word, '') like 'family:%');
end
$$;
REVOKE ALL ON FUNCTION private.family_in_core(text[], text[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.family_in_core(tokens text[], besides text[]) IS 'Whether a fact''s tokens hold a family member, other than the given words, as subject or object (in the core of a clause): another person the fact is about, not a detail ("with her brother").';

GRANT ALL ON FUNCTION private.family_in_core(tokens text[], besides text[]) TO service_role;

CREATE FUNCTION private.tokens_relation(known text, known_tokens text[], said text, said_tokens text[]) RETURNS TABLE(relation text, reason text)
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_reason text := private.tokens_difference(known, known_tokens, said, said_tokens);
  v_known_tokens text[] := known_tokens;
  v_said_tokens text[] := said_tokens;
  v_known text[] := array(select distinct t from unnest(v_known_tokens) t where t <> ',');
  v_said text[] := array(select distinct t from unnest(v_said_tokens) t where t <> ',');
  -- Every word of the fact is in the statement, which says more (and the other way round); a single word is too
  -- little to build on ("has a dog" is not refined by "my dog bit the cat").
  v_adds boolean := cardinality(v_known) >= 2 and v_known operator(pg_catalog.<@) v_said
                    and not v_said operator(pg_catalog.<@) v_known;
  v_keeps_less boolean := cardinality(v_said) >= 2 and v_said operator(pg_catalog.<@) v_known
                          and not v_known operator(pg_catalog.<@) v_said;
begin
  if v_reason is null then
    return query select 'duplicate'::text, null::text;
    return;
  end if;
  -- A negation of what the other did not say ("without sugar", "but not cats") is a detail: it denies nothing of it.
  if v_reason = 'negation differs'
     and ((v_adds and private.denied_words(v_known_tokens) operator(pg_catalog.<@) array['not']
           and not private.denied_words(v_said_tokens) operator(pg_catalog.&&) v_known)
          or (v_keeps_less and private.denied_words(v_said_tokens) operator(pg_catalog.<@) array['not']
              and not private.denied_words(v_known_tokens) operator(pg_catalog.&&) v_said)) then
    v_reason := 'word differs';
  end if;
  -- What adds a value or a word to a fact refines it; what keeps only some of it, and denies or changes none, says
  -- less than the fact already does. A family member or a name added is another person (unless the name is what
  -- something is called), and a change of polarity, time, comparison, quantity or roles is a conflict.
  -- A family member added in a phrase ("with her brother") is a detail; as the subject or object, another person.
  if v_reason = 'family member differs'
     and ((v_adds and not private.family_in_core(v_said_tokens, v_known))
          or (v_keeps_less and not private.family_in_core(v_known_tokens, v_said))) then
    v_reason := 'word differs';
  end if;
  if v_reason in ('number differs', 'date or time differs', 'amount or unit differs', 'word differs', 'name differs') then
    if v_adds then
      return query select 'refines'::text, 'adds a detail'::text;
      return;
    elsif v_keeps_less and (v_reason <> 'name differs' or v_known operator(pg_catalog.&&) array['called', 'named']) then
      return query select 'duplicate'::text, 'says less'::text;
      return;
    end if;
  end if;
  return query select 'conflicts'::text, v_reason;
end
$$;
REVOKE ALL ON FUNCTION private.tokens_relation(text, text[], text, text[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.tokens_relation(known text, known_tokens text[], said text, said_tokens text[]) IS 'public.fact_relation on facts already read (their private.fact_tokens), for store_memory, which reads the statement once.';

GRANT ALL ON FUNCTION private.tokens_relation(known text, known_tokens text[], said text, said_tokens text[]) TO service_role;

CREATE FUNCTION public.fact_relation(known text, said text) RETURNS TABLE(relation text, reason text)
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SECURITY DEFINER
    SET search_path TO ''
    AS $$ select r.relation, r.reason from private.tokens_relation(known, private.fact_tokens(known), said, private.fact_tokens(said)) r $$;
REVOKE ALL ON FUNCTION public.fact_relation(text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.fact_relation(known text, said text) IS 'How a statement stands to a known fact, from their words alone: duplicate (the same meaning, reason null, or ''says less''), refines (the fact with a detail added: ''adds a detail''), or conflicts with the reason private.value_difference gives. store_memory lets a same-model cosine at the threshold make a ''word differs'' conflict a duplicate.';

GRANT ALL ON FUNCTION public.fact_relation(known text, said text) TO authenticated;
GRANT ALL ON FUNCTION public.fact_relation(known text, said text) TO service_role;

CREATE FUNCTION private.value_words() RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $_$
  select jsonb_object_agg(w.word, w.token order by w.rank) from (
    -- Capitalized words that open a sentence without being a name (English stop words, "The", "She", are known
    -- to the dictionary), and contraction stems. Ranked first: where a word also carries a value, the value wins.
    select o.word, '' as token, 1 as rank from unnest(array[
      'user', 'users', 'prefers', 'prefer', 'likes', 'like', 'loves', 'love', 'enjoys', 'enjoy', 'hates',
      'hate', 'dislikes', 'dislike', 'wants', 'want', 'needs', 'need', 'works', 'work', 'worked', 'lives', 'live',
      'lived', 'plans', 'plan', 'planning', 'goes', 'go', 'went', 'takes', 'take', 'took', 'drinks', 'drink',
      'eats', 'eat', 'ate', 'plays', 'play', 'played', 'speaks', 'speak', 'studies', 'study', 'studied', 'owns',
      'own', 'uses', 'use', 'used', 'visits', 'visit', 'visited', 'moved', 'moves', 'started', 'starts', 'stopped',
      'finished', 'graduated', 'got', 'gets', 'bought', 'buys', 'watches', 'watched', 'reads', 'read', 'writes',
      'wrote', 'cooks', 'cooked', 'runs', 'ran', 'walks', 'walked', 'favorite', 'favourite', 'recently',
      'currently', 'also', 'really', 'actually', 'just', 'still', 'now', 'mentioned', 'mentions', 'said', 'says',
      'thinks', 'believes', 'feels', 'felt', 'remember', 'remembers', 'note', 'allergic', 'vegetarian', 'vegan',
      'birthday', 'has', 'had', 'is', 'was', 'wants', 'wishes', 'hopes', 'tries', 'tried', 'keeps', 'avoids',
      'avoid', 'collects', 'follows', 'supports', 'attends', 'attended', 'teaches', 'learns', 'learning',
      'learned', 'learnt', 'practices', 'practises', 'prefers', 'definitely', 'basically', 'honestly', 'apparently',
      'generally', 'strongly', 'absolutely', 'totally', 'probably', 'maybe', 'perhaps', 'please', 'okay', 'ok',
      'yes', 'yeah', 'well', 'oh', 'hey', 'hi', 'hello', 'fyi', 'btw', 'interested', 'likely', 'usually', 'often',
      'sometimes', 'always', 'never', 'can', 'could', 'would', 'should', 'will', 'might', 'must', 'favorite',
      'going', 'trying', 'looking', 'thinking', 'working', 'living', 'speaking', 'considering', 'new', 'old',
      'big', 'small', 'good', 'great', 'best', 'first', 'last', 'every', 'each', 'many', 'some', 'several',
      'indeed', 'quite', 'very', 'pretty', 'truly', 'certainly', 'literally', 'simply', 'though', 'anyway', 'too',
      'so', 'then', 'lately', 'nowadays', 'said', 'mentioned', 'told', 'says', 'apparently', 'like',
      'isn', 'aren', 'wasn', 'weren', 'don', 'doesn', 'didn', 'hasn', 'haven', 'hadn', 'couldn', 'shouldn',
      'wouldn', 'mustn', 'needn', 'won', 'ain', 'can', 'shan']) as o(word)
    union all
    select v.word, v.token, 2 from (
      select unnest(array['not', 'no', 'never', 'none', 'nobody', 'nothing', 'nowhere', 'neither', 'nor', 'cannot',
        'without', 'dont', 'doesnt', 'didnt', 'isnt', 'wasnt', 'arent', 'werent', 'cant', 'wont', 'couldnt',
        'shouldnt', 'wouldnt', 'hasnt', 'havent', 'hadnt', 'aint', 'mustnt', 'neednt',
        -- normalize_fact splits "isn't" into "isn" and "t": the t is the negation, the stem carries nothing.
        't',
        -- "rarely eats meat" is nearer "does not eat meat" than "eats meat".
        'rarely', 'seldom', 'hardly', 'barely', 'scarcely']) as word, 'negation' as token
      union all
      select n.word, 'number:' || n.value from (values
        ('zero', '0'), ('one', '1'), ('two', '2'), ('three', '3'), ('four', '4'), ('five', '5'), ('six', '6'),
        ('seven', '7'), ('eight', '8'), ('nine', '9'), ('ten', '10'), ('eleven', '11'), ('twelve', '12'),
        ('thirteen', '13'), ('fourteen', '14'), ('fifteen', '15'), ('sixteen', '16'), ('seventeen', '17'),
        ('eighteen', '18'), ('nineteen', '19'), ('twenty', '20'), ('thirty', '30'), ('forty', '40'), ('fifty', '50'),
        ('sixty', '60'), ('seventy', '70'), ('eighty', '80'), ('ninety', '90'), ('hundred', '100'),
        ('thousand', '1000'), ('million', '1000000'), ('billion', '1000000000'), ('dozen', '12'), ('dozens', '12'),
        -- Ordinals are their number, as "14th" is 14 and "th".
        ('first', '1'), ('second', '2'), ('third', '3'), ('fourth', '4'), ('fifth', '5'), ('sixth', '6'),
        ('seventh', '7'), ('eighth', '8'), ('ninth', '9'), ('tenth', '10'), ('eleventh', '11'), ('twelfth', '12'),
        ('thirteenth', '13'), ('fourteenth', '14'), ('fifteenth', '15'), ('sixteenth', '16'), ('seventeenth', '17'),
        ('eighteenth', '18'), ('nineteenth', '19'), ('twentieth', '20'), ('thirtieth', '30'), ('hundredth', '100'),
        ('primary', '1'), ('secondary', '2'), ('tertiary', '3')) as n(word, value)
      union all
      select d.word, 'date:' || d.value from (values
        ('january', 'january'), ('jan', 'january'), ('february', 'february'), ('feb', 'february'),
        ('march', 'march'), ('mar', 'march'), ('april', 'april'), ('apr', 'april'), ('june', 'june'),
        ('jun', 'june'), ('july', 'july'), ('jul', 'july'), ('august', 'august'), ('aug', 'august'),
        ('september', 'september'), ('sep', 'september'), ('sept', 'september'), ('october', 'october'),
        ('oct', 'october'), ('november', 'november'), ('nov', 'november'), ('december', 'december'),
        ('dec', 'december'),
        ('monday', 'monday'), ('mondays', 'monday'), ('mon', 'monday'), ('tuesday', 'tuesday'),
        ('tuesdays', 'tuesday'), ('tue', 'tuesday'), ('tues', 'tuesday'), ('wednesday', 'wednesday'),
        ('wednesdays', 'wednesday'), ('thursday', 'thursday'), ('thursdays', 'thursday'), ('thu', 'thursday'),
        ('thur', 'thursday'), ('thurs', 'thursday'), ('friday', 'friday'), ('fridays', 'friday'), ('fri', 'friday'),
        ('saturday', 'saturday'), ('saturdays', 'saturday'), ('sunday', 'sunday'), ('sundays', 'sunday'),
        ('today', 'today'), ('tonight', 'tonight'), ('tomorrow', 'tomorrow'), ('yesterday', 'yesterday'),
        ('morning', 'morning'), ('mornings', 'morning'), ('afternoon', 'afternoon'), ('afternoons', 'afternoon'),
        ('evening', 'evening'), ('evenings', 'evening'), ('night', 'night'), ('nights', 'night'),
        ('noon', 'noon'), ('midday', 'noon'), ('midnight', 'midnight'),
        ('oclock', 'oclock'), ('weekend', 'weekend'), ('weekends', 'weekend'), ('weekday', 'weekday'),
        ('weekdays', 'weekday'), ('daily', 'daily'), ('weekly', 'weekly'), ('fortnightly', 'fortnightly'),
        ('monthly', 'monthly'), ('yearly', 'yearly'), ('annually', 'yearly'), ('annual', 'yearly'),
        ('hourly', 'hourly'), ('spring', 'spring'), ('summer', 'summer'), ('autumn', 'autumn'),
        ('winter', 'winter'), ('next', 'next'), ('last', 'last'), ('ago', 'ago'), ('christmas', 'christmas'),
        ('easter', 'easter'), ('thanksgiving', 'thanksgiving'), ('halloween', 'halloween')) as d(word, value)
      union all
      select u.word, 'amount:' || u.value from (values
        ('mg', 'mg'), ('mcg', 'mcg'), ('g', 'g'), ('gram', 'g'), ('grams', 'g'), ('kg', 'kg'), ('kilo', 'kg'),
        ('kilos', 'kg'), ('kilogram', 'kg'), ('kilograms', 'kg'), ('lb', 'lb'), ('lbs', 'lb'), ('pound', 'lb'),
        ('pounds', 'lb'), ('oz', 'oz'), ('ounce', 'oz'), ('ounces', 'oz'), ('stone', 'stone'), ('km', 'km'),
        ('kilometer', 'km'), ('kilometers', 'km'), ('kilometre', 'km'), ('kilometres', 'km'), ('mile', 'mile'),
        ('miles', 'mile'), ('mi', 'mile'), ('meter', 'm'), ('meters', 'm'), ('metre', 'm'), ('metres', 'm'),
        ('cm', 'cm'), ('mm', 'mm'), ('ft', 'ft'), ('foot', 'ft'), ('feet', 'ft'), ('inch', 'inch'),
        ('inches', 'inch'), ('l', 'l'), ('liter', 'l'), ('liters', 'l'), ('litre', 'l'), ('litres', 'l'),
        ('ml', 'ml'), ('cup', 'cup'), ('cups', 'cup'), ('glass', 'glass'), ('glasses', 'glass'),
        ('bottle', 'bottle'), ('bottles', 'bottle'), ('pill', 'pill'), ('pills', 'pill'), ('tablet', 'tablet'),
        ('tablets', 'tablet'), ('dose', 'dose'), ('doses', 'dose'),
        ('hour', 'hour'), ('hours', 'hour'), ('hr', 'hour'), ('hrs', 'hour'), ('minute', 'minute'),
        ('minutes', 'minute'), ('min', 'minute'), ('mins', 'minute'), ('seconds', 'second'), ('secs', 'second'),
        ('day', 'day'), ('days', 'day'), ('week', 'week'), ('weeks', 'week'), ('fortnight', 'fortnight'),
        ('month', 'month'), ('months', 'month'), ('year', 'year'), ('years', 'year'), ('yr', 'year'),
        ('yrs', 'year'), ('decade', 'decade'), ('decades', 'decade'), ('percent', '%'),
        ('degree', 'degree'), ('degrees', 'degree'), ('celsius', 'celsius'), ('fahrenheit', 'fahrenheit'),
        ('calorie', 'calorie'), ('calories', 'calorie'), ('kcal', 'calorie'), ('mph', 'mph'), ('kph', 'kph'),
        ('bpm', 'bpm'), ('k', 'k'), ('gb', 'gb'), ('mb', 'mb'), ('tb', 'tb'), ('times', 'times'),
        ('dollar', '$'), ('dollars', '$'), ('bucks', '$'), ('usd', '$'), ('euro', '€'), ('euros', '€'),
        ('eur', '€'), ('gbp', '£'), ('quid', '£'), ('yen', '¥'), ('rupee', '₹'), ('rupees', '₹'), ('cent', 'cent'),
        ('cents', 'cent'), ('half', 'half'),
        ('double', 'double'), ('twice', 'twice'), ('once', 'once'), ('thrice', 'thrice'), ('triple', 'triple'),
        ('quarter', 'quarter')) as u(word, value)
      union all
      -- When: the past ("was", "used to", "no longer") or the future against the present; what stopped or began.
      select t.word, 'tense:' || t.value from (values
        ('was', 'past'), ('were', 'past'), ('had', 'past'), ('did', 'past'), ('former', 'past'),
        ('formerly', 'past'), ('previously', 'past'), ('ex', 'past'), ('will', 'future'), ('shall', 'future'),
        ('used', 'ceased'), ('anymore', 'ceased'), ('stopped', 'ceased'), ('stop', 'ceased'), ('stops', 'ceased'),
        ('quit', 'ceased'), ('quits', 'ceased'), ('ceased', 'ceased'), ('gave', 'ceased'), ('started', 'began'),
        ('start', 'began'), ('starts', 'began'), ('began', 'began'), ('begun', 'began'), ('begin', 'began'),
        ('begins', 'began'), ('newly', 'began')) as t(word, value)
      union all
      select c.word, 'comparison:' || c.value from (values
        ('more', 'more'), ('better', 'more'), ('greater', 'more'), ('less', 'less'), ('fewer', 'less'),
        ('worse', 'less'), ('most', 'most'), ('best', 'most'), ('least', 'least'), ('worst', 'least')) as c(word, value)
      union all
      select q.word, 'quantity:' || q.value from (values
        ('all', 'all'), ('both', 'all'), ('some', 'some'), ('any', 'some'), ('many', 'many'), ('few', 'few'),
        ('several', 'several')) as q(word, value)
      union all
      -- Morning or afternoon of a clock time: counts only when both facts say it ("9:00" and "9 am").
      select m.word, 'meridiem:' || m.word from unnest(array['am', 'pm']) as m(word)
      union all
      -- How often: a value when both facts say it ("usually" against "sometimes"), a filler when one does.
      select q.word, 'frequency:' || q.value from (values
        ('always', 'always'), ('usually', 'usually'), ('normally', 'usually'), ('generally', 'usually'),
        ('often', 'often'), ('frequently', 'often'), ('regularly', 'often'), ('sometimes', 'sometimes'),
        ('occasionally', 'sometimes')) as q(word, value)
      union all
      select f.word, 'family:' || f.value from (values
        ('mother', 'mother'), ('mom', 'mother'), ('mum', 'mother'), ('mommy', 'mother'), ('mama', 'mother'),
        ('father', 'father'), ('dad', 'father'), ('daddy', 'father'), ('papa', 'father'), ('parent', 'parent'),
        ('parents', 'parent'), ('sister', 'sister'), ('sisters', 'sister'), ('brother', 'brother'),
        ('brothers', 'brother'), ('sibling', 'sibling'), ('siblings', 'sibling'), ('son', 'son'), ('sons', 'son'),
        ('daughter', 'daughter'), ('daughters', 'daughter'), ('child', 'child'), ('children', 'child'),
        ('kid', 'child'), ('kids', 'child'), ('baby', 'baby'), ('wife', 'wife'), ('husband', 'husband'),
        ('spouse', 'spouse'), ('partner', 'partner'), ('boyfriend', 'boyfriend'), ('girlfriend', 'girlfriend'),
        ('fiance', 'fiance'), ('fiancé', 'fiance'), ('fiancee', 'fiancee'), ('fiancée', 'fiancee'),
        ('aunt', 'aunt'), ('uncle', 'uncle'), ('cousin', 'cousin'), ('cousins', 'cousin'), ('niece', 'niece'),
        ('nephew', 'nephew'), ('grandmother', 'grandmother'), ('grandma', 'grandmother'), ('granny', 'grandmother'),
        ('grandfather', 'grandfather'), ('grandpa', 'grandfather'), ('grandparent', 'grandparent'),
        ('grandparents', 'grandparent'), ('grandson', 'grandson'), ('granddaughter', 'granddaughter'),
        ('grandchild', 'grandchild'), ('grandchildren', 'grandchild'), ('stepmother', 'stepmother'),
        ('stepfather', 'stepfather'), ('stepson', 'stepson'), ('stepdaughter', 'stepdaughter'),
        ('stepbrother', 'stepbrother'), ('stepsister', 'stepsister'), ('twin', 'twin'), ('twins', 'twin'),
        ('godmother', 'godmother'), ('godfather', 'godfather'), ('law', 'in-law')) as f(word, value)
    ) v
  ) w
$_$;
REVOKE ALL ON FUNCTION private.value_words() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.value_words() IS 'The vocabulary of the value guard: word -> token (negation, tense:T, comparison:C, quantity:Q, number:N, date:D, meridiem:M, amount:U, frequency:F, family:F), or '''' for a common sentence opener or contraction stem that carries no value and is no name.';

CREATE FUNCTION public.fact_key(fact text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SECURITY DEFINER
    SET search_path TO ''
    AS $_$
  select public.normalize_fact(fact) || '|' || regexp_replace(fact, '[^$€£¥₹%°]', '', 'g')
$_$;
REVOKE ALL ON FUNCTION public.fact_key(text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.fact_key(fact text) IS 'What makes two facts the same text: normalize_fact plus the currency, percent and degree signs, in order.';

CREATE FUNCTION public.fact_value_difference(a text, b text) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select private.value_difference(a, b)
$$;
REVOKE ALL ON FUNCTION public.fact_value_difference(text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.fact_value_difference(a text, b text) IS 'Why two facts are distinct facts whatever their similarity (''negation differs'', ''tense or aspect differs'', ''comparison differs'', ''quantity differs'', ''order or roles differ'', ''number differs'', ''date or time differs'', ''amount or unit differs'', ''frequency differs'', ''family member differs'', ''name differs'', ''word differs'' when a word stands in place of another), or null when they say the same.';

CREATE FUNCTION public.jaccard(a text[], b text[]) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select case
    when cardinality(a) = 0 and cardinality(b) = 0 then 1.0
    else (select count(*) from (select unnest(a) intersect select unnest(b)) i)::double precision
       / (select count(*) from (select unnest(a) union select unnest(b)) u)
  end
$$;
REVOKE ALL ON FUNCTION public.jaccard(text[], text[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.jaccard(a text[], b text[]) IS 'Jaccard similarity of two sets: |a ∩ b| / |a ∪ b| (1 for two empty sets).';

CREATE FUNCTION public.normalize_fact(fact text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select btrim(regexp_replace(lower(fact), '[^[:alnum:]]+', ' ', 'g'))
$$;
REVOKE ALL ON FUNCTION public.normalize_fact(text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.normalize_fact(fact text) IS 'A fact as duplicate detection sees it: lower case, every run of non-alphanumerics one space, trimmed.';

REVOKE ALL ON FUNCTION public.fact_words(fact text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fact_words(fact text) TO authenticated;
GRANT ALL ON FUNCTION public.fact_words(fact text) TO service_role;

REVOKE ALL ON FUNCTION private.capitalized_as_name(fact text, word text, may_open boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION private.capitalized_as_name(fact text, word text, may_open boolean) TO service_role;

GRANT ALL ON FUNCTION private.value_difference(a_fact text, b_fact text) TO service_role;

REVOKE ALL ON FUNCTION private.value_words() FROM PUBLIC;
GRANT ALL ON FUNCTION private.value_words() TO service_role;

REVOKE ALL ON FUNCTION public.fact_key(fact text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fact_key(fact text) TO authenticated;
GRANT ALL ON FUNCTION public.fact_key(fact text) TO service_role;

REVOKE ALL ON FUNCTION public.fact_value_difference(a text, b text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fact_value_difference(a text, b text) TO authenticated;
GRANT ALL ON FUNCTION public.fact_value_difference(a text, b text) TO service_role;

REVOKE ALL ON FUNCTION public.jaccard(a text[], b text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.jaccard(a text[], b text[]) TO authenticated;
GRANT ALL ON FUNCTION public.jaccard(a text[], b text[]) TO service_role;

REVOKE ALL ON FUNCTION public.normalize_fact(fact text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.normalize_fact(fact text) TO authenticated;
GRANT ALL ON FUNCTION public.normalize_fact(fact text) TO service_role;
