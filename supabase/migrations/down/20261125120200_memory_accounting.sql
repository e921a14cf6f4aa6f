-- Undoes 20261125120200_memory_accounting: statistics, settings, the quota trigger and the text functions.
drop index if exists public.user_memories_active_words_idx;
alter table public.user_memories drop column if exists fact_words;
drop index if exists public.user_memories_active_fact_key;
drop function if exists public.jaccard(text[], text[]);
drop function if exists public.fact_words(text);
drop function if exists public.normalize_fact(text);
drop trigger if exists user_memories_set_updated_at on public.user_memories;
create trigger user_memories_set_updated_at
  before update on public.user_memories
  for each row execute function private.set_updated_at();
drop trigger if exists user_memories_account on public.user_memories;
drop function if exists private.user_memories_account();
drop table if exists public.memory_user_stats;
drop table if exists public.memory_settings;
