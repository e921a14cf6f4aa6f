-- Rollback: authenticated may use private again and execute the helpers the public functions call; the public
-- functions are security invoker again (RLS hides other users' rows); import keeps the document's ids and refuses
-- one another user holds.
set check_function_bodies = off;

ALTER FUNCTION public.normalize_fact(text) SECURITY INVOKER;
ALTER FUNCTION public.fact_words(text) SECURITY INVOKER;
ALTER FUNCTION public.jaccard(text[],text[]) SECURITY INVOKER;
ALTER FUNCTION public.update_memory(uuid,text,text,text,double precision,double precision,jsonb,extensions.vector,text,timestamp with time zone,uuid) SECURITY INVOKER;
ALTER FUNCTION public.forget_memory(uuid,uuid) SECURITY INVOKER;
ALTER FUNCTION public.get_memory_stats(uuid) SECURITY INVOKER;
ALTER FUNCTION public.deduplicate_memories(uuid,double precision) SECURITY INVOKER;
ALTER FUNCTION public.fact_value_difference(text,text) SECURITY INVOKER;
ALTER FUNCTION public.fact_key(text) SECURITY INVOKER;
ALTER FUNCTION public.unmerge_memory(uuid,uuid) SECURITY INVOKER;
ALTER FUNCTION public.memory_types() SECURITY INVOKER;
ALTER FUNCTION public.embedding_dimensions() SECURITY INVOKER;
ALTER FUNCTION public.fact_relation(text,text) SECURITY INVOKER;
ALTER FUNCTION public.get_memory(uuid,uuid) SECURITY INVOKER;
ALTER FUNCTION public.list_memories(integer,timestamp with time zone,uuid,uuid,text,text,jsonb) SECURITY INVOKER;
ALTER FUNCTION public.match_memories(extensions.vector,text,integer,text[],text[],double precision,timestamp with time zone,timestamp with time zone,uuid,text,text,jsonb) SECURITY INVOKER;
ALTER FUNCTION public.search_memories(text,extensions.vector,text,integer,text[],text[],double precision,timestamp with time zone,timestamp with time zone,uuid,boolean,double precision,text,text,jsonb) SECURITY INVOKER;
ALTER FUNCTION public.store_memory(text,text,text,double precision,double precision,uuid,jsonb,extensions.vector,text,timestamp with time zone,text,uuid,double precision,text,timestamp with time zone,text,text) SECURITY INVOKER;
ALTER FUNCTION public.store_memories(jsonb,uuid) SECURITY INVOKER;
ALTER FUNCTION public.find_duplicate_memories(uuid,text,double precision,extensions.vector,text,text,text) SECURITY INVOKER;
ALTER FUNCTION public.forget_memories(text,text,uuid) SECURITY INVOKER;
ALTER FUNCTION public.erase_memories(text,text,text,uuid) SECURITY INVOKER;
ALTER FUNCTION public.export_user_data(uuid,text,text) SECURITY INVOKER;

DROP FUNCTION public.import_user_data(jsonb, uuid);

DROP FUNCTION private.import_user_rows(uuid, jsonb);

DROP FUNCTION private.import_ids_changed(uuid, jsonb);

DROP FUNCTION private.import_id(uuid, uuid);

CREATE FUNCTION private.import_user_rows(target uuid, document jsonb) RETURNS TABLE(table_name text, imported bigint, already_present bigint, merged bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_taken uuid;
  v_count bigint;
  v_merged bigint;
begin
  -- The schema private is usable by signed-in users: the target is checked here too, not only by the caller.
  perform private.acting_user(target);
  -- A row of the document whose key exists for someone else would be skipped silently (on conflict do nothing):
  -- refuse instead, for every table the document fills.
  select x.id into v_taken from (
      select c.id, c.user_id from public.conversations c
       where c.id in (select (r->>'id')::uuid from jsonb_array_elements(document->'conversations') r)
      union all
      select m.id, m.user_id from public.user_memories m
       where m.id in (select (r->>'id')::uuid from jsonb_array_elements(document->'memories') r)
      union all
      select s.id, s.user_id from public.memory_sightings s
       where s.id in (select (r->>'id')::uuid from jsonb_array_elements(document->'sightings') r)
      union all
      select a.memory_id, a.user_id from public.memory_access a
       where a.memory_id in (select (r->>'memory_id')::uuid from jsonb_array_elements(document->'access') r)
      union all
      select l.id, l.user_id from public.memory_access_log l
       where l.id in (select (r->>'id')::uuid from jsonb_array_elements(document->'access_log') r)) x
   where x.user_id <> target limit 1;
  if found then
    raise exception 'row % of this export belongs to another user in this project', v_taken
      using errcode = '23505', column = 'document', hint = 'An export is imported for the user it was taken from, or into another project.';
  end if;

  insert into public.conversations (id, user_id, title, metadata, started_at, last_message_at, created_at, updated_at,
    agent_id, run_id)
  select r.id, target, r.title, coalesce(r.metadata, '{}'), r.started_at, r.last_message_at, r.created_at, r.updated_at,
         r.agent_id, r.run_id
    from jsonb_populate_recordset(null::public.conversations, document->'conversations') r
   order by r.created_at
  on conflict (id) do nothing;
  get diagnostics v_count = row_count;
  return query select 'conversations', v_count, jsonb_array_length(document->'conversations') - v_count, 0::bigint;

  -- An active memory that says what an active memory of the user already says (the same fact key) is kept as a
  -- duplicate of it, not dropped: history shows it and unmerge_memory makes it a memory of its own again.
  with rows as (
    select r.* from jsonb_populate_recordset(null::public.user_memories, document->'memories') r
     where not exists (select 1 from public.user_memories m where m.id = r.id)
  ), placed as (
    select r.*, (select m.id from public.user_memories m
                  where r.is_active and m.user_id = target and m.is_active
                    and coalesce(m.agent_id, '') = coalesce(r.agent_id, '') and coalesce(m.run_id, '') = coalesce(r.run_id, '')
                    and md5(public.fact_key(m.fact)) = md5(public.fact_key(r.fact))) as existing
      from rows r
  ), inserted as (
    insert into public.user_memories (id, user_id, fact, memory_type, category, importance_score, confidence_score,
      is_active, duplicate_of, source_conversation_id, version, previous_version_id, metadata, created_at, updated_at,
      last_accessed_at, expires_at, observed_at, agent_id, run_id)
    select p.id, target, p.fact, p.memory_type, p.category, p.importance_score, p.confidence_score,
           p.is_active and p.existing is null, coalesce(p.existing, p.duplicate_of), p.source_conversation_id,
           p.version, p.previous_version_id, coalesce(p.metadata, '{}'), p.created_at, p.updated_at,
           p.last_accessed_at, p.expires_at, p.observed_at, p.agent_id, p.run_id
      from placed p
     order by p.version, p.created_at
    returning 1
  )
  select (select count(*) from inserted), (select count(*) from placed p where p.existing is not null)
    into v_count, v_merged;
  return query select 'user_memories', v_count, jsonb_array_length(document->'memories') - v_count, v_merged;

  insert into public.memory_sightings (id, user_id, memory_id, fact, memory_type, category, importance_score,
    confidence_score, metadata, source_conversation_id, expires_at, idempotency_key, origin,
    merged_memory_id, similarity, seen_at, unmerged_at, unmerged_memory_id, observed_at, agent_id, run_id)
  select r.id, target, r.memory_id, r.fact, r.memory_type, r.category, r.importance_score, r.confidence_score,
         coalesce(r.metadata, '{}'), r.source_conversation_id, r.expires_at, r.idempotency_key, r.origin,
         r.merged_memory_id, r.similarity, r.seen_at, r.unmerged_at, r.unmerged_memory_id, r.observed_at,
         r.agent_id, r.run_id
    from jsonb_populate_recordset(null::public.memory_sightings, document->'sightings') r
  on conflict (id) do nothing;
  get diagnostics v_count = row_count;
  return query select 'memory_sightings', v_count, jsonb_array_length(document->'sightings') - v_count, 0::bigint;

  insert into public.memory_access (memory_id, user_id, last_accessed_at, access_count)
  select r.memory_id, target, r.last_accessed_at, r.access_count
    from jsonb_populate_recordset(null::public.memory_access, document->'access') r
  on conflict (memory_id) do nothing;
  get diagnostics v_count = row_count;
  return query select 'memory_access', v_count, jsonb_array_length(document->'access') - v_count, 0::bigint;

  insert into public.memory_access_log (id, memory_id, user_id, accessed_at)
  select r.id, r.memory_id, target, r.accessed_at
    from jsonb_populate_recordset(null::public.memory_access_log, document->'access_log') r
  on conflict (id) do nothing;
  get diagnostics v_count = row_count;
  return query select 'memory_access_log', v_count, jsonb_array_length(document->'access_log') - v_count, 0::bigint;
end
$$;

REVOKE ALL ON FUNCTION private.import_user_rows(uuid, jsonb) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.import_user_rows(target uuid, document jsonb) IS 'import_user_data''s writing step, for a target user it has already checked: inserts the document''s rows for that user, skipping rows already present, keeping an active memory that repeats one of the user''s as its duplicate, and refusing (23505) rows that belong to another user.';

GRANT ALL ON FUNCTION private.import_user_rows(uuid, jsonb) TO authenticated;

GRANT ALL ON FUNCTION private.import_user_rows(uuid, jsonb) TO service_role;

CREATE FUNCTION public.import_user_data(document jsonb, user_id uuid DEFAULT NULL::uuid) RETURNS TABLE(table_name text, imported bigint, already_present bigint, merged bigint)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_user uuid := private.acting_user(import_user_data.user_id);
  v_key text;
begin
  if document is null or jsonb_typeof(document) <> 'object' or document->>'format' is distinct from 'chat-memory-export' then
    raise exception 'document is not a chat-memory-export document' using errcode = '22023', column = 'document';
  end if;
  if document->'version' is distinct from '1'::jsonb then
    raise exception 'document version % is not one this project reads (1)', coalesce(document->>'version', 'null')
      using errcode = '22023', column = 'version';
  end if;
  foreach v_key in array array['memories', 'sightings', 'conversations', 'access', 'access_log'] loop
    if jsonb_typeof(document->v_key) is distinct from 'array' then
      raise exception '% must be an array', v_key using errcode = '22023', column = v_key;
    end if;
  end loop;
  perform private.lock_user_memories(v_user);
  return query select * from private.import_user_rows(v_user, document);
end
$$;

REVOKE ALL ON FUNCTION public.import_user_data(jsonb, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.import_user_data(document jsonb, user_id uuid) IS 'Takes a chat-memory-export document (export_user_data, version 1) into this project for the caller (or, for service_role, the user named), all or nothing: ids are kept, rows already present are skipped (a second import changes nothing), an active memory repeating one of the user''s is kept as its duplicate, quotas apply. Reports per table the rows imported, already present and merged. Imported memories are pending embedding.';

GRANT ALL ON FUNCTION public.import_user_data(jsonb, uuid) TO authenticated;

GRANT ALL ON FUNCTION public.import_user_data(jsonb, uuid) TO service_role;

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
  -- (select private.known_caller()): a one-time filter on the whole answer, asked before any row is read, so an
  -- unknown user's token is refused even for an id that names nothing.
  select * from events e where (select private.known_caller()) order by e.created_at, e.kind desc, e.version, e.id
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
  perform private.known_caller();
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
    perform private.known_caller();
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

COMMENT ON FUNCTION private.acting_user(requested uuid) IS 'The user a call acts for: auth.uid(), or an explicit user for roles that bypass RLS. PT401 without a user, or (unknown_user) when the signed-in user is not in auth.users. Judges the role the caller set, so security definer functions can use it to check their target.';

REVOKE ALL ON FUNCTION private.acting_user(requested uuid) FROM PUBLIC;

GRANT ALL ON FUNCTION private.acting_user(requested uuid) TO authenticated;

GRANT ALL ON FUNCTION private.acting_user(requested uuid) TO service_role;

COMMENT ON FUNCTION private.known_caller() IS 'True, or PT401 (constraint unknown_user) when the signed-in user is not a user of this project; a session without a signed-in user passes. private.acting_user and the functions that rely on RLS alone (memory_history, mark_memory_duplicate) ask it first.';

DROP FUNCTION private.may_read(uuid);

DROP FUNCTION private.caller_reads_all();

-- In the order the grants were made (authenticated first), as the ACLs were.
REVOKE ALL ON FUNCTION private.absorb_memories(uuid,uuid[],uuid[],double precision[]) FROM service_role;
GRANT ALL ON FUNCTION private.absorb_memories(uuid,uuid[],uuid[],double precision[]) TO authenticated;
GRANT ALL ON FUNCTION private.absorb_memories(uuid,uuid[],uuid[],double precision[]) TO service_role;
REVOKE ALL ON FUNCTION private.acting_user(uuid) FROM service_role;
GRANT ALL ON FUNCTION private.acting_user(uuid) TO authenticated;
GRANT ALL ON FUNCTION private.acting_user(uuid) TO service_role;
REVOKE ALL ON FUNCTION private.active_memory_for_update(uuid,uuid) FROM service_role;
GRANT ALL ON FUNCTION private.active_memory_for_update(uuid,uuid) TO authenticated;
GRANT ALL ON FUNCTION private.active_memory_for_update(uuid,uuid) TO service_role;
REVOKE ALL ON FUNCTION private.caller_exists() FROM service_role;
GRANT ALL ON FUNCTION private.caller_exists() TO authenticated;
GRANT ALL ON FUNCTION private.caller_exists() TO service_role;
REVOKE ALL ON FUNCTION private.capitalized_as_name(text,text,boolean) FROM service_role;
GRANT ALL ON FUNCTION private.capitalized_as_name(text,text,boolean) TO authenticated;
GRANT ALL ON FUNCTION private.capitalized_as_name(text,text,boolean) TO service_role;
REVOKE ALL ON FUNCTION private.common_words() FROM service_role;
GRANT ALL ON FUNCTION private.common_words() TO authenticated;
GRANT ALL ON FUNCTION private.common_words() TO service_role;
REVOKE ALL ON FUNCTION private.content_words(text[]) FROM service_role;
GRANT ALL ON FUNCTION private.content_words(text[]) TO authenticated;
GRANT ALL ON FUNCTION private.content_words(text[]) TO service_role;
REVOKE ALL ON FUNCTION private.current_memory_id(uuid,uuid) FROM service_role;
GRANT ALL ON FUNCTION private.current_memory_id(uuid,uuid) TO authenticated;
GRANT ALL ON FUNCTION private.current_memory_id(uuid,uuid) TO service_role;
REVOKE ALL ON FUNCTION private.denied_words(text[]) FROM service_role;
GRANT ALL ON FUNCTION private.denied_words(text[]) TO authenticated;
GRANT ALL ON FUNCTION private.denied_words(text[]) TO service_role;
REVOKE ALL ON FUNCTION private.duplicate_candidates(uuid,text,extensions.vector,text,double precision,double precision,uuid,text,text) FROM service_role;
GRANT ALL ON FUNCTION private.duplicate_candidates(uuid,text,extensions.vector,text,double precision,double precision,uuid,text,text) TO authenticated;
GRANT ALL ON FUNCTION private.duplicate_candidates(uuid,text,extensions.vector,text,double precision,double precision,uuid,text,text) TO service_role;
REVOKE ALL ON FUNCTION private.duplicate_pairs(uuid,double precision,double precision) FROM service_role;
GRANT ALL ON FUNCTION private.duplicate_pairs(uuid,double precision,double precision) TO authenticated;
GRANT ALL ON FUNCTION private.duplicate_pairs(uuid,double precision,double precision) TO service_role;
REVOKE ALL ON FUNCTION private.duplicate_thresholds(text,double precision) FROM service_role;
GRANT ALL ON FUNCTION private.duplicate_thresholds(text,double precision) TO authenticated;
GRANT ALL ON FUNCTION private.duplicate_thresholds(text,double precision) TO service_role;
REVOKE ALL ON FUNCTION private.fact_roles(text[]) FROM service_role;
GRANT ALL ON FUNCTION private.fact_roles(text[]) TO authenticated;
GRANT ALL ON FUNCTION private.fact_roles(text[]) TO service_role;
REVOKE ALL ON FUNCTION private.fact_tokens(text) FROM service_role;
GRANT ALL ON FUNCTION private.fact_tokens(text) TO authenticated;
GRANT ALL ON FUNCTION private.fact_tokens(text) TO service_role;
REVOKE ALL ON FUNCTION private.family_in_core(text[],text[]) FROM service_role;
GRANT ALL ON FUNCTION private.family_in_core(text[],text[]) TO authenticated;
GRANT ALL ON FUNCTION private.family_in_core(text[],text[]) TO service_role;
REVOKE ALL ON FUNCTION private.filler_words() FROM service_role;
GRANT ALL ON FUNCTION private.filler_words() TO authenticated;
GRANT ALL ON FUNCTION private.filler_words() TO service_role;
REVOKE ALL ON FUNCTION private.filtered_ids(uuid,text,text,jsonb) FROM service_role;
GRANT ALL ON FUNCTION private.filtered_ids(uuid,text,text,jsonb) TO authenticated;
GRANT ALL ON FUNCTION private.filtered_ids(uuid,text,text,jsonb) TO service_role;
REVOKE ALL ON FUNCTION private.first_mistyped_key(jsonb,jsonb) FROM service_role;
GRANT ALL ON FUNCTION private.first_mistyped_key(jsonb,jsonb) TO authenticated;
GRANT ALL ON FUNCTION private.first_mistyped_key(jsonb,jsonb) TO service_role;
REVOKE ALL ON FUNCTION private.guard_allows_merge(text,double precision,double precision) FROM service_role;
GRANT ALL ON FUNCTION private.guard_allows_merge(text,double precision,double precision) TO authenticated;
GRANT ALL ON FUNCTION private.guard_allows_merge(text,double precision,double precision) TO service_role;
REVOKE ALL ON FUNCTION private.import_user_rows(uuid,jsonb) FROM service_role;
GRANT ALL ON FUNCTION private.import_user_rows(uuid,jsonb) TO authenticated;
GRANT ALL ON FUNCTION private.import_user_rows(uuid,jsonb) TO service_role;
REVOKE ALL ON FUNCTION private.in_scope(text,text,text,text) FROM service_role;
GRANT ALL ON FUNCTION private.in_scope(text,text,text,text) TO authenticated;
GRANT ALL ON FUNCTION private.in_scope(text,text,text,text) TO service_role;
REVOKE ALL ON FUNCTION private.is_content_word(text) FROM service_role;
GRANT ALL ON FUNCTION private.is_content_word(text) TO authenticated;
GRANT ALL ON FUNCTION private.is_content_word(text) TO service_role;
REVOKE ALL ON FUNCTION private.is_time_word(text) FROM service_role;
GRANT ALL ON FUNCTION private.is_time_word(text) TO authenticated;
GRANT ALL ON FUNCTION private.is_time_word(text) TO service_role;
REVOKE ALL ON FUNCTION private.keep_order(double precision,timestamp with time zone) FROM service_role;
GRANT ALL ON FUNCTION private.keep_order(double precision,timestamp with time zone) TO authenticated;
GRANT ALL ON FUNCTION private.keep_order(double precision,timestamp with time zone) TO service_role;
REVOKE ALL ON FUNCTION private.known_caller() FROM service_role;
GRANT ALL ON FUNCTION private.known_caller() TO authenticated;
GRANT ALL ON FUNCTION private.known_caller() TO service_role;
REVOKE ALL ON FUNCTION private.list_memories(integer,timestamp with time zone,uuid,uuid,text,text,jsonb) FROM service_role;
GRANT ALL ON FUNCTION private.list_memories(integer,timestamp with time zone,uuid,uuid,text,text,jsonb) TO authenticated;
GRANT ALL ON FUNCTION private.list_memories(integer,timestamp with time zone,uuid,uuid,text,text,jsonb) TO service_role;
REVOKE ALL ON FUNCTION private.lock_user_memories(uuid) FROM service_role;
GRANT ALL ON FUNCTION private.lock_user_memories(uuid) TO authenticated;
GRANT ALL ON FUNCTION private.lock_user_memories(uuid) TO service_role;
REVOKE ALL ON FUNCTION private.mark_unmerged(uuid,uuid,uuid) FROM service_role;
GRANT ALL ON FUNCTION private.mark_unmerged(uuid,uuid,uuid) TO authenticated;
GRANT ALL ON FUNCTION private.mark_unmerged(uuid,uuid,uuid) TO service_role;
REVOKE ALL ON FUNCTION private.memories_by_id(uuid,uuid[]) FROM service_role;
GRANT ALL ON FUNCTION private.memories_by_id(uuid,uuid[]) TO authenticated;
GRANT ALL ON FUNCTION private.memories_by_id(uuid,uuid[]) TO service_role;
REVOKE ALL ON FUNCTION private.memories_shown(uuid,uuid[]) FROM service_role;
GRANT ALL ON FUNCTION private.memories_shown(uuid,uuid[]) TO authenticated;
GRANT ALL ON FUNCTION private.memories_shown(uuid,uuid[]) TO service_role;
REVOKE ALL ON FUNCTION private.memory_saying(uuid,text,text,text,uuid) FROM service_role;
GRANT ALL ON FUNCTION private.memory_saying(uuid,text,text,text,uuid) TO authenticated;
GRANT ALL ON FUNCTION private.memory_saying(uuid,text,text,text,uuid) TO service_role;
REVOKE ALL ON FUNCTION private.merge_statement(uuid,uuid,public.user_memories,double precision,text) FROM service_role;
GRANT ALL ON FUNCTION private.merge_statement(uuid,uuid,public.user_memories,double precision,text) TO authenticated;
GRANT ALL ON FUNCTION private.merge_statement(uuid,uuid,public.user_memories,double precision,text) TO service_role;
REVOKE ALL ON FUNCTION private.merged_memory(public.user_memories,public.user_memories[]) FROM service_role;
GRANT ALL ON FUNCTION private.merged_memory(public.user_memories,public.user_memories[]) TO authenticated;
GRANT ALL ON FUNCTION private.merged_memory(public.user_memories,public.user_memories[]) TO service_role;
REVOKE ALL ON FUNCTION private.model_settings(text) FROM service_role;
GRANT ALL ON FUNCTION private.model_settings(text) TO authenticated;
GRANT ALL ON FUNCTION private.model_settings(text) TO service_role;
REVOKE ALL ON FUNCTION private.move_sightings(uuid,uuid[],uuid[]) FROM service_role;
GRANT ALL ON FUNCTION private.move_sightings(uuid,uuid[],uuid[]) TO authenticated;
GRANT ALL ON FUNCTION private.move_sightings(uuid,uuid[],uuid[]) TO service_role;
REVOKE ALL ON FUNCTION private.nearest_memories(uuid,extensions.vector,text,integer,integer,text[],text[],double precision,timestamp with time zone,timestamp with time zone,text,text,jsonb) FROM service_role;
GRANT ALL ON FUNCTION private.nearest_memories(uuid,extensions.vector,text,integer,integer,text[],text[],double precision,timestamp with time zone,timestamp with time zone,text,text,jsonb) TO authenticated;
GRANT ALL ON FUNCTION private.nearest_memories(uuid,extensions.vector,text,integer,integer,text[],text[],double precision,timestamp with time zone,timestamp with time zone,text,text,jsonb) TO service_role;
REVOKE ALL ON FUNCTION private.new_version(uuid,public.user_memories,public.user_memories) FROM service_role;
GRANT ALL ON FUNCTION private.new_version(uuid,public.user_memories,public.user_memories) TO authenticated;
GRANT ALL ON FUNCTION private.new_version(uuid,public.user_memories,public.user_memories) TO service_role;
REVOKE ALL ON FUNCTION private.ordinary_words() FROM service_role;
GRANT ALL ON FUNCTION private.ordinary_words() TO authenticated;
GRANT ALL ON FUNCTION private.ordinary_words() TO service_role;
REVOKE ALL ON FUNCTION private.query_lexemes(text) FROM service_role;
GRANT ALL ON FUNCTION private.query_lexemes(text) TO authenticated;
GRANT ALL ON FUNCTION private.query_lexemes(text) TO service_role;
REVOKE ALL ON FUNCTION private.query_period(text,timestamp with time zone) FROM service_role;
GRANT ALL ON FUNCTION private.query_period(text,timestamp with time zone) TO authenticated;
GRANT ALL ON FUNCTION private.query_period(text,timestamp with time zone) TO service_role;
REVOKE ALL ON FUNCTION private.record_earlier_wording(uuid,public.user_memories,double precision) FROM service_role;
GRANT ALL ON FUNCTION private.record_earlier_wording(uuid,public.user_memories,double precision) TO authenticated;
GRANT ALL ON FUNCTION private.record_earlier_wording(uuid,public.user_memories,double precision) TO service_role;
REVOKE ALL ON FUNCTION private.record_sighting(uuid,uuid,public.user_memories,double precision,text) FROM service_role;
GRANT ALL ON FUNCTION private.record_sighting(uuid,uuid,public.user_memories,double precision,text) TO authenticated;
GRANT ALL ON FUNCTION private.record_sighting(uuid,uuid,public.user_memories,double precision,text) TO service_role;
REVOKE ALL ON FUNCTION private.relation_words() FROM service_role;
GRANT ALL ON FUNCTION private.relation_words() TO authenticated;
GRANT ALL ON FUNCTION private.relation_words() TO service_role;
REVOKE ALL ON FUNCTION private.roles_differ(text[],text[]) FROM service_role;
GRANT ALL ON FUNCTION private.roles_differ(text[],text[]) TO authenticated;
GRANT ALL ON FUNCTION private.roles_differ(text[],text[]) TO service_role;
REVOKE ALL ON FUNCTION private.says_when(text) FROM service_role;
GRANT ALL ON FUNCTION private.says_when(text) TO authenticated;
GRANT ALL ON FUNCTION private.says_when(text) TO service_role;
REVOKE ALL ON FUNCTION private.search_memories(text,extensions.vector,text,integer,text[],text[],double precision,timestamp with time zone,timestamp with time zone,uuid,boolean,double precision,text,text,jsonb) FROM service_role;
GRANT ALL ON FUNCTION private.search_memories(text,extensions.vector,text,integer,text[],text[],double precision,timestamp with time zone,timestamp with time zone,uuid,boolean,double precision,text,text,jsonb) TO authenticated;
GRANT ALL ON FUNCTION private.search_memories(text,extensions.vector,text,integer,text[],text[],double precision,timestamp with time zone,timestamp with time zone,uuid,boolean,double precision,text,text,jsonb) TO service_role;
REVOKE ALL ON FUNCTION private.store_version(uuid,uuid,public.user_memories) FROM service_role;
GRANT ALL ON FUNCTION private.store_version(uuid,uuid,public.user_memories) TO authenticated;
GRANT ALL ON FUNCTION private.store_version(uuid,uuid,public.user_memories) TO service_role;
REVOKE ALL ON FUNCTION private.text_matches(uuid,text[],text[],text[],text[],text[],integer,text[],text[],double precision,timestamp with time zone,timestamp with time zone,text,text,jsonb) FROM service_role;
GRANT ALL ON FUNCTION private.text_matches(uuid,text[],text[],text[],text[],text[],integer,text[],text[],double precision,timestamp with time zone,timestamp with time zone,text,text,jsonb) TO authenticated;
GRANT ALL ON FUNCTION private.text_matches(uuid,text[],text[],text[],text[],text[],integer,text[],text[],double precision,timestamp with time zone,timestamp with time zone,text,text,jsonb) TO service_role;
REVOKE ALL ON FUNCTION private.tokens_difference(text,text[],text,text[]) FROM service_role;
GRANT ALL ON FUNCTION private.tokens_difference(text,text[],text,text[]) TO authenticated;
GRANT ALL ON FUNCTION private.tokens_difference(text,text[],text,text[]) TO service_role;
REVOKE ALL ON FUNCTION private.tokens_relation(text,text[],text,text[]) FROM service_role;
GRANT ALL ON FUNCTION private.tokens_relation(text,text[],text,text[]) TO authenticated;
GRANT ALL ON FUNCTION private.tokens_relation(text,text[],text,text[]) TO service_role;
REVOKE ALL ON FUNCTION private.topic_words(text[]) FROM service_role;
GRANT ALL ON FUNCTION private.topic_words(text[]) TO authenticated;
GRANT ALL ON FUNCTION private.topic_words(text[]) TO service_role;
REVOKE ALL ON FUNCTION private.validate_filter(text,text,jsonb) FROM service_role;
GRANT ALL ON FUNCTION private.validate_filter(text,text,jsonb) TO authenticated;
GRANT ALL ON FUNCTION private.validate_filter(text,text,jsonb) TO service_role;
REVOKE ALL ON FUNCTION private.validate_memory_input(text,text,text,double precision,double precision,extensions.vector,text,jsonb,timestamp with time zone) FROM service_role;
GRANT ALL ON FUNCTION private.validate_memory_input(text,text,text,double precision,double precision,extensions.vector,text,jsonb,timestamp with time zone) TO authenticated;
GRANT ALL ON FUNCTION private.validate_memory_input(text,text,text,double precision,double precision,extensions.vector,text,jsonb,timestamp with time zone) TO service_role;
REVOKE ALL ON FUNCTION private.validate_scope(text,text) FROM service_role;
GRANT ALL ON FUNCTION private.validate_scope(text,text) TO authenticated;
GRANT ALL ON FUNCTION private.validate_scope(text,text) TO service_role;
REVOKE ALL ON FUNCTION private.validate_search_input(text,extensions.vector,text,integer,text[],double precision,double precision,timestamp with time zone,timestamp with time zone) FROM service_role;
GRANT ALL ON FUNCTION private.validate_search_input(text,extensions.vector,text,integer,text[],double precision,double precision,timestamp with time zone,timestamp with time zone) TO authenticated;
GRANT ALL ON FUNCTION private.validate_search_input(text,extensions.vector,text,integer,text[],double precision,double precision,timestamp with time zone,timestamp with time zone) TO service_role;
REVOKE ALL ON FUNCTION private.value_difference(text,text) FROM service_role;
GRANT ALL ON FUNCTION private.value_difference(text,text) TO authenticated;
GRANT ALL ON FUNCTION private.value_difference(text,text) TO service_role;
REVOKE ALL ON FUNCTION private.value_words() FROM service_role;
GRANT ALL ON FUNCTION private.value_words() TO authenticated;
GRANT ALL ON FUNCTION private.value_words() TO service_role;
REVOKE ALL ON FUNCTION private.verb_forms() FROM service_role;
GRANT ALL ON FUNCTION private.verb_forms() TO authenticated;
GRANT ALL ON FUNCTION private.verb_forms() TO service_role;
REVOKE ALL ON FUNCTION private.word_forms() FROM service_role;
GRANT ALL ON FUNCTION private.word_forms() TO authenticated;
GRANT ALL ON FUNCTION private.word_forms() TO service_role;
REVOKE ALL ON FUNCTION private.word_variants(text) FROM service_role;
GRANT ALL ON FUNCTION private.word_variants(text) TO authenticated;
GRANT ALL ON FUNCTION private.word_variants(text) TO service_role;

REVOKE USAGE ON SCHEMA private FROM service_role;
GRANT USAGE ON SCHEMA private TO authenticated;
GRANT USAGE ON SCHEMA private TO service_role;
