-- Per-user accounting and the text rules duplicate detection stands on:
-- settings, statistics kept by trigger (exact for every write path), the quota, normalized facts and word sets.

create table public.memory_settings (
  id boolean not null default true,
  duplicate_threshold double precision not null default 0.85,
  default_quota integer not null default 10000,
  updated_at timestamptz not null default now(),
  constraint memory_settings_pkey primary key (id),
  constraint memory_settings_single_row check (id),
  constraint memory_settings_threshold_range check (duplicate_threshold > 0 and duplicate_threshold <= 1),
  constraint memory_settings_quota_positive check (default_quota > 0)
);
comment on table public.memory_settings is
  'The one row of service-wide settings: duplicate threshold (Jaccard and cosine) and the default per-user quota.';
insert into public.memory_settings default values;

create trigger memory_settings_set_updated_at
  before update on public.memory_settings
  for each row execute function private.set_updated_at();

alter table public.memory_settings enable row level security;
-- Not per user: every signed-in caller may read the thresholds its writes are judged by.
create policy memory_settings_read on public.memory_settings for select to authenticated using (true);
revoke all on table public.memory_settings from anon, authenticated, service_role;
grant select on table public.memory_settings to authenticated;
grant select, update on table public.memory_settings to service_role;

create table public.memory_user_stats (
  user_id uuid not null,
  active_count integer not null default 0,
  inactive_count integer not null default 0,
  quota_limit integer,
  last_stored_at timestamptz,
  updated_at timestamptz not null default now(),
  constraint memory_user_stats_pkey primary key (user_id),
  constraint memory_user_stats_user_id_fkey foreign key (user_id) references auth.users (id) on delete cascade,
  constraint memory_user_stats_counts_non_negative check (active_count >= 0 and inactive_count >= 0),
  constraint memory_user_stats_quota_positive check (quota_limit is null or quota_limit > 0)
);
comment on table public.memory_user_stats is
  'Per-user counters kept by trigger in the writing transaction; quota_limit overrides memory_settings.default_quota.';

alter table public.memory_user_stats enable row level security;
create policy memory_user_stats_select_own on public.memory_user_stats
  for select to authenticated using ((select auth.uid()) = user_id);
revoke all on table public.memory_user_stats from anon, authenticated, service_role;
grant select on table public.memory_user_stats to authenticated;
-- Operators set a user's quota; the counters are the trigger's alone.
grant select, update (quota_limit) on table public.memory_user_stats to service_role;

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

insert into public.memory_user_stats (user_id, active_count, inactive_count)
select m.user_id, count(*) filter (where m.is_active), count(*) filter (where not m.is_active)
  from public.user_memories m
 group by m.user_id;

-- Touching last_accessed_at (every search does) or adding an embedding later (the backfill) is not an edit: it
-- must not move updated_at (search ranks by it), and leaving the indexed updated_at alone keeps touches HOT.
drop trigger user_memories_set_updated_at on public.user_memories;
create trigger user_memories_set_updated_at
  before update of fact, memory_type, category, importance_score, confidence_score, is_active, duplicate_of,
    metadata, expires_at
  on public.user_memories
  for each row execute function private.set_updated_at();

create or replace function public.normalize_fact(fact text) returns text
language sql
immutable strict parallel safe
set search_path = ''
as $$
  select btrim(regexp_replace(lower(fact), '[^[:alnum:]]+', ' ', 'g'))
$$;
comment on function public.normalize_fact(text) is
  'A fact as duplicate detection sees it: lower case, every run of non-alphanumerics one space, trimmed.';

create or replace function public.fact_words(fact text) returns text[]
language sql
immutable strict parallel safe
set search_path = ''
as $$
  select coalesce(array_agg(distinct w order by w), '{}')
    from regexp_split_to_table(public.normalize_fact(fact), ' ') as w
   where w <> ''
$$;
comment on function public.fact_words(text) is
  'The distinct words of a fact (normalized), sorted: the sets whose Jaccard similarity finds reworded duplicates.';

create or replace function public.jaccard(a text[], b text[]) returns double precision
language sql
immutable strict parallel safe
set search_path = ''
as $$
  select case
    when cardinality(a) = 0 and cardinality(b) = 0 then 1.0
    else (select count(*) from (select unnest(a) intersect select unnest(b)) i)::double precision
       / (select count(*) from (select unnest(a) union select unnest(b)) u)
  end
$$;
comment on function public.jaccard(text[], text[]) is 'Jaccard similarity of two sets: |a ∩ b| / |a ∪ b| (1 for two empty sets).';

revoke all on function public.normalize_fact(text), public.fact_words(text), public.jaccard(text[], text[]) from public, anon;
grant execute on function public.normalize_fact(text), public.fact_words(text), public.jaccard(text[], text[])
  to authenticated, service_role;

-- No two active memories of a user say the same thing, whoever writes them (store_memory merges before this).
create unique index user_memories_active_fact_key on public.user_memories (user_id, md5(public.normalize_fact(fact)))
  where is_active;
-- The word set, computed once per row: duplicate detection reads it for every candidate, and a deduplication
-- run for every memory of a user (computing it costs a regular expression and an aggregate each time).
alter table public.user_memories add column fact_words text[] generated always as (public.fact_words(fact)) stored;
comment on column public.user_memories.fact_words is 'The distinct normalized words of fact, for word-set Jaccard.';
-- Candidates for reworded duplicates: active memories containing a group of the new fact's words.
create index user_memories_active_words_idx on public.user_memories using gin (fact_words) where is_active;
