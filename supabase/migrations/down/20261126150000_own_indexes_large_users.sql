-- Users' own indexes removed, and nearest_memories as before 20261126150000 (the quantized signs for everyone). The
-- indexes are dropped without CONCURRENTLY (a migration runs in a transaction).

DO $$
declare
  v_index text;
begin
  for v_index in
    select c.relname from pg_catalog.pg_index i join pg_catalog.pg_class c on c.oid = i.indexrelid
     where i.indrelid = 'public.user_memories'::regclass and private.own_index_owner(c.relname::text) is not null
  loop
    execute pg_catalog.format('drop index public.%I', v_index);
  end loop;
end
$$;

CREATE OR REPLACE FUNCTION private.nearest_memories(target uuid, query_embedding extensions.vector, embedding_model text, match_count integer, candidates integer, memory_types text[] DEFAULT NULL::text[], categories text[] DEFAULT NULL::text[], min_importance double precision DEFAULT NULL::double precision, created_after timestamp with time zone DEFAULT NULL::timestamp with time zone, created_before timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(id uuid, similarity double precision, rank integer)
    LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 40
    SET search_path TO ''
    SET max_parallel_workers_per_gather TO '0'
    AS $$
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

COMMENT ON FUNCTION private.nearest_memories(target uuid, query_embedding extensions.vector, embedding_model text, match_count integer, candidates integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone) IS 'A user''s memories nearest to an embedding: candidates by Hamming distance of quantized embeddings, ranked by exact cosine.';

DROP FUNCTION public.own_index_changes();

DROP FUNCTION private.has_own_index(uuid);

DROP FUNCTION private.own_index_owner(text);

DROP FUNCTION private.own_index_name(uuid);

ALTER TABLE public.memory_settings DROP CONSTRAINT memory_settings_own_index_threshold_positive;

ALTER TABLE public.memory_settings DROP COLUMN own_index_threshold;
