-- Undoes 20261125120100_user_memories: drops user_memories (and every memory in it) and its trigger function.
-- The vector extension stays: other schemas may use it, and Supabase projects often enable it themselves.
drop table if exists public.user_memories;
drop function if exists private.user_memories_guard_version();
