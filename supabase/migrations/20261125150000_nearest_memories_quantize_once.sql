-- private.nearest_memories quantizes the query embedding once. Written inline in the ORDER BY, the
-- binary_quantize(query_embedding) call was folded to a constant only in PL/pgSQL's first custom plans; once a
-- pooled connection switched to the generic plan, it ran for every memory scanned (10,000 calls per search at
-- 10,000 memories, half of the vector leg's time).
create or replace function private.nearest_memories(
  target uuid, query_embedding extensions.vector, embedding_model text, match_count integer, candidates integer,
  memory_types text[] default null, categories text[] default null, min_importance double precision default null,
  created_after timestamptz default null, created_before timestamptz default null
) returns table (id uuid, similarity double precision, rank integer)
language plpgsql
stable
rows 40
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_checked uuid := private.acting_user(target);
  -- Computed here, once: see the note at the top of this migration.
  v_bits bit varying := extensions.binary_quantize(query_embedding);
begin
  return query
    with pool as (
      select m.id
        from public.user_memories m
       where m.user_id = target and m.is_active and m.embedding_bits is not null
         and m.embedding_model = nearest_memories.embedding_model
         and (m.expires_at is null or m.expires_at > now())
         and (memory_types is null or m.memory_type = any (memory_types))
         and (categories is null or m.category = any (categories))
         and (min_importance is null or m.importance_score >= min_importance)
         and (created_after is null or m.created_at >= created_after)
         and (created_before is null or m.created_at < created_before)
       order by m.embedding_bits operator(extensions.<~>) v_bits
       limit greatest(candidates, match_count)
    ),
    reranked as (
      select p.id, x.embedding operator(extensions.<=>) query_embedding as distance
        from pool p
        cross join lateral (select e.embedding from public.user_memories e where e.id = p.id) x
       order by 2, p.id
       limit match_count
    )
    select r.id, 1 - r.distance, (row_number() over (order by r.distance, r.id))::integer
      from reranked r
     order by 3;
end
$$;
comment on function private.nearest_memories(uuid, extensions.vector, text, integer, integer, text[], text[], double precision, timestamptz, timestamptz) is
  'A user''s memories nearest to an embedding: candidates by Hamming distance of quantized embeddings, ranked by exact cosine.';
