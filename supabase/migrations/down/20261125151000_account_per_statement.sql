-- Undoes 20261125151000_account_per_statement: the row trigger of 20261125120200_memory_accounting.
drop trigger user_memories_account_insert on public.user_memories;
drop trigger user_memories_account_update on public.user_memories;
drop trigger user_memories_account_delete on public.user_memories;
drop function private.user_memories_account_statement();

-- security definer: the counters must be writable by every write path but by no user directly.
create or replace function private.user_memories_account() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_active_delta integer := 0;
  v_active integer;
  v_quota integer;
begin
  if tg_op = 'DELETE' then
    -- update, never upsert: during a cascade from auth.users the stats row may already be gone.
    update public.memory_user_stats s
       set active_count = s.active_count - (case when old.is_active then 1 else 0 end),
           inactive_count = s.inactive_count - (case when old.is_active then 0 else 1 end),
           updated_at = now()
     where s.user_id = old.user_id;
    return null;
  end if;
  if tg_op = 'UPDATE' then
    if new.is_active = old.is_active then
      return null;
    end if;
    v_active_delta := case when new.is_active then 1 else -1 end;
  else
    v_active_delta := case when new.is_active then 1 else 0 end;
  end if;

  -- The upsert locks the user's row until commit: concurrent writers of one user queue here,
  -- so the count they check is exact.
  insert into public.memory_user_stats as s (user_id, active_count, inactive_count, last_stored_at)
  values (new.user_id, greatest(v_active_delta, 0), case when new.is_active then 0 else 1 end,
          case when tg_op = 'INSERT' then now() end)
  on conflict (user_id) do update
     set active_count = s.active_count + v_active_delta,
         inactive_count = s.inactive_count + (case when tg_op = 'INSERT' and not new.is_active then 1
                                                   when tg_op = 'INSERT' then 0 else -v_active_delta end),
         last_stored_at = case when tg_op = 'INSERT' then now() else s.last_stored_at end,
         updated_at = now()
  returning s.active_count, s.quota_limit into v_active, v_quota;

  if v_active_delta > 0 then
    v_quota := coalesce(v_quota, (select ms.default_quota from public.memory_settings ms));
    if v_active > v_quota then
      raise exception 'memory quota reached: the limit is % active memories', v_quota
        using errcode = 'PT507',
              hint = 'Forget memories that are no longer needed, or raise memory_user_stats.quota_limit.';
    end if;
  end if;
  return null;
end
$$;
comment on function private.user_memories_account() is
  'Trigger: keeps memory_user_stats exact for every write and refuses an active memory beyond the quota (SQLSTATE PT507).';
revoke all on function private.user_memories_account() from public;

-- After the row: the memory's own foreign keys (RI triggers sort first) report a missing user before the
-- counters are touched; a raise here still undoes the whole statement.
create trigger user_memories_account
  after insert or update of is_active or delete on public.user_memories
  for each row execute function private.user_memories_account();
