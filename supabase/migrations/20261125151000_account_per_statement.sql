-- The per-user counters are kept once per statement, not once per row. A row trigger updated the user's one
-- memory_user_stats row for every memory a statement wrote, and each update of a row already updated in the same
-- transaction walks that row's chain of versions: deactivating 1,500 memories in one statement paid 72 ms for
-- the counters, 6,000 paid 700 ms (measured at 10,000 memories). Deduplication, cleanup, expiry and erasure
-- write thousands of one user's rows per statement. Statement triggers see the rows through transition tables
-- and write each user's counters once.

-- security definer: the counters must be writable by every write path but by no user directly.
create or replace function private.user_memories_account_statement() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_users uuid[];
  v_active_delta integer[];
  v_inactive_delta integer[];
  v_over record;
begin
  if tg_op = 'DELETE' then
    -- update, never upsert: during a cascade from auth.users the stats row may already be gone.
    update public.memory_user_stats s
       set active_count = s.active_count - d.active, inactive_count = s.inactive_count - d.inactive, updated_at = now()
      from (select o.user_id, count(*) filter (where o.is_active) as active, count(*) filter (where not o.is_active) as inactive
              from old_rows o group by o.user_id) d
     where s.user_id = d.user_id;
    return null;
  elsif tg_op = 'INSERT' then
    select array_agg(c.user_id order by c.user_id), array_agg(c.active order by c.user_id),
           array_agg(c.inactive order by c.user_id)
      into v_users, v_active_delta, v_inactive_delta
      from (select n.user_id, count(*) filter (where n.is_active)::integer as active,
                   count(*) filter (where not n.is_active)::integer as inactive
              from new_rows n group by n.user_id) c;
  else
    -- What an update moves from inactive to active, per user: the active rows after it minus those before it.
    -- Sums, not a join of the old rows to the new (which the planner, blind to their sizes, ran as a nested loop:
    -- 100 ms for 1,500 rows). A memory's user_id never changes (user_memories_guard_version refuses it).
    select array_agg(c.user_id order by c.user_id), array_agg(c.net order by c.user_id),
           array_agg(-c.net order by c.user_id)
      into v_users, v_active_delta, v_inactive_delta
      from (select x.user_id, sum(x.active)::integer as net
              from (select n.user_id, n.is_active::integer as active from new_rows n
                    union all
                    select o.user_id, -o.is_active::integer from old_rows o) x
             group by x.user_id
            having sum(x.active) <> 0) c;
  end if;
  if v_users is null then
    return null;
  end if;

  -- The upsert locks each user's row until commit: concurrent writers of one user queue here, so the count
  -- they check is exact. Users in a fixed order, so two statements writing the same users cannot deadlock.
  -- An insert adds its rows to the counts. An update moves its net change between active and inactive: the
  -- proposed row carries it as two non-negative numbers (one of them 0), also right for a user without a row.
  with counted as (
    insert into public.memory_user_stats as s (user_id, active_count, inactive_count, last_stored_at)
    select u.user_id, greatest(u.active_delta, 0), greatest(u.inactive_delta, 0),
           case when tg_op = 'INSERT' then now() end
      from unnest(v_users, v_active_delta, v_inactive_delta) as u(user_id, active_delta, inactive_delta)
    on conflict (user_id) do update
       set active_count = s.active_count + excluded.active_count - (case when tg_op = 'INSERT' then 0 else excluded.inactive_count end),
           inactive_count = s.inactive_count + excluded.inactive_count - (case when tg_op = 'INSERT' then 0 else excluded.active_count end),
           last_stored_at = case when tg_op = 'INSERT' then now() else s.last_stored_at end,
           updated_at = now()
    returning s.user_id, s.active_count, coalesce(s.quota_limit, (select ms.default_quota from public.memory_settings ms)) as quota
  )
  select c.active_count, c.quota into v_over
    from counted c
    join unnest(v_users, v_active_delta) as u(user_id, active_delta) on u.user_id = c.user_id
   -- Only a statement that adds active memories is refused; freeing places never is.
   where u.active_delta > 0
     and c.active_count > c.quota
   limit 1;
  if found then
    raise exception 'memory quota reached: the limit is % active memories', v_over.quota
      using errcode = 'PT507',
            hint = 'Forget memories that are no longer needed, or raise memory_user_stats.quota_limit.';
  end if;
  return null;
end
$$;
comment on function private.user_memories_account_statement() is
  'Statement trigger: keeps memory_user_stats exact for every write, once per user per statement, and refuses '
  'active memories beyond the quota (SQLSTATE PT507).';
revoke all on function private.user_memories_account_statement() from public;

drop trigger user_memories_account on public.user_memories;
drop function private.user_memories_account();

-- After the statement: the memories' own foreign keys (row triggers, which fire first) report a missing user
-- before the counters are touched; a raise here still undoes the whole statement. A trigger with transition
-- tables cannot name columns (UPDATE OF is_active), so the update trigger compares old and new rows itself.
create trigger user_memories_account_insert
  after insert on public.user_memories
  referencing new table as new_rows
  for each statement execute function private.user_memories_account_statement();
create trigger user_memories_account_update
  after update on public.user_memories
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.user_memories_account_statement();
create trigger user_memories_account_delete
  after delete on public.user_memories
  referencing old table as old_rows
  for each statement execute function private.user_memories_account_statement();
