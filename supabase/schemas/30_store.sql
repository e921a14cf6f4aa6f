-- Writing memories: the acting user, the per-user lock, input validation, duplicate candidates and the merge,
-- sightings, versions, unmerge, embeddings set later, and the per-user counters kept by trigger.
-- The current definition of each object; migrations are produced from these (docs/architecture.md).
-- Bodies are checked when they run, not when they are created (as pg_dump does): a function may call one
-- defined further down, or in a later file.
set check_function_bodies = off;

CREATE FUNCTION private.absorb_memories(target uuid, absorbed uuid[], keepers uuid[], similarities double precision[]) RETURNS TABLE(memory_id uuid, sighting_id uuid)
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
      merged_memory_id, similarity, observed_at, agent_id, run_id)
    -- When the absorbed memory was said stays with it: the sighting's seen_at is the time of the merge.
    select target, a.keeper, m.fact, m.memory_type, m.category, m.importance_score, m.confidence_score, m.metadata,
           m.source_conversation_id, m.embedding, m.embedding_model, m.expires_at, 'absorbed', m.id, a.similarity,
           coalesce(m.observed_at, m.created_at), m.agent_id, m.run_id
      from unnest(absorbed, keepers, similarities) as a(id, keeper, similarity)
      join public.user_memories m on m.id = a.id and m.user_id = target
    returning s.merged_memory_id, s.id;
end
$$;
REVOKE ALL ON FUNCTION private.absorb_memories(uuid, uuid[], uuid[], double precision[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.absorb_memories(target uuid, absorbed uuid[], keepers uuid[], similarities double precision[]) IS 'Records each absorbed memory as a sighting on its keeper and moves its sightings there (same user).';

CREATE FUNCTION private.caller_exists() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  -- The caller's own id only (auth.uid()): no argument, so it tells no one whether another user exists.
  select exists (select 1 from auth.users u where u.id = auth.uid())
$$;
REVOKE ALL ON FUNCTION private.caller_exists() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.caller_exists() IS 'Whether the signed-in user (auth.uid()) is a user of this project (auth.users, which authenticated cannot read); private.acting_user refuses a token whose user is not (PT401 unknown_user).';

GRANT ALL ON FUNCTION private.caller_exists() TO service_role;

CREATE FUNCTION private.known_caller() RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
begin
  -- A well-signed token of a user the project does not have (deleted, or of another project) reads and writes
  -- nothing: said as such on every call, never as a foreign key's text or an empty answer. A session without a
  -- signed-in user (the owner, service_role naming users) is not asked.
  if auth.uid() is not null and not private.caller_exists() then
    raise exception 'the signed-in user does not exist in this project: sign in again'
      using errcode = 'PT401', column = 'user_id', constraint = 'unknown_user';
  end if;
  return true;
end
$$;
REVOKE ALL ON FUNCTION private.known_caller() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.known_caller() IS 'True, or PT401 (constraint unknown_user) when the signed-in user is not a user of this project; a session without a signed-in user passes. private.acting_user and the functions that find a row by its id alone (memory_history, mark_memory_duplicate) ask it first.';

GRANT ALL ON FUNCTION private.known_caller() TO service_role;

CREATE FUNCTION private.caller_reads_all() RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- A role that bypasses RLS (service_role, or the owner in a SQL session) may act for any user. The role asked
  -- about is the one the caller set (PostgREST's `set local role`), which security definer functions see too.
  select coalesce((select r.rolbypassrls or r.rolsuper from pg_catalog.pg_roles r
                    where r.rolname = coalesce(nullif(current_setting('role'), 'none'), session_user)), false)
$$;
REVOKE ALL ON FUNCTION private.caller_reads_all() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.caller_reads_all() IS 'Whether the role the caller set bypasses RLS (service_role, the owner): such a caller may act for and read any user. The one definition private.acting_user and private.may_read share.';

GRANT ALL ON FUNCTION private.caller_reads_all() TO service_role;

CREATE FUNCTION private.may_read(owner uuid) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select owner = auth.uid() or private.caller_reads_all()
$$;
REVOKE ALL ON FUNCTION private.may_read(uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.may_read(owner uuid) IS 'What RLS would let the caller see, for the security definer functions that find a row by its id alone (memory_history, mark_memory_duplicate): the caller''s own rows, or any row for a role that bypasses RLS. A row it refuses is answered as an id that does not exist.';

GRANT ALL ON FUNCTION private.may_read(owner uuid) TO service_role;

CREATE FUNCTION private.acting_user(requested uuid) RETURNS uuid
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_uid uuid := auth.uid();
begin
  if requested is null or requested = v_uid then
    if v_uid is null then
      raise exception 'not authenticated: the request carries no user id (JWT sub)'
        using errcode = 'PT401';
    end if;
    perform private.known_caller();
    return v_uid;
  end if;
  if not private.caller_reads_all() then
    raise exception 'only service_role may act for another user'
      using errcode = '42501', hint = 'Omit user_id; the user is the one in the JWT.';
  end if;
  return requested;
end
$$;
REVOKE ALL ON FUNCTION private.acting_user(uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.acting_user(requested uuid) IS 'The user a call acts for: auth.uid(), or an explicit user for roles that bypass RLS. PT401 without a user, or (unknown_user) when the signed-in user is not in auth.users. Judges the role the caller set, so security definer functions can use it to check their target.';

CREATE FUNCTION private.active_memory_for_update(target uuid, memory uuid) RETURNS public.user_memories
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_row public.user_memories;
begin
  -- no key update: keys never change here, and a stronger lock would make searches (which record accesses
  -- with a foreign key to this row) wait.
  select m.* into v_row from public.user_memories m
   where m.id = private.current_memory_id(target, memory) and m.user_id = target for no key update;
  if not found then
    raise exception 'memory % not found', memory using errcode = 'PT404';
  end if;
  if not v_row.is_active then
    raise exception 'memory % was forgotten', memory
      using errcode = 'PT409', hint = 'memory_history(id) shows what it said.';
  end if;
  return v_row;
end
$$;
REVOKE ALL ON FUNCTION private.active_memory_for_update(uuid, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.active_memory_for_update(target uuid, memory uuid) IS 'Locks and returns the user''s memory an id names (private.current_memory_id: an earlier version''s or a merged memory''s id names the memory it became); PT404 if it is not theirs or absent, PT409 if it was forgotten.';

CREATE FUNCTION private.current_memory_id(target uuid, memory uuid) RETURNS uuid
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- Forward from the row the id names: an inactive row to the version made of it (the copy of an earlier version,
  -- or a version stored before ids were kept), a merged one to the memory it merged into. The deepest row wins;
  -- the depth bound only guards against a cycle, which the constraints do not allow.
  with recursive chain as (
    select m.id, m.is_active, m.duplicate_of, 0 as depth
      from public.user_memories m where m.id = memory and m.user_id = target
    union all
    select n.id, n.is_active, n.duplicate_of, c.depth + 1
      from chain c
      join public.user_memories n
        on n.user_id = target
       and ((c.duplicate_of is null and n.previous_version_id = c.id) or n.id = c.duplicate_of)
     where not c.is_active and c.depth < 1000
  )
  select c.id from chain c order by c.depth desc limit 1
$$;
REVOKE ALL ON FUNCTION private.current_memory_id(uuid, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.current_memory_id(target uuid, memory uuid) IS 'The id of the memory an id of the user names now: itself while active or forgotten, else the version made of it or the memory it merged into, followed to the end. Null when the user has no such row.';

GRANT ALL ON FUNCTION private.current_memory_id(target uuid, memory uuid) TO service_role;

CREATE FUNCTION private.duplicate_candidates(target uuid, fact text, embedding extensions.vector, embedding_model text, jaccard_threshold double precision, cosine_threshold double precision, exclude uuid DEFAULT NULL::uuid, agent_id text DEFAULT NULL::text, run_id text DEFAULT NULL::text) RETURNS TABLE(id uuid, same_text boolean, jaccard double precision, cosine double precision, similarity double precision, importance_score double precision, created_at timestamp with time zone, value_difference text, is_duplicate boolean, relation text)
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
  v_tokens text[] := private.fact_tokens(duplicate_candidates.fact);
  v_misses integer;
  v_probe text[];
  v_same uuid[];
  v_candidates uuid[];
  v_wide uuid[] := '{}'::uuid[];
  -- What the statement is about (private.topic_words), as stored (to probe the index, in any of its forms) and as
  -- read; then, once there are candidates, every word and stem it holds, to compare with what a memory holds
  -- before reading the memory.
  v_topic text[] := private.topic_words(v_words);
  v_read_topic text[] := private.topic_words(v_tokens);
  -- Probed: its three longest topic words that are not among the table's most common words (planner statistics): a
  -- common word's posting list spans every user, and reading it would cost more than the store.
  v_common text[] := private.common_words();
  v_probes text[] := array(select distinct on (char_length(w), w) w from unnest(v_topic || v_read_topic) w
                            where not w = any (v_common)
                            order by char_length(w) desc, w limit 3);
  v_variants text[] := array(select distinct v from unnest(v_probes) w, unnest(private.word_variants(w)) v);
  v_held text[];
  v_reach text[];
  v_stems text[];
begin
  if jaccard_threshold is null or not (jaccard_threshold > 0 and jaccard_threshold <= 1)
     or cosine_threshold is null or not (cosine_threshold > 0 and cosine_threshold <= 1) then
    raise exception 'thresholds must be above 0 and at most 1' using errcode = '22023', column = 'threshold';
  end if;
  v_same := array(
    select m.id from public.user_memories m
     where m.user_id = target and m.is_active and coalesce(m.agent_id, '') = coalesce(duplicate_candidates.agent_id, '')
       and coalesce(m.run_id, '') = coalesce(duplicate_candidates.run_id, '') and md5(public.fact_key(m.fact)) = v_key
       and m.id is distinct from exclude);
  v_candidates := v_same;
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
  -- A wider net for what the statement may refine, say less than, or conflict with: memories that hold one of the
  -- probed topic words in any of its forms ("drives", "driving"). One probe for all of them, reading only the rare
  -- words' posting lists and picking the user's rows from what they hold (materialized: planned with the user's own
  -- index beside it, or walking that index until rows match, it cost more than the words).
  -- Planned for the call (EXECUTE): a generic plan, blind to how rare the words are, scanned the table instead.
  if cardinality(v_probes) > 0 then
    execute $probe$
      select array(
        with hits as materialized (
          select m.id, m.user_id from public.user_memories m
           where m.is_active and m.fact_words operator(pg_catalog.&&) $1)
        select h.id from hits h where h.user_id = $2 and h.id is distinct from $3 limit 24)$probe$
      into v_wide using v_variants, target, exclude;
  end if;
  -- A near duplicate by cosine shares almost every sign bit: a few candidates suffice. Asked only with an
  -- embedding: the scan behind it costs as much without one.
  if duplicate_candidates.embedding is not null then
    v_candidates := v_candidates || array(
      select n.id from private.nearest_memories(target, duplicate_candidates.embedding, duplicate_candidates.embedding_model, 4, 32) n
       where n.id is distinct from exclude);
  end if;

  if cardinality(v_candidates || v_wide) = 0 then
    return;
  end if;
  v_held := array(select distinct w from unnest(v_words || v_tokens) w where w <> ',');
  v_reach := v_held || v_variants;
  -- Its stems, as full-text search has them (memories keep theirs in fts): "drives" and "driving" are one.
  v_stems := pg_catalog.tsvector_to_array(pg_catalog.to_tsvector('english'::regconfig,
               duplicate_candidates.fact || ' ' || array_to_string(v_tokens, ' ')));

  return query
    with found as materialized (
      select m.id, m.fact, m.importance_score, m.created_at, m.id = any (v_same) as same,
             -- Jaccard of the word sets (each word once) from the size of their overlap.
             o.shared::double precision / (cardinality(m.fact_words) + v_size - o.shared) as jac,
             case when duplicate_candidates.embedding is not null and m.embedding_model = duplicate_candidates.embedding_model
                  then 1 - (m.embedding operator(extensions.<=>) duplicate_candidates.embedding) end as cos,
             m.fact_words, pg_catalog.tsvector_to_array(m.fts) as stems
        from public.user_memories m
        cross join lateral (select count(*) as shared from unnest(m.fact_words) w where w = any (v_words)) o
       where m.id = any (v_candidates || v_wide) and m.user_id = target
         -- Duplicates are found within one scope: a fact for the user, for one agent, or for one of its runs.
         and m.agent_id is not distinct from duplicate_candidates.agent_id and m.run_id is not distinct from duplicate_candidates.run_id
    ),
    near as (
      select f.id, f.fact, f.importance_score, f.created_at, f.same, f.jac, f.cos from found f
       where f.same or f.jac >= jaccard_threshold or f.cos >= cosine_threshold
      union
      -- From the rest, the two nearest by what they hold already (no reading): near in words or in stems,
      -- inside the statement's reach (a detail added), or holding all of it (a detail left out, a word of time or
      -- polarity added).
      (select o.id, o.fact, o.importance_score, o.created_at, o.same, o.jac, o.cos
         from (select f.*,
                      -- Jaccard of word sets (each word once) from the size of their overlap.
                      x.words::double precision / nullif(cardinality(f.fact_words) + cardinality(v_held) - x.words, 0) as word_near,
                      x.stems::double precision / nullif(cardinality(f.stems) + cardinality(v_stems) - x.stems, 0) as stem_near
                 from found f
                 cross join lateral (select (select count(*) from unnest(f.fact_words) w where w = any (v_held)) as words,
                                            (select count(*) from unnest(f.stems) w where w = any (v_stems)) as stems) x
                where not (f.same or f.jac >= jaccard_threshold or coalesce(f.cos >= cosine_threshold, false))) o
        where o.word_near >= 0.4 or o.stem_near >= 0.5
           or (cardinality(o.fact_words) >= 2 and o.fact_words operator(pg_catalog.<@) v_reach)
           or v_words operator(pg_catalog.<@) o.fact_words
           or (cardinality(o.stems) >= 1 and o.stems operator(pg_catalog.<@) v_stems)
           or v_stems operator(pg_catalog.<@) o.stems
        order by greatest(o.word_near, o.stem_near) desc, o.id
        limit 2)
    ),
    judged as (
      select n.*, r.relation, r.reason, n.jac >= jaccard_threshold or n.cos >= cosine_threshold as close
        from near n
        cross join lateral (select private.fact_tokens(n.fact) as tokens) t
        left join lateral (select f.relation, f.reason from private.tokens_relation(n.fact, t.tokens, duplicate_candidates.fact, v_tokens) f
                            where not n.same) r on true
    )
    select j.id, j.same, j.jac, j.cos, j.similarity, j.importance_score, j.created_at, j.reason, j.duplicate,
           case when j.duplicate then 'duplicate' else j.relation end
      from (select j.*,
                   case when j.same then 1.0::double precision else greatest(coalesce(j.jac, 0), coalesce(j.cos, 0)) end as similarity,
                   j.same or j.relation = 'duplicate'
                     or (j.reason = 'word differs' and private.guard_allows_merge(j.reason, j.cos, cosine_threshold)) as duplicate
              from judged j) j
     -- Judged: the close ones, and from the wider net what the statement repeats, refines or conflicts with (a word
     -- in place of another there is another fact, not a conflict).
     where j.close or j.same or j.duplicate or j.relation = 'refines' or j.reason <> 'word differs';
end
$$;
REVOKE ALL ON FUNCTION private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, double precision, uuid, text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.duplicate_candidates(target uuid, fact text, embedding extensions.vector, embedding_model text, jaccard_threshold double precision, cosine_threshold double precision, exclude uuid, agent_id text, run_id text) IS 'The active memories of a user, in one scope (agent_id, run_id: null is the user''s own), near a candidate fact (same text, word Jaccard, or same-model cosine at its threshold, or half of its topic words), with their scores, the reason that sets each apart, whether it is a duplicate, and its relation (public.fact_relation): duplicate, refines or conflicts.';

CREATE FUNCTION private.common_words() RETURNS text[]
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_kept text := pg_catalog.current_setting('memory.common_words', true);
  v_words text[];
begin
  -- Read once a session (the planner's statistics change with ANALYZE, not with each store), then kept in a
  -- setting of the session: the catalog view costs more than the probes it spares.
  if coalesce(v_kept, '') <> '' then
    return v_kept::text[];
  end if;
  v_words := coalesce((select s.most_common_elems::text::text[] from pg_catalog.pg_stats s
                        where s.schemaname = 'public' and s.tablename = 'user_memories' and s.attname = 'fact_words'), '{}');
  perform pg_catalog.set_config('memory.common_words', v_words::text, false);
  return v_words;
end
$$;
REVOKE ALL ON FUNCTION private.common_words() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.common_words() IS 'The most common words of user_memories.fact_words by the planner''s statistics (pg_stats.most_common_elems), read once a session: store_memory does not probe the index with them (their posting lists span every user).';

GRANT ALL ON FUNCTION private.common_words() TO service_role;

CREATE FUNCTION private.duplicate_thresholds(embedding_model text, requested double precision) RETURNS TABLE(jaccard double precision, cosine double precision)
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
begin
  return query
    select coalesce(requested, (select s.duplicate_threshold from public.memory_settings s)),
           coalesce(requested, (select t.duplicate_threshold from private.model_settings(duplicate_thresholds.embedding_model) t));
end
$$;
REVOKE ALL ON FUNCTION private.duplicate_thresholds(text, double precision) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.duplicate_thresholds(embedding_model text, requested double precision) IS 'Jaccard and cosine duplicate thresholds: the requested one for both, else memory_settings and the model''s row.';

CREATE FUNCTION private.keep_order(importance_score double precision, created_at timestamp with time zone) RETURNS double precision[]
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$
  select array[-importance_score, extract(epoch from created_at)]
$$;
REVOKE ALL ON FUNCTION private.keep_order(double precision, timestamp with time zone) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.keep_order(importance_score double precision, created_at timestamp with time zone) IS 'Keep order of merging memories (ascending): most important first, then the oldest.';

CREATE FUNCTION private.store_version(target uuid, memory uuid, statement public.user_memories) RETURNS TABLE(id uuid, version integer)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_old public.user_memories := private.active_memory_for_update(target, memory);
  v_next public.user_memories := private.merged_memory(statement, array[v_old]);
begin
  -- The statement's text, type, embedding and time (the old embedding is of the old text); the rest as a merge keeps it.
  return query select v_old.id, private.new_version(target, v_old, v_next);
end
$$;
REVOKE ALL ON FUNCTION private.store_version(uuid, uuid, public.user_memories) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.store_version(target uuid, memory uuid, statement public.user_memories) IS 'store_memory''s new version of a memory the statement refines or supersedes (under the user''s lock), in place (private.new_version: the memory keeps its id; the text before is in memory_history): the statement''s text, embedding and time, the rest kept as a merge keeps it. PT404/PT409 as active_memory_for_update.';

GRANT ALL ON FUNCTION private.store_version(target uuid, memory uuid, statement public.user_memories) TO service_role;

CREATE FUNCTION private.lock_user_memories(target uuid) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  -- The caller's own lock only (any user's for a role that bypasses RLS): another user's would let a signed-in user
  -- stall that user's writes for as long as a transaction stays open.
  select private.acting_user(target);
  select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('user_memories:' || target::text, 0))
$$;
REVOKE ALL ON FUNCTION private.lock_user_memories(uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.lock_user_memories(target uuid) IS 'Takes the per-user transaction lock that makes duplicate detection exact under concurrency; only the caller''s own (private.acting_user: 42501 for another user''s unless the role bypasses RLS).';

CREATE FUNCTION private.lock_users(users uuid[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_user uuid;
begin
  for v_user in select distinct u from unnest(users) u where u is not null order by u loop
    perform private.lock_user_memories(v_user);
  end loop;
end
$$;
REVOKE ALL ON FUNCTION private.lock_users(uuid[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.lock_users(users uuid[]) IS 'Takes each user''s write lock in ascending user order, before a statement touches rows of several users.';

CREATE FUNCTION private.mark_unmerged(target uuid, sighting uuid, memory uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_checked uuid := private.acting_user(target);
begin
  update public.memory_sightings s set unmerged_at = now(), unmerged_memory_id = memory
   where s.id = sighting and s.user_id = target;
end
$$;
REVOKE ALL ON FUNCTION private.mark_unmerged(uuid, uuid, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.mark_unmerged(target uuid, sighting uuid, memory uuid) IS 'Records that a sighting of the target user became the given memory (unmerge_memory).';

CREATE FUNCTION private.memory_sightings_account() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if tg_op = 'INSERT' then
    -- Users in a fixed order, so two statements counting the same users cannot deadlock.
    insert into public.memory_user_stats as s (user_id, sighting_count)
    select n.user_id, count(*) from new_rows n group by n.user_id order by n.user_id
    on conflict (user_id) do update set sighting_count = s.sighting_count + excluded.sighting_count, updated_at = now();
  else
    -- update, never upsert: during a cascade from auth.users the stats row may already be gone.
    update public.memory_user_stats s set sighting_count = s.sighting_count - d.n, updated_at = now()
      from (select o.user_id, count(*)::integer as n from old_rows o group by o.user_id) d
     where s.user_id = d.user_id;
  end if;
  return null;
end
$$;
REVOKE ALL ON FUNCTION private.memory_sightings_account() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.memory_sightings_account() IS 'Statement trigger: keeps memory_user_stats.sighting_count exact for every insert and delete of sightings.';

CREATE FUNCTION private.merged_memory(keeper public.user_memories, absorbed public.user_memories[]) RETURNS public.user_memories
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$
declare
  v_kept public.user_memories := keeper;
  v_other public.user_memories;
  v_forever boolean := keeper.expires_at is null;
  v_metadata jsonb := '{}'::jsonb;
begin
  foreach v_other in array absorbed loop
    v_kept.importance_score := greatest(v_kept.importance_score, v_other.importance_score);
    v_kept.confidence_score := greatest(v_kept.confidence_score, v_other.confidence_score);
    v_forever := v_forever or v_other.expires_at is null;
    v_kept.expires_at := greatest(v_kept.expires_at, v_other.expires_at);
    v_kept.category := coalesce(v_kept.category, v_other.category);
    v_kept.source_conversation_id := coalesce(v_kept.source_conversation_id, v_other.source_conversation_id);
    if v_kept.embedding is null and v_other.embedding is not null then
      v_kept.embedding := v_other.embedding;
      v_kept.embedding_model := v_other.embedding_model;
    end if;
    v_metadata := v_other.metadata || v_metadata;
  end loop;
  if v_forever then
    v_kept.expires_at := null;
  end if;
  v_metadata := v_metadata || keeper.metadata;
  if octet_length(v_metadata::text) <= 16384 then
    v_kept.metadata := v_metadata;
  end if;
  return v_kept;
end
$$;
REVOKE ALL ON FUNCTION private.merged_memory(public.user_memories, public.user_memories[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.merged_memory(keeper public.user_memories, absorbed public.user_memories[]) IS 'The merge rule: the keeper as it stands after absorbing the given memories (in keep order).';

CREATE FUNCTION private.model_settings(embedding_model text) RETURNS TABLE(duplicate_threshold double precision, relevance_floor double precision)
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
#variable_conflict use_column
begin
  return query
    select s.duplicate_threshold, s.relevance_floor
      from public.memory_model_settings s
     where s.embedding_model in (model_settings.embedding_model, '*')
     order by s.embedding_model = '*'
     limit 1;
end
$$;
REVOKE ALL ON FUNCTION private.model_settings(text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.model_settings(embedding_model text) IS 'The duplicate threshold (cosine) and relevance floor of an embedding model: its row, else the ''*'' row.';

CREATE FUNCTION private.move_sightings(target uuid, from_ids uuid[], to_ids uuid[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_checked uuid := private.acting_user(target);
begin
  update public.memory_sightings s set memory_id = m.to_id
    from unnest(from_ids, to_ids) as m(from_id, to_id)
   where s.memory_id = m.from_id and s.user_id = target;
end
$$;
REVOKE ALL ON FUNCTION private.move_sightings(uuid, uuid[], uuid[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.move_sightings(target uuid, from_ids uuid[], to_ids uuid[]) IS 'Moves the sightings of each memory in from_ids to the memory at the same place in to_ids (same user).';

CREATE FUNCTION private.new_version(target uuid, memory public.user_memories, next public.user_memories) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  -- The memory keeps its id: its version as it stands is copied to a row of its own (inactive, without the embedding
  -- nothing searches), which takes the link to the version before; then the memory becomes the next version, linked
  -- to the copy. The link is freed first because a version has one successor (user_memories_previous_version_key).
  update public.user_memories m set previous_version_id = null where m.id = memory.id and m.user_id = target;
  insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
    is_active, source_conversation_id, version, previous_version_id, metadata, created_at, last_accessed_at,
    expires_at, observed_at, agent_id, run_id)
  values (target, memory.fact, memory.memory_type, memory.category, memory.importance_score,
    memory.confidence_score, false, memory.source_conversation_id, memory.version, memory.previous_version_id,
    memory.metadata, memory.created_at, memory.last_accessed_at, memory.expires_at, memory.observed_at,
    memory.agent_id, memory.run_id)
  returning user_memories.id into next.id;
  update public.user_memories m
     set fact = next.fact, memory_type = next.memory_type, category = next.category,
         importance_score = next.importance_score, confidence_score = next.confidence_score,
         source_conversation_id = next.source_conversation_id, metadata = next.metadata, embedding = next.embedding,
         embedding_model = next.embedding_model, expires_at = next.expires_at, observed_at = next.observed_at,
         version = memory.version + 1, previous_version_id = next.id, created_at = now()
   where m.id = memory.id and m.user_id = target;
  return memory.version + 1;
end
$$;
REVOKE ALL ON FUNCTION private.new_version(uuid, public.user_memories, public.user_memories) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.new_version(target uuid, memory public.user_memories, next public.user_memories) IS 'Makes next (its text, type, category, scores, metadata, conversation, embedding, expiry and observed_at) the new version of an active memory locked by the caller, in place: the memory keeps its id, its version before is kept as an inactive copy in its history. Returns the new version number.';

GRANT ALL ON FUNCTION private.new_version(target uuid, memory public.user_memories, next public.user_memories) TO service_role;

CREATE FUNCTION private.record_earlier_wording(target uuid, memory public.user_memories, similarity double precision) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_checked uuid := private.acting_user(target);
  v_id uuid;
begin
  -- As an absorbed memory is kept (origin absorbed, when it was said), without a row of its own to name.
  insert into public.memory_sightings (user_id, memory_id, fact, memory_type, category, importance_score,
    confidence_score, metadata, source_conversation_id, embedding, embedding_model, expires_at, origin, similarity,
    observed_at, agent_id, run_id)
  values (target, memory.id, memory.fact, memory.memory_type, memory.category, memory.importance_score,
    memory.confidence_score, memory.metadata, memory.source_conversation_id, memory.embedding, memory.embedding_model,
    memory.expires_at, 'absorbed', record_earlier_wording.similarity, coalesce(memory.observed_at, memory.created_at),
    memory.agent_id, memory.run_id)
  returning id into v_id;
  return v_id;
end
$$;
REVOKE ALL ON FUNCTION private.record_earlier_wording(uuid, public.user_memories, double precision) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.record_earlier_wording(target uuid, memory public.user_memories, similarity double precision) IS 'Keeps what a memory of the target user said before a more important duplicate took its place (same id) as a sighting on it; returns the sighting id.';

GRANT ALL ON FUNCTION private.record_earlier_wording(target uuid, memory public.user_memories, similarity double precision) TO service_role;

CREATE FUNCTION private.record_sighting(target uuid, memory_id uuid, statement public.user_memories, similarity double precision, idempotency_key text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_checked uuid := private.acting_user(target);
  v_id uuid;
begin
  insert into public.memory_sightings (user_id, memory_id, fact, memory_type, category, importance_score,
    confidence_score, metadata, source_conversation_id, embedding, embedding_model, expires_at, idempotency_key,
    origin, similarity, observed_at, agent_id, run_id)
  values (target, record_sighting.memory_id, statement.fact, statement.memory_type, statement.category,
    statement.importance_score, statement.confidence_score, statement.metadata, statement.source_conversation_id,
    statement.embedding, statement.embedding_model, statement.expires_at, record_sighting.idempotency_key, 'store',
    record_sighting.similarity, statement.observed_at, statement.agent_id, statement.run_id)
  returning id into v_id;
  return v_id;
end
$$;
REVOKE ALL ON FUNCTION private.record_sighting(uuid, uuid, public.user_memories, double precision, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.record_sighting(target uuid, memory_id uuid, statement public.user_memories, similarity double precision, idempotency_key text) IS 'Records a store_memory statement that merged into a memory of the target user; returns the sighting id.';

CREATE FUNCTION private.set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  new.updated_at := now();
  return new;
end
$$;
REVOKE ALL ON FUNCTION private.set_updated_at() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.set_updated_at() IS 'Trigger: stamps updated_at on every UPDATE so callers cannot forget or forge it.';

CREATE FUNCTION private.user_memories_account_statement() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_users uuid[];
  v_active_delta integer[];
  v_inactive_delta integer[];
  v_over record;
begin
  if tg_op = 'DELETE' then
    -- update, never upsert: during a cascade from auth.users the stats row may already be gone.
    update public.memory_user_stats s
       set active_count = s.active_count - d.active, inactive_count = s.inactive_count - d.inactive, updated_at = now()
      from (select o.user_id, count(*) filter (where o.is_active) as active, count(*) filter (where not o.is_active) as inactive
              from old_rows o group by o.user_id) d
     where s.user_id = d.user_id;
    return null;
  elsif tg_op = 'INSERT' then
    select array_agg(c.user_id order by c.user_id), array_agg(c.active order by c.user_id),
           array_agg(c.inactive order by c.user_id)
      into v_users, v_active_delta, v_inactive_delta
      from (select n.user_id, count(*) filter (where n.is_active)::integer as active,
                   count(*) filter (where not n.is_active)::integer as inactive
              from new_rows n group by n.user_id) c;
  else
    -- What an update moves from inactive to active, per user: the active rows after it minus those before it.
    -- Sums, not a join of the old rows to the new (which the planner, blind to their sizes, ran as a nested loop:
    -- 100 ms for 1,500 rows). A memory's user_id never changes (user_memories_guard_version refuses it).
    select array_agg(c.user_id order by c.user_id), array_agg(c.net order by c.user_id),
           array_agg(-c.net order by c.user_id)
      into v_users, v_active_delta, v_inactive_delta
      from (select x.user_id, sum(x.active)::integer as net
              from (select n.user_id, n.is_active::integer as active from new_rows n
                    union all
                    select o.user_id, -o.is_active::integer from old_rows o) x
             group by x.user_id
            having sum(x.active) <> 0) c;
  end if;
  if v_users is null then
    return null;
  end if;

  -- The upsert locks each user's row until commit: concurrent writers of one user queue here, so the count
  -- they check is exact. Users in a fixed order, so two statements writing the same users cannot deadlock.
  -- An insert adds its rows to the counts. An update moves its net change between active and inactive: the
  -- proposed row carries it as two non-negative numbers (one of them 0), also right for a user without a row.
  with counted as (
    insert into public.memory_user_stats as s (user_id, active_count, inactive_count, last_stored_at)
    select u.user_id, greatest(u.active_delta, 0), greatest(u.inactive_delta, 0),
           case when tg_op = 'INSERT' then now() end
      from unnest(v_users, v_active_delta, v_inactive_delta) as u(user_id, active_delta, inactive_delta)
    on conflict (user_id) do update
       set active_count = s.active_count + excluded.active_count - (case when tg_op = 'INSERT' then 0 else excluded.inactive_count end),
           inactive_count = s.inactive_count + excluded.inactive_count - (case when tg_op = 'INSERT' then 0 else excluded.active_count end),
           last_stored_at = case when tg_op = 'INSERT' then now() else s.last_stored_at end,
           updated_at = now()
    returning s.user_id, s.active_count, coalesce(s.quota_limit, (select ms.default_quota from public.memory_settings ms)) as quota
  )
  select c.active_count, c.quota into v_over
    from counted c
    join unnest(v_users, v_active_delta) as u(user_id, active_delta) on u.user_id = c.user_id
   -- Only a statement that adds active memories is refused; freeing places never is.
   where u.active_delta > 0
     and c.active_count > c.quota
   limit 1;
  if found then
    raise exception 'memory quota reached: the limit is % active memories', v_over.quota
      using errcode = 'PT507',
            hint = 'Forget memories that are no longer needed, or raise memory_user_stats.quota_limit.';
  end if;
  return null;
end
$$;
REVOKE ALL ON FUNCTION private.user_memories_account_statement() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.user_memories_account_statement() IS 'Statement trigger: keeps memory_user_stats exact for every write, once per user per statement, and refuses active memories beyond the quota (SQLSTATE PT507).';

CREATE FUNCTION private.user_memories_guard_version() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_previous_version integer;
begin
  if tg_op = 'UPDATE' then
    if new.id is distinct from old.id or new.user_id is distinct from old.user_id then
      raise exception 'the id and user_id of a memory cannot change'
        using errcode = '23514', constraint = 'user_memories_identity_immutable',
              table = 'user_memories', schema = 'public';
    end if;
    if new.version is not distinct from old.version then
      -- Only a deleted predecessor unlinks a version (the foreign key sets the link to null); its time is fixed.
      if (new.previous_version_id is distinct from old.previous_version_id and new.previous_version_id is not null)
         or new.created_at is distinct from old.created_at then
        raise exception 'previous_version_id and created_at of a memory change only with a new version'
          using errcode = '23514', constraint = 'user_memories_identity_immutable',
                table = 'user_memories', schema = 'public';
      end if;
      return new;
    end if;
    -- A new version in place (private.new_version): the memory keeps its id and links to the copy of its version
    -- before, which the insert below checked like any version.
    if new.version <> old.version + 1 or new.previous_version_id is null
       or new.previous_version_id is not distinct from old.previous_version_id then
      raise exception 'a memory''s version changes only to % with a link to the copy of version %', old.version + 1, old.version
        using errcode = '23514', constraint = 'user_memories_identity_immutable',
              table = 'user_memories', schema = 'public';
    end if;
  elsif new.previous_version_id is null then
    if new.version <> 1 then
      raise exception 'a first version must have version 1, not %', new.version
        using errcode = '23514', constraint = 'user_memories_version_sequence',
              table = 'user_memories', schema = 'public';
    end if;
    return new;
  end if;
  select m.version into v_previous_version
    from public.user_memories m
   where m.id = new.previous_version_id and m.user_id = new.user_id;
  -- A missing predecessor is left to user_memories_previous_version_fkey to report.
  if found and new.version <> v_previous_version + 1 then
    raise exception 'version must be % (previous version plus one), not %', v_previous_version + 1, new.version
      using errcode = '23514', constraint = 'user_memories_version_sequence',
            table = 'user_memories', schema = 'public';
  end if;
  return new;
end
$$;
REVOKE ALL ON FUNCTION private.user_memories_guard_version() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.user_memories_guard_version() IS 'Trigger: keeps version history a line (1, 2, 3 ...) and a memory''s id and user immutable. A new version is made in place (the memory keeps its id, linked to a copy of its version before); cleanup may cut the line''s older end.';

CREATE FUNCTION private.validate_memory_input(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, embedding extensions.vector, embedding_model text, metadata jsonb, expires_at timestamp with time zone) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
begin
  if fact is null or fact !~ '[^[:space:]]' then
    raise exception 'fact must not be empty or whitespace' using errcode = '23514',
      constraint = 'user_memories_fact_not_blank', column = 'fact';
  end if;
  if char_length(fact) > 2000 then
    raise exception 'fact must be at most 2000 characters, not %', char_length(fact) using errcode = '23514',
      constraint = 'user_memories_fact_length', column = 'fact';
  end if;
  if public.normalize_fact(fact) = '' then
    raise exception 'fact must contain at least one letter or digit' using errcode = '22023', column = 'fact';
  end if;
  if memory_type is null or not memory_type = any (public.memory_types()) then
    raise exception 'memory_type must be one of %; not %', array_to_string(public.memory_types(), ', '),
      coalesce(memory_type, 'null') using errcode = '23514', constraint = 'user_memories_memory_type_check',
      column = 'memory_type';
  end if;
  if category is not null and (category !~ '[^[:space:]]' or char_length(category) > 100) then
    raise exception 'category must be 1 to 100 characters, not blank' using errcode = '23514',
      constraint = 'user_memories_category_check', column = 'category';
  end if;
  if importance_score is null or not (importance_score >= 0 and importance_score <= 1) then
    raise exception 'importance_score must be between 0 and 1, not %', coalesce(importance_score::text, 'null')
      using errcode = '23514', constraint = 'user_memories_importance_range', column = 'importance_score';
  end if;
  if confidence_score is null or not (confidence_score >= 0 and confidence_score <= 1) then
    raise exception 'confidence_score must be between 0 and 1, not %', coalesce(confidence_score::text, 'null')
      using errcode = '23514', constraint = 'user_memories_confidence_range', column = 'confidence_score';
  end if;
  if (embedding is null) <> (embedding_model is null) then
    raise exception 'embedding and embedding_model go together: give both or neither' using errcode = '23514',
      constraint = 'user_memories_embedding_has_model', column = 'embedding_model';
  end if;
  if embedding is not null and extensions.vector_dims(embedding) <> public.embedding_dimensions() then
    raise exception 'embedding must have % dimensions, not %', public.embedding_dimensions(), extensions.vector_dims(embedding)
      using errcode = '22000', column = 'embedding';
  end if;
  if embedding_model is not null and (embedding_model !~ '[^[:space:]]' or char_length(embedding_model) > 200) then
    raise exception 'embedding_model must be 1 to 200 characters, not blank' using errcode = '23514',
      constraint = 'user_memories_embedding_model_check', column = 'embedding_model';
  end if;
  if metadata is null or jsonb_typeof(metadata) <> 'object' then
    raise exception 'metadata must be a JSON object' using errcode = '23514',
      constraint = 'user_memories_metadata_is_object', column = 'metadata';
  end if;
  if octet_length(metadata::text) > 16384 then
    raise exception 'metadata must be at most 16384 bytes as JSON' using errcode = '23514',
      constraint = 'user_memories_metadata_size', column = 'metadata';
  end if;
  if expires_at is not null and expires_at <= now() then
    raise exception 'expires_at must be in the future' using errcode = '23514',
      constraint = 'user_memories_expires_after_created', column = 'expires_at';
  end if;
end
$$;
REVOKE ALL ON FUNCTION private.validate_memory_input(text, text, text, double precision, double precision, extensions.vector, text, jsonb, timestamp with time zone) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.validate_memory_input(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, embedding extensions.vector, embedding_model text, metadata jsonb, expires_at timestamp with time zone) IS 'Raises the error the table''s constraints would raise for this input, before duplicate detection needs it valid.';

CREATE FUNCTION private.validate_scope(agent_id text, run_id text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
begin
  -- The rules of user_memories_agent_id_check and _run_id_check, said with the parameter's name.
  if agent_id is not null and (agent_id !~ '[^[:space:]]' or char_length(agent_id) > 200) then
    raise exception 'agent_id must be 1 to 200 characters, not blank' using errcode = '22023', column = 'agent_id';
  end if;
  if run_id is not null and (run_id !~ '[^[:space:]]' or char_length(run_id) > 200) then
    raise exception 'run_id must be 1 to 200 characters, not blank' using errcode = '22023', column = 'run_id';
  end if;
end
$$;
REVOKE ALL ON FUNCTION private.validate_scope(text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.validate_scope(agent_id text, run_id text) IS 'Refuses a blank or over-long agent_id or run_id (22023, naming it): the rule of the scope checks on user_memories, memory_sightings and conversations.';

GRANT ALL ON FUNCTION private.validate_scope(agent_id text, run_id text) TO service_role;

CREATE FUNCTION public.forget_memories(agent_id text DEFAULT NULL::text, run_id text DEFAULT NULL::text, user_id uuid DEFAULT NULL::uuid) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_user uuid := private.acting_user(forget_memories.user_id);
  v_done bigint;
begin
  perform private.validate_scope(forget_memories.agent_id, forget_memories.run_id);
  if forget_memories.agent_id is null and forget_memories.run_id is null then
    raise exception 'name a scope to forget: agent_id, run_id or both'
      using errcode = '22023', column = 'agent_id', hint = 'erase_memories removes every memory of the user.';
  end if;
  perform private.lock_user_memories(v_user);
  update public.user_memories m set is_active = false
   where m.user_id = v_user and m.is_active
     and private.in_scope(m.agent_id, m.run_id, forget_memories.agent_id, forget_memories.run_id);
  get diagnostics v_done = row_count;
  return v_done;
end
$$;
REVOKE ALL ON FUNCTION public.forget_memories(text, text, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.forget_memories(agent_id text, run_id text, user_id uuid) IS 'Forgets every active memory of the caller in a scope: an agent''s (agent_id), a run''s (run_id), or one run of one agent (both); forget_memory''s effect on each (kept in history until cleanup). Returns how many. 22023 without a scope.';

GRANT ALL ON FUNCTION public.forget_memories(agent_id text, run_id text, user_id uuid) TO authenticated;
GRANT ALL ON FUNCTION public.forget_memories(agent_id text, run_id text, user_id uuid) TO service_role;

CREATE FUNCTION public.erase_memories(confirm text, agent_id text DEFAULT NULL::text, run_id text DEFAULT NULL::text, user_id uuid DEFAULT NULL::uuid) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_user uuid := private.acting_user(erase_memories.user_id);
  v_done bigint;
begin
  -- Deleting cannot be undone: the caller says so in words, as a dashboard asks a user to type them.
  if confirm is distinct from 'erase my memories' then
    raise exception 'confirm must be the words ''erase my memories'': erasing deletes the memories, their history and what was merged into them, and cannot be undone'
      using errcode = '22023', column = 'confirm';
  end if;
  perform private.validate_scope(erase_memories.agent_id, erase_memories.run_id);
  perform private.lock_user_memories(v_user);
  -- Every row of the scope, active or not; their sightings, access counts and idempotency keys go with them (on
  -- delete cascade). A version belongs to its memory's scope.
  delete from public.user_memories m
   where m.user_id = v_user and private.in_scope(m.agent_id, m.run_id, erase_memories.agent_id, erase_memories.run_id);
  get diagnostics v_done = row_count;
  return v_done;
end
$$;
REVOKE ALL ON FUNCTION public.erase_memories(text, text, text, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.erase_memories(confirm text, agent_id text, run_id text, user_id uuid) IS 'A signed-in user erases their own memories: all of them, or a scope''s (agent_id, run_id), with every version, sighting and access record; confirm must be ''erase my memories'' (22023 otherwise). Returns how many memory rows (versions included) were deleted. Conversations and the account stay; erase_user_data (service_role) removes everything.';

GRANT ALL ON FUNCTION public.erase_memories(confirm text, agent_id text, run_id text, user_id uuid) TO authenticated;
GRANT ALL ON FUNCTION public.erase_memories(confirm text, agent_id text, run_id text, user_id uuid) TO service_role;

CREATE FUNCTION public.find_duplicate_memories(user_id uuid, fact text, threshold double precision DEFAULT NULL::double precision, embedding extensions.vector DEFAULT NULL::extensions.vector, embedding_model text DEFAULT NULL::text, agent_id text DEFAULT NULL::text, run_id text DEFAULT NULL::text) RETURNS TABLE(id uuid, existing_fact text, jaccard double precision, cosine double precision, similarity double precision, is_duplicate boolean, value_difference text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
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
  perform private.validate_scope(find_duplicate_memories.agent_id, find_duplicate_memories.run_id);
  select * into v_thresholds from private.duplicate_thresholds(find_duplicate_memories.embedding_model, threshold);
  return query
    select d.id, m.fact, d.jaccard, d.cosine, d.similarity, d.is_duplicate, d.value_difference
      from private.duplicate_candidates(v_user, find_duplicate_memories.fact, find_duplicate_memories.embedding,
             find_duplicate_memories.embedding_model, v_thresholds.jaccard, v_thresholds.cosine, null,
             find_duplicate_memories.agent_id, find_duplicate_memories.run_id) d
      join public.user_memories m on m.id = d.id
     -- Near by the thresholds, or the same fact read through its form; not every memory the statement refines.
     where d.is_duplicate or d.jaccard >= v_thresholds.jaccard or d.cosine >= v_thresholds.cosine
     order by d.is_duplicate desc, d.similarity desc, m.importance_score desc, m.id;
end
$$;
REVOKE ALL ON FUNCTION public.find_duplicate_memories(uuid, text, double precision, extensions.vector, text, text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.find_duplicate_memories(user_id uuid, fact text, threshold double precision, embedding extensions.vector, embedding_model text, agent_id text, run_id text) IS 'The user''s active memories near a candidate text (word-set Jaccard; cosine for embeddings of the same model), each with its scores and whether store_memory would merge it: is_duplicate, or value_difference saying what value sets the two apart. Duplicates first, most similar first. Within the scope given (agent_id, run_id; null: the user''s own), as store_memory looks.';

CREATE FUNCTION public.forget_memory(memory_id uuid, user_id uuid DEFAULT NULL::uuid) RETURNS TABLE(id uuid, status text, version integer)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(forget_memory.user_id);
  v_row public.user_memories;
begin
  perform private.lock_user_memories(v_user);
  v_row := private.active_memory_for_update(v_user, memory_id);
  update public.user_memories m set is_active = false where m.id = v_row.id;
  return query select v_row.id, 'forgotten'::text, v_row.version;
end
$$;
REVOKE ALL ON FUNCTION public.forget_memory(uuid, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.forget_memory(memory_id uuid, user_id uuid) IS 'Deactivates a memory of the caller: it stops appearing in search and frees a quota place. The id of any of its versions, or of a memory merged into it, names it too. The row stays for history until cleanup. PT404 not found, PT409 already forgotten.';

CREATE FUNCTION public.memories_pending_embedding(batch_size integer DEFAULT 100, after_id uuid DEFAULT NULL::uuid) RETURNS TABLE(id uuid, user_id uuid, fact text)
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
#variable_conflict use_column
begin
  if batch_size is null or batch_size < 1 or batch_size > 1000 then
    raise exception 'batch_size must be between 1 and 1000' using errcode = '22023', column = 'batch_size';
  end if;
  return query
    select m.id, m.user_id, m.fact from public.user_memories m
     where m.is_active and m.embedding is null and (after_id is null or m.id > after_id)
     order by m.id
     limit batch_size;
end
$$;
REVOKE ALL ON FUNCTION public.memories_pending_embedding(integer, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.memories_pending_embedding(batch_size integer, after_id uuid) IS 'Active memories without an embedding, in id order after after_id, for the embedding backfill (service_role).';

CREATE FUNCTION public.memory_history(memory_id uuid) RETURNS TABLE(id uuid, version integer, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, is_active boolean, previous_version_id uuid, created_at timestamp with time zone, kind text, attached_to uuid, origin text, similarity double precision, duplicate_of uuid, merged_memory_id uuid, unmerged_memory_id uuid, unmerged_at timestamp with time zone, metadata jsonb, source_conversation_id uuid, relation text, relation_reason text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  -- The memory's user, when the caller may read it (private.may_read, as RLS would): another user's id is answered
  -- as an id that names nothing. Then back to the first version and forward along previous_version_id, within
  -- that user's rows.
  with recursive asked as (
    select m.user_id from public.user_memories m
     where m.id = memory_history.memory_id and private.may_read(m.user_id)
  ),
  back as (
    select m.id, m.previous_version_id from public.user_memories m join asked a on a.user_id = m.user_id
     where m.id = memory_history.memory_id
    union all
    select m.id, m.previous_version_id from public.user_memories m join back b on m.id = b.previous_version_id
     where m.user_id = (select a.user_id from asked a)
  ),
  forward as (
    select m.* from public.user_memories m join back b on m.id = b.id where b.previous_version_id is null
    union all
    select m.* from public.user_memories m join forward f on m.previous_version_id = f.id
     where m.user_id = (select a.user_id from asked a)
  ),
  events as (
    -- How each version's text stands to the one before it (public.fact_relation): new for the first, refines or
    -- conflicts (with the reason) for a text that changed, nothing for a version that kept its text.
    select f.id, f.version, f.fact, f.memory_type, f.category, f.importance_score, f.confidence_score, f.is_active,
           f.previous_version_id, f.created_at, 'version'::text as kind, null::uuid as attached_to, null::text as origin,
           null::double precision as similarity, f.duplicate_of, null::uuid as merged_memory_id,
           null::uuid as unmerged_memory_id, null::timestamptz as unmerged_at, f.metadata, f.source_conversation_id,
           case when p.id is null then 'new' when p.fact <> f.fact then r.relation end as relation,
           case when p.fact <> f.fact then r.reason end as relation_reason
      from forward f
      left join forward p on p.id = f.previous_version_id
      left join lateral public.fact_relation(p.fact, f.fact) r on true
    union all
    -- The statements merged into this memory (each said what it says, until an unmerge said otherwise), and the
    -- merges of this memory into another.
    select s.id, null, s.fact, s.memory_type, s.category, s.importance_score, s.confidence_score, false, null,
           s.seen_at, 'sighting', s.memory_id, s.origin, s.similarity, null, s.merged_memory_id, s.unmerged_memory_id,
           s.unmerged_at, s.metadata, s.source_conversation_id, case when s.unmerged_at is null then 'duplicate' end, null
      from public.memory_sightings s
     where s.user_id = (select a.user_id from asked a)
       and (s.memory_id in (select f.id from forward f) or s.merged_memory_id in (select f.id from forward f))
  )
  -- (select private.known_caller()): a one-time filter on the whole answer, asked before any row is read, so an
  -- unknown user's token is refused even for an id that names nothing.
  select * from events e where (select private.known_caller()) order by e.created_at, e.kind desc, e.version, e.id
$$;
REVOKE ALL ON FUNCTION public.memory_history(uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.memory_history(memory_id uuid) IS 'Everything said about the memory that the given version belongs to, oldest first (empty if it is not the caller''s): every version (kind version) and every statement merged into it or recording its own merge into another (kind sighting: origin store|absorbed, attached_to, similarity, unmerged_memory_id once unmerged). relation says how each statement stands to what was known: new for the first version, refines or conflicts (with relation_reason) for a version whose text changed, duplicate for a sighting not unmerged.';

CREATE FUNCTION public.set_memory_embedding(memory_id uuid, embedding extensions.vector, embedding_model text, fact text DEFAULT NULL::text) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_done boolean;
begin
  -- The update meets the table's constraints directly (model pairing and name; the column's dimension).
  if set_memory_embedding.embedding is null then
    raise exception 'embedding is required' using errcode = '22023', column = 'embedding';
  end if;
  -- Only where none was written meanwhile, and only for the text embedded: a new version keeps the memory's id, so
  -- an embedding of the text before must not land on it.
  update public.user_memories m
     set embedding = set_memory_embedding.embedding, embedding_model = set_memory_embedding.embedding_model
   where m.id = memory_id and m.embedding is null
     and (set_memory_embedding.fact is null or m.fact = set_memory_embedding.fact);
  get diagnostics v_done = row_count;
  return v_done;
end
$$;
REVOKE ALL ON FUNCTION public.set_memory_embedding(uuid, extensions.vector, text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.set_memory_embedding(memory_id uuid, embedding extensions.vector, embedding_model text, fact text) IS 'Backfill: gives a memory that has none its embedding; fact, the text that was embedded, must still be the memory''s (a memory keeps its id across versions). False if it has one already, its text changed, or it does not exist (service_role).';

CREATE FUNCTION private.merge_statement(target_user uuid, match_id uuid, statement_row public.user_memories, similarity double precision, idempotency_key text) RETURNS TABLE(id uuid, version integer, sighting_id uuid)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_existing public.user_memories;
  v_kept public.user_memories;
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
  -- The statement is the more important: the memory keeps its id and takes the statement's words; what it said
  -- before is kept as a sighting on it, which unmerge_memory makes a memory again.
  v_kept := private.merged_memory(statement_row, array[v_existing]);
  v_sighting := private.record_earlier_wording(target_user, v_existing, similarity);
  update public.user_memories m
     set fact = statement_row.fact, memory_type = v_kept.memory_type, category = v_kept.category,
         importance_score = v_kept.importance_score, confidence_score = v_kept.confidence_score,
         source_conversation_id = v_kept.source_conversation_id, metadata = v_kept.metadata,
         embedding = v_kept.embedding, embedding_model = v_kept.embedding_model, expires_at = v_kept.expires_at,
         last_accessed_at = now(), observed_at = statement_row.observed_at
   where m.id = v_existing.id;
  return query select v_existing.id, v_existing.version, v_sighting;
end
$$;
REVOKE ALL ON FUNCTION private.merge_statement(uuid, uuid, public.user_memories, double precision, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.merge_statement(target_user uuid, match_id uuid, statement_row public.user_memories, similarity double precision, idempotency_key text) IS 'store_memory''s merge, under the user''s lock: the statement and the duplicate it meets; the memory keeps its id; the more important text stays (on a tie the memory''s) and takes what the merge keeps, the other is kept as a sighting on it. Returns the memory''s id and version and the sighting''s id.';

GRANT ALL ON FUNCTION private.merge_statement(target_user uuid, match_id uuid, statement_row public.user_memories, similarity double precision, idempotency_key text) TO service_role;

CREATE FUNCTION public.store_memory(fact text, memory_type text DEFAULT 'fact'::text, category text DEFAULT NULL::text, importance_score double precision DEFAULT 0.5, confidence_score double precision DEFAULT 0.5, source_conversation_id uuid DEFAULT NULL::uuid, metadata jsonb DEFAULT '{}'::jsonb, embedding extensions.vector DEFAULT NULL::extensions.vector, embedding_model text DEFAULT NULL::text, expires_at timestamp with time zone DEFAULT NULL::timestamp with time zone, idempotency_key text DEFAULT NULL::text, user_id uuid DEFAULT NULL::uuid, duplicate_threshold double precision DEFAULT NULL::double precision, on_conflict text DEFAULT 'keep'::text, observed_at timestamp with time zone DEFAULT NULL::timestamp with time zone, agent_id text DEFAULT NULL::text, run_id text DEFAULT NULL::text) RETURNS TABLE(id uuid, status text, version integer, sighting_id uuid, related jsonb, relation text)
    LANGUAGE plpgsql SECURITY DEFINER
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
  perform private.validate_scope(store_memory.agent_id, store_memory.run_id);
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
  v_statement.agent_id := store_memory.agent_id;
  v_statement.run_id := store_memory.run_id;
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
           v_thresholds.jaccard, v_thresholds.cosine, null, store_memory.agent_id, store_memory.run_id) c;
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
      source_conversation_id, metadata, embedding, embedding_model, expires_at, observed_at, agent_id, run_id)
    values (v_user, v_fact, store_memory.memory_type, store_memory.category, store_memory.importance_score,
      store_memory.confidence_score, store_memory.source_conversation_id, store_memory.metadata,
      store_memory.embedding, store_memory.embedding_model, store_memory.expires_at, store_memory.observed_at,
      store_memory.agent_id, store_memory.run_id)
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
REVOKE ALL ON FUNCTION public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamp with time zone, text, uuid, double precision, text, timestamp with time zone, text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.store_memory(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, source_conversation_id uuid, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, idempotency_key text, user_id uuid, duplicate_threshold double precision, on_conflict text, observed_at timestamp with time zone, agent_id text, run_id text) IS 'Stores a statement for the caller in one transaction and says how it stands to what is known (relation): duplicate (the same meaning, read through contractions, spellings, number formats, filler and moved phrases: merged, the statement kept as a sighting; status duplicate), refines (the fact with a detail added: a new version of that memory, the previous text in its history; status refined), conflicts (a value, a role or order, a tense, a polarity, a comparison or a quantity differs: a new memory, status distinct; or, with on_conflict => ''supersede'', a new version of the memory it conflicts with, status superseded) or new (status created). related names each memory refined or conflicting, [{id, similarity, reason, relation}]. Validates first (SQLSTATE 23514/22023), refuses active memories past the quota (PT507); an idempotency key replays the first outcome. observed_at: when the statement was said (a conversation turn''s time; default the time of the store), kept on the memory, its new version or its sighting (23514 when later than a day from now). agent_id and run_id: the scope the statement belongs to (mem0''s names; null: the user''s own): duplicates, refinements and conflicts are found within the same scope only, so a fact for the user is one memory and a fact of one agent''s run stays in that run (22023 when blank or over 200 characters).';

CREATE FUNCTION private.first_mistyped_key(item jsonb, params jsonb) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $_$
declare
  v_key text;
begin
  for v_key in select k from jsonb_object_keys(item) k where params ? k and item -> k <> 'null'::jsonb order by k loop
    continue when params ->> v_key = 'jsonb';
    begin
      execute pg_catalog.format('select ($1)::%s', (params ->> v_key)::regtype) using item ->> v_key;
    exception when others then
      return v_key;
    end;
  end loop;
  return null;
end
$_$;
REVOKE ALL ON FUNCTION private.first_mistyped_key(jsonb, jsonb) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.first_mistyped_key(item jsonb, params jsonb) IS 'The first key of item whose value does not cast to the type params gives it (params: key => type name), for store_memories to name the field a failed cast came from; null when every value casts.';

GRANT ALL ON FUNCTION private.first_mistyped_key(item jsonb, params jsonb) TO service_role;

CREATE FUNCTION public.store_memories(items jsonb, user_id uuid DEFAULT NULL::uuid) RETURNS TABLE(item integer, id uuid, status text, version integer, sighting_id uuid, related jsonb, relation text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $_$
#variable_conflict use_column
declare
  -- store_memory's parameters an item may give, each with its type, read from the catalog (one definition of
  -- them: a parameter store_memory gains, an item may give); the user is the batch's. An item leaves out what it
  -- does not give, so store_memory's own defaults apply. The input parameters come first in proargnames, so they
  -- pair with proargtypes; the output columns after them pair with nothing.
  v_params constant jsonb := (
    select jsonb_object_agg(a.name, pg_catalog.format_type(a.type, null))
      from pg_catalog.pg_proc p
     cross join lateral unnest(p.proargnames, p.proargtypes::oid[]) as a(name, type)
     where p.oid = 'public.store_memory'::regproc and a.type is not null and a.name <> 'user_id');
  v_user uuid := private.acting_user(store_memories.user_id);
  v_item jsonb;
  v_key text;
  v_state text;
  v_message text;
  v_column text;
  v_constraint text;
begin
  if items is null or jsonb_typeof(items) <> 'array' or jsonb_array_length(items) not between 1 and 100 then
    raise exception 'items must be an array of 1 to 100 statements' using errcode = '22023', column = 'items';
  end if;
  for v_index in 0 .. jsonb_array_length(items) - 1 loop
    v_item := items -> v_index;
    if jsonb_typeof(v_item) is distinct from 'object' or jsonb_typeof(v_item -> 'fact') is distinct from 'string' then
      raise exception 'items[%] must be an object whose fact is a string', v_index
        using errcode = '22023', column = format('items[%s].fact', v_index);
    end if;
    select k into v_key from jsonb_object_keys(v_item) k where not v_params ? k limit 1;
    if found then
      raise exception 'items[%] has %, which store_memory does not take', v_index, v_key
        using errcode = '22023', column = format('items[%s].%s', v_index, v_key);
    end if;
    -- JSON that no cast would refuse but that is not a value of its parameter: an object or a list as text, a boolean.
    select k into v_key from jsonb_object_keys(v_item) k
     where v_params ->> k <> 'jsonb'
       and (jsonb_typeof(v_item -> k) = 'boolean'
            or jsonb_typeof(v_item -> k) = 'object'
            or (jsonb_typeof(v_item -> k) = 'array' and v_params ->> k <> 'extensions.vector'))
     limit 1;
    if found then
      raise exception 'items[%].% must be a %', v_index, v_key, v_params ->> v_key
        using errcode = '22023', column = format('items[%s].%s', v_index, v_key);
    end if;
    begin
      -- Named arguments from the item's keys (each one of v_params), the item bound as $1.
      execute pg_catalog.format('select s.id, s.status, s.version, s.sighting_id, s.related, s.relation from public.store_memory(%s) s',
        (select string_agg(case when v_params ->> k = 'jsonb' then pg_catalog.format('%I => $1 -> %L', k, k)
                                else pg_catalog.format('%I => ($1 ->> %L)::%s', k, k, (v_params ->> k)::regtype) end, ', ')
                || ', user_id => $2'
           from jsonb_object_keys(v_item) k where v_item -> k <> 'null'::jsonb))
        into id, status, version, sighting_id, related, relation
        using v_item, v_user;
      item := v_index;
      return next;
    exception when others then
      -- Said with the item it came from; the transaction ends here, so nothing of the batch is written.
      get stacked diagnostics v_state = returned_sqlstate, v_message = message_text, v_column = column_name,
                              v_constraint = constraint_name;
      -- A failed cast of the item's values does not say which: the first value not of its parameter's type.
      if coalesce(v_column, '') = '' and v_state like '22%' then
        v_column := private.first_mistyped_key(v_item, v_params);
        if v_column is not null then
          v_message := pg_catalog.format('%s must be a %s (%s)', v_column, v_params ->> v_column, v_message);
        end if;
      end if;
      raise exception 'items[%]: %', v_index, v_message
        using errcode = v_state, constraint = v_constraint,
              column = format('items[%s]', v_index) || coalesce('.' || nullif(v_column, ''), '');
    end;
  end loop;
end
$_$;
REVOKE ALL ON FUNCTION public.store_memories(jsonb, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.store_memories(items jsonb, user_id uuid) IS 'Stores up to 100 statements in one transaction, in order, each as store_memory stores it (an item is an object of store_memory''s parameters, user_id aside: fact, memory_type, metadata, embedding, agent_id, run_id ...); one row per item with its outcome and relation (item: its index). A later item meets what an earlier one stored. All or nothing: a refused item (its SQLSTATE, column items[i].field) writes nothing of the batch.';

GRANT ALL ON FUNCTION public.store_memories(items jsonb, user_id uuid) TO authenticated;
GRANT ALL ON FUNCTION public.store_memories(items jsonb, user_id uuid) TO service_role;

CREATE FUNCTION private.memory_saying(target uuid, fact text, agent_id text, run_id text, except_id uuid DEFAULT NULL::uuid) RETURNS uuid
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select m.id from public.user_memories m
   where m.user_id = target and m.is_active and m.id is distinct from except_id
     and coalesce(m.agent_id, '') = coalesce(memory_saying.agent_id, '') and coalesce(m.run_id, '') = coalesce(memory_saying.run_id, '')
     and md5(public.fact_key(m.fact)) = md5(public.fact_key(memory_saying.fact))
   limit 1
$$;
REVOKE ALL ON FUNCTION private.memory_saying(uuid, text, text, text, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.memory_saying(target uuid, fact text, agent_id text, run_id text, except_id uuid) IS 'The user''s active memory of the scope (agent_id, run_id) whose text is this fact''s (the key of user_memories_active_fact_key), other than except_id; null when none. unmerge_memory and update_memory name it instead of breaking the unique index.';

GRANT ALL ON FUNCTION private.memory_saying(target uuid, fact text, agent_id text, run_id text, except_id uuid) TO service_role;

CREATE FUNCTION public.unmerge_memory(merged_id uuid, user_id uuid DEFAULT NULL::uuid) RETURNS TABLE(id uuid, status text, version integer, sighting_id uuid, merged_into uuid)
    LANGUAGE plpgsql SECURITY DEFINER
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

  v_same := private.memory_saying(v_user, v_sighting.fact, v_sighting.agent_id, v_sighting.run_id, v_sighting.merged_memory_id);
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
      source_conversation_id, metadata, embedding, embedding_model, expires_at, observed_at, agent_id, run_id)
    values (v_user, v_sighting.fact, v_sighting.memory_type, v_sighting.category, v_sighting.importance_score,
      v_sighting.confidence_score, v_sighting.source_conversation_id, v_sighting.metadata, v_sighting.embedding,
      v_sighting.embedding_model, v_sighting.expires_at, coalesce(v_sighting.observed_at, v_sighting.seen_at),
      v_sighting.agent_id, v_sighting.run_id)
    returning user_memories.id, user_memories.version into v_id, v_version;
  end if;
  perform private.mark_unmerged(v_user, v_sighting.id, v_id);
  return query select v_id, 'unmerged'::text, v_version, v_sighting.id, v_sighting.memory_id;
end
$$;
REVOKE ALL ON FUNCTION public.unmerge_memory(uuid, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.unmerge_memory(merged_id uuid, user_id uuid) IS 'Undoes a merge: the sighting with this id, or the memory that deduplication (or a store) marked as a duplicate, becomes an active memory of its own again, within the quota (PT507); deduplication never merges the two again. Idempotent. PT404 unknown id, PT409 when an active memory already has the same text or the statement expired.';

CREATE FUNCTION public.update_memory(memory_id uuid, fact text DEFAULT NULL::text, memory_type text DEFAULT NULL::text, category text DEFAULT NULL::text, importance_score double precision DEFAULT NULL::double precision, confidence_score double precision DEFAULT NULL::double precision, metadata jsonb DEFAULT NULL::jsonb, embedding extensions.vector DEFAULT NULL::extensions.vector, embedding_model text DEFAULT NULL::text, expires_at timestamp with time zone DEFAULT NULL::timestamp with time zone, user_id uuid DEFAULT NULL::uuid) RETURNS TABLE(id uuid, status text, version integer)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $_$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(update_memory.user_id);
  v_old public.user_memories;
  v_new public.user_memories;
  v_fact_changed boolean;
  v_same uuid;
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

  -- A new text is said now; an unchanged one keeps when it was said. Another memory of the scope may say it already:
  -- two active memories of the same text are not kept (user_memories_active_fact_key), and which one to keep is the
  -- caller's choice, so it is named.
  if v_fact_changed then
    v_new.observed_at := null;
    v_same := private.memory_saying(v_user, v_new.fact, v_old.agent_id, v_old.run_id, v_old.id);
    if v_same is not null then
      raise exception 'memory % already says this (the same text): forget one of the two, or update that one', v_same
        using errcode = 'PT409', column = 'fact', hint = 'memory_history shows what each has said.';
    end if;
  end if;
  return query select v_old.id, 'updated'::text, private.new_version(v_user, v_old, v_new);
end
$_$;
REVOKE ALL ON FUNCTION public.update_memory(uuid, text, text, text, double precision, double precision, jsonb, extensions.vector, text, timestamp with time zone, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.update_memory(memory_id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, user_id uuid) IS 'Stores a new version of a memory in place (private.new_version): the memory keeps its id, version + 1, the version before kept in memory_history. An id of an earlier version, or of a memory merged into this one, names it too. Omitted fields keep their values; a changed fact drops the old embedding and is said now (observed_at). PT404 not found, PT409 forgotten or another memory of the scope says the new text already (named).';

CREATE TRIGGER conversations_set_updated_at BEFORE UPDATE ON public.conversations FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();

CREATE TRIGGER maintenance_jobs_set_updated_at BEFORE UPDATE ON public.maintenance_jobs FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();

CREATE TRIGGER memory_model_settings_set_updated_at BEFORE UPDATE ON public.memory_model_settings FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();

CREATE TRIGGER memory_settings_set_updated_at BEFORE UPDATE ON public.memory_settings FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();

CREATE TRIGGER memory_sightings_account_delete AFTER DELETE ON public.memory_sightings REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION private.memory_sightings_account();

CREATE TRIGGER memory_sightings_account_insert AFTER INSERT ON public.memory_sightings REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.memory_sightings_account();

CREATE TRIGGER user_memories_account_delete AFTER DELETE ON public.user_memories REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION private.user_memories_account_statement();

CREATE TRIGGER user_memories_account_insert AFTER INSERT ON public.user_memories REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.user_memories_account_statement();

CREATE TRIGGER user_memories_account_update AFTER UPDATE ON public.user_memories REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION private.user_memories_account_statement();

CREATE TRIGGER user_memories_guard_version BEFORE INSERT OR UPDATE ON public.user_memories FOR EACH ROW EXECUTE FUNCTION private.user_memories_guard_version();

CREATE TRIGGER user_memories_set_updated_at BEFORE UPDATE OF fact, memory_type, category, importance_score, confidence_score, is_active, duplicate_of, metadata, expires_at ON public.user_memories FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();

REVOKE ALL ON FUNCTION private.absorb_memories(target uuid, absorbed uuid[], keepers uuid[], similarities double precision[]) FROM PUBLIC;
GRANT ALL ON FUNCTION private.absorb_memories(target uuid, absorbed uuid[], keepers uuid[], similarities double precision[]) TO service_role;

REVOKE ALL ON FUNCTION private.acting_user(requested uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.acting_user(requested uuid) TO service_role;

REVOKE ALL ON FUNCTION private.active_memory_for_update(target uuid, memory uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.active_memory_for_update(target uuid, memory uuid) TO service_role;

REVOKE ALL ON FUNCTION private.duplicate_candidates(target uuid, fact text, embedding extensions.vector, embedding_model text, jaccard_threshold double precision, cosine_threshold double precision, exclude uuid, agent_id text, run_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.duplicate_candidates(target uuid, fact text, embedding extensions.vector, embedding_model text, jaccard_threshold double precision, cosine_threshold double precision, exclude uuid, agent_id text, run_id text) TO service_role;

REVOKE ALL ON FUNCTION private.duplicate_thresholds(embedding_model text, requested double precision) FROM PUBLIC;
GRANT ALL ON FUNCTION private.duplicate_thresholds(embedding_model text, requested double precision) TO service_role;

REVOKE ALL ON FUNCTION private.keep_order(importance_score double precision, created_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION private.keep_order(importance_score double precision, created_at timestamp with time zone) TO service_role;

REVOKE ALL ON FUNCTION private.lock_user_memories(target uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.lock_user_memories(target uuid) TO service_role;

REVOKE ALL ON FUNCTION private.lock_users(users uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION private.lock_users(users uuid[]) TO service_role;

REVOKE ALL ON FUNCTION private.mark_unmerged(target uuid, sighting uuid, memory uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION private.mark_unmerged(target uuid, sighting uuid, memory uuid) TO service_role;

REVOKE ALL ON FUNCTION private.memory_sightings_account() FROM PUBLIC;

REVOKE ALL ON FUNCTION private.merged_memory(keeper public.user_memories, absorbed public.user_memories[]) FROM PUBLIC;
GRANT ALL ON FUNCTION private.merged_memory(keeper public.user_memories, absorbed public.user_memories[]) TO service_role;

REVOKE ALL ON FUNCTION private.model_settings(embedding_model text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.model_settings(embedding_model text) TO service_role;

REVOKE ALL ON FUNCTION private.move_sightings(target uuid, from_ids uuid[], to_ids uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION private.move_sightings(target uuid, from_ids uuid[], to_ids uuid[]) TO service_role;

REVOKE ALL ON FUNCTION private.record_sighting(target uuid, memory_id uuid, statement public.user_memories, similarity double precision, idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.record_sighting(target uuid, memory_id uuid, statement public.user_memories, similarity double precision, idempotency_key text) TO service_role;

REVOKE ALL ON FUNCTION private.set_updated_at() FROM PUBLIC;

REVOKE ALL ON FUNCTION private.user_memories_account_statement() FROM PUBLIC;

REVOKE ALL ON FUNCTION private.user_memories_guard_version() FROM PUBLIC;

REVOKE ALL ON FUNCTION private.validate_memory_input(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, embedding extensions.vector, embedding_model text, metadata jsonb, expires_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION private.validate_memory_input(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, embedding extensions.vector, embedding_model text, metadata jsonb, expires_at timestamp with time zone) TO service_role;

REVOKE ALL ON FUNCTION public.find_duplicate_memories(user_id uuid, fact text, threshold double precision, embedding extensions.vector, embedding_model text, agent_id text, run_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.find_duplicate_memories(user_id uuid, fact text, threshold double precision, embedding extensions.vector, embedding_model text, agent_id text, run_id text) TO authenticated;
GRANT ALL ON FUNCTION public.find_duplicate_memories(user_id uuid, fact text, threshold double precision, embedding extensions.vector, embedding_model text, agent_id text, run_id text) TO service_role;

REVOKE ALL ON FUNCTION public.forget_memory(memory_id uuid, user_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.forget_memory(memory_id uuid, user_id uuid) TO authenticated;
GRANT ALL ON FUNCTION public.forget_memory(memory_id uuid, user_id uuid) TO service_role;

REVOKE ALL ON FUNCTION public.memories_pending_embedding(batch_size integer, after_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.memories_pending_embedding(batch_size integer, after_id uuid) TO service_role;

REVOKE ALL ON FUNCTION public.memory_history(memory_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.memory_history(memory_id uuid) TO authenticated;
GRANT ALL ON FUNCTION public.memory_history(memory_id uuid) TO service_role;

REVOKE ALL ON FUNCTION public.set_memory_embedding(memory_id uuid, embedding extensions.vector, embedding_model text, fact text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.set_memory_embedding(memory_id uuid, embedding extensions.vector, embedding_model text, fact text) TO service_role;

REVOKE ALL ON FUNCTION public.store_memory(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, source_conversation_id uuid, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, idempotency_key text, user_id uuid, duplicate_threshold double precision, on_conflict text, observed_at timestamp with time zone, agent_id text, run_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.store_memory(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, source_conversation_id uuid, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, idempotency_key text, user_id uuid, duplicate_threshold double precision, on_conflict text, observed_at timestamp with time zone, agent_id text, run_id text) TO authenticated;
GRANT ALL ON FUNCTION public.store_memory(fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, source_conversation_id uuid, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, idempotency_key text, user_id uuid, duplicate_threshold double precision, on_conflict text, observed_at timestamp with time zone, agent_id text, run_id text) TO service_role;

REVOKE ALL ON FUNCTION public.unmerge_memory(merged_id uuid, user_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.unmerge_memory(merged_id uuid, user_id uuid) TO authenticated;
GRANT ALL ON FUNCTION public.unmerge_memory(merged_id uuid, user_id uuid) TO service_role;

REVOKE ALL ON FUNCTION public.update_memory(memory_id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, user_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.update_memory(memory_id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, user_id uuid) TO authenticated;
GRANT ALL ON FUNCTION public.update_memory(memory_id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, user_id uuid) TO service_role;
