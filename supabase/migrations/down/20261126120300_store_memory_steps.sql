-- store_memory with its merge written inline again, as before 20261126120300.

CREATE OR REPLACE FUNCTION public.store_memory(fact text, memory_type text DEFAULT 'fact'::text, category text DEFAULT NULL::text, importance_score double precision DEFAULT 0.5, confidence_score double precision DEFAULT 0.5, source_conversation_id uuid DEFAULT NULL::uuid, metadata jsonb DEFAULT '{}'::jsonb, embedding extensions.vector DEFAULT NULL::extensions.vector, embedding_model text DEFAULT NULL::text, expires_at timestamp with time zone DEFAULT NULL::timestamp with time zone, idempotency_key text DEFAULT NULL::text, user_id uuid DEFAULT NULL::uuid, duplicate_threshold double precision DEFAULT NULL::double precision)
 RETURNS TABLE(id uuid, status text, version integer, sighting_id uuid, related jsonb)
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(store_memory.user_id);
  v_fact text := regexp_replace(store_memory.fact, '^[[:space:]]+|[[:space:]]+$', '', 'g');
  v_thresholds record;
  v_statement public.user_memories;
  v_existing public.user_memories;
  v_kept public.user_memories;
  v_match uuid;
  v_similarity double precision;
  v_related jsonb;
  v_id uuid;
  v_status text;
  v_version integer;
  v_sighting uuid;
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
      select k.memory_id, k.status, k.version, k.sighting_id, k.related from public.memory_idempotency_keys k
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
  -- The newcomer: on a tie of importance the memory already there stays (its id is the one a chatbot holds). Not
  -- now(): a store that waited on the lock began before the memory it now meets.
  v_statement.created_at := 'infinity';

  -- One pass over the near memories: the duplicate to merge into (the same text first, then the most similar,
  -- then keep order), and those a value sets apart, which the caller hears of as related.
  select * into v_thresholds from private.duplicate_thresholds(store_memory.embedding_model, duplicate_threshold);
  select coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'similarity', round(c.similarity::numeric, 4), 'reason', c.value_difference)
                    order by c.similarity desc, c.id) filter (where not c.is_duplicate), '[]'::jsonb),
         (array_agg(c.id order by c.same_text desc, c.similarity desc, private.keep_order(c.importance_score, c.created_at), c.id)
            filter (where c.is_duplicate))[1],
         (array_agg(c.similarity order by c.same_text desc, c.similarity desc, private.keep_order(c.importance_score, c.created_at), c.id)
            filter (where c.is_duplicate))[1]
    into v_related, v_match, v_similarity
    from private.duplicate_candidates(v_user, v_fact, store_memory.embedding, store_memory.embedding_model,
           v_thresholds.jaccard, v_thresholds.cosine) c;

  if v_match is null then
    insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
      source_conversation_id, metadata, embedding, embedding_model, expires_at)
    values (v_user, v_fact, store_memory.memory_type, store_memory.category, store_memory.importance_score,
      store_memory.confidence_score, store_memory.source_conversation_id, store_memory.metadata,
      store_memory.embedding, store_memory.embedding_model, store_memory.expires_at)
    returning user_memories.id, user_memories.version into v_id, v_version;
    v_status := case when v_related = '[]'::jsonb then 'created' else 'distinct' end;
  else
    select m.* into v_existing from public.user_memories m where m.id = v_match for no key update;
    if private.keep_order(v_existing.importance_score, v_existing.created_at)
       <= private.keep_order(v_statement.importance_score, v_statement.created_at) then
      -- The existing memory stays and takes what the merge keeps; the statement is kept as a sighting on it.
      v_kept := private.merged_memory(v_existing, array[v_statement]);
      update public.user_memories m
         set importance_score = v_kept.importance_score, confidence_score = v_kept.confidence_score,
             metadata = v_kept.metadata, expires_at = v_kept.expires_at, category = v_kept.category,
             source_conversation_id = v_kept.source_conversation_id, embedding = v_kept.embedding,
             embedding_model = v_kept.embedding_model, last_accessed_at = now()
       where m.id = v_existing.id;
      v_sighting := private.record_sighting(v_user, v_existing.id, v_statement, v_similarity, store_memory.idempotency_key);
      v_id := v_existing.id;
      v_version := v_existing.version;
    else
      -- The statement is the more important: it becomes the memory, and the old one a sighting on it.
      v_kept := private.merged_memory(v_statement, array[v_existing]);
      update public.user_memories m set is_active = false where m.id = v_existing.id;
      insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
        source_conversation_id, metadata, embedding, embedding_model, expires_at, last_accessed_at)
      values (v_user, v_fact, v_kept.memory_type, v_kept.category, v_kept.importance_score, v_kept.confidence_score,
        v_kept.source_conversation_id, v_kept.metadata, v_kept.embedding, v_kept.embedding_model, v_kept.expires_at, now())
      returning user_memories.id, user_memories.version into v_id, v_version;
      select a.sighting_id into v_sighting
        from private.absorb_memories(v_user, array[v_existing.id], array[v_id], array[v_similarity]) a;
      -- Duplicate chains stay one link long.
      update public.user_memories m set duplicate_of = v_id
       where m.user_id = v_user and (m.id = v_existing.id or m.duplicate_of = v_existing.id);
    end if;
    v_status := 'duplicate';
  end if;

  if idempotency_key is not null then
    insert into public.memory_idempotency_keys (user_id, idempotency_key, memory_id, status, version, sighting_id, related)
    values (v_user, store_memory.idempotency_key, v_id, v_status, v_version, v_sighting, v_related);
  end if;
  return query select v_id, v_status, v_version, v_sighting, v_related;
end
$function$
;

drop function private.merge_statement(uuid, uuid, public.user_memories, double precision, text);
