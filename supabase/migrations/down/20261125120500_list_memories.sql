-- Undoes 20261125120500_list_memories.
drop function if exists public.list_memories(integer, timestamptz, uuid, uuid);
