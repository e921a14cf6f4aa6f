-- Undoes 20261126090200_memory_sightings: the write path, hygiene and history without sightings, as the
-- migrations before it defined them. Idempotency outcomes 'distinct' (a new memory) become 'created'.
drop function public.unmerge_memory(uuid, uuid);
drop function private.mark_unmerged(uuid, uuid, uuid);

drop function public.memory_history(uuid);
create or replace function public.memory_history(memory_id uuid)
returns table (id uuid, version integer, fact text, memory_type text, category text, importance_score double precision,
               confidence_score double precision, is_active boolean, previous_version_id uuid, created_at timestamptz)
language sql
stable
set search_path = ''
as $$
  -- Walk back to the first version, then forward along previous_version_id; RLS limits it to the caller's rows.
  with recursive back as (
    select m.id, m.previous_version_id from public.user_memories m where m.id = memory_history.memory_id
    union all
    select m.id, m.previous_version_id from public.user_memories m join back b on m.id = b.previous_version_id
  ),
  forward as (
    select m.* from public.user_memories m join back b on m.id = b.id where b.previous_version_id is null
    union all
    select m.* from public.user_memories m join forward f on m.previous_version_id = f.id
  )
  select f.id, f.version, f.fact, f.memory_type, f.category, f.importance_score, f.confidence_score, f.is_active,
         f.previous_version_id, f.created_at
    from forward f
   order by f.version
$$;
comment on function public.memory_history(uuid) is
  'Every version of the memory that the given version belongs to, oldest first (empty if it is not the caller''s).';
revoke all on function public.memory_history(uuid) from public, anon;
grant execute on function public.memory_history(uuid) to authenticated, service_role;

drop function public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamptz, text, uuid, double precision);
create or replace function public.store_memory(
  fact text,
  memory_type text default 'fact',
  category text default null,
  importance_score double precision default 0.5,
  confidence_score double precision default 0.5,
  source_conversation_id uuid default null,
  metadata jsonb default '{}'::jsonb,
  embedding extensions.vector default null,
  embedding_model text default null,
  expires_at timestamptz default null,
  idempotency_key text default null,
  user_id uuid default null,
  duplicate_threshold double precision default null
) returns table (id uuid, status text, version integer)
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(store_memory.user_id);
  v_fact text := regexp_replace(store_memory.fact, '^[[:space:]]+|[[:space:]]+$', '', 'g');
  v_threshold double precision;
  v_dup record;
  v_kept public.user_memories%rowtype;
  v_id uuid;
  v_status text;
  v_version integer;
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
      select k.memory_id, k.status, k.version from public.memory_idempotency_keys k
       where k.user_id = v_user and k.idempotency_key = store_memory.idempotency_key;
    if found then
      return;
    end if;
  end if;

  v_threshold := coalesce(duplicate_threshold, (select s.duplicate_threshold from public.memory_settings s));
  select d.id, d.similarity, d.importance_score into v_dup
    from private.find_duplicate(v_user, v_fact, store_memory.embedding, store_memory.embedding_model, v_threshold) d;

  if v_dup.id is null then
    insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
      source_conversation_id, metadata, embedding, embedding_model, expires_at)
    values (v_user, v_fact, store_memory.memory_type, store_memory.category, store_memory.importance_score,
      store_memory.confidence_score, store_memory.source_conversation_id, store_memory.metadata,
      store_memory.embedding, store_memory.embedding_model, store_memory.expires_at)
    returning user_memories.id, user_memories.version into v_id, v_version;
    v_status := 'created';
  elsif v_dup.importance_score >= store_memory.importance_score then
    -- Keep the existing memory, raised as a merge would: best scores, newest sighting, both metadata, later expiry.
    update public.user_memories m
       set confidence_score = greatest(m.confidence_score, store_memory.confidence_score),
           metadata = m.metadata || store_memory.metadata,
           expires_at = case when m.expires_at is null or store_memory.expires_at is null then null
                             else greatest(m.expires_at, store_memory.expires_at) end,
           embedding = coalesce(m.embedding, store_memory.embedding),
           embedding_model = case when m.embedding is null then store_memory.embedding_model else m.embedding_model end,
           last_accessed_at = now()
     where m.id = v_dup.id
    returning m.id, m.version into v_id, v_version;
    v_status := 'duplicate';
  else
    -- The new fact is the more important: it becomes the kept memory and the old one its duplicate.
    update public.user_memories m set is_active = false where m.id = v_dup.id returning m.* into v_kept;
    insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
      source_conversation_id, metadata, embedding, embedding_model, expires_at, last_accessed_at)
    values (v_user, v_fact, store_memory.memory_type, coalesce(store_memory.category, v_kept.category),
      store_memory.importance_score, greatest(v_kept.confidence_score, store_memory.confidence_score),
      coalesce(store_memory.source_conversation_id, v_kept.source_conversation_id), v_kept.metadata || store_memory.metadata,
      coalesce(store_memory.embedding, v_kept.embedding),
      case when store_memory.embedding is null then v_kept.embedding_model else store_memory.embedding_model end,
      case when v_kept.expires_at is null or store_memory.expires_at is null then null
           else greatest(v_kept.expires_at, store_memory.expires_at) end,
      now())
    returning user_memories.id, user_memories.version into v_id, v_version;
    update public.user_memories m set duplicate_of = v_id where m.id = v_dup.id;
    v_status := 'duplicate';
  end if;

  if idempotency_key is not null then
    insert into public.memory_idempotency_keys (user_id, idempotency_key, memory_id, status, version)
    values (v_user, store_memory.idempotency_key, v_id, v_status, v_version);
  end if;
  return query select v_id, v_status, v_version;
end
$$;
comment on function public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamptz, text, uuid, double precision) is
  'Stores a memory for the caller in one transaction: validates, merges into a duplicate (normalized text, word '
  'Jaccard or cosine >= threshold, keeping the most important) or inserts within the quota (PT507). '
  'Returns (id, status created|duplicate, version); an idempotency key replays the first outcome.';
revoke all on function public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamptz, text, uuid, double precision) from public, anon;
grant execute on function public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamptz, text, uuid, double precision)
  to authenticated, service_role;

drop function private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, double precision, uuid);
create or replace function private.duplicate_candidates(
  target uuid, fact text, embedding extensions.vector, embedding_model text, threshold double precision,
  exclude uuid default null
) returns table (id uuid, jaccard double precision, cosine double precision, similarity double precision,
                 importance_score double precision)
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
  v_misses integer;
  v_group integer;
  v_probe text[];
  v_candidates uuid[] := '{}';
begin
  if threshold is null or not (threshold > 0 and threshold <= 1) then
    raise exception 'threshold must be above 0 and at most 1' using errcode = '22023', column = 'threshold';
  end if;
  -- Jaccard >= t means the other set lacks at most m = |a| - ceil(t|a|) of our words. Deal our words into m + 1
  -- groups: a true duplicate lacks words from at most m of them, so it contains some group whole. Each group is a
  -- containment probe of the GIN index (an intersection of posting lists), selective however common the words.
  v_misses := v_size - ceil(threshold * v_size)::integer;
  for v_group in 0 .. v_misses loop
    select array_agg(w) into v_probe
      from (select w, row_number() over (order by char_length(w) desc, w) as n from unnest(v_words) w) dealt
     where (dealt.n - 1) % (v_misses + 1) = v_group;
    v_candidates := v_candidates || array(
      select m.id from public.user_memories m
       where m.user_id = target and m.is_active and m.fact_words operator(pg_catalog.@>) v_probe
         and m.id is distinct from exclude);
  end loop;

  return query
    with scored as (
      select m.id, m.importance_score, public.jaccard(m.fact_words, v_words) as jac,
             case when duplicate_candidates.embedding is not null and m.embedding_model = duplicate_candidates.embedding_model
                  then 1 - (m.embedding operator(extensions.<=>) duplicate_candidates.embedding) end as cos
        from public.user_memories m
       where m.id = any (v_candidates)
       union all
      select n.id, m.importance_score, public.jaccard(m.fact_words, v_words), n.similarity
        -- A near duplicate (cosine >= threshold) shares almost every sign bit: a few candidates suffice.
        from private.nearest_memories(target, duplicate_candidates.embedding, duplicate_candidates.embedding_model, 4, 32) n
        join public.user_memories m on m.id = n.id
       where duplicate_candidates.embedding is not null and n.id is distinct from exclude
    )
    select s.id, max(s.jac), max(s.cos), max(greatest(coalesce(s.jac, 0), coalesce(s.cos, 0))), max(s.importance_score)
      from scored s
     group by s.id
    having max(greatest(coalesce(s.jac, 0), coalesce(s.cos, 0))) >= threshold;
end
$$;
comment on function private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, uuid) is
  'Every active memory of a user that duplicates a candidate fact (word Jaccard or same-model cosine >= threshold), with its scores.';
revoke all on function private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, uuid) from public;
grant execute on function private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, uuid)
  to authenticated, service_role;

create or replace function private.find_duplicate(
  target uuid, fact text, embedding extensions.vector, embedding_model text, threshold double precision,
  exclude uuid default null
) returns table (id uuid, similarity double precision, importance_score double precision)
language plpgsql
stable
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_checked uuid := private.acting_user(target);
begin
  return query
    select m.id, 1.0::double precision, m.importance_score
      from public.user_memories m
     where m.user_id = target and m.is_active
       and md5(public.normalize_fact(m.fact)) = md5(public.normalize_fact(find_duplicate.fact))
       and m.id is distinct from exclude
     limit 1;
  if found then
    return;
  end if;
  return query
    select d.id, d.similarity, d.importance_score
      from private.duplicate_candidates(target, find_duplicate.fact, find_duplicate.embedding,
             find_duplicate.embedding_model, threshold, exclude) d
     order by 2 desc, 3 desc
     limit 1;
end
$$;
comment on function private.find_duplicate(uuid, text, extensions.vector, text, double precision, uuid) is
  'The active memory of a user that duplicates a candidate fact (normalized text, word Jaccard or cosine), if any.';
revoke all on function private.find_duplicate(uuid, text, extensions.vector, text, double precision, uuid) from public;
grant execute on function private.find_duplicate(uuid, text, extensions.vector, text, double precision, uuid)
  to authenticated, service_role;

drop function public.find_duplicate_memories(uuid, text, double precision, extensions.vector, text);
create or replace function public.find_duplicate_memories(
  user_id uuid,
  fact text,
  threshold double precision default 0.85,
  embedding extensions.vector default null,
  embedding_model text default null
) returns table (id uuid, existing_fact text, jaccard double precision, cosine double precision, similarity double precision)
language plpgsql
stable
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(find_duplicate_memories.user_id);
begin
  if find_duplicate_memories.fact is null or find_duplicate_memories.fact !~ '[^[:space:]]' then
    raise exception 'fact must not be empty' using errcode = '22023', column = 'fact';
  end if;
  if (find_duplicate_memories.embedding is null) <> (find_duplicate_memories.embedding_model is null) then
    raise exception 'embedding and embedding_model go together' using errcode = '22023', column = 'embedding_model';
  end if;
  return query
    select d.id, m.fact, d.jaccard, d.cosine, d.similarity
      from private.duplicate_candidates(v_user, find_duplicate_memories.fact, find_duplicate_memories.embedding,
             find_duplicate_memories.embedding_model, threshold) d
      join public.user_memories m on m.id = d.id
     order by d.similarity desc, m.importance_score desc, m.id;
end
$$;
comment on function public.find_duplicate_memories(uuid, text, double precision, extensions.vector, text) is
  'The user''s active memories that duplicate a candidate text: word-set Jaccard and, for embeddings of the same '
  'model, cosine, each with its score; most similar first.';
revoke all on function public.find_duplicate_memories(uuid, text, double precision, extensions.vector, text) from public, anon;
grant execute on function public.find_duplicate_memories(uuid, text, double precision, extensions.vector, text)
  to authenticated, service_role;

create or replace function public.mark_memory_duplicate(memory_id uuid, original_id uuid)
returns table (id uuid, duplicate_of uuid, relinked integer)
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_memory public.user_memories;
  v_original public.user_memories;
  v_relinked integer;
begin
  if memory_id is null or original_id is null then
    raise exception 'memory_id and original_id are required' using errcode = '22023', column = 'memory_id';
  end if;
  if memory_id = original_id then
    raise exception 'a memory cannot be a duplicate of itself' using errcode = '22023', column = 'original_id';
  end if;
  -- RLS decides what the caller can see; a memory of another user is simply not found.
  select m.* into v_memory from public.user_memories m where m.id = memory_id for no key update;
  select m.* into v_original from public.user_memories m where m.id = original_id for no key update;
  if v_memory.id is null then
    raise exception 'memory % not found', memory_id using errcode = 'PT404', column = 'memory_id';
  end if;
  if v_original.id is null then
    raise exception 'memory % not found', original_id using errcode = 'PT404', column = 'original_id';
  end if;
  if v_original.user_id <> v_memory.user_id then
    raise exception 'a memory can only duplicate a memory of the same user' using errcode = '22023', column = 'original_id';
  end if;
  perform private.lock_user_memories(v_memory.user_id);
  if not v_original.is_active then
    raise exception 'the original % is not active (superseded, forgotten or itself a duplicate)', original_id
      using errcode = 'PT409', column = 'original_id';
  end if;
  -- An active original has no duplicate_of, so linking to it cannot close a cycle; the walk says so explicitly.
  if exists (
    with recursive chain as (
      select m.id, m.duplicate_of from public.user_memories m where m.id = original_id
      union all
      select m.id, m.duplicate_of from public.user_memories m join chain c on m.id = c.duplicate_of
    ) select 1 from chain where chain.id = memory_id
  ) then
    raise exception 'linking % to % would make a cycle', memory_id, original_id using errcode = 'PT409', column = 'original_id';
  end if;
  update public.user_memories m set is_active = false, duplicate_of = original_id where m.id = memory_id;
  -- Keep duplicate chains one link long: what pointed at the new duplicate now points at its original.
  update public.user_memories m set duplicate_of = original_id where m.duplicate_of = memory_id and m.id <> original_id;
  get diagnostics v_relinked = row_count;
  return query select memory_id, original_id, v_relinked;
end
$$;
comment on function public.mark_memory_duplicate(uuid, uuid) is
  'Deactivates a memory as a duplicate of an active original of the same user and links it (and its own duplicates) '
  'to that original. Refuses self-links (22023), other users'' memories (PT404), inactive originals and cycles (PT409).';
revoke all on function public.mark_memory_duplicate(uuid, uuid) from public, anon;
grant execute on function public.mark_memory_duplicate(uuid, uuid) to authenticated, service_role;

drop function private.duplicate_pairs(uuid, double precision, double precision);
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
comment on function private.duplicate_pairs(uuid, double precision) is
  'Verified duplicate pairs among a user''s active memories, found by prefix filtering (words) and LSH (embeddings).';
revoke all on function private.duplicate_pairs(uuid, double precision) from public;
grant execute on function private.duplicate_pairs(uuid, double precision) to authenticated, service_role;

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
comment on function public.deduplicate_memories(uuid, double precision) is
  'Finds groups of duplicates among a user''s active memories (word Jaccard or same-model cosine >= threshold, '
  'without comparing all pairs), keeps the most important of each (ties: more confident, newer), merges '
  'confidence, metadata and expiry into it, and marks the rest as its duplicates. Returns (pairs found, memories '
  'removed); a second run finds nothing.';
revoke all on function public.deduplicate_memories(uuid, double precision) from public, anon;
grant execute on function public.deduplicate_memories(uuid, double precision) to authenticated, service_role;

create or replace function public.update_memory(
  memory_id uuid,
  fact text default null,
  memory_type text default null,
  category text default null,
  importance_score double precision default null,
  confidence_score double precision default null,
  metadata jsonb default null,
  embedding extensions.vector default null,
  embedding_model text default null,
  expires_at timestamptz default null,
  user_id uuid default null
) returns table (id uuid, status text, version integer)
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(update_memory.user_id);
  v_old public.user_memories;
  v_new public.user_memories;
  v_fact_changed boolean;
begin
  perform private.lock_user_memories(v_user);
  v_old := private.active_memory_for_update(v_user, memory_id);
  v_new := v_old;
  v_new.fact := coalesce(regexp_replace(update_memory.fact, '^[[:space:]]+|[[:space:]]+$', '', 'g'), v_old.fact);
  v_fact_changed := v_new.fact is distinct from v_old.fact;
  v_new.memory_type := coalesce(update_memory.memory_type, v_old.memory_type);
  v_new.category := coalesce(update_memory.category, v_old.category);
  v_new.importance_score := coalesce(update_memory.importance_score, v_old.importance_score);
  v_new.confidence_score := coalesce(update_memory.confidence_score, v_old.confidence_score);
  v_new.metadata := coalesce(update_memory.metadata, v_old.metadata);
  v_new.expires_at := coalesce(update_memory.expires_at, v_old.expires_at);
  -- A new text invalidates the old embedding: keep it only when the fact is unchanged or a new one is given.
  v_new.embedding := case when update_memory.embedding is not null then update_memory.embedding
                          when v_fact_changed then null else v_old.embedding end;
  v_new.embedding_model := case when update_memory.embedding is not null then update_memory.embedding_model
                                when v_fact_changed then null else v_old.embedding_model end;
  perform private.validate_memory_input(v_new.fact, v_new.memory_type, v_new.category, v_new.importance_score,
    v_new.confidence_score, v_new.embedding, v_new.embedding_model, v_new.metadata,
    case when update_memory.expires_at is not null then v_new.expires_at end);

  update public.user_memories m set is_active = false where m.id = v_old.id;
  insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
    source_conversation_id, metadata, embedding, embedding_model, expires_at, version, previous_version_id)
  values (v_user, v_new.fact, v_new.memory_type, v_new.category, v_new.importance_score, v_new.confidence_score,
    v_old.source_conversation_id, v_new.metadata, v_new.embedding, v_new.embedding_model, v_new.expires_at,
    v_old.version + 1, v_old.id)
  returning user_memories.id, user_memories.version into v_new.id, v_new.version;
  return query select v_new.id, 'updated'::text, v_new.version;
end
$$;
comment on function public.update_memory(uuid, text, text, text, double precision, double precision, jsonb, extensions.vector, text, timestamptz, uuid) is
  'Stores a new version of an active memory (version + 1, linked to the old one, which is deactivated). '
  'Omitted fields keep their values; a changed fact drops the old embedding. PT404 not found, PT409 not active.';
revoke all on function public.update_memory(uuid, text, text, text, double precision, double precision, jsonb, extensions.vector, text, timestamptz, uuid) from public, anon;
grant execute on function public.update_memory(uuid, text, text, text, double precision, double precision, jsonb, extensions.vector, text, timestamptz, uuid)
  to authenticated, service_role;

create or replace function public.erase_user_data(target_user uuid)
returns table (table_name text, rows_deleted bigint)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_access bigint;
  v_keys bigint;
  v_memories bigint;
  v_conversations bigint;
  v_stats bigint;
begin
  if target_user is null then
    raise exception 'target_user is required' using errcode = '22023', column = 'target_user';
  end if;
  perform private.lock_user_memories(target_user);
  -- Deleted here, not left to the cascade from user_memories, so that the report counts them.
  delete from public.memory_access a where a.user_id = target_user;
  get diagnostics v_access = row_count;
  delete from public.memory_idempotency_keys k where k.user_id = target_user;
  get diagnostics v_keys = row_count;
  delete from public.user_memories m where m.user_id = target_user;
  get diagnostics v_memories = row_count;
  delete from public.conversations c where c.user_id = target_user;
  get diagnostics v_conversations = row_count;
  delete from public.memory_user_stats s where s.user_id = target_user;
  get diagnostics v_stats = row_count;
  return query values ('memory_access', v_access), ('memory_idempotency_keys', v_keys), ('user_memories', v_memories),
                      ('conversations', v_conversations), ('memory_user_stats', v_stats);
end
$$;
comment on function public.erase_user_data(uuid) is
  'GDPR erasure, service_role only: hard-deletes every memory, version, access record, conversation, key and counter '
  'of one user and reports the rows removed per table. The auth.users row is Supabase Auth''s to delete.';

create or replace function public.get_memory_stats(user_id uuid default null)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
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
comment on function public.get_memory_stats(uuid) is
  'One user''s memory statistics: counts (active, inactive, duplicates), by type and category, average scores, '
  'embedding coverage per model, oldest and newest, storage bytes, quota and quota used.';
revoke all on function public.get_memory_stats(uuid) from public, anon;
grant execute on function public.get_memory_stats(uuid) to authenticated, service_role;

drop function public.get_memory_overview();
create or replace function public.get_memory_overview()
returns table (user_id uuid, active integer, inactive integer, quota integer, quota_used_ratio double precision,
               last_stored_at timestamptz)
language sql
stable
set search_path = ''
as $$
  select s.user_id, s.active_count, s.inactive_count,
         coalesce(s.quota_limit, ms.default_quota),
         s.active_count::double precision / coalesce(s.quota_limit, ms.default_quota),
         s.last_stored_at
    from public.memory_user_stats s cross join public.memory_settings ms
   order by 5 desc, s.user_id
$$;
comment on function public.get_memory_overview() is
  'Every user''s counters and quota use, fullest first, from the trigger-kept statistics (service_role only).';
revoke all on function public.get_memory_overview() from public, anon, authenticated;
grant execute on function public.get_memory_overview() to service_role;

drop function private.duplicate_thresholds(text, double precision);
drop function private.absorb_memories(uuid, uuid[], uuid[], double precision[]);
drop function private.move_sightings(uuid, uuid[], uuid[]);
drop function private.record_sighting(uuid, uuid, public.user_memories, double precision, text);
drop function private.merged_memory(public.user_memories, public.user_memories[]);
drop function private.keep_order(double precision, timestamptz);

update public.memory_idempotency_keys set status = 'created' where status = 'distinct';
alter table public.memory_idempotency_keys drop constraint memory_idempotency_keys_status_check;
alter table public.memory_idempotency_keys add constraint memory_idempotency_keys_status_check
  check (status in ('created', 'duplicate'));
alter table public.memory_idempotency_keys drop column related;
alter table public.memory_idempotency_keys drop column sighting_id;

drop table public.memory_sightings;
drop function private.memory_sightings_account();
alter table public.memory_user_stats drop constraint memory_user_stats_sightings_non_negative;
alter table public.memory_user_stats drop column sighting_count;
