-- A memory keeps its id (issue 23, item 1). A new version is made in place (private.new_version): the memory's row
-- keeps its id and becomes the next version; the version before is copied to an inactive row of its own, linked by
-- previous_version_id as versions always were, so memory_history, export, import and backups read the same shape.
-- update_memory, store_memory's refines and supersede answer the id the caller holds. A more important duplicate
-- takes the memory's words and keeps its id; the words before are a sighting (private.record_earlier_wording).
--
-- An id held from before (a version made before this migration, or a memory merged into another) still names its
-- memory: private.current_memory_id follows it forward, for update_memory, forget_memory, store_version and the new
-- public.get_memory (list_memories' columns, through private.memories_shown).
--
-- set_memory_embedding takes the text that was embedded: the id of an updated memory no longer changes, so a
-- backfill must not put the old text's vector on the new one.
-- cleanup_old_memories deleted superseded versions whose later version was still there; the foreign key then
-- cleared the later version's link, which user_memories_guard_version refused, and the whole run failed. It now
-- deletes a version only with the memory (from the end), so a kept memory's history stays whole.
--
-- Only functions and comments change: no table is rewritten and no lock is held beyond a catalog update.
set check_function_bodies = off;

DROP FUNCTION public.set_memory_embedding(uuid, extensions.vector, text);

COMMENT ON TABLE public.user_memories IS 'Facts a chatbot keeps about its user: a row per memory, which keeps its id across versions, and an inactive row per earlier version (previous_version_id links them); only active rows are current.';

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

GRANT ALL ON FUNCTION private.current_memory_id(target uuid, memory uuid) TO authenticated;

GRANT ALL ON FUNCTION private.current_memory_id(target uuid, memory uuid) TO service_role;

CREATE FUNCTION private.new_version(target uuid, memory public.user_memories, next public.user_memories) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  -- The memory keeps its id: its version as it stands is copied to a row of its own (inactive, without the embedding
  -- nothing searches), which takes the link to the version before; then the memory becomes the next version, linked
  -- to the copy. The link is freed first because a version has one successor (user_memories_previous_version_key).
  update public.user_memories m set previous_version_id = null where m.id = memory.id and m.user_id = target;
  next.id := gen_random_uuid();
  insert into public.user_memories (id, user_id, fact, memory_type, category, importance_score, confidence_score,
    is_active, source_conversation_id, version, previous_version_id, metadata, created_at, last_accessed_at,
    expires_at, observed_at)
  values (next.id, target, memory.fact, memory.memory_type, memory.category, memory.importance_score,
    memory.confidence_score, false, memory.source_conversation_id, memory.version, memory.previous_version_id,
    memory.metadata, memory.created_at, memory.last_accessed_at, memory.expires_at, memory.observed_at);
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

GRANT ALL ON FUNCTION private.new_version(target uuid, memory public.user_memories, next public.user_memories) TO authenticated;

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
    observed_at)
  values (target, memory.id, memory.fact, memory.memory_type, memory.category, memory.importance_score,
    memory.confidence_score, memory.metadata, memory.source_conversation_id, memory.embedding, memory.embedding_model,
    memory.expires_at, 'absorbed', record_earlier_wording.similarity, coalesce(memory.observed_at, memory.created_at))
  returning id into v_id;
  return v_id;
end
$$;

REVOKE ALL ON FUNCTION private.record_earlier_wording(uuid, public.user_memories, double precision) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.record_earlier_wording(target uuid, memory public.user_memories, similarity double precision) IS 'Keeps what a memory of the target user said before a more important duplicate took its place (same id) as a sighting on it; returns the sighting id.';

GRANT ALL ON FUNCTION private.record_earlier_wording(target uuid, memory public.user_memories, similarity double precision) TO authenticated;

GRANT ALL ON FUNCTION private.record_earlier_wording(target uuid, memory public.user_memories, similarity double precision) TO service_role;


CREATE OR REPLACE FUNCTION private.user_memories_guard_version() RETURNS trigger
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


COMMENT ON FUNCTION private.user_memories_guard_version() IS 'Trigger: keeps version history a line (1, 2, 3 ...) and a memory''s id and user immutable. A new version is made in place (the memory keeps its id, linked to a copy of its version before); cleanup may cut the line''s older end.';


CREATE OR REPLACE FUNCTION private.active_memory_for_update(target uuid, memory uuid) RETURNS public.user_memories
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


COMMENT ON FUNCTION private.active_memory_for_update(target uuid, memory uuid) IS 'Locks and returns the user''s memory an id names (private.current_memory_id: an earlier version''s or a merged memory''s id names the memory it became); PT404 if it is not theirs or absent, PT409 if it was forgotten.';




CREATE OR REPLACE FUNCTION private.store_version(target uuid, memory uuid, statement public.user_memories) RETURNS TABLE(id uuid, version integer)
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


COMMENT ON FUNCTION private.store_version(target uuid, memory uuid, statement public.user_memories) IS 'store_memory''s new version of a memory the statement refines or supersedes (under the user''s lock), in place (private.new_version: the memory keeps its id; the text before is in memory_history): the statement''s text, embedding and time, the rest kept as a merge keeps it. PT404/PT409 as active_memory_for_update.';



CREATE OR REPLACE FUNCTION private.merge_statement(target_user uuid, match_id uuid, statement_row public.user_memories, similarity double precision, idempotency_key text) RETURNS TABLE(id uuid, version integer, sighting_id uuid)
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


COMMENT ON FUNCTION private.merge_statement(target_user uuid, match_id uuid, statement_row public.user_memories, similarity double precision, idempotency_key text) IS 'store_memory''s merge, under the user''s lock: the statement and the duplicate it meets; the memory keeps its id; the more important text stays (on a tie the memory''s) and takes what the merge keeps, the other is kept as a sighting on it. Returns the memory''s id and version and the sighting''s id.';



CREATE OR REPLACE FUNCTION public.update_memory(memory_id uuid, fact text DEFAULT NULL::text, memory_type text DEFAULT NULL::text, category text DEFAULT NULL::text, importance_score double precision DEFAULT NULL::double precision, confidence_score double precision DEFAULT NULL::double precision, metadata jsonb DEFAULT NULL::jsonb, embedding extensions.vector DEFAULT NULL::extensions.vector, embedding_model text DEFAULT NULL::text, expires_at timestamp with time zone DEFAULT NULL::timestamp with time zone, user_id uuid DEFAULT NULL::uuid) RETURNS TABLE(id uuid, status text, version integer)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
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

  -- A new text is said now; an unchanged one keeps when it was said.
  if v_fact_changed then
    v_new.observed_at := null;
  end if;
  return query select v_old.id, 'updated'::text, private.new_version(v_user, v_old, v_new);
end
$_$;


COMMENT ON FUNCTION public.update_memory(memory_id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, user_id uuid) IS 'Stores a new version of a memory in place (private.new_version): the memory keeps its id, version + 1, the version before kept in memory_history. An id of an earlier version, or of a memory merged into this one, names it too. Omitted fields keep their values; a changed fact drops the old embedding and is said now (observed_at). PT404 not found, PT409 forgotten.';





COMMENT ON FUNCTION public.forget_memory(memory_id uuid, user_id uuid) IS 'Deactivates a memory of the caller: it stops appearing in search and frees a quota place. The id of any of its versions, or of a memory merged into it, names it too. The row stays for history until cleanup. PT404 not found, PT409 already forgotten.';

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

REVOKE ALL ON FUNCTION public.set_memory_embedding(memory_id uuid, embedding extensions.vector, embedding_model text, fact text) FROM PUBLIC;

GRANT ALL ON FUNCTION public.set_memory_embedding(memory_id uuid, embedding extensions.vector, embedding_model text, fact text) TO service_role;


CREATE OR REPLACE FUNCTION public.cleanup_old_memories(days_old integer DEFAULT 90, batch_size integer DEFAULT 1000) RETURNS bigint
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


COMMENT ON FUNCTION public.cleanup_old_memories(days_old integer, batch_size integer) IS 'Hard-deletes inactive memories (forgotten, duplicates, and the versions of those) deactivated more than days_old days ago, batch_size at a time; never an active one, nor a version of a memory that is kept. Returns how many. service_role only.';




CREATE FUNCTION private.memories_shown(target uuid, ids uuid[]) RETURNS TABLE(id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, source_conversation_id uuid, version integer, has_embedding boolean, embedding_model text, created_at timestamp with time zone, updated_at timestamp with time zone, last_accessed_at timestamp with time zone, expires_at timestamp with time zone, observed_at timestamp with time zone)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select m.id, m.fact, m.memory_type, m.category, m.importance_score, m.confidence_score, m.metadata,
         m.source_conversation_id, m.version, m.embedding is not null, m.embedding_model, m.created_at, m.updated_at,
         greatest(m.last_accessed_at, a.last_accessed_at,
                  (select max(l.accessed_at) from public.memory_access_log l
                    where l.user_id = target and l.memory_id = m.id)),
         m.expires_at, coalesce(m.observed_at, m.created_at)
    from public.user_memories m
    left join public.memory_access a on a.memory_id = m.id
   where m.user_id = target and m.id = any (ids)
$$;

REVOKE ALL ON FUNCTION private.memories_shown(uuid, uuid[]) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.memories_shown(target uuid, ids uuid[]) IS 'A user''s memories as list_memories and get_memory show them: when each was last accessed (folded or still in the log), observed_at (when it was said, else created_at).';

GRANT ALL ON FUNCTION private.memories_shown(target uuid, ids uuid[]) TO authenticated;

GRANT ALL ON FUNCTION private.memories_shown(target uuid, ids uuid[]) TO service_role;

CREATE FUNCTION public.get_memory(memory_id uuid, user_id uuid DEFAULT NULL::uuid) RETURNS TABLE(id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, source_conversation_id uuid, version integer, has_embedding boolean, embedding_model text, created_at timestamp with time zone, updated_at timestamp with time zone, last_accessed_at timestamp with time zone, expires_at timestamp with time zone, observed_at timestamp with time zone)
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(get_memory.user_id);
begin
  if memory_id is null then
    raise exception 'memory_id is required' using errcode = '22023', column = 'memory_id';
  end if;
  return query
    select s.* from private.memories_shown(v_user, array[private.current_memory_id(v_user, memory_id)]) s
     join public.user_memories m on m.id = s.id
    where m.is_active and (m.expires_at is null or m.expires_at > now());
end
$$;

REVOKE ALL ON FUNCTION public.get_memory(uuid, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.get_memory(memory_id uuid, user_id uuid) IS 'The caller''s memory an id names, as list_memories shows it: the id of any of its versions, or of a memory merged into it, names it too. Empty when it was forgotten, expired, or is not the caller''s.';

GRANT ALL ON FUNCTION public.get_memory(memory_id uuid, user_id uuid) TO authenticated;

GRANT ALL ON FUNCTION public.get_memory(memory_id uuid, user_id uuid) TO service_role;


CREATE OR REPLACE FUNCTION public.list_memories(page_size integer DEFAULT 20, before_created_at timestamp with time zone DEFAULT NULL::timestamp with time zone, before_id uuid DEFAULT NULL::uuid, user_id uuid DEFAULT NULL::uuid) RETURNS TABLE(id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, source_conversation_id uuid, version integer, has_embedding boolean, embedding_model text, created_at timestamp with time zone, updated_at timestamp with time zone, last_accessed_at timestamp with time zone, expires_at timestamp with time zone, observed_at timestamp with time zone)
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(list_memories.user_id);
begin
  if page_size is null or page_size < 1 or page_size > 100 then
    raise exception 'page_size must be between 1 and 100' using errcode = '22023', column = 'page_size';
  end if;
  if (before_created_at is null) <> (before_id is null) then
    raise exception 'before_created_at and before_id go together (the cursor of the last row seen)'
      using errcode = '22023', column = 'before_id';
  end if;
  return query
    select s.* from private.memories_shown(v_user, array(
      select m.id from public.user_memories m
       where m.user_id = v_user and m.is_active
         and (m.expires_at is null or m.expires_at > now())
         and (before_created_at is null or m.created_at < before_created_at
              or (m.created_at = before_created_at and m.id < before_id))
       order by m.created_at desc, m.id desc
       limit page_size)) s
     order by s.created_at desc, s.id desc;
end
$$;


COMMENT ON FUNCTION public.list_memories(page_size integer, before_created_at timestamp with time zone, before_id uuid, user_id uuid) IS 'The caller''s active, unexpired memories, newest first, page_size at a time; pass the last row''s created_at and id to get the next page. observed_at: when each was said (store_memory''s observed_at, else created_at).';



