-- match_memories (and search_memories' vector leg through it): the Hamming pre-filter keeps 2% of the user's
-- memories as candidates for the exact rerank, at least 200 as before. With 50,000 memories the fixed 200 held 63%
-- of the exact top 10 (bench:db measured recall@10 68.5%); 1,000 hold 99.7%. Users up to 10,000 memories: unchanged.
-- Produced with npm run db:diff from supabase/schemas/, qualified by hand.

CREATE OR REPLACE FUNCTION public.match_memories(query_embedding extensions.vector, embedding_model text, match_count integer DEFAULT 10, memory_types text[] DEFAULT NULL::text[], categories text[] DEFAULT NULL::text[], min_importance double precision DEFAULT NULL::double precision, created_after timestamp with time zone DEFAULT NULL::timestamp with time zone, created_before timestamp with time zone DEFAULT NULL::timestamp with time zone, user_id uuid DEFAULT NULL::uuid)
 RETURNS TABLE(id uuid, similarity double precision, rank integer)
 LANGUAGE plpgsql
 STABLE ROWS 40
 SET search_path TO ''
AS $function$
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
  -- The Hamming pre-filter keeps a share of the user's memories, not a fixed number: for a user with 50,000, 200
  -- candidates held 63% of the exact top 10 (embeddings of one topic quantize alike), 2% of them (1,000) 99.7%.
  return query
    select n.id, n.similarity, n.rank
      from private.nearest_memories(v_user, query_embedding, match_memories.embedding_model, match_count,
             greatest(match_count * 5, 200, (select ceil(s.active_count / 50.0)::integer from public.memory_user_stats s
                                              where s.user_id = v_user)),
             memory_types, categories, min_importance, created_after, created_before) n;
end
$function$
;

