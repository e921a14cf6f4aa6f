-- Rollback: a token's user is not checked against auth.users.
set check_function_bodies = off;

CREATE OR REPLACE FUNCTION private.acting_user(requested uuid) RETURNS uuid
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_uid uuid := auth.uid();
  v_privileged boolean;
begin
  if requested is null or requested = v_uid then
    if v_uid is null then
      raise exception 'not authenticated: the request carries no user id (JWT sub)'
        using errcode = 'PT401';
    end if;
    return v_uid;
  end if;
  -- A role that bypasses RLS (service_role, or the owner in a SQL session) may act for any user. The role asked
  -- about is the one the caller set (PostgREST's `set local role`), which security definer callers see too.
  select r.rolbypassrls or r.rolsuper into v_privileged from pg_catalog.pg_roles r
   where r.rolname = coalesce(nullif(current_setting('role'), 'none'), session_user);
  if not coalesce(v_privileged, false) then
    raise exception 'only service_role may act for another user'
      using errcode = '42501', hint = 'Omit user_id; the user is the one in the JWT.';
  end if;
  return requested;
end
$$;

REVOKE ALL ON FUNCTION private.acting_user(uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.acting_user(requested uuid) IS 'The user a call acts for: auth.uid(), or an explicit user for roles that bypass RLS. PT401 without a user. Judges the role the caller set, so security definer functions can use it to check their target.';

REVOKE ALL ON FUNCTION private.acting_user(requested uuid) FROM PUBLIC;

GRANT ALL ON FUNCTION private.acting_user(requested uuid) TO authenticated;

GRANT ALL ON FUNCTION private.acting_user(requested uuid) TO service_role;

CREATE OR REPLACE FUNCTION public.memory_history(memory_id uuid) RETURNS TABLE(id uuid, version integer, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, is_active boolean, previous_version_id uuid, created_at timestamp with time zone, kind text, attached_to uuid, origin text, similarity double precision, duplicate_of uuid, merged_memory_id uuid, unmerged_memory_id uuid, unmerged_at timestamp with time zone, metadata jsonb, source_conversation_id uuid, relation text, relation_reason text)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
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
     where s.memory_id in (select f.id from forward f) or s.merged_memory_id in (select f.id from forward f)
  )
  select * from events e order by e.created_at, e.kind desc, e.version, e.id
$$;

REVOKE ALL ON FUNCTION public.memory_history(uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.memory_history(memory_id uuid) IS 'Everything said about the memory that the given version belongs to, oldest first (empty if it is not the caller''s): every version (kind version) and every statement merged into it or recording its own merge into another (kind sighting: origin store|absorbed, attached_to, similarity, unmerged_memory_id once unmerged). relation says how each statement stands to what was known: new for the first version, refines or conflicts (with relation_reason) for a version whose text changed, duplicate for a sighting not unmerged.';

REVOKE ALL ON FUNCTION public.memory_history(memory_id uuid) FROM PUBLIC;

GRANT ALL ON FUNCTION public.memory_history(memory_id uuid) TO authenticated;

GRANT ALL ON FUNCTION public.memory_history(memory_id uuid) TO service_role;

CREATE OR REPLACE FUNCTION public.mark_memory_duplicate(memory_id uuid, original_id uuid) RETURNS TABLE(id uuid, duplicate_of uuid, relinked integer)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_user uuid;
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
  -- The user first (a memory's user never changes), then their lock, then the rows.
  -- RLS decides what the caller can see; a memory of another user is simply not found.
  select m.user_id into v_user from public.user_memories m where m.id = memory_id;
  if v_user is null then
    raise exception 'memory % not found', memory_id using errcode = 'PT404', column = 'memory_id';
  end if;
  perform private.lock_user_memories(v_user);
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
  perform private.absorb_memories(v_memory.user_id, array[memory_id], array[original_id],
    array[public.jaccard(v_memory.fact_words, v_original.fact_words)]);
  update public.user_memories m set is_active = false, duplicate_of = original_id where m.id = memory_id;
  -- Keep duplicate chains one link long: what pointed at the new duplicate now points at its original.
  update public.user_memories m set duplicate_of = original_id where m.id <> original_id and m.duplicate_of = memory_id;
  get diagnostics v_relinked = row_count;
  return query select memory_id, original_id, v_relinked;
end
$$;

REVOKE ALL ON FUNCTION public.mark_memory_duplicate(uuid, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.mark_memory_duplicate(memory_id uuid, original_id uuid) IS 'Deactivates a memory as a duplicate of an active original of the same user, links it (and its own duplicates) to that original, and records it as a sighting there (unmerge_memory undoes it). Refuses self-links (22023), other users'' memories (PT404), inactive originals and cycles (PT409).';

REVOKE ALL ON FUNCTION public.mark_memory_duplicate(memory_id uuid, original_id uuid) FROM PUBLIC;

GRANT ALL ON FUNCTION public.mark_memory_duplicate(memory_id uuid, original_id uuid) TO authenticated;

GRANT ALL ON FUNCTION public.mark_memory_duplicate(memory_id uuid, original_id uuid) TO service_role;


DROP FUNCTION private.known_caller();
DROP FUNCTION private.caller_exists();
