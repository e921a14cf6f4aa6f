-- Rollback of server ids: authenticated may write every column again, the primary key included.
set check_function_bodies = off;

REVOKE INSERT (user_id, fact, memory_type, category, importance_score, confidence_score, is_active, duplicate_of, source_conversation_id, version, previous_version_id, embedding, embedding_model, metadata, created_at, updated_at, last_accessed_at, expires_at, observed_at, agent_id, run_id), UPDATE (fact, memory_type, category, importance_score, confidence_score, is_active, duplicate_of, source_conversation_id, version, previous_version_id, embedding, embedding_model, metadata, created_at, updated_at, last_accessed_at, expires_at, observed_at, agent_id, run_id) ON TABLE public.user_memories FROM authenticated;
GRANT INSERT, UPDATE ON TABLE public.user_memories TO authenticated;

REVOKE INSERT (user_id, title, metadata, started_at, last_message_at, created_at, updated_at, agent_id, run_id), UPDATE (title, metadata, started_at, last_message_at, created_at, updated_at, agent_id, run_id) ON TABLE public.conversations FROM authenticated;
GRANT INSERT, UPDATE ON TABLE public.conversations TO authenticated;

CREATE OR REPLACE FUNCTION private.new_version(target uuid, memory public.user_memories, next public.user_memories) RETURNS integer
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
    expires_at, observed_at, agent_id, run_id)
  values (next.id, target, memory.fact, memory.memory_type, memory.category, memory.importance_score,
    memory.confidence_score, false, memory.source_conversation_id, memory.version, memory.previous_version_id,
    memory.metadata, memory.created_at, memory.last_accessed_at, memory.expires_at, memory.observed_at,
    memory.agent_id, memory.run_id);
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

