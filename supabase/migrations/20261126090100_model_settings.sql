-- Thresholds per embedding model. Cosine scales differ by model: gte-small scores unrelated sentences around 0.7,
-- the offline lexical embedder near 0. So the cosine that makes two facts duplicates, and the similarity a
-- memory needs to be relevant to a query (the relevance floor), are kept per model, falling back to the row '*'.
-- Word-set Jaccard is not a model's: its threshold stays memory_settings.duplicate_threshold.

create table public.memory_model_settings (
  embedding_model text not null,
  duplicate_threshold double precision not null,
  relevance_floor double precision not null,
  -- What `memory calibrate --write` measured: pairs, precision, recall and F1 at the chosen thresholds.
  calibration jsonb,
  updated_at timestamptz not null default now(),
  constraint memory_model_settings_pkey primary key (embedding_model),
  constraint memory_model_settings_model_check
    check (embedding_model ~ '[^[:space:]]' and char_length(embedding_model) <= 200),
  constraint memory_model_settings_duplicate_range check (duplicate_threshold > 0 and duplicate_threshold <= 1),
  constraint memory_model_settings_floor_range check (relevance_floor >= 0 and relevance_floor <= 1),
  constraint memory_model_settings_calibration_is_object
    check (calibration is null or jsonb_typeof(calibration) = 'object')
);
comment on table public.memory_model_settings is
  'Per embedding model: the cosine at which two facts are duplicates and the relevance floor of search; the row '
  '''*'' applies to models without a row of their own.';
comment on column public.memory_model_settings.relevance_floor is
  'The cosine a memory needs to be returned by search on its embedding alone (a text match qualifies it too).';

-- '*': the seed's 0.85 for duplicates, and a floor above what unrelated sentences reach in most 384-dim models.
-- gte-small: Supabase's own semantic-search examples use 0.8 as the match threshold, and unrelated sentences
-- reach ~0.75 while rewordings reach ~0.95; these two are estimates (the model cannot run here): calibrate them.
-- offline-lexical-dense-384: `memory calibrate --pairs bench/data/labelled-pairs.jsonl` (371 pairs, 124 judgements):
-- 0.95 is the middle of the cosines that merge no distinct pair (0.92 to 0.99, all with the best F1). Its floor
-- is set above the 0.38 calibrated there (the lowest that answers nothing to the set's questions without an
-- answer): hashing words into 384 buckets makes unrelated texts collide, and among 10,000 memories of a user
-- such collisions reached 0.50 (bench:quality), where 66 memories showed none above 0.38.
insert into public.memory_model_settings (embedding_model, duplicate_threshold, relevance_floor) values
  ('*', 0.85, 0.5),
  ('gte-small', 0.92, 0.8),
  ('offline-lexical-dense-384', 0.95, 0.55);

create trigger memory_model_settings_set_updated_at
  before update on public.memory_model_settings
  for each row execute function private.set_updated_at();

alter table public.memory_model_settings enable row level security;
-- Not per user: every signed-in caller may read the thresholds its writes and searches are judged by.
create policy memory_model_settings_read on public.memory_model_settings for select to authenticated using (true);
revoke all on table public.memory_model_settings from anon, authenticated, service_role;
grant select on table public.memory_model_settings to authenticated;
grant select, insert, update, delete on table public.memory_model_settings to service_role;

-- The '*' row cannot go: every model falls back to it.
create or replace function private.memory_model_settings_keep_default() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.embedding_model = '*' and (tg_op = 'DELETE' or new.embedding_model <> '*') then
    raise exception 'the default row ''*'' of memory_model_settings cannot be removed or renamed; update its values'
      using errcode = '23514', constraint = 'memory_model_settings_default_kept', table = 'memory_model_settings',
            schema = 'public';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;
comment on function private.memory_model_settings_keep_default() is
  'Trigger: the fallback row ''*'' of memory_model_settings stays.';
revoke all on function private.memory_model_settings_keep_default() from public;

create trigger memory_model_settings_keep_default
  before update or delete on public.memory_model_settings
  for each row execute function private.memory_model_settings_keep_default();

-- The thresholds for a model: its own row, else '*'. PL/pgSQL: its plan is cached per session, where a SQL
-- function with its own search_path is planned again at every call (every store and search asks this).
create or replace function private.model_settings(embedding_model text)
returns table (duplicate_threshold double precision, relevance_floor double precision)
language plpgsql
stable
set search_path = ''
as $$
#variable_conflict use_column
begin
  return query
    select s.duplicate_threshold, s.relevance_floor
      from public.memory_model_settings s
     where s.embedding_model in (model_settings.embedding_model, '*')
     order by s.embedding_model = '*'
     limit 1;
end
$$;
comment on function private.model_settings(text) is
  'The duplicate threshold (cosine) and relevance floor of an embedding model: its row, else the ''*'' row.';
revoke all on function private.model_settings(text) from public;
grant execute on function private.model_settings(text) to authenticated, service_role;
