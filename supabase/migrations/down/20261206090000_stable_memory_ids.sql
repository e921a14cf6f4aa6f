-- Rollback of stable memory ids: a new version is a new row again and a held id names only its own row. Memories
-- versioned in place stay as they are (a row linked to the copy of its version before, a valid line of versions).
set check_function_bodies = off;

DROP FUNCTION public.get_memory(uuid, uuid);
DROP FUNCTION public.set_memory_embedding(uuid, extensions.vector, text, text);

COMMENT ON TABLE public.user_memories IS 'Facts a chatbot keeps about its user. One row per version; only active rows are current.';

CREATE OR REPLACE FUNCTION private.user_memories_guard_version() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_previous_version integer;
begin
  if tg_op = 'INSERT' then
    if new.previous_version_id is null then
      if new.version <> 1 then
        raise exception 'a first version must have version 1, not %', new.version
          using errcode = '23514', constraint = 'user_memories_version_sequence',
                table = 'user_memories', schema = 'public';
      end if;
    else
      select m.version into v_previous_version
        from public.user_memories m
       where m.id = new.previous_version_id and m.user_id = new.user_id;
      -- A missing predecessor is left to user_memories_previous_version_fkey to report.
      if found and new.version <> v_previous_version + 1 then
        raise exception 'version must be % (previous version plus one), not %', v_previous_version + 1, new.version
          using errcode = '23514', constraint = 'user_memories_version_sequence',
                table = 'user_memories', schema = 'public';
      end if;
    end if;
  elsif new.id is distinct from old.id or new.user_id is distinct from old.user_id
     or new.version is distinct from old.version or new.previous_version_id is distinct from old.previous_version_id
     or new.created_at is distinct from old.created_at then
    raise exception 'id, user_id, version, previous_version_id and created_at of a memory cannot change; store a new version'
      using errcode = '23514', constraint = 'user_memories_identity_immutable',
            table = 'user_memories', schema = 'public';
  end if;
  return new;
end
$$;


COMMENT ON FUNCTION private.user_memories_guard_version() IS 'Trigger: keeps version history a line (1, 2, 3 ...) and the identity columns of a memory immutable.';


CREATE OR REPLACE FUNCTION private.active_memory_for_update(target uuid, memory uuid) RETURNS public.user_memories
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_row public.user_memories;
begin
  -- no key update: keys never change here, and a stronger lock would make searches (which record accesses
  -- with a foreign key to this row) wait.
  select m.* into v_row from public.user_memories m where m.id = memory and m.user_id = target for no key update;
  if not found then
    raise exception 'memory % not found', memory using errcode = 'PT404';
  end if;
  if not v_row.is_active then
    raise exception 'memory % is no longer active (superseded, forgotten or a duplicate)', memory
      using errcode = 'PT409', hint = 'memory_history(id) shows its current version.';
  end if;
  return v_row;
end
$$;


COMMENT ON FUNCTION private.active_memory_for_update(target uuid, memory uuid) IS 'Locks and returns a user''s active memory; PT404 if it is not theirs or absent, PT409 if inactive.';




CREATE OR REPLACE FUNCTION private.store_version(target uuid, memory uuid, statement public.user_memories) RETURNS TABLE(id uuid, version integer)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_old public.user_memories := private.active_memory_for_update(target, memory);
  v_kept public.user_memories := private.merged_memory(statement, array[v_old]);
begin
  update public.user_memories m set is_active = false where m.id = v_old.id;
  -- The statement's text and embedding (the old embedding is of the old text); the rest as a merge keeps it.
  insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
    source_conversation_id, metadata, embedding, embedding_model, expires_at, version, previous_version_id, observed_at)
  values (target, statement.fact, statement.memory_type, v_kept.category, v_kept.importance_score, v_kept.confidence_score,
    v_kept.source_conversation_id, v_kept.metadata, statement.embedding, statement.embedding_model, v_kept.expires_at,
    v_old.version + 1, v_old.id, statement.observed_at)
  returning user_memories.id, user_memories.version into id, version;
  perform private.move_sightings(target, array[v_old.id], array[id]);
  return next;
end
$$;


COMMENT ON FUNCTION private.store_version(target uuid, memory uuid, statement public.user_memories) IS 'store_memory''s new version of a memory the statement refines or supersedes (under the user''s lock): the statement''s text and embedding, version + 1 linked to the previous one (deactivated, its text in memory_history), the rest kept as a merge keeps it; the sightings move along. PT404/PT409 as active_memory_for_update.';



CREATE OR REPLACE FUNCTION private.merge_statement(target_user uuid, match_id uuid, statement_row public.user_memories, similarity double precision, idempotency_key text) RETURNS TABLE(id uuid, version integer, sighting_id uuid)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_existing public.user_memories;
  v_kept public.user_memories;
  v_id uuid;
  v_version integer;
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
  -- The statement is the more important: it becomes the memory, and the old one a sighting on it.
  v_kept := private.merged_memory(statement_row, array[v_existing]);
  update public.user_memories m set is_active = false where m.id = v_existing.id;
  insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
    source_conversation_id, metadata, embedding, embedding_model, expires_at, last_accessed_at, observed_at)
  values (target_user, statement_row.fact, v_kept.memory_type, v_kept.category, v_kept.importance_score, v_kept.confidence_score,
    v_kept.source_conversation_id, v_kept.metadata, v_kept.embedding, v_kept.embedding_model, v_kept.expires_at, now(),
    statement_row.observed_at)
  returning user_memories.id, user_memories.version into v_id, v_version;
  select a.sighting_id into v_sighting
    from private.absorb_memories(target_user, array[v_existing.id], array[v_id], array[similarity]) a;
  -- Duplicate chains stay one link long.
  update public.user_memories m set duplicate_of = v_id
   where m.user_id = target_user and (m.id = v_existing.id or m.duplicate_of = v_existing.id);
  return query select v_id, v_version, v_sighting;
end
$$;


COMMENT ON FUNCTION private.merge_statement(target_user uuid, match_id uuid, statement_row public.user_memories, similarity double precision, idempotency_key text) IS 'store_memory''s merge, under the user''s lock: the statement and the duplicate it meets; the more important stays (on a tie the memory already there, whose id the caller holds) and takes what the merge keeps, the other is kept as a sighting on it. Returns the memory''s id and version and the sighting''s id.';



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

  update public.user_memories m set is_active = false where m.id = v_old.id;
  insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
    source_conversation_id, metadata, embedding, embedding_model, expires_at, version, previous_version_id)
  values (v_user, v_new.fact, v_new.memory_type, v_new.category, v_new.importance_score, v_new.confidence_score,
    v_old.source_conversation_id, v_new.metadata, v_new.embedding, v_new.embedding_model, v_new.expires_at,
    v_old.version + 1, v_old.id)
  returning user_memories.id, user_memories.version into v_new.id, v_new.version;
  -- The statements merged into the memory stay with its current version (cleanup may delete old versions).
  perform private.move_sightings(v_user, array[v_old.id], array[v_new.id]);
  return query select v_new.id, 'updated'::text, v_new.version;
end
$_$;


COMMENT ON FUNCTION public.update_memory(memory_id uuid, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, metadata jsonb, embedding extensions.vector, embedding_model text, expires_at timestamp with time zone, user_id uuid) IS 'Stores a new version of an active memory (version + 1, linked to the old one, which is deactivated). Omitted fields keep their values; a changed fact drops the old embedding. PT404 not found, PT409 not active.';





COMMENT ON FUNCTION public.forget_memory(memory_id uuid, user_id uuid) IS 'Deactivates an active memory of the caller: it stops appearing in search and frees a quota place. The row stays for history until cleanup. PT404 not found, PT409 already inactive.';

CREATE FUNCTION public.set_memory_embedding(memory_id uuid, embedding extensions.vector, embedding_model text) RETURNS boolean
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
  -- Only where none was written meanwhile: a newer embedding (or a new version) wins.
  update public.user_memories m
     set embedding = set_memory_embedding.embedding, embedding_model = set_memory_embedding.embedding_model
   where m.id = memory_id and m.embedding is null;
  get diagnostics v_done = row_count;
  return v_done;
end
$$;

REVOKE ALL ON FUNCTION public.set_memory_embedding(uuid, extensions.vector, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.set_memory_embedding(memory_id uuid, embedding extensions.vector, embedding_model text) IS 'Backfill: gives a memory that has none its embedding; false if it has one already or does not exist (service_role).';

REVOKE ALL ON FUNCTION public.set_memory_embedding(memory_id uuid, embedding extensions.vector, embedding_model text) FROM PUBLIC;

GRANT ALL ON FUNCTION public.set_memory_embedding(memory_id uuid, embedding extensions.vector, embedding_model text) TO service_role;


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
    select array_agg(x.id), array_agg(x.user_id) into v_ids, v_users
      from (select m.id, m.user_id from public.user_memories m
             where not m.is_active and m.updated_at < now() - make_interval(days => days_old)
             order by m.updated_at limit batch_size) x;
    exit when v_ids is null;
    perform private.lock_users(v_users);
    delete from public.user_memories m
     where m.id = any (v_ids) and not m.is_active and m.updated_at < now() - make_interval(days => days_old);
    get diagnostics v_batch = row_count;
    v_total := v_total + v_batch;
    exit when cardinality(v_ids) < batch_size;
  end loop;
  return v_total;
end
$$;


COMMENT ON FUNCTION public.cleanup_old_memories(days_old integer, batch_size integer) IS 'Hard-deletes inactive memories (superseded, forgotten, duplicates) deactivated more than days_old days ago, batch_size at a time; never an active one. Returns how many. service_role only.';




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
    with page as (
      select m.* from public.user_memories m
       where m.user_id = v_user and m.is_active
         and (m.expires_at is null or m.expires_at > now())
         and (before_created_at is null or m.created_at < before_created_at
              or (m.created_at = before_created_at and m.id < before_id))
       order by m.created_at desc, m.id desc
       limit page_size
    )
    select m.id, m.fact, m.memory_type, m.category, m.importance_score, m.confidence_score, m.metadata,
           m.source_conversation_id, m.version, m.embedding is not null, m.embedding_model, m.created_at,
           m.updated_at,
           greatest(m.last_accessed_at, a.last_accessed_at,
                    (select max(l.accessed_at) from public.memory_access_log l
                      where l.user_id = v_user and l.memory_id = m.id)),
           m.expires_at, coalesce(m.observed_at, m.created_at)
      from page m
      left join public.memory_access a on a.memory_id = m.id
     order by m.created_at desc, m.id desc;
end
$$;


COMMENT ON FUNCTION public.list_memories(page_size integer, before_created_at timestamp with time zone, before_id uuid, user_id uuid) IS 'The caller''s active, unexpired memories, newest first, page_size at a time; pass the last row''s created_at and id to get the next page. observed_at: when each was said (store_memory''s observed_at, else created_at).';





DROP FUNCTION private.memories_shown(uuid, uuid[]);
DROP FUNCTION private.record_earlier_wording(uuid, public.user_memories, double precision);
DROP FUNCTION private.new_version(uuid, public.user_memories, public.user_memories);
DROP FUNCTION private.current_memory_id(uuid, uuid);
