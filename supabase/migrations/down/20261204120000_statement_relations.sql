-- Rollback of the statement relations: the text rules, duplicate candidates and store_memory as they were.
set check_function_bodies = off;

DROP FUNCTION public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamp with time zone, text, uuid, double precision, text);

DROP FUNCTION private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, double precision, uuid);

DROP FUNCTION public.fact_relation(text, text);
DROP FUNCTION private.tokens_relation(text, text[], text, text[]);
DROP FUNCTION private.family_in_core(text[], text[]);
DROP FUNCTION private.store_version(uuid, uuid, public.user_memories);
DROP FUNCTION private.common_words();
DROP FUNCTION private.topic_words(text[]);
DROP FUNCTION private.word_variants(text);
DROP FUNCTION private.content_words(text[]);
DROP FUNCTION private.value_difference(text, text);
DROP FUNCTION private.tokens_difference(text, text[], text, text[]);
DROP FUNCTION private.denied_words(text[]);
DROP FUNCTION private.roles_differ(text[], text[]);
DROP FUNCTION private.fact_roles(text[]);
DROP FUNCTION private.is_content_word(text);
DROP FUNCTION private.is_time_word(text);
DROP FUNCTION private.relation_words();
DROP FUNCTION private.fact_tokens(text);
DROP FUNCTION private.filler_words();
DROP FUNCTION private.verb_forms();
DROP FUNCTION private.word_forms();

DELETE FROM public.memory_idempotency_keys WHERE status IN ('refined', 'superseded');

ALTER TABLE public.memory_idempotency_keys DROP CONSTRAINT memory_idempotency_keys_status_check;

ALTER TABLE public.memory_idempotency_keys
  ADD CONSTRAINT memory_idempotency_keys_status_check CHECK ((status = ANY (ARRAY['created'::text, 'distinct'::text, 'duplicate'::text]))) NOT VALID;

ALTER TABLE public.memory_idempotency_keys VALIDATE CONSTRAINT memory_idempotency_keys_status_check;

ALTER TABLE public.memory_idempotency_keys DROP CONSTRAINT memory_idempotency_keys_relation_check;

ALTER TABLE public.memory_idempotency_keys DROP COLUMN relation;

ALTER INDEX public.user_memories_active_words_idx RESET (fastupdate);

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

REVOKE ALL ON FUNCTION private.value_difference(a_fact text, a_words text[], b_fact text, b_words text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION private.value_difference(a_fact text, a_words text[], b_fact text, b_words text[]) TO authenticated;
GRANT ALL ON FUNCTION private.value_difference(a_fact text, a_words text[], b_fact text, b_words text[]) TO service_role;

CREATE FUNCTION private.duplicate_candidates(target uuid, fact text, embedding extensions.vector, embedding_model text, jaccard_threshold double precision, cosine_threshold double precision, exclude uuid DEFAULT NULL::uuid) RETURNS TABLE(id uuid, same_text boolean, jaccard double precision, cosine double precision, similarity double precision, importance_score double precision, created_at timestamp with time zone, value_difference text, is_duplicate boolean)
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
  v_misses integer;
  v_probe text[];
  v_candidates uuid[];
begin
  if jaccard_threshold is null or not (jaccard_threshold > 0 and jaccard_threshold <= 1)
     or cosine_threshold is null or not (cosine_threshold > 0 and cosine_threshold <= 1) then
    raise exception 'thresholds must be above 0 and at most 1' using errcode = '22023', column = 'threshold';
  end if;
  v_candidates := array(
    select m.id from public.user_memories m
     where m.user_id = target and m.is_active and md5(public.fact_key(m.fact)) = v_key and m.id is distinct from exclude);
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
  -- A near duplicate by cosine shares almost every sign bit: a few candidates suffice. Asked only with an
  -- embedding: the scan behind it costs as much without one.
  if duplicate_candidates.embedding is not null then
    v_candidates := v_candidates || array(
      select n.id from private.nearest_memories(target, duplicate_candidates.embedding, duplicate_candidates.embedding_model, 4, 32) n
       where n.id is distinct from exclude);
  end if;

  return query
    with near as (
      select x.* from (
        select m.id, md5(public.fact_key(m.fact)) = v_key as same, public.jaccard(m.fact_words, v_words) as jac,
               case when duplicate_candidates.embedding is not null and m.embedding_model = duplicate_candidates.embedding_model
                    then 1 - (m.embedding operator(extensions.<=>) duplicate_candidates.embedding) end as cos
          from public.user_memories m
         where m.id = any (v_candidates) and m.user_id = target
      ) x
      where x.same or x.jac >= jaccard_threshold or x.cos >= cosine_threshold
    )
    select j.id, j.same, j.jac, j.cos, j.similarity, j.importance_score, j.created_at, j.reason,
           j.same or private.guard_allows_merge(j.reason, j.cos, cosine_threshold)
      from (select n.id, n.same, n.jac, n.cos,
                   case when n.same then 1.0::double precision else greatest(coalesce(n.jac, 0), coalesce(n.cos, 0)) end as similarity,
                   m.importance_score, m.created_at,
                   case when not n.same then private.value_difference(m.fact, m.fact_words, duplicate_candidates.fact, v_words) end as reason
              from near n
              join public.user_memories m on m.id = n.id) j;
end
$$;
REVOKE ALL ON FUNCTION private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, double precision, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.duplicate_candidates(target uuid, fact text, embedding extensions.vector, embedding_model text, jaccard_threshold double precision, cosine_threshold double precision, exclude uuid) IS 'The active memories of a user near a candidate fact (same text, word Jaccard, or same-model cosine at its threshold), with their scores, the value that makes each distinct, and whether it is a duplicate.';

REVOKE ALL ON FUNCTION private.duplicate_candidates(target uuid, fact text, embedding extensions.vector, embedding_model text, jaccard_threshold double precision, cosine_threshold double precision, exclude uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.duplicate_candidates(target uuid, fact text, embedding extensions.vector, embedding_model text, jaccard_threshold double precision, cosine_threshold double precision, exclude uuid) TO authenticated;
GRANT ALL ON FUNCTION private.duplicate_candidates(target uuid, fact text, embedding extensions.vector, embedding_model text, jaccard_threshold double precision, cosine_threshold double precision, exclude uuid) TO service_role;

CREATE FUNCTION public.store_memory(fact text, memory_type text DEFAULT 'fact'::text, category text DEFAULT NULL::text, importance_score double precision DEFAULT 0.5, confidence_score double precision DEFAULT 0.5, source_conversation_id uuid DEFAULT NULL::uuid, metadata jsonb DEFAULT '{}'::jsonb, embedding extensions.vector DEFAULT NULL::extensions.vector, embedding_model text DEFAULT NULL::text, expires_at timestamp with time zone DEFAULT NULL::timestamp with time zone, idempotency_key text DEFAULT NULL::text, user_id uuid DEFAULT NULL::uuid, duplicate_threshold double precision DEFAULT NULL::double precision) RETURNS TABLE(id uuid, status text, version integer, sighting_id uuid, related jsonb)
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
  v_id uuid;
  v_status text;
  v_version integer;
  v_sighting uuid;
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
      select k.memory_id, k.status, k.version, k.sighting_id, k.related from public.memory_idempotency_keys k
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
  -- The newcomer: on a tie of importance the memory already there stays (its id is the one a chatbot holds). Not
  -- now(): a store that waited on the lock began before the memory it now meets.
  v_statement.created_at := 'infinity';

  -- One pass over the near memories: the duplicate to merge into (the same text first, then the most similar,
  -- then keep order), and those a value sets apart, which the caller hears of as related.
  select * into v_thresholds from private.duplicate_thresholds(store_memory.embedding_model, duplicate_threshold);
  select coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'similarity', round(c.similarity::numeric, 4), 'reason', c.value_difference)
                    order by c.similarity desc, c.id) filter (where not c.is_duplicate), '[]'::jsonb),
         (array_agg(c.id order by c.same_text desc, c.similarity desc, private.keep_order(c.importance_score, c.created_at), c.id)
            filter (where c.is_duplicate))[1],
         (array_agg(c.similarity order by c.same_text desc, c.similarity desc, private.keep_order(c.importance_score, c.created_at), c.id)
            filter (where c.is_duplicate))[1]
    into v_related, v_match, v_similarity
    from private.duplicate_candidates(v_user, v_fact, store_memory.embedding, store_memory.embedding_model,
           v_thresholds.jaccard, v_thresholds.cosine) c;

  if v_match is null then
    insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
      source_conversation_id, metadata, embedding, embedding_model, expires_at)
    values (v_user, v_fact, store_memory.memory_type, store_memory.category, store_memory.importance_score,
      store_memory.confidence_score, store_memory.source_conversation_id, store_memory.metadata,
      store_memory.embedding, store_memory.embedding_model, store_memory.expires_at)
    returning user_memories.id, user_memories.version into v_id, v_version;
    v_status := case when v_related = '[]'::jsonb then 'created' else 'distinct' end;
  else
    select m.id, m.version, m.sighting_id into v_id, v_version, v_sighting
      from private.merge_statement(v_user, v_match, v_statement, v_similarity, store_memory.idempotency_key) m;
    v_status := 'duplicate';
  end if;

  if idempotency_key is not null then
    insert into public.memory_idempotency_keys (user_id, idempotency_key, memory_id, status, version, sighting_id, related)
    values (v_user, store_memory.idempotency_key, v_id, v_status, v_version, v_sighting, v_related);
  end if;
  return query select v_id, v_status, v_version, v_sighting, v_related;
end
$_$;
REVOKE ALL ON FUNCTION public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamp with time zone, text, uuid, double precision) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.store_memory(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, source_conversation_id uuid, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, idempotency_key text, user_id uuid, duplicate_threshold double precision) IS 'Stores a memory for the caller in one transaction: validates; merges into a duplicate (the same text, word Jaccard or same-model cosine at the thresholds, and no value differing), keeping the more important and the statement as a sighting; or inserts within the quota (PT507). Returns (id, status created|distinct|duplicate, version, sighting_id, related: near memories a value sets apart, [{id, similarity, reason}]); an idempotency key replays the first outcome.';

REVOKE ALL ON FUNCTION public.store_memory(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, source_conversation_id uuid, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, idempotency_key text, user_id uuid, duplicate_threshold double precision) FROM PUBLIC;
GRANT ALL ON FUNCTION public.store_memory(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, source_conversation_id uuid, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, idempotency_key text, user_id uuid, duplicate_threshold double precision) TO authenticated;
GRANT ALL ON FUNCTION public.store_memory(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, source_conversation_id uuid, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, idempotency_key text, user_id uuid, duplicate_threshold double precision) TO service_role;

CREATE OR REPLACE FUNCTION public.find_duplicate_memories(user_id uuid, fact text, threshold double precision DEFAULT NULL::double precision, embedding extensions.vector DEFAULT NULL::extensions.vector, embedding_model text DEFAULT NULL::text) RETURNS TABLE(id uuid, existing_fact text, jaccard double precision, cosine double precision, similarity double precision, is_duplicate boolean, value_difference text)
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
  select * into v_thresholds from private.duplicate_thresholds(find_duplicate_memories.embedding_model, threshold);
  return query
    select d.id, m.fact, d.jaccard, d.cosine, d.similarity, d.is_duplicate, d.value_difference
      from private.duplicate_candidates(v_user, find_duplicate_memories.fact, find_duplicate_memories.embedding,
             find_duplicate_memories.embedding_model, v_thresholds.jaccard, v_thresholds.cosine) d
      join public.user_memories m on m.id = d.id
     order by d.is_duplicate desc, d.similarity desc, m.importance_score desc, m.id;
end
$$;
REVOKE ALL ON FUNCTION public.find_duplicate_memories(uuid, text, double precision, extensions.vector, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.find_duplicate_memories(user_id uuid, fact text, threshold double precision, embedding extensions.vector, embedding_model text) IS 'The user''s active memories near a candidate text (word-set Jaccard; cosine for embeddings of the same model), each with its scores and whether store_memory would merge it: is_duplicate, or value_difference saying what value sets the two apart. Duplicates first, most similar first.';

REVOKE ALL ON FUNCTION public.find_duplicate_memories(user_id uuid, fact text, threshold double precision, embedding extensions.vector, embedding_model text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.find_duplicate_memories(user_id uuid, fact text, threshold double precision, embedding extensions.vector, embedding_model text) TO authenticated;
GRANT ALL ON FUNCTION public.find_duplicate_memories(user_id uuid, fact text, threshold double precision, embedding extensions.vector, embedding_model text) TO service_role;

CREATE OR REPLACE FUNCTION private.value_words() RETURNS jsonb
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

REVOKE ALL ON FUNCTION private.value_words() FROM PUBLIC;
GRANT ALL ON FUNCTION private.value_words() TO authenticated;
GRANT ALL ON FUNCTION private.value_words() TO service_role;

CREATE OR REPLACE FUNCTION public.fact_value_difference(a text, b text) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path TO ''
    AS $$
  select private.value_difference(a, public.fact_words(a), b, public.fact_words(b))
$$;
REVOKE ALL ON FUNCTION public.fact_value_difference(text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.fact_value_difference(a text, b text) IS 'Why two facts are distinct facts whatever their similarity (''number differs'', ''negation differs'', ''date or time differs'', ''amount or unit differs'', ''frequency differs'', ''family member differs'', ''name differs'', ''word differs'' when a word stands in place of another), or null.';

REVOKE ALL ON FUNCTION public.fact_value_difference(a text, b text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.fact_value_difference(a text, b text) TO authenticated;
GRANT ALL ON FUNCTION public.fact_value_difference(a text, b text) TO service_role;

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
$$;
REVOKE ALL ON FUNCTION private.duplicate_pairs(uuid, double precision, double precision) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.duplicate_pairs(target uuid, jaccard_threshold double precision, cosine_threshold double precision) IS 'The duplicate pairs among a user''s active memories: Jaccard at jaccard_threshold or same-model cosine at cosine_threshold (default: each model''s), no value differing, never a pair the user unmerged.';

REVOKE ALL ON FUNCTION private.duplicate_pairs(target uuid, jaccard_threshold double precision, cosine_threshold double precision) FROM PUBLIC;
GRANT ALL ON FUNCTION private.duplicate_pairs(target uuid, jaccard_threshold double precision, cosine_threshold double precision) TO authenticated;
GRANT ALL ON FUNCTION private.duplicate_pairs(target uuid, jaccard_threshold double precision, cosine_threshold double precision) TO service_role;
