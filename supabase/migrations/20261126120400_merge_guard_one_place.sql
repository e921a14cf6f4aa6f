-- The merge rule's last word in one place, private.guard_allows_merge(reason, cosine, threshold): store_memory
-- (through duplicate_candidates) and deduplication (duplicate_pairs) each spelled it out before. Deduplication still
-- computes a pair's cosine only when the guard would let it decide. Behaviour unchanged. Produced with
-- npm run db:diff from supabase/schemas/, qualified by hand.

create function private.guard_allows_merge(reason text, cosine double precision, cosine_threshold double precision) returns boolean
    language sql immutable parallel safe
    set search_path = ''
    as $$ select reason is null or (reason = 'word differs' and coalesce(cosine >= cosine_threshold, false)) $$;

comment on function private.guard_allows_merge(text, double precision, double precision) is 'Whether two similar facts may merge, given the value guard''s reason (private.value_difference) and their cosine between embeddings of one model (null otherwise): no difference, or only a word put in place of another with the cosine at the threshold. The one statement of this rule: store_memory (through duplicate_candidates) and deduplication (duplicate_pairs) both ask it.';
revoke all on function private.guard_allows_merge(text, double precision, double precision) from public, anon, authenticated, service_role;
grant execute on function private.guard_allows_merge(text, double precision, double precision) to authenticated, service_role;

CREATE OR REPLACE FUNCTION private.duplicate_candidates(target uuid, fact text, embedding extensions.vector, embedding_model text, jaccard_threshold double precision, cosine_threshold double precision, exclude uuid DEFAULT NULL::uuid)
 RETURNS TABLE(id uuid, same_text boolean, jaccard double precision, cosine double precision, similarity double precision, importance_score double precision, created_at timestamp with time zone, value_difference text, is_duplicate boolean)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER ROWS 4
 SET search_path TO ''
AS $function$
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
