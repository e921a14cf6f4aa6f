-- Undoes 20261125120400_search_memories.
drop function if exists public.search_memories(text, extensions.vector, text, integer, text[], text[], double precision, timestamptz, timestamptz, uuid, boolean);
drop function if exists private.text_matches(uuid, tsquery, integer, text[], text[], double precision, timestamptz, timestamptz);
drop table if exists public.memory_access;
drop function if exists private.memories_by_id(uuid, uuid[]);
