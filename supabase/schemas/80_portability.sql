-- A user's own data, portable: everything stored about one user as one JSON document (export_user_data), and that
-- document taken into a project for a user (import_user_data). The format is docs/export-format.md.
-- The current definition of each object; migrations are produced from these (docs/architecture.md).
-- Bodies are checked when they run, not when they are created (as pg_dump does): a function may call one
-- defined further down, or in a later file.
set check_function_bodies = off;

CREATE FUNCTION public.export_user_data(user_id uuid DEFAULT NULL::uuid, agent_id text DEFAULT NULL::text, run_id text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_user uuid := private.acting_user(export_user_data.user_id);
begin
  perform private.validate_scope(export_user_data.agent_id, export_user_data.run_id);
  -- Embeddings and their model are left out: they are the model's, not what the user said, and the importing project
  -- computes its own (imported memories are pending embedding). A scope keeps to its memories, what was said about
  -- them and its conversations.
  return jsonb_build_object(
    'format', 'chat-memory-export',
    'version', 1,
    'exported_at', now(),
    'user_id', v_user,
    'memories', coalesce((select jsonb_agg(to_jsonb(m) - '{embedding,embedding_model,embedding_bits,fts,fact_words,user_id}'::text[]
                                           order by m.created_at, m.version, m.id)
                            from public.user_memories m
                           where m.user_id = v_user
                             and private.in_scope(m.agent_id, m.run_id, export_user_data.agent_id, export_user_data.run_id)), '[]'),
    'sightings', coalesce((select jsonb_agg(to_jsonb(s) - '{embedding,embedding_model,user_id}'::text[] order by s.seen_at, s.id)
                             from public.memory_sightings s join public.user_memories m on m.id = s.memory_id
                            where s.user_id = v_user
                              and private.in_scope(m.agent_id, m.run_id, export_user_data.agent_id, export_user_data.run_id)), '[]'),
    'conversations', coalesce((select jsonb_agg(to_jsonb(c) - 'user_id' order by c.created_at, c.id)
                                 from public.conversations c
                                where c.user_id = v_user
                                  and private.in_scope(c.agent_id, c.run_id, export_user_data.agent_id, export_user_data.run_id)), '[]'),
    'access', coalesce((select jsonb_agg(to_jsonb(a) - 'user_id' order by a.memory_id)
                          from public.memory_access a join public.user_memories m on m.id = a.memory_id
                         where a.user_id = v_user
                           and private.in_scope(m.agent_id, m.run_id, export_user_data.agent_id, export_user_data.run_id)), '[]'),
    'access_log', coalesce((select jsonb_agg(to_jsonb(l) - 'user_id' order by l.accessed_at, l.id)
                              from public.memory_access_log l
                             where l.user_id = v_user
                               and (num_nonnulls(export_user_data.agent_id, export_user_data.run_id) = 0
                                    or l.memory_id in (select m.id from public.user_memories m where m.user_id = v_user
                                                          and private.in_scope(m.agent_id, m.run_id, export_user_data.agent_id, export_user_data.run_id)))), '[]'),
    'statistics', public.get_memory_stats(v_user));
end
$$;
REVOKE ALL ON FUNCTION public.export_user_data(uuid, text, text) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.export_user_data(user_id uuid, agent_id text, run_id text) IS 'Everything stored about the caller (or, for service_role, the user named): every memory row (versions and duplicates included), sightings, conversations, search access and statistics, as one JSON document in the chat-memory-export format, version 1 (docs/export-format.md); with agent_id or run_id, only that scope''s memories, what was said about them and its conversations. Embeddings are left out. import_user_data takes it back.';

GRANT ALL ON FUNCTION public.export_user_data(user_id uuid, agent_id text, run_id text) TO authenticated;
GRANT ALL ON FUNCTION public.export_user_data(user_id uuid, agent_id text, run_id text) TO service_role;

CREATE FUNCTION private.import_id(target uuid, exported uuid) RETURNS uuid
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- A row of the user keeps its id (a second import finds it). Any other id, free or another user's, is answered
  -- alike: the id this user's import gives it, derived from the user and the exported id (the first 16 bytes of a
  -- SHA-256, marked as an RFC 9562 version 8 UUID), so the answer never says whether someone else holds it, and a
  -- second import of the same document derives the same ids and finds its rows.
  select case
    when exported is null then null
    when exists (select 1 from public.user_memories m where m.id = exported and m.user_id = target)
      or exists (select 1 from public.conversations c where c.id = exported and c.user_id = target)
      or exists (select 1 from public.memory_sightings s where s.id = exported and s.user_id = target)
      or exists (select 1 from public.memory_access_log l where l.id = exported and l.user_id = target)
      then exported
    else (select pg_catalog.encode(pg_catalog.set_byte(pg_catalog.set_byte(h, 6, (pg_catalog.get_byte(h, 6) & 15) | 128),
                                                      8, (pg_catalog.get_byte(h, 8) & 63) | 128), 'hex')::uuid
            from (select pg_catalog.substr(pg_catalog.sha256(pg_catalog.convert_to(target::text || '/' || exported::text, 'UTF8')), 1, 16) as h) d)
  end
$$;
REVOKE ALL ON FUNCTION private.import_id(uuid, uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.import_id(target uuid, exported uuid) IS 'The id an exported row gets in the target user''s import: its own when the user already has a row with it, else an id derived from the user and the exported id (the same on every import of the document; never another user''s, whose ids the answer does not reveal).';

CREATE FUNCTION private.import_ids_changed(target uuid, part jsonb) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- Read before or after the part is written alike: a row's id here never depends on what the import wrote.
  select coalesce(jsonb_object_agg(e.exported, e.here), '{}')
    from (select (r->>'id')::uuid as exported, private.import_id(target, (r->>'id')::uuid) as here
            from jsonb_array_elements(part) r) e
   where e.here <> e.exported
$$;
REVOKE ALL ON FUNCTION private.import_ids_changed(uuid, jsonb) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.import_ids_changed(target uuid, part jsonb) IS 'What import_user_data reports as ids for a part of the document: exported id -> id here (private.import_id), for each row whose id is not the document''s.';

CREATE FUNCTION private.import_user_rows(target uuid, document jsonb) RETURNS TABLE(table_name text, imported bigint, already_present bigint, merged bigint, ids jsonb)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_count bigint;
  v_merged bigint;
begin
  -- Ids are the project's: every id of the document (its rows' and the ones they refer to) is read through
  -- private.import_id, so a row whose id is taken by someone else imports as a free id does, under a new id
  -- reported in ids (private.import_ids_changed).
  insert into public.conversations (id, user_id, title, metadata, started_at, last_message_at, created_at, updated_at,
    agent_id, run_id)
  select private.import_id(target, r.id), target, r.title, coalesce(r.metadata, '{}'), r.started_at, r.last_message_at,
         r.created_at, r.updated_at, r.agent_id, r.run_id
    from jsonb_populate_recordset(null::public.conversations, document->'conversations') r
   order by r.created_at
  on conflict (id) do nothing;
  get diagnostics v_count = row_count;
  return query select 'conversations', v_count, jsonb_array_length(document->'conversations') - v_count, 0::bigint,
    private.import_ids_changed(target, document->'conversations');

  -- An active memory that says what an active memory of the user already says (the same fact key) is kept as a
  -- duplicate of it, not dropped: history shows it and unmerge_memory makes it a memory of its own again.
  with rows as (
    select r.*, private.import_id(target, r.id) as new_id
      from jsonb_populate_recordset(null::public.user_memories, document->'memories') r
  ), fresh as (
    select r.* from rows r
     where not exists (select 1 from public.user_memories m where m.id = r.new_id and m.user_id = target)
  ), placed as (
    select r.*, (select m.id from public.user_memories m
                  where r.is_active and m.user_id = target and m.is_active
                    and coalesce(m.agent_id, '') = coalesce(r.agent_id, '') and coalesce(m.run_id, '') = coalesce(r.run_id, '')
                    and md5(public.fact_key(m.fact)) = md5(public.fact_key(r.fact))) as existing
      from fresh r
  ), inserted as (
    insert into public.user_memories (id, user_id, fact, memory_type, category, importance_score, confidence_score,
      is_active, duplicate_of, source_conversation_id, version, previous_version_id, metadata, created_at, updated_at,
      last_accessed_at, expires_at, observed_at, agent_id, run_id)
    select p.new_id, target, p.fact, p.memory_type, p.category, p.importance_score, p.confidence_score,
           p.is_active and p.existing is null, coalesce(p.existing, private.import_id(target, p.duplicate_of)),
           private.import_id(target, p.source_conversation_id), p.version,
           private.import_id(target, p.previous_version_id), coalesce(p.metadata, '{}'), p.created_at, p.updated_at,
           p.last_accessed_at, p.expires_at, p.observed_at, p.agent_id, p.run_id
      from placed p
     order by p.version, p.created_at
    returning 1
  )
  select (select count(*) from inserted), (select count(*) from placed p where p.existing is not null)
    into v_count, v_merged;
  return query select 'user_memories', v_count, jsonb_array_length(document->'memories') - v_count, v_merged,
    private.import_ids_changed(target, document->'memories');

  insert into public.memory_sightings (id, user_id, memory_id, fact, memory_type, category, importance_score,
    confidence_score, metadata, source_conversation_id, expires_at, idempotency_key, origin,
    merged_memory_id, similarity, seen_at, unmerged_at, unmerged_memory_id, observed_at, agent_id, run_id)
  select private.import_id(target, r.id), target, private.import_id(target, r.memory_id), r.fact, r.memory_type,
         r.category, r.importance_score, r.confidence_score, coalesce(r.metadata, '{}'),
         private.import_id(target, r.source_conversation_id), r.expires_at, r.idempotency_key, r.origin,
         private.import_id(target, r.merged_memory_id), r.similarity, r.seen_at, r.unmerged_at,
         private.import_id(target, r.unmerged_memory_id), r.observed_at, r.agent_id, r.run_id
    from jsonb_populate_recordset(null::public.memory_sightings, document->'sightings') r
  on conflict (id) do nothing;
  get diagnostics v_count = row_count;
  return query select 'memory_sightings', v_count, jsonb_array_length(document->'sightings') - v_count, 0::bigint,
    private.import_ids_changed(target, document->'sightings');

  -- Keyed by the memory: its id here is the memories' mapping above.
  insert into public.memory_access (memory_id, user_id, last_accessed_at, access_count)
  select private.import_id(target, r.memory_id), target, r.last_accessed_at, r.access_count
    from jsonb_populate_recordset(null::public.memory_access, document->'access') r
  on conflict (memory_id) do nothing;
  get diagnostics v_count = row_count;
  return query select 'memory_access', v_count, jsonb_array_length(document->'access') - v_count, 0::bigint, '{}'::jsonb;

  insert into public.memory_access_log (id, memory_id, user_id, accessed_at)
  select private.import_id(target, r.id), private.import_id(target, r.memory_id), target, r.accessed_at
    from jsonb_populate_recordset(null::public.memory_access_log, document->'access_log') r
  on conflict (id) do nothing;
  get diagnostics v_count = row_count;
  return query select 'memory_access_log', v_count, jsonb_array_length(document->'access_log') - v_count, 0::bigint,
    private.import_ids_changed(target, document->'access_log');
end
$$;
REVOKE ALL ON FUNCTION private.import_user_rows(uuid, jsonb) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.import_user_rows(target uuid, document jsonb) IS 'import_user_data''s writing step, for a target user it has already checked: inserts the document''s rows for that user under the ids private.import_id gives them (reported per table in ids when they differ), skipping rows already present, keeping an active memory that repeats one of the user''s as its duplicate.';

CREATE FUNCTION public.import_user_data(document jsonb, user_id uuid DEFAULT NULL::uuid) RETURNS TABLE(table_name text, imported bigint, already_present bigint, merged bigint, ids jsonb)
    LANGUAGE plpgsql SECURITY DEFINER
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

COMMENT ON FUNCTION public.import_user_data(document jsonb, user_id uuid) IS 'Takes a chat-memory-export document (export_user_data, version 1) into this project for the caller (or, for service_role, the user named), all or nothing: a row keeps its id when it is already the user''s, and otherwise gets an id of this project derived from the user and the exported id (whether another user holds an id is never told); rows already present are skipped (a second import changes nothing), an active memory repeating one of the user''s is kept as its duplicate, quotas apply. Reports per table the rows imported, already present and merged, and ids: exported id -> id here, for each row whose id differs. Imported memories are pending embedding.';

GRANT ALL ON FUNCTION public.import_user_data(jsonb, uuid) TO authenticated;
GRANT ALL ON FUNCTION public.import_user_data(jsonb, uuid) TO service_role;
