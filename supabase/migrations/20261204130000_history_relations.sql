-- History says how each statement stood to what was known (issue 22): memory_history gives every version its
-- relation to the version before it (public.fact_relation of the two texts: new for the first, refines or conflicts
-- with the reason when the text changed) and a sighting its relation, duplicate. Computed when history is read: no
-- column is added to user_memories.
set check_function_bodies = off;

DROP FUNCTION public.memory_history(uuid);

CREATE FUNCTION public.memory_history(memory_id uuid) RETURNS TABLE(id uuid, version integer, fact text, memory_type text, category text, importance_score double precision, confidence_score double precision, is_active boolean, previous_version_id uuid, created_at timestamp with time zone, kind text, attached_to uuid, origin text, similarity double precision, duplicate_of uuid, merged_memory_id uuid, unmerged_memory_id uuid, unmerged_at timestamp with time zone, metadata jsonb, source_conversation_id uuid, relation text, relation_reason text)
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
  select * from events e order by e.created_at, e.kind desc, e.version, e.id
$$;
REVOKE ALL ON FUNCTION public.memory_history(uuid) FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.memory_history(memory_id uuid) IS 'Everything said about the memory that the given version belongs to, oldest first (empty if it is not the caller''s): every version (kind version) and every statement merged into it or recording its own merge into another (kind sighting: origin store|absorbed, attached_to, similarity, unmerged_memory_id once unmerged). relation says how each statement stands to what was known: new for the first version, refines or conflicts (with relation_reason) for a version whose text changed, duplicate for a sighting not unmerged.';

REVOKE ALL ON FUNCTION public.memory_history(memory_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION public.memory_history(memory_id uuid) TO authenticated;
GRANT ALL ON FUNCTION public.memory_history(memory_id uuid) TO service_role;
