-- plpgsql_check reports nothing on these functions any more: array variables start from typed empty arrays
-- (not an untyped '{}' literal), and the variables a FOR loop declares for itself are no longer declared twice.
-- Bodies otherwise unchanged; grants and comments stay as they are (create or replace keeps them).

create or replace function public.deduplicate_memories(user_id uuid default null, threshold double precision default null)
returns table (duplicates_found bigint, duplicates_removed bigint)
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(deduplicate_memories.user_id);
  v_jaccard double precision := coalesce(threshold, (select s.duplicate_threshold from public.memory_settings s));
  v_found bigint;
  v_node record;
  v_taken boolean[] := '{}'::boolean[];
  v_dups uuid[] := '{}'::uuid[];
  v_keepers uuid[] := '{}'::uuid[];
  v_similarities double precision[] := '{}'::double precision[];
  v_pair_a uuid[];
  v_pair_b uuid[];
  v_pair_similarity double precision[];
begin
  if not (v_jaccard > 0 and v_jaccard <= 1) then
    raise exception 'threshold must be above 0 and at most 1' using errcode = '22023', column = 'threshold';
  end if;
  -- The pairs are found before the user's lock is taken: that is the long part, and the user's stores go on
  -- meanwhile. Under the lock, a pair counts only if both memories are still active and were not unmerged since.
  select coalesce(array_agg(p.a), '{}'), coalesce(array_agg(p.b), '{}'), coalesce(array_agg(p.similarity), '{}')
    into v_pair_a, v_pair_b, v_pair_similarity
    from private.duplicate_pairs(v_user, v_jaccard, threshold) p;
  perform private.lock_user_memories(v_user);

  -- Decide first, in keep order: a memory not yet taken stays and absorbs its duplicates that no earlier keeper
  -- took. Nodes are numbered by keep order so that "taken" is a boolean array indexed in place, and the loop
  -- stays linear in the number of pairs.
  v_found := 0;
  for v_node in
    with pairs as (
      select x.a, x.b, x.similarity from unnest(v_pair_a, v_pair_b, v_pair_similarity) as x(a, b, similarity)
       where (select count(*) from public.user_memories m where m.id in (x.a, x.b) and m.user_id = v_user and m.is_active) = 2
         and not exists (select 1 from public.memory_sightings s
                          where s.user_id = v_user and s.memory_id in (x.a, x.b) and s.unmerged_memory_id in (x.a, x.b))
    ),
    edges as (select p.a as id, p.b as partner, p.similarity from pairs p union all select p.b, p.a, p.similarity from pairs p),
    ranked as (
      select n.id, (row_number() over (order by private.keep_order(m.importance_score, m.created_at), n.id))::integer as r
        from (select distinct e.id from edges e) n join public.user_memories m on m.id = n.id
    )
    select r1.r, r1.id, array_agg(r2.r order by r2.r) as partner_ranks, array_agg(r2.id order by r2.r) as partner_ids,
           array_agg(e.similarity order by r2.r) as partner_similarities
      from edges e join ranked r1 on r1.id = e.id join ranked r2 on r2.id = e.partner
     group by r1.r, r1.id
     order by r1.r
  loop
    v_found := v_found + cardinality(v_node.partner_ranks);
    continue when coalesce(v_taken[v_node.r], false);
    v_taken[v_node.r] := true;
    for v_i in 1 .. cardinality(v_node.partner_ranks) loop
      continue when coalesce(v_taken[v_node.partner_ranks[v_i]], false);
      v_taken[v_node.partner_ranks[v_i]] := true;
      v_dups := array_append(v_dups, v_node.partner_ids[v_i]);
      v_keepers := array_append(v_keepers, v_node.id);
      v_similarities := array_append(v_similarities, v_node.partner_similarities[v_i]);
    end loop;
  end loop;
  if cardinality(v_dups) = 0 then
    return query select v_found / 2, 0::bigint;
    return;
  end if;

  -- Then apply, set-based: each duplicate becomes a sighting on its keeper (copied before anything changes), the
  -- keepers take what the merge rule keeps, and the duplicates are deactivated and linked.
  perform private.absorb_memories(v_user, v_dups, v_keepers, v_similarities);
  with absorbed as (
    select k.keeper, array_agg(d order by private.keep_order(d.importance_score, d.created_at), d.id) as memories
      from unnest(v_dups, v_keepers) as k(dup, keeper) join public.user_memories d on d.id = k.dup
     group by k.keeper
  ),
  kept as (
    select (private.merged_memory(m, a.memories)).* from absorbed a join public.user_memories m on m.id = a.keeper
  )
  update public.user_memories k
     set importance_score = n.importance_score, confidence_score = n.confidence_score, expires_at = n.expires_at,
         metadata = n.metadata, category = n.category, source_conversation_id = n.source_conversation_id,
         embedding = n.embedding, embedding_model = n.embedding_model
    from kept n
   where k.id = n.id
     -- A merge that changes nothing writes nothing: each write of an active memory touches all of its indexes.
     and (k.importance_score, k.confidence_score, k.expires_at, k.metadata, k.category, k.source_conversation_id, k.embedding_model)
         is distinct from (n.importance_score, n.confidence_score, n.expires_at, n.metadata, n.category, n.source_conversation_id, n.embedding_model);
  update public.user_memories d set is_active = false, duplicate_of = k.keeper
    from unnest(v_dups, v_keepers) as k(dup, keeper) where d.id = k.dup;
  update public.user_memories d set duplicate_of = k.keeper
    from unnest(v_dups, v_keepers) as k(dup, keeper) where d.duplicate_of = k.dup and d.id <> k.dup;
  return query select v_found / 2, cardinality(v_dups)::bigint;
end
$$;

create or replace function private.value_difference(a_fact text, a_words text[], b_fact text, b_words text[])
returns text
language plpgsql
stable strict parallel safe
set search_path = ''
as $$
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
$$;

create or replace function private.duplicate_candidates(
  target uuid, fact text, embedding extensions.vector, embedding_model text,
  jaccard_threshold double precision, cosine_threshold double precision, exclude uuid default null
) returns table (id uuid, same_text boolean, jaccard double precision, cosine double precision,
                 similarity double precision, importance_score double precision, created_at timestamptz,
                 value_difference text, is_duplicate boolean)
language plpgsql
stable
rows 4
security definer
set search_path = ''
as $$
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
           j.same or j.reason is null or (j.reason = 'word differs' and coalesce(j.cos >= cosine_threshold, false))
      from (select n.id, n.same, n.jac, n.cos,
                   case when n.same then 1.0::double precision else greatest(coalesce(n.jac, 0), coalesce(n.cos, 0)) end as similarity,
                   m.importance_score, m.created_at,
                   case when not n.same then private.value_difference(m.fact, m.fact_words, duplicate_candidates.fact, v_words) end as reason
              from near n
              join public.user_memories m on m.id = n.id) j;
end
$$;
