-- Undoes 20261125153000_erasure_reports_access: the definition of 20261125120300_store_memory.
create or replace function public.erase_user_data(target_user uuid)
returns table (table_name text, rows_deleted bigint)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_keys bigint;
  v_memories bigint;
  v_conversations bigint;
  v_stats bigint;
begin
  if target_user is null then
    raise exception 'target_user is required' using errcode = '22023', column = 'target_user';
  end if;
  perform private.lock_user_memories(target_user);
  delete from public.memory_idempotency_keys k where k.user_id = target_user;
  get diagnostics v_keys = row_count;
  delete from public.user_memories m where m.user_id = target_user;
  get diagnostics v_memories = row_count;
  delete from public.conversations c where c.user_id = target_user;
  get diagnostics v_conversations = row_count;
  delete from public.memory_user_stats s where s.user_id = target_user;
  get diagnostics v_stats = row_count;
  return query values ('memory_idempotency_keys', v_keys), ('user_memories', v_memories),
                      ('conversations', v_conversations), ('memory_user_stats', v_stats);
end
$$;
comment on function public.erase_user_data(uuid) is
  'GDPR erasure, service_role only: hard-deletes every memory, version, conversation, key and counter of one user '
  'and reports the rows removed per table. The auth.users row is Supabase Auth''s to delete.';
