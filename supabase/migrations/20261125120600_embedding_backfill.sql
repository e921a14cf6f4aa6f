-- Memories stored while the embedding provider was failing are embedded later, in batches (memory embeddings
-- backfill, or any service-role caller).

-- Exactly the active memories still waiting for an embedding: small, and what the backfill pages through.
create index user_memories_pending_embedding_idx on public.user_memories (id) where is_active and embedding is null;

create or replace function public.memories_pending_embedding(batch_size integer default 100, after_id uuid default null)
returns table (id uuid, user_id uuid, fact text)
language plpgsql
stable
set search_path = ''
as $$
#variable_conflict use_column
begin
  if batch_size is null or batch_size < 1 or batch_size > 1000 then
    raise exception 'batch_size must be between 1 and 1000' using errcode = '22023', column = 'batch_size';
  end if;
  return query
    select m.id, m.user_id, m.fact from public.user_memories m
     where m.is_active and m.embedding is null and (after_id is null or m.id > after_id)
     order by m.id
     limit batch_size;
end
$$;
comment on function public.memories_pending_embedding(integer, uuid) is
  'Active memories without an embedding, in id order after after_id, for the embedding backfill (service_role).';
revoke all on function public.memories_pending_embedding(integer, uuid) from public, anon, authenticated;
grant execute on function public.memories_pending_embedding(integer, uuid) to service_role;

create or replace function public.set_memory_embedding(memory_id uuid, embedding extensions.vector, embedding_model text)
returns boolean
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_done boolean;
begin
  -- The update meets the table's constraints directly (model pairing and name; the column's dimension).
  if set_memory_embedding.embedding is null then
    raise exception 'embedding is required' using errcode = '22023', column = 'embedding';
  end if;
  -- Only where none was written meanwhile: a newer embedding (or a new version) wins.
  update public.user_memories m
     set embedding = set_memory_embedding.embedding, embedding_model = set_memory_embedding.embedding_model
   where m.id = memory_id and m.embedding is null;
  get diagnostics v_done = row_count;
  return v_done;
end
$$;
comment on function public.set_memory_embedding(uuid, extensions.vector, text) is
  'Backfill: gives a memory that has none its embedding; false if it has one already or does not exist (service_role).';
revoke all on function public.set_memory_embedding(uuid, extensions.vector, text) from public, anon, authenticated;
grant execute on function public.set_memory_embedding(uuid, extensions.vector, text) to service_role;
