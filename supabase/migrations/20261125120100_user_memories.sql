-- Schema v1, part 2: user_memories, the facts a chatbot keeps about its user.
-- Rules a row must obey are constraints here, so they hold for every caller (RPC, table API, CLI, cron).

create extension if not exists vector with schema extensions;

create table public.user_memories (
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  fact text not null,
  memory_type text not null,
  category text,
  importance_score double precision not null default 0.5,
  confidence_score double precision not null default 0.5,
  is_active boolean not null default true,
  duplicate_of uuid,
  source_conversation_id uuid,
  version integer not null default 1,
  previous_version_id uuid,
  embedding extensions.vector(384),
  embedding_model text,
  -- One bit per dimension (the sign): 48 bytes that a per-user scan can rank before exact cosine reranking.
  embedding_bits bit(384) generated always as (extensions.binary_quantize(embedding)::bit(384)) stored,
  fts tsvector generated always as (to_tsvector('english'::regconfig, fact)) stored,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_accessed_at timestamptz,
  expires_at timestamptz,

  constraint user_memories_pkey primary key (id),
  -- Target of the same-user references below (duplicate_of, previous_version_id).
  constraint user_memories_id_user_id_key unique (id, user_id),
  constraint user_memories_user_id_fkey foreign key (user_id) references auth.users (id) on delete cascade,

  constraint user_memories_fact_not_blank check (fact ~ '[^[:space:]]'),
  constraint user_memories_fact_length check (char_length(fact) <= 2000),
  constraint user_memories_memory_type_check
    check (memory_type in ('person', 'preference', 'event', 'topic', 'fact', 'emotion')),
  constraint user_memories_category_check
    check (category is null or (category ~ '[^[:space:]]' and char_length(category) <= 100)),
  constraint user_memories_importance_range check (importance_score >= 0 and importance_score <= 1),
  constraint user_memories_confidence_range check (confidence_score >= 0 and confidence_score <= 1),

  constraint user_memories_active_not_duplicate check (not (is_active and duplicate_of is not null)),
  constraint user_memories_not_own_duplicate check (duplicate_of <> id),
  -- Composite key: a memory can only be a duplicate of a memory of the same user.
  constraint user_memories_duplicate_of_fkey foreign key (duplicate_of, user_id)
    references public.user_memories (id, user_id) on delete set null (duplicate_of),
  constraint user_memories_source_conversation_fkey foreign key (source_conversation_id, user_id)
    references public.conversations (id, user_id) on delete set null (source_conversation_id),

  constraint user_memories_version_positive check (version >= 1),
  constraint user_memories_not_own_previous_version check (previous_version_id <> id),
  constraint user_memories_previous_version_fkey foreign key (previous_version_id, user_id)
    references public.user_memories (id, user_id) on delete set null (previous_version_id),

  -- The column's type fixes the dimension (384, gte-small); similarity is only meaningful within one model.
  constraint user_memories_embedding_has_model check ((embedding is null) = (embedding_model is null)),
  constraint user_memories_embedding_model_check
    check (embedding_model is null or (embedding_model ~ '[^[:space:]]' and char_length(embedding_model) <= 200)),

  constraint user_memories_metadata_is_object check (jsonb_typeof(metadata) = 'object'),
  constraint user_memories_metadata_size check (octet_length(metadata::text) <= 16384),
  constraint user_memories_expires_after_created check (expires_at is null or expires_at > created_at)
);
comment on table public.user_memories is
  'Facts a chatbot keeps about its user. One row per version; only active rows are current.';
comment on column public.user_memories.duplicate_of is 'The memory this one duplicates; set only on inactive rows.';
comment on column public.user_memories.previous_version_id is 'The version this row supersedes (its version is one less).';
comment on column public.user_memories.embedding_model is 'Model that produced embedding; vectors are compared only within one model.';
comment on column public.user_memories.fts is 'English full-text vector of fact, for websearch_to_tsquery.';
comment on column public.user_memories.embedding_bits is 'Binary quantization of embedding (sign bits), for the per-user candidate scan.';

-- Every row of a user: the cascade from auth.users, GDPR erasure, cleanup of old inactive rows.
create index user_memories_user_id_idx on public.user_memories (user_id, updated_at);
-- A user's active memories newest first: paged listing (GET memory-search), quota and dedup candidate scans.
create index user_memories_active_recent_idx on public.user_memories (user_id, created_at desc) where is_active;
-- A user's active memories by importance: search with a minimum importance, keep-the-most-important in dedup.
create index user_memories_active_importance_idx on public.user_memories (user_id, importance_score desc)
  where is_active;
-- Search and statistics filtered by type and category.
create index user_memories_active_type_category_idx on public.user_memories (user_id, memory_type, category)
  where is_active;
-- Full-text leg of hybrid search: an index-only scan of the user's own entries with their tsvectors, testing @@
-- on at most a quota's worth of small entries. A GIN index over all users was measured worse for this per-user
-- query at 1M rows: one common phrase listed 50,067 rows of every user before the user filter (10 ms), and the
-- planner's estimate for two correlated words was 20x off (docs/sql-api.md#why-per-user-access-paths-not-hnsw).
create index user_memories_active_text_idx on public.user_memories (user_id)
  include (fts, id, memory_type, category, importance_score, created_at, expires_at) where is_active;
-- Vector leg of hybrid search and near-duplicate detection (match_memories): an index-only scan of one user's
-- quantized embeddings, ranked by Hamming distance, then reranked by exact cosine. Per-user search is 1% of the
-- table at 100 users; an HNSW graph over all users had to walk ~100 other users' vectors per useful one
-- (measured at 1M rows: p50 95 ms, recall 85%), while this scan is bounded by the per-user quota
-- (p50 3.4 ms, recall 99.8%; docs/benchmarks.md).
create index user_memories_active_bits_idx on public.user_memories (user_id, embedding_model)
  include (embedding_bits, id, memory_type, category, importance_score, created_at, expires_at)
  where is_active and embedding_bits is not null;
-- Foreign keys' referencing sides, for their ON DELETE actions; duplicate_of also lists a memory's duplicates.
create index user_memories_duplicate_of_idx on public.user_memories (duplicate_of) where duplicate_of is not null;
create index user_memories_source_conversation_idx on public.user_memories (source_conversation_id)
  where source_conversation_id is not null;
-- History is a line: a version is superseded at most once (this also serves memory_history's walk).
create unique index user_memories_previous_version_key on public.user_memories (previous_version_id)
  where previous_version_id is not null;

-- Versions: a first version is 1, a new version is its predecessor's plus one; identity never changes.
create or replace function private.user_memories_guard_version() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_previous_version integer;
begin
  if tg_op = 'INSERT' then
    if new.previous_version_id is null then
      if new.version <> 1 then
        raise exception 'a first version must have version 1, not %', new.version
          using errcode = '23514', constraint = 'user_memories_version_sequence',
                table = 'user_memories', schema = 'public';
      end if;
    else
      select m.version into v_previous_version
        from public.user_memories m
       where m.id = new.previous_version_id and m.user_id = new.user_id;
      -- A missing predecessor is left to user_memories_previous_version_fkey to report.
      if found and new.version <> v_previous_version + 1 then
        raise exception 'version must be % (previous version plus one), not %', v_previous_version + 1, new.version
          using errcode = '23514', constraint = 'user_memories_version_sequence',
                table = 'user_memories', schema = 'public';
      end if;
    end if;
  elsif new.id is distinct from old.id or new.user_id is distinct from old.user_id
     or new.version is distinct from old.version or new.previous_version_id is distinct from old.previous_version_id
     or new.created_at is distinct from old.created_at then
    raise exception 'id, user_id, version, previous_version_id and created_at of a memory cannot change; store a new version'
      using errcode = '23514', constraint = 'user_memories_identity_immutable',
            table = 'user_memories', schema = 'public';
  end if;
  return new;
end
$$;
comment on function private.user_memories_guard_version() is
  'Trigger: keeps version history a line (1, 2, 3 ...) and the identity columns of a memory immutable.';
revoke all on function private.user_memories_guard_version() from public;

create trigger user_memories_guard_version
  before insert or update on public.user_memories
  for each row execute function private.user_memories_guard_version();

create trigger user_memories_set_updated_at
  before update on public.user_memories
  for each row execute function private.set_updated_at();

alter table public.user_memories enable row level security;

create policy user_memories_select_own on public.user_memories
  for select to authenticated using ((select auth.uid()) = user_id);
create policy user_memories_insert_own on public.user_memories
  for insert to authenticated with check ((select auth.uid()) = user_id);
create policy user_memories_update_own on public.user_memories
  for update to authenticated using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);
create policy user_memories_delete_own on public.user_memories
  for delete to authenticated using ((select auth.uid()) = user_id);

revoke all on table public.user_memories from anon, authenticated, service_role;
grant select, insert, update, delete on table public.user_memories to authenticated, service_role;
