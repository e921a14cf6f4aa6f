-- Undoes 20261126090000_value_guard. The old exact-text index comes back first; it refuses to build while two
-- active memories of a user differ only in a currency, percent or degree sign (forget one of them first).
create unique index user_memories_active_fact_key_v1 on public.user_memories (user_id, md5(public.normalize_fact(fact)))
  where is_active;
drop index public.user_memories_active_fact_key;
alter index public.user_memories_active_fact_key_v1 rename to user_memories_active_fact_key;
drop function public.fact_key(text);
drop function public.fact_value_difference(text, text);
drop function private.value_difference(text, text[], text, text[]);
drop function private.capitalized_as_name(text, text, boolean);
drop function private.value_words();
