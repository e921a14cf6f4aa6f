-- deduplicate_memories does less work per memory (measured at 10,000 memories with 1,500 duplicates: 1,036 ms
-- before this migration and 20261125151000, 444 ms after in bench:hygiene):
-- * duplicate_pairs adds positional filtering to its prefix filter (1,000 word candidates instead of 37,700 for
--   1,000 true pairs), prunes LSH collisions by Hamming distance before making them distinct, keeps intermediate
--   rows narrow (the word sets rejoin only the candidate pairs), keys each band by one integer (model, band
--   number, bits), and joins in the order written;
-- * the merge writes only keepers whose values change (each write of an active memory touches all its indexes),
--   and gathers absorbed metadata in one grouped pass instead of a subquery per keeper.

create or replace function private.duplicate_pairs(target uuid, threshold double precision)
returns table (a uuid, b uuid, similarity double precision)
language plpgsql
stable
security definer
set search_path = ''
-- The candidate sets are a few hundred thousand rows; hash them in memory (merge joins sorted them, slowly).
set work_mem = '64MB'
set enable_mergejoin = off
-- The planner's row estimates for these self-joins are astronomical, so it JIT-compiled the query with full
-- optimization: ~700 ms before the first row, whatever the data.
set jit = off
-- Join in the order written: from the candidate pairs out to their rows. Left free, the planner, misled by the
-- self-joins' estimates, crossed the user's memories with themselves before meeting the few candidates.
set join_collapse_limit = 1
as $$
#variable_conflict use_column
declare
  v_checked uuid := private.acting_user(target);
  -- A cosine of t is an angle of acos(t); about that share of 384 sign bits differ (68 at 0.85, with a standard
  -- deviation near 7.5). A quarter more keeps ~99% of the pairs at exactly t and drops most unrelated ones.
  v_max_hamming integer := ceil(1.25 * 384 * acos(least(threshold, 1)) / pi())::integer;
begin
  return query
    -- Small rows only: the embeddings (1.5 KB each) are fetched for the few pairs that pass the Hamming bound;
    -- carrying them here spilled this CTE to disk at 10k memories.
    with mem as materialized (
      select m.id, m.fact_words as words, cardinality(m.fact_words) as size, m.embedding_bits,
             dense_rank() over (order by m.embedding_model) as model
        from public.user_memories m
       where m.user_id = target and m.is_active
    ),
    -- Narrow rows from here on: the word sets rejoin only the candidate pairs.
    tok as materialized (select mem.id, mem.size, w from mem, unnest(mem.words) w),
    freq as (select tok.w, count(*) as f from tok group by tok.w),
    prefix as (
      select r.id, r.w, r.size, r.pos
        from (select tok.id, tok.w, tok.size, row_number() over (partition by tok.id order by freq.f, tok.w) as pos
                from tok join freq using (w)) r
       where r.pos <= r.size - ceil(threshold * r.size) + 1
    ),
    -- Positional filtering (PPJoin): a word at position i of one set and j of the other leaves room for at most
    -- 1 + min(|a| - i, |b| - j) shared words, and Jaccard >= t needs t / (1 + t) * (|a| + |b|) of them. Most
    -- chance meetings on a prefix word fail this (the epsilon keeps float rounding from dropping a true pair).
    word_pairs as (
      select distinct p.id as a, q.id as b
        from prefix p join prefix q on q.w = p.w and q.id > p.id
       where q.size between ceil(threshold * p.size) and floor(p.size / threshold)
         and 1 + least(p.size - p.pos, q.size - q.pos) >= ceil(threshold / (1 + threshold) * (p.size + q.size) - 1e-9)
    ),
    -- Jaccard by counting shared words inline (a dozen comparisons, not a function call each).
    word_scores as (
      select wp.a, wp.b, x.shared / (ma.size + mb.size - x.shared) as sim
        from word_pairs wp join mem ma on ma.id = wp.a join mem mb on mb.id = wp.b
        cross join lateral (select count(*)::double precision as shared from unnest(ma.words) w where w = any (mb.words)) x
    ),
    -- One integer key per band: the model, the band's number and its 16 bits. Each band row carries its bits, so
    -- the Hamming bound prunes a colliding pair before it is made distinct (most collisions are of one topic).
    bands as (
      select mem.id, mem.embedding_bits,
             ((mem.model * 24 + k) << 16) | substring(mem.embedding_bits from 16 * k + 1 for 16)::bit(16)::integer::bigint as key
        from mem, generate_series(0, 23) k
       where mem.embedding_bits is not null
    ),
    near as materialized (
      select distinct x.id as a, y.id as b
        from bands x join bands y on y.key = x.key and y.id > x.id
       where pg_catalog.bit_count(x.embedding_bits # y.embedding_bits) <= v_max_hamming
    ),
    -- The embeddings of the pairs left, read once through the user's rows (never a scan of the whole table).
    embeddings as (
      select e.id, e.embedding from public.user_memories e
       where e.user_id = target and e.is_active and e.id in (select near.a from near union select near.b from near)
    ),
    scored as (
      select ws.a, ws.b, ws.sim from word_scores ws
      union all
      select near.a, near.b, 1 - (ea.embedding operator(extensions.<=>) eb.embedding)
        from near join embeddings ea on ea.id = near.a join embeddings eb on eb.id = near.b
    )
    select s.a, s.b, max(s.sim) from scored s group by s.a, s.b having max(s.sim) >= threshold;
end
$$;

create or replace function public.deduplicate_memories(user_id uuid default null, threshold double precision default null)
returns table (duplicates_found bigint, duplicates_removed bigint)
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(deduplicate_memories.user_id);
  v_threshold double precision := coalesce(threshold, (select s.duplicate_threshold from public.memory_settings s));
  v_found bigint;
  v_node record;
  v_taken boolean[] := '{}';
  v_i integer;
  v_dups uuid[] := '{}';
  v_keepers uuid[] := '{}';
begin
  if not (v_threshold > 0 and v_threshold <= 1) then
    raise exception 'threshold must be above 0 and at most 1' using errcode = '22023', column = 'threshold';
  end if;
  perform private.lock_user_memories(v_user);

  -- Decide first, in keep order (most important, then most confident, then newest): a memory not yet taken
  -- stays and absorbs its duplicates that no earlier keeper took. Nodes are numbered by keep order so that
  -- "taken" is a boolean array indexed in place, and the loop stays linear in the number of pairs.
  v_found := 0;
  for v_node in
    with pairs as (select * from private.duplicate_pairs(v_user, v_threshold)),
    edges as (select p.a as id, p.b as partner from pairs p union all select p.b, p.a from pairs p),
    ranked as (
      select n.id, (row_number() over (order by m.importance_score desc, m.confidence_score desc, m.created_at desc, n.id))::integer as r
        from (select distinct e.id from edges e) n join public.user_memories m on m.id = n.id
    )
    select r1.r, r1.id, array_agg(r2.r order by r2.r) as partner_ranks, array_agg(r2.id order by r2.r) as partner_ids
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
    end loop;
  end loop;
  if cardinality(v_dups) = 0 then
    return query select v_found / 2, 0::bigint;
    return;
  end if;

  -- Then apply, set-based. What a merge keeps: the best confidence, the latest expiry (none if any has none),
  -- every metadata key with the keeper's values winning (unless that would pass the metadata size limit).
  with absorbed as (
    select k.keeper, d.confidence_score, d.expires_at, d.metadata
      from unnest(v_dups, v_keepers) as k(dup, keeper) join public.user_memories d on d.id = k.dup
  ),
  merged as (
    select a.keeper, max(a.confidence_score) as confidence, bool_or(a.expires_at is null) as forever,
           max(a.expires_at) as expires_at
      from absorbed a group by a.keeper
  ),
  -- Each keeper's absorbed metadata in one grouped pass (a subquery per keeper re-read every absorbed row).
  absorbed_metadata as (
    select x.keeper, jsonb_object_agg(kv.key, kv.value) as metadata
      from absorbed x, jsonb_each(x.metadata) kv group by x.keeper
  ),
  kept as (
    select k.id,
           greatest(k.confidence_score, m.confidence) as confidence_score,
           case when k.expires_at is null or m.forever then null else greatest(k.expires_at, m.expires_at) end as expires_at,
           case when octet_length((coalesce(am.metadata, '{}') || k.metadata)::text) <= 16384
                then coalesce(am.metadata, '{}') || k.metadata else k.metadata end as metadata
      from merged m
      left join absorbed_metadata am on am.keeper = m.keeper
      join public.user_memories k on k.id = m.keeper
  )
  update public.user_memories k
     set confidence_score = n.confidence_score, expires_at = n.expires_at, metadata = n.metadata
    from kept n
   where k.id = n.id
     -- A merge that changes nothing writes nothing: each write of an active memory touches all of its indexes.
     and (k.confidence_score, k.expires_at, k.metadata) is distinct from (n.confidence_score, n.expires_at, n.metadata);
  update public.user_memories d set is_active = false, duplicate_of = k.keeper
    from unnest(v_dups, v_keepers) as k(dup, keeper) where d.id = k.dup;
  update public.user_memories d set duplicate_of = k.keeper
    from unnest(v_dups, v_keepers) as k(dup, keeper) where d.duplicate_of = k.dup and d.id <> k.dup;
  return query select v_found / 2, cardinality(v_dups)::bigint;
end
$$;
