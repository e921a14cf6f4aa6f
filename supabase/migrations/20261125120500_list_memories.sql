-- Paged listing of the caller's active, unexpired memories, newest first (keyset pagination on created_at, id).

create or replace function public.list_memories(
  page_size integer default 20,
  before_created_at timestamptz default null,
  before_id uuid default null,
  user_id uuid default null
) returns table (
  id uuid, fact text, memory_type text, category text, importance_score double precision,
  confidence_score double precision, metadata jsonb, source_conversation_id uuid, version integer,
  has_embedding boolean, embedding_model text, created_at timestamptz, updated_at timestamptz,
  last_accessed_at timestamptz, expires_at timestamptz
)
language plpgsql
stable
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(list_memories.user_id);
begin
  if page_size is null or page_size < 1 or page_size > 100 then
    raise exception 'page_size must be between 1 and 100' using errcode = '22023', column = 'page_size';
  end if;
  if (before_created_at is null) <> (before_id is null) then
    raise exception 'before_created_at and before_id go together (the cursor of the last row seen)'
      using errcode = '22023', column = 'before_id';
  end if;
  return query
    select m.id, m.fact, m.memory_type, m.category, m.importance_score, m.confidence_score, m.metadata,
           m.source_conversation_id, m.version, m.embedding is not null, m.embedding_model, m.created_at,
           m.updated_at, greatest(m.last_accessed_at, a.last_accessed_at), m.expires_at
      from public.user_memories m
      left join public.memory_access a on a.memory_id = m.id
     where m.user_id = v_user and m.is_active
       and (m.expires_at is null or m.expires_at > now())
       and (before_created_at is null or m.created_at < before_created_at
            or (m.created_at = before_created_at and m.id < before_id))
     order by m.created_at desc, m.id desc
     limit page_size;
end
$$;
comment on function public.list_memories(integer, timestamptz, uuid, uuid) is
  'The caller''s active, unexpired memories, newest first, page_size at a time; pass the last row''s created_at '
  'and id to get the next page.';
revoke all on function public.list_memories(integer, timestamptz, uuid, uuid) from public, anon;
grant execute on function public.list_memories(integer, timestamptz, uuid, uuid) to authenticated, service_role;
