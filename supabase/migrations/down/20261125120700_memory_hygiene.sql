-- Undoes 20261125120700_memory_hygiene.
drop function if exists public.get_memory_overview();
drop function if exists public.get_memory_stats(uuid);
drop function if exists public.expire_memories(integer);
drop function if exists public.cleanup_old_memories(integer, integer);
drop index if exists public.user_memories_active_expires_idx;
drop index if exists public.user_memories_inactive_updated_idx;
drop function if exists public.mark_memory_duplicate(uuid, uuid);
drop function if exists public.find_duplicate_memories(uuid, text, double precision, extensions.vector, text);
