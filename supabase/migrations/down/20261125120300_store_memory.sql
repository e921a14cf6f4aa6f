-- Undoes 20261125120300_store_memory: the write-path functions and the idempotency keys.
drop function if exists public.erase_user_data(uuid);
revoke delete on table public.memory_user_stats from service_role;
drop function if exists public.memory_history(uuid);
drop function if exists public.forget_memory(uuid, uuid);
drop function if exists public.update_memory(uuid, text, text, text, double precision, double precision, jsonb, extensions.vector, text, timestamptz, uuid);
drop function if exists private.active_memory_for_update(uuid, uuid);
drop function if exists public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamptz, text, uuid, double precision);
drop function if exists private.find_duplicate(uuid, text, extensions.vector, text, double precision, uuid);
drop function if exists private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, uuid);
drop function if exists public.match_memories(extensions.vector, text, integer, text[], text[], double precision, timestamptz, timestamptz, uuid);
drop function if exists private.nearest_memories(uuid, extensions.vector, text, integer, integer, text[], text[], double precision, timestamptz, timestamptz);
drop function if exists private.validate_memory_input(text, text, text, double precision, double precision, extensions.vector, text, jsonb, timestamptz);
drop function if exists private.lock_user_memories(uuid);
drop function if exists private.acting_user(uuid);
drop table if exists public.memory_idempotency_keys;
revoke usage on schema private from authenticated, service_role;
