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

GRANT ALL ON FUNCTION private.guard_allows_merge(reason text, cosine double precision, cosine_threshold double precision) TO authenticated;
GRANT ALL ON FUNCTION private.guard_allows_merge(reason text, cosine double precision, cosine_threshold double precision) TO service_role;

--
-- An embedding as the tables hold it: the domain is the one place its dimension is written; every check of an
-- embedding's size and deduplication's Hamming bounds read it through embedding_dimensions().
--

CREATE DOMAIN public.embedding AS extensions.vector(384);

COMMENT ON DOMAIN public.embedding IS 'An embedding as user_memories and memory_sightings hold it; its dimension is read by public.embedding_dimensions().';

CREATE FUNCTION public.embedding_dimensions() RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE
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
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$ select array['person', 'preference', 'event', 'topic', 'fact', 'emotion'] $$;
REVOKE ALL ON FUNCTION public.memory_types() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.memory_types() IS 'The kinds of memory a memory_type may name: person, preference, event, topic, fact, emotion. Read by the tables'' checks, store_memory and search_memories; callable by signed-in users, so a client can list them.';

GRANT ALL ON FUNCTION public.memory_types() TO authenticated;
GRANT ALL ON FUNCTION public.memory_types() TO service_role;

CREATE FUNCTION public.fact_words(fact text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
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

CREATE FUNCTION private.value_difference(a_fact text, a_words text[], b_fact text, b_words text[]) RETURNS text
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $_$
declare
  v_vocabulary jsonb := private.value_words();
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
  v_denied text[];
  v_denied_a text[];
  v_written_in_digits text[] := '{}'::text[];
  -- Whether each side has a word of its own that is no value, no stop word and no filler.
  v_own_word boolean[] := array[false, false];
  v_next boolean;
begin
  if not (a_words operator(pg_catalog.<@) b_words and b_words operator(pg_catalog.<@) a_words) then
    for v_side in 1 .. 2 loop
      v_fact := case v_side when 1 then a_fact else b_fact end;
      v_mine := case v_side when 1 then a_words else b_words end;
      v_other := case v_side when 1 then b_words else a_words end;
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
        -- A name: capitalized somewhere, and no stop word.
        elsif (strpos(v_fact, initcap(v_word)) > 0 or strpos(v_fact, upper(v_word)) > 0)
              and private.capitalized_as_name(v_fact, v_word, v_known is null)
              and pg_catalog.ts_lexize('english_stem', v_word) <> '{}' then
          v_found := array['name:' || v_word];
        end if;
        if cardinality(v_found) = 0 and v_known is null and pg_catalog.ts_lexize('english_stem', v_word) <> '{}' then
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
    -- How often counts only when both facts say it.
    if not exists (select 1 from unnest(v_b) t where t like 'frequency:%') then
      v_a := array(select t from unnest(v_a) t where t not like 'frequency:%');
    end if;
    if not exists (select 1 from unnest(v_a) t where t like 'frequency:%') then
      v_b := array(select t from unnest(v_b) t where t not like 'frequency:%');
    end if;
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
    if regexp_replace(a_fact, '[^[:digit:]]', '', 'g') = regexp_replace(b_fact, '[^[:digit:]]', '', 'g')
       and not exists (select 1 from unnest(v_differing) t where t like 'number:%' and not t = any (v_written_in_digits)) then
      v_differing := array(select t from unnest(v_differing) t where t not like 'number:%');
    end if;
    -- A word in place of another ("padel" for "squash", "bus" for "train") or added ("table tennis" for
    -- "tennis") may change the fact or only its wording ("named" for "called"): words alone cannot tell, so the
    -- pair stands apart unless its embeddings call it a duplicate (the callers let cosine overrule this reason).
    if v_own_word[1] or v_own_word[2] then
      v_differing := v_differing || 'word:'::text;
    end if;
    foreach v_class in array array['negation', 'number', 'date', 'amount', 'frequency', 'family', 'name', 'word'] loop
      foreach v_token in array v_differing loop
        if split_part(v_token, ':', 1) = v_class then
          return case v_class
                   when 'negation' then 'negation differs'
                   when 'number' then 'number differs'
                   when 'date' then 'date or time differs'
                   when 'amount' then 'amount or unit differs'
                   when 'frequency' then 'frequency differs'
                   when 'family' then 'family member differs'
                   when 'name' then 'name differs'
                   else 'word differs'
                 end;
        end if;
      end loop;
    end loop;
  end if;

  if regexp_replace(a_fact, '[^$€£¥₹%°]', '', 'g') <> regexp_replace(b_fact, '[^$€£¥₹%°]', '', 'g') then
    return 'amount or unit differs';
  end if;
  -- The same words can still hold a negation a different number of times, or deny different things: each
  -- negation is read with the first word after it that is no stop word.
  foreach v_word in array a_words loop
    if v_vocabulary ->> v_word = 'negation' then
      for v_side in 1 .. 2 loop
        v_next := false;
        v_denied := '{}';
        foreach v_word in array regexp_split_to_array(lower(case v_side when 1 then a_fact else b_fact end), '[^[:alnum:]]+') loop
          if v_vocabulary ->> v_word = 'negation' then
            v_denied := v_denied || 'not'::text;
            v_next := true;
          elsif v_next and v_word <> '' and pg_catalog.ts_lexize('english_stem', v_word) <> '{}' then
            v_denied := v_denied || v_word;
            v_next := false;
          end if;
        end loop;
        if v_side = 1 then
          v_denied_a := array(select t from unnest(v_denied) t order by t);
        end if;
      end loop;
      return case when v_denied_a <> array(select t from unnest(v_denied) t order by t) then 'negation differs' end;
    end if;
  end loop;
  return null;
end
$_$;
REVOKE ALL ON FUNCTION private.value_difference(text, text[], text, text[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.value_difference(a_fact text, a_words text[], b_fact text, b_words text[]) IS 'The guard of duplicate detection: why two facts (each with its word set) are distinct whatever their word similarity, e.g. ''number differs'', or null when no value differs; ''word differs'' (a word put in place of another) yields to a cosine at the model''s threshold.';

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
        ('noon', 'noon'), ('midday', 'noon'), ('midnight', 'midnight'), ('am', 'am'), ('pm', 'pm'),
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
        ('cents', 'cent'), ('more', 'more'), ('less', 'less'), ('fewer', 'less'), ('most', 'most'),
        ('least', 'least'), ('few', 'few'), ('several', 'several'), ('many', 'many'), ('half', 'half'),
        ('double', 'double'), ('twice', 'twice'), ('once', 'once'), ('thrice', 'thrice'), ('triple', 'triple'),
        ('quarter', 'quarter')) as u(word, value)
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

COMMENT ON FUNCTION private.value_words() IS 'The vocabulary of the value guard: word -> token (negation, number:N, date:D, amount:U, family:F), or '''' for a common sentence opener or contraction stem that carries no value and is no name.';

CREATE FUNCTION public.fact_key(fact text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $_$
  select public.normalize_fact(fact) || '|' || regexp_replace(fact, '[^$€£¥₹%°]', '', 'g')
$_$;
REVOKE ALL ON FUNCTION public.fact_key(text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.fact_key(fact text) IS 'What makes two facts the same text: normalize_fact plus the currency, percent and degree signs, in order.';

CREATE FUNCTION public.fact_value_difference(a text, b text) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
  select private.value_difference(a, public.fact_words(a), b, public.fact_words(b))
$$;
REVOKE ALL ON FUNCTION public.fact_value_difference(text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.fact_value_difference(a text, b text) IS 'Why two facts are distinct facts whatever their similarity (''number differs'', ''negation differs'', ''date or time differs'', ''amount or unit differs'', ''frequency differs'', ''family member differs'', ''name differs'', ''word differs'' when a word stands in place of another), or null.';

CREATE FUNCTION public.jaccard(a text[], b text[]) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
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
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
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
GRANT ALL ON FUNCTION private.capitalized_as_name(fact text, word text, may_open boolean) TO authenticated;
GRANT ALL ON FUNCTION private.capitalized_as_name(fact text, word text, may_open boolean) TO service_role;

REVOKE ALL ON FUNCTION private.value_difference(a_fact text, a_words text[], b_fact text, b_words text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION private.value_difference(a_fact text, a_words text[], b_fact text, b_words text[]) TO authenticated;
GRANT ALL ON FUNCTION private.value_difference(a_fact text, a_words text[], b_fact text, b_words text[]) TO service_role;

REVOKE ALL ON FUNCTION private.value_words() FROM PUBLIC;
GRANT ALL ON FUNCTION private.value_words() TO authenticated;
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
