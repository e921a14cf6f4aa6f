-- Undoes 20261125120600_embedding_backfill.
drop function if exists public.set_memory_embedding(uuid, extensions.vector, text);
drop function if exists public.memories_pending_embedding(integer, uuid);
drop index if exists public.user_memories_pending_embedding_idx;
