-- Undoes 20261125120800_deduplicate_memories.
revoke update (last_deduplicated_at) on table public.memory_user_stats from service_role;
alter table public.memory_user_stats drop column if exists last_deduplicated_at;
drop function if exists public.deduplicate_all_memories(integer);
drop function if exists public.deduplicate_memories(uuid, double precision);
drop function if exists private.duplicate_pairs(uuid, double precision);
