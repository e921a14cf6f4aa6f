-- Schema v1, part 1: the private schema for internals, and the conversations a memory can come from.

-- Internals (trigger functions, helpers) live outside the schemas PostgREST exposes.
create schema if not exists private;
revoke all on schema private from public;

create or replace function private.set_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;
comment on function private.set_updated_at() is
  'Trigger: stamps updated_at on every UPDATE so callers cannot forget or forge it.';
revoke all on function private.set_updated_at() from public;

create table public.conversations (
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  title text,
  metadata jsonb not null default '{}'::jsonb,
  started_at timestamptz not null default now(),
  last_message_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint conversations_pkey primary key (id),
  -- What a memory's source reference points at, so a memory cannot cite another user's conversation.
  constraint conversations_id_user_id_key unique (id, user_id),
  constraint conversations_user_id_fkey foreign key (user_id) references auth.users (id) on delete cascade,
  constraint conversations_title_length check (title is null or char_length(title) <= 500),
  constraint conversations_metadata_is_object check (jsonb_typeof(metadata) = 'object')
);
comment on table public.conversations is 'A chat session between one user and the chatbot; memories cite it as their source.';

-- Serves listing a user's conversations newest first, and the cascade when an auth.users row is deleted.
create index conversations_user_started_idx on public.conversations (user_id, started_at desc);

create trigger conversations_set_updated_at
  before update on public.conversations
  for each row execute function private.set_updated_at();

alter table public.conversations enable row level security;

create policy conversations_select_own on public.conversations
  for select to authenticated using ((select auth.uid()) = user_id);
create policy conversations_insert_own on public.conversations
  for insert to authenticated with check ((select auth.uid()) = user_id);
create policy conversations_update_own on public.conversations
  for update to authenticated using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);
create policy conversations_delete_own on public.conversations
  for delete to authenticated using ((select auth.uid()) = user_id);

-- Supabase grants everything in public to every API role by default; take it back and grant what is meant.
revoke all on table public.conversations from anon, authenticated, service_role;
grant select, insert, update, delete on table public.conversations to authenticated, service_role;
