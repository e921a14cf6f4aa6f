-- Hygiene: deduplication (one user, every user), marking duplicates, cleanup, expiry and statistics.
-- The current definition of each object; migrations are produced from these (docs/architecture.md).
-- Bodies are checked when they run, not when they are created (as pg_dump does): a function may call one
-- defined further down, or in a later file.
set check_function_bodies = off;

CREATE FUNCTION private.duplicate_pairs(target uuid, jaccard_threshold double precision, cosine_threshold double precision DEFAULT NULL::double precision) RETURNS TABLE(a uuid, b uuid, similarity double precision)
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
    -- The texts of the candidates only, for the value guard, each read once (not once per pair it is in).
    texts as materialized (
      select e.id, e.fact, private.fact_tokens(e.fact) as tokens, e.embedding_model, e.agent_id, e.run_id from public.user_memories e
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
             private.tokens_difference(ta.fact, ta.tokens, tb.fact, tb.tokens) as reason
        from candidates c
        join texts ta on ta.id = c.a
        join texts tb on tb.id = c.b
       where not exists (select 1 from unmerged u
                          where (u.keeper = c.a and u.other = c.b) or (u.keeper = c.b and u.other = c.a))
         -- Duplicates within one scope only, as store_memory finds them.
         and ta.agent_id is not distinct from tb.agent_id and ta.run_id is not distinct from tb.run_id
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

COMMENT ON FUNCTION private.duplicate_pairs(target uuid, jaccard_threshold double precision, cosine_threshold double precision) IS 'The duplicate pairs among a user''s active memories of one scope (agent_id, run_id): Jaccard at jaccard_threshold or same-model cosine at cosine_threshold (default: each model''s), no value differing, never a pair the user unmerged.';

CREATE FUNCTION public.cleanup_old_memories(days_old integer DEFAULT 90, batch_size integer DEFAULT 1000) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_total bigint := 0;
  v_batch bigint;
  v_ids uuid[];
  v_users uuid[];
begin
  if days_old is null or days_old < 1 then
    raise exception 'days_old must be at least 1' using errcode = '22023', column = 'days_old';
  end if;
  if batch_size is null or batch_size < 1 or batch_size > 100000 then
    raise exception 'batch_size must be between 1 and 100000' using errcode = '22023', column = 'batch_size';
  end if;
  perform private.lock_maintenance();
  loop
    -- Never an active memory: only rows deactivated (superseded, forgotten, duplicates) more than days_old ago.
    -- A version with a later one is history of a memory: it goes only with the memory (from its end, a pass at a
    -- time), so a live memory's history is kept whole.
    select array_agg(x.id), array_agg(x.user_id) into v_ids, v_users
      from (select m.id, m.user_id from public.user_memories m
             where not m.is_active and m.updated_at < now() - make_interval(days => days_old)
               and not exists (select 1 from public.user_memories n where n.previous_version_id = m.id)
             order by m.updated_at limit batch_size) x;
    exit when v_ids is null;
    perform private.lock_users(v_users);
    delete from public.user_memories m
     where m.id = any (v_ids) and not m.is_active and m.updated_at < now() - make_interval(days => days_old)
       and not exists (select 1 from public.user_memories n where n.previous_version_id = m.id);
    get diagnostics v_batch = row_count;
    v_total := v_total + v_batch;
    exit when v_batch = 0;
  end loop;
  return v_total;
end
$$;
REVOKE ALL ON FUNCTION public.cleanup_old_memories(integer, integer) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.cleanup_old_memories(days_old integer, batch_size integer) IS 'Hard-deletes inactive memories (forgotten, duplicates, and the versions of those) deactivated more than days_old days ago, batch_size at a time; never an active one, nor a version of a memory that is kept. Returns how many. service_role only.';

CREATE FUNCTION public.deduplicate_all_memories(batch_size integer DEFAULT 100) RETURNS TABLE(users integer, duplicates_found bigint, duplicates_removed bigint)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_user uuid;
  v_result record;
  v_users integer := 0;
  v_found bigint := 0;
  v_removed bigint := 0;
begin
  if batch_size is null or batch_size < 1 then
    raise exception 'batch_size must be at least 1' using errcode = '22023', column = 'batch_size';
  end if;
  -- It keeps each user's lock until it commits, taking them in its own order: one sweep at a time.
  perform private.lock_maintenance();
  -- The users who stored something since their last run come first; batch_size of them per call.
  for v_user in
    select s.user_id from public.memory_user_stats s
     where s.active_count > 1
     order by s.last_deduplicated_at nulls first, s.user_id
     limit batch_size
  loop
    select * into v_result from public.deduplicate_memories(v_user);
    update public.memory_user_stats s set last_deduplicated_at = now() where s.user_id = v_user;
    v_users := v_users + 1;
    v_found := v_found + v_result.duplicates_found;
    v_removed := v_removed + v_result.duplicates_removed;
  end loop;
  return query select v_users, v_found, v_removed;
end
$$;
REVOKE ALL ON FUNCTION public.deduplicate_all_memories(integer) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.deduplicate_all_memories(batch_size integer) IS 'Deduplicates batch_size users per call, those deduplicated longest ago first (service_role; what the nightly job runs). Returns the users done and the pairs found and memories removed.';

CREATE FUNCTION public.deduplicate_memories(user_id uuid DEFAULT NULL::uuid, threshold double precision DEFAULT NULL::double precision) RETURNS TABLE(duplicates_found bigint, duplicates_removed bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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
REVOKE ALL ON FUNCTION public.deduplicate_memories(uuid, double precision) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.deduplicate_memories(user_id uuid, threshold double precision) IS 'Merges one user''s duplicate memories (word Jaccard at memory_settings.duplicate_threshold or same-model cosine at the model''s threshold, or both at the given threshold; never facts a value sets apart, never a pair the user unmerged): the first in keep order stays and takes what the merge rule keeps, each other becomes an inactive duplicate recorded as a sighting on it. Returns the pairs found and the memories removed.';

CREATE FUNCTION public.expire_memories(batch_size integer DEFAULT 1000) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_total bigint := 0;
  v_batch bigint;
  v_ids uuid[];
  v_users uuid[];
begin
  if batch_size is null or batch_size < 1 or batch_size > 100000 then
    raise exception 'batch_size must be between 1 and 100000' using errcode = '22023', column = 'batch_size';
  end if;
  perform private.lock_maintenance();
  loop
    select array_agg(x.id), array_agg(x.user_id) into v_ids, v_users
      from (select m.id, m.user_id from public.user_memories m
             where m.is_active and m.expires_at is not null and m.expires_at <= now()
             order by m.expires_at limit batch_size) x;
    exit when v_ids is null;
    perform private.lock_users(v_users);
    -- Checked again under the locks: a write may have changed the memory meanwhile.
    update public.user_memories m set is_active = false
     where m.id = any (v_ids) and m.is_active and m.expires_at <= now();
    get diagnostics v_batch = row_count;
    v_total := v_total + v_batch;
    exit when cardinality(v_ids) < batch_size;
  end loop;
  return v_total;
end
$$;
REVOKE ALL ON FUNCTION public.expire_memories(integer) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.expire_memories(batch_size integer) IS 'The expiry sweep: deactivates active memories past expires_at (they already stopped appearing in search and listings at that moment) and frees their quota places. Returns how many. service_role only.';

CREATE FUNCTION public.get_memory_overview() RETURNS TABLE(user_id uuid, active integer, inactive integer, sightings integer, quota integer, quota_used_ratio double precision, last_stored_at timestamp with time zone)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select s.user_id, s.active_count, s.inactive_count, s.sighting_count,
         coalesce(s.quota_limit, ms.default_quota),
         s.active_count::double precision / coalesce(s.quota_limit, ms.default_quota),
         s.last_stored_at
    from public.memory_user_stats s cross join public.memory_settings ms
   order by 6 desc, s.user_id
$$;
REVOKE ALL ON FUNCTION public.get_memory_overview() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.get_memory_overview() IS 'Every user''s counters (active, inactive, sightings) and quota use, fullest first, from the trigger-kept statistics (service_role only).';

CREATE FUNCTION public.get_memory_stats(user_id uuid DEFAULT NULL::uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_user uuid := private.acting_user(get_memory_stats.user_id);
  v_stats jsonb;
begin
  with mine as (
    select m.* from public.user_memories m where m.user_id = v_user
  )
  select jsonb_build_object(
    'user_id', v_user,
    'active', count(*) filter (where m.is_active),
    'inactive', count(*) filter (where not m.is_active and m.duplicate_of is null),
    'duplicates', count(*) filter (where m.duplicate_of is not null),
    'sightings', (select count(*) from public.memory_sightings s where s.user_id = v_user),
    'unmerged', (select count(*) from public.memory_sightings s where s.user_id = v_user and s.unmerged_at is not null),
    'by_type', coalesce((select jsonb_object_agg(t.memory_type, t.n) from (select x.memory_type, count(*) n from mine x where x.is_active group by 1) t), '{}'),
    'by_category', coalesce((select jsonb_object_agg(coalesce(c.category, '(none)'), c.n) from (select x.category, count(*) n from mine x where x.is_active group by 1) c), '{}'),
    'average_importance', round(avg(m.importance_score) filter (where m.is_active)::numeric, 4),
    'average_confidence', round(avg(m.confidence_score) filter (where m.is_active)::numeric, 4),
    'embeddings', coalesce((select jsonb_object_agg(coalesce(e.embedding_model, '(none)'), e.n) from (select x.embedding_model, count(*) n from mine x where x.is_active group by 1) e), '{}'),
    'oldest', min(m.created_at) filter (where m.is_active),
    'newest', max(m.created_at) filter (where m.is_active),
    'storage_bytes', coalesce(sum(pg_column_size(m.*)), 0),
    'quota', (select coalesce(s.quota_limit, (select ms.default_quota from public.memory_settings ms))
                from (select 1) one left join public.memory_user_stats s on s.user_id = v_user),
    'quota_used', count(*) filter (where m.is_active)
  ) into v_stats
  from mine m;
  return v_stats;
end
$$;
REVOKE ALL ON FUNCTION public.get_memory_stats(uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.get_memory_stats(user_id uuid) IS 'One user''s memory statistics: counts (active, inactive, duplicates, sightings, unmerged), by type and category, average scores, embedding coverage per model, oldest and newest, storage bytes, quota and quota used.';

CREATE FUNCTION public.mark_memory_duplicate(memory_id uuid, original_id uuid) RETURNS TABLE(id uuid, duplicate_of uuid, relinked integer)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_user uuid;
  v_memory public.user_memories;
  v_original public.user_memories;
  v_relinked integer;
begin
  perform private.known_caller();
  if memory_id is null or original_id is null then
    raise exception 'memory_id and original_id are required' using errcode = '22023', column = 'memory_id';
  end if;
  if memory_id = original_id then
    raise exception 'a memory cannot be a duplicate of itself' using errcode = '22023', column = 'original_id';
  end if;
  -- The user first (a memory's user never changes), then their lock, then the rows. The caller sees what RLS
  -- would let them (private.may_read): a memory of another user is not found, as an id that names nothing.
  select m.user_id into v_user from public.user_memories m where m.id = memory_id and private.may_read(m.user_id);
  if v_user is null then
    raise exception 'memory % not found', memory_id using errcode = 'PT404', column = 'memory_id';
  end if;
  perform private.lock_user_memories(v_user);
  select m.* into v_memory from public.user_memories m where m.id = memory_id and m.user_id = v_user for no key update;
  select m.* into v_original from public.user_memories m
   where m.id = original_id and private.may_read(m.user_id) for no key update;
  if v_memory.id is null then
    raise exception 'memory % not found', memory_id using errcode = 'PT404', column = 'memory_id';
  end if;
  if v_original.id is null then
    raise exception 'memory % not found', original_id using errcode = 'PT404', column = 'original_id';
  end if;
  if v_original.user_id <> v_memory.user_id then
    raise exception 'a memory can only duplicate a memory of the same user' using errcode = '22023', column = 'original_id';
  end if;
  if not v_original.is_active then
    raise exception 'the original % is not active (superseded, forgotten or itself a duplicate)', original_id
      using errcode = 'PT409', column = 'original_id';
  end if;
  -- An active original has no duplicate_of, so linking to it cannot close a cycle; the walk says so explicitly.
  if exists (
    with recursive chain as (
      select m.id, m.duplicate_of from public.user_memories m where m.id = original_id and m.user_id = v_user
      union all
      select m.id, m.duplicate_of from public.user_memories m join chain c on m.id = c.duplicate_of
       where m.user_id = v_user
    ) select 1 from chain where chain.id = memory_id
  ) then
    raise exception 'linking % to % would make a cycle', memory_id, original_id using errcode = 'PT409', column = 'original_id';
  end if;
  perform private.absorb_memories(v_memory.user_id, array[memory_id], array[original_id],
    array[public.jaccard(v_memory.fact_words, v_original.fact_words)]);
  update public.user_memories m set is_active = false, duplicate_of = original_id where m.id = memory_id and m.user_id = v_user;
  -- Keep duplicate chains one link long: what pointed at the new duplicate now points at its original.
  update public.user_memories m set duplicate_of = original_id
   where m.user_id = v_user and m.id <> original_id and m.duplicate_of = memory_id;
  get diagnostics v_relinked = row_count;
  return query select memory_id, original_id, v_relinked;
end
$$;
REVOKE ALL ON FUNCTION public.mark_memory_duplicate(uuid, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.mark_memory_duplicate(memory_id uuid, original_id uuid) IS 'Deactivates a memory as a duplicate of an active original of the same user, links it (and its own duplicates) to that original, and records it as a sighting there (unmerge_memory undoes it). Refuses self-links (22023), other users'' memories (PT404), inactive originals and cycles (PT409).';

REVOKE ALL ON FUNCTION private.duplicate_pairs(target uuid, jaccard_threshold double precision, cosine_threshold double precision) FROM PUBLIC;
GRANT ALL ON FUNCTION private.duplicate_pairs(target uuid, jaccard_threshold double precision, cosine_threshold double precision) TO service_role;

REVOKE ALL ON FUNCTION public.cleanup_old_memories(days_old integer, batch_size integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.cleanup_old_memories(days_old integer, batch_size integer) TO service_role;

REVOKE ALL ON FUNCTION public.deduplicate_all_memories(batch_size integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.deduplicate_all_memories(batch_size integer) TO service_role;

REVOKE ALL ON FUNCTION public.deduplicate_memories(user_id uuid, threshold double precision) FROM PUBLIC;
GRANT ALL ON FUNCTION public.deduplicate_memories(user_id uuid, threshold double precision) TO authenticated;
GRANT ALL ON FUNCTION public.deduplicate_memories(user_id uuid, threshold double precision) TO service_role;

REVOKE ALL ON FUNCTION public.expire_memories(batch_size integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.expire_memories(batch_size integer) TO service_role;

REVOKE ALL ON FUNCTION public.get_memory_overview() FROM PUBLIC;
GRANT ALL ON FUNCTION public.get_memory_overview() TO service_role;

REVOKE ALL ON FUNCTION public.get_memory_stats(user_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.get_memory_stats(user_id uuid) TO authenticated;
GRANT ALL ON FUNCTION public.get_memory_stats(user_id uuid) TO service_role;

REVOKE ALL ON FUNCTION public.mark_memory_duplicate(memory_id uuid, original_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.mark_memory_duplicate(memory_id uuid, original_id uuid) TO authenticated;
GRANT ALL ON FUNCTION public.mark_memory_duplicate(memory_id uuid, original_id uuid) TO service_role;
