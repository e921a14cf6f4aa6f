-- match_memories' candidates as before 20261126130300: max(match_count * 5, 200).

CREATE OR REPLACE FUNCTION public.match_memories(query_embedding extensions.vector, embedding_model text, match_count integer DEFAULT 10, memory_types text[] DEFAULT NULL::text[], categories text[] DEFAULT NULL::text[], min_importance double precision DEFAULT NULL::double precision, created_after timestamp with time zone DEFAULT NULL::timestamp with time zone, created_before timestamp with time zone DEFAULT NULL::timestamp with time zone, user_id uuid DEFAULT NULL::uuid) RETURNS TABLE(id uuid, similarity double precision, rank integer)
    LANGUAGE plpgsql STABLE ROWS 40
    SET search_path TO ''
    AS $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(match_memories.user_id);
begin
  if query_embedding is null or match_memories.embedding_model is null then
    raise exception 'query_embedding and embedding_model are required' using errcode = '22023', column = 'query_embedding';
  end if;
  if extensions.vector_dims(query_embedding) <> public.embedding_dimensions() then
    raise exception 'query_embedding must have % dimensions, not %', public.embedding_dimensions(), extensions.vector_dims(query_embedding)
      using errcode = '22000', column = 'query_embedding';
  end if;
  if match_count is null or match_count < 1 or match_count > 400 then
    raise exception 'match_count must be between 1 and 400' using errcode = '22023', column = 'match_count';
  end if;
  return query
    select n.id, n.similarity, n.rank
      from private.nearest_memories(v_user, query_embedding, match_memories.embedding_model, match_count,
             greatest(match_count * 5, 200), memory_types, categories, min_importance, created_after, created_before) n;
end
$$;
