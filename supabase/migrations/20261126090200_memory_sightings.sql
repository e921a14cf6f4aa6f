-- Nothing acknowledged is ever lost. Every store is kept as a statement: a memory of its own, or a sighting on
-- the memory it merged into (its text, scores, metadata, source, embedding, time and idempotency key).
-- Deduplication and manual merges record what they absorb the same way, and a merge can be undone
-- (unmerge_memory). Duplicate detection asks the value guard (20261126090000) and the thresholds of the
-- embedding's model (20261126090100); what a merge keeps is defined once (private.merged_memory), for store and
-- deduplication alike.

-- Sightings ----------------------------------------------------------------------------------------------------

create table public.memory_sightings (
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  -- The memory that holds the statement now: where it merged, or where that memory's line continues (a newer
  -- version, or the memory that absorbed it later).
  memory_id uuid not null,
  fact text not null,
  memory_type text not null,
  category text,
  importance_score double precision not null,
  confidence_score double precision not null,
  metadata jsonb not null default '{}'::jsonb,
  source_conversation_id uuid,
  embedding extensions.vector(384),
  embedding_model text,
  expires_at timestamptz,
  idempotency_key text,
  -- 'store': a store_memory call that merged into memory_id; 'absorbed': a memory (merged_memory_id) that a
  -- store, a deduplication or mark_memory_duplicate merged into memory_id.
  origin text not null,
  merged_memory_id uuid,
  similarity double precision,
  seen_at timestamptz not null default now(),
  unmerged_at timestamptz,
  unmerged_memory_id uuid,

  constraint memory_sightings_pkey primary key (id),
  constraint memory_sightings_user_id_fkey foreign key (user_id) references auth.users (id) on delete cascade,
  constraint memory_sightings_memory_fkey foreign key (memory_id, user_id)
    references public.user_memories (id, user_id) on delete cascade,
  constraint memory_sightings_merged_memory_fkey foreign key (merged_memory_id, user_id)
    references public.user_memories (id, user_id) on delete set null (merged_memory_id),
  constraint memory_sightings_unmerged_memory_fkey foreign key (unmerged_memory_id, user_id)
    references public.user_memories (id, user_id) on delete set null (unmerged_memory_id),
  constraint memory_sightings_source_conversation_fkey foreign key (source_conversation_id, user_id)
    references public.conversations (id, user_id) on delete set null (source_conversation_id),
  constraint memory_sightings_fact_not_blank check (fact ~ '[^[:space:]]'),
  constraint memory_sightings_fact_length check (char_length(fact) <= 2000),
  constraint memory_sightings_memory_type_check
    check (memory_type in ('person', 'preference', 'event', 'topic', 'fact', 'emotion')),
  constraint memory_sightings_scores_range
    check (importance_score between 0 and 1 and confidence_score between 0 and 1),
  constraint memory_sightings_embedding_has_model check ((embedding is null) = (embedding_model is null)),
  constraint memory_sightings_metadata_is_object check (jsonb_typeof(metadata) = 'object'),
  constraint memory_sightings_origin_check check (origin in ('store', 'absorbed')),
  -- An absorbed memory is named while its row exists (cleanup may delete it later); a store names none.
  constraint memory_sightings_store_names_no_memory check (origin = 'absorbed' or merged_memory_id is null),
  constraint memory_sightings_unmerged_together check (unmerged_memory_id is null or unmerged_at is not null)
);
comment on table public.memory_sightings is
  'Statements merged into a memory instead of stored as one: a store_memory call that was a duplicate, or a '
  'memory absorbed by deduplication. memory_history shows them; unmerge_memory makes one a memory of its own.';
comment on column public.memory_sightings.memory_id is 'The memory holding the statement now (it follows new versions and later merges).';
comment on column public.memory_sightings.merged_memory_id is 'For origin absorbed: the memory row that was merged (inactive, duplicate_of memory_id) while it exists.';
comment on column public.memory_sightings.unmerged_memory_id is 'The memory that unmerge_memory made of this statement.';

create index memory_sightings_memory_idx on public.memory_sightings (memory_id);
create index memory_sightings_user_idx on public.memory_sightings (user_id, seen_at);
create index memory_sightings_merged_memory_idx on public.memory_sightings (merged_memory_id) where merged_memory_id is not null;
create index memory_sightings_unmerged_memory_idx on public.memory_sightings (unmerged_memory_id) where unmerged_memory_id is not null;
create index memory_sightings_source_conversation_idx on public.memory_sightings (source_conversation_id)
  where source_conversation_id is not null;

alter table public.memory_sightings enable row level security;
create policy memory_sightings_select_own on public.memory_sightings
  for select to authenticated using ((select auth.uid()) = user_id);
revoke all on table public.memory_sightings from anon, authenticated, service_role;
-- A log: users read theirs; it is written only by the functions below (security definer, checking their target).
grant select on table public.memory_sightings to authenticated;
grant select, delete on table public.memory_sightings to service_role;

-- The counters cover sightings too, kept once per statement like the memory counters.
alter table public.memory_user_stats add column sighting_count integer not null default 0;
alter table public.memory_user_stats add constraint memory_user_stats_sightings_non_negative check (sighting_count >= 0);
comment on column public.memory_user_stats.sighting_count is 'The user''s memory_sightings rows, kept by trigger.';

-- security definer: the counters must be writable by every write path but by no user directly.
create or replace function private.memory_sightings_account() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    -- Users in a fixed order, so two statements counting the same users cannot deadlock.
    insert into public.memory_user_stats as s (user_id, sighting_count)
    select n.user_id, count(*) from new_rows n group by n.user_id order by n.user_id
    on conflict (user_id) do update set sighting_count = s.sighting_count + excluded.sighting_count, updated_at = now();
  else
    -- update, never upsert: during a cascade from auth.users the stats row may already be gone.
    update public.memory_user_stats s set sighting_count = s.sighting_count - d.n, updated_at = now()
      from (select o.user_id, count(*)::integer as n from old_rows o group by o.user_id) d
     where s.user_id = d.user_id;
  end if;
  return null;
end
$$;
comment on function private.memory_sightings_account() is
  'Statement trigger: keeps memory_user_stats.sighting_count exact for every insert and delete of sightings.';
revoke all on function private.memory_sightings_account() from public;

create trigger memory_sightings_account_insert
  after insert on public.memory_sightings
  referencing new table as new_rows
  for each statement execute function private.memory_sightings_account();
create trigger memory_sightings_account_delete
  after delete on public.memory_sightings
  referencing old table as old_rows
  for each statement execute function private.memory_sightings_account();

-- A replayed idempotency key answers the whole first outcome, the sighting and the related memories included.
alter table public.memory_idempotency_keys add column sighting_id uuid;
alter table public.memory_idempotency_keys add column related jsonb not null default '[]'::jsonb;
alter table public.memory_idempotency_keys drop constraint memory_idempotency_keys_status_check;
alter table public.memory_idempotency_keys add constraint memory_idempotency_keys_status_check
  check (status in ('created', 'distinct', 'duplicate'));

-- The merge rule -----------------------------------------------------------------------------------------------

-- Which of two memories stays when they merge: the more important; on a tie, the older, so the id a chatbot
-- already holds stays valid. Ascending order of this key is keep order.
create or replace function private.keep_order(importance_score double precision, created_at timestamptz)
returns double precision[]
language sql
stable parallel safe
set search_path = ''
as $$
  select array[-importance_score, extract(epoch from created_at)]
$$;
comment on function private.keep_order(double precision, timestamptz) is
  'Keep order of merging memories (ascending): most important first, then the oldest.';
revoke all on function private.keep_order(double precision, timestamptz) from public;
grant execute on function private.keep_order(double precision, timestamptz) to authenticated, service_role;

-- What a merge keeps, for store_memory and deduplication alike: the keeper's text, type and identity; the highest
-- importance and confidence; no expiry if any has none, else the latest; the keeper's category, source and
-- embedding, or the first absorbed one's where the keeper has none; every metadata key, the keeper's values
-- winning and then the absorbed in keep order, unless the union would pass the 16,384 bytes of
-- user_memories_metadata_size (then the keeper's metadata alone; the absorbed metadata stays in its sighting).
create or replace function private.merged_memory(keeper public.user_memories, absorbed public.user_memories[])
returns public.user_memories
language plpgsql
immutable parallel safe
set search_path = ''
as $$
declare
  v_kept public.user_memories := keeper;
  v_other public.user_memories;
  v_forever boolean := keeper.expires_at is null;
  v_metadata jsonb := '{}'::jsonb;
begin
  foreach v_other in array absorbed loop
    v_kept.importance_score := greatest(v_kept.importance_score, v_other.importance_score);
    v_kept.confidence_score := greatest(v_kept.confidence_score, v_other.confidence_score);
    v_forever := v_forever or v_other.expires_at is null;
    v_kept.expires_at := greatest(v_kept.expires_at, v_other.expires_at);
    v_kept.category := coalesce(v_kept.category, v_other.category);
    v_kept.source_conversation_id := coalesce(v_kept.source_conversation_id, v_other.source_conversation_id);
    if v_kept.embedding is null and v_other.embedding is not null then
      v_kept.embedding := v_other.embedding;
      v_kept.embedding_model := v_other.embedding_model;
    end if;
    v_metadata := v_other.metadata || v_metadata;
  end loop;
  if v_forever then
    v_kept.expires_at := null;
  end if;
  v_metadata := v_metadata || keeper.metadata;
  if octet_length(v_metadata::text) <= 16384 then
    v_kept.metadata := v_metadata;
  end if;
  return v_kept;
end
$$;
comment on function private.merged_memory(public.user_memories, public.user_memories[]) is
  'The merge rule: the keeper as it stands after absorbing the given memories (in keep order).';
revoke all on function private.merged_memory(public.user_memories, public.user_memories[]) from public;
grant execute on function private.merged_memory(public.user_memories, public.user_memories[]) to authenticated, service_role;

-- Writing sightings (security definer: the log is not writable by users; each checks its target) ----------------

create or replace function private.record_sighting(
  target uuid, memory_id uuid, statement public.user_memories, similarity double precision, idempotency_key text
) returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_checked uuid := private.acting_user(target);
  v_id uuid;
begin
  insert into public.memory_sightings (user_id, memory_id, fact, memory_type, category, importance_score,
    confidence_score, metadata, source_conversation_id, embedding, embedding_model, expires_at, idempotency_key,
    origin, similarity)
  values (target, record_sighting.memory_id, statement.fact, statement.memory_type, statement.category,
    statement.importance_score, statement.confidence_score, statement.metadata, statement.source_conversation_id,
    statement.embedding, statement.embedding_model, statement.expires_at, record_sighting.idempotency_key, 'store',
    record_sighting.similarity)
  returning id into v_id;
  return v_id;
end
$$;
comment on function private.record_sighting(uuid, uuid, public.user_memories, double precision, text) is
  'Records a store_memory statement that merged into a memory of the target user; returns the sighting id.';
revoke all on function private.record_sighting(uuid, uuid, public.user_memories, double precision, text) from public;
grant execute on function private.record_sighting(uuid, uuid, public.user_memories, double precision, text) to authenticated, service_role;

-- Sightings follow their memory's line: to a new version, or to the memory that absorbs it.
create or replace function private.move_sightings(target uuid, from_ids uuid[], to_ids uuid[]) returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_checked uuid := private.acting_user(target);
begin
  update public.memory_sightings s set memory_id = m.to_id
    from unnest(from_ids, to_ids) as m(from_id, to_id)
   where s.memory_id = m.from_id and s.user_id = target;
end
$$;
comment on function private.move_sightings(uuid, uuid[], uuid[]) is
  'Moves the sightings of each memory in from_ids to the memory at the same place in to_ids (same user).';
revoke all on function private.move_sightings(uuid, uuid[], uuid[]) from public;
grant execute on function private.move_sightings(uuid, uuid[], uuid[]) to authenticated, service_role;

-- Each absorbed memory becomes a sighting on its keeper, copied as it stands (call before changing it), and its
-- own sightings move to the keeper.
create or replace function private.absorb_memories(target uuid, absorbed uuid[], keepers uuid[], similarities double precision[])
returns table (memory_id uuid, sighting_id uuid)
language plpgsql
volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_checked uuid := private.acting_user(target);
begin
  perform private.move_sightings(target, absorbed, keepers);
  return query
    insert into public.memory_sightings as s (user_id, memory_id, fact, memory_type, category, importance_score,
      confidence_score, metadata, source_conversation_id, embedding, embedding_model, expires_at, origin,
      merged_memory_id, similarity)
    select target, a.keeper, m.fact, m.memory_type, m.category, m.importance_score, m.confidence_score, m.metadata,
           m.source_conversation_id, m.embedding, m.embedding_model, m.expires_at, 'absorbed', m.id, a.similarity
      from unnest(absorbed, keepers, similarities) as a(id, keeper, similarity)
      join public.user_memories m on m.id = a.id and m.user_id = target
    returning s.merged_memory_id, s.id;
end
$$;
comment on function private.absorb_memories(uuid, uuid[], uuid[], double precision[]) is
  'Records each absorbed memory as a sighting on its keeper and moves its sightings there (same user).';
revoke all on function private.absorb_memories(uuid, uuid[], uuid[], double precision[]) from public;
grant execute on function private.absorb_memories(uuid, uuid[], uuid[], double precision[]) to authenticated, service_role;

-- Duplicate detection --------------------------------------------------------------------------------------------

drop function private.find_duplicate(uuid, text, extensions.vector, text, double precision, uuid);
drop function private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, uuid);

-- Every active memory of the user near a candidate fact: the same text (fact_key), word-set Jaccard at the
-- Jaccard threshold, or cosine at the model's threshold; with its scores, what value makes the two distinct
-- unless it is the same text, and whether it is a duplicate: no value differs, or only a word put in place of
-- another and the embeddings' cosine says they mean the same. security definer: under RLS the planner may not use the
-- word-set index (fact_words() and @> are not leakproof). It checks its target as RLS would.
create or replace function private.duplicate_candidates(
  target uuid, fact text, embedding extensions.vector, embedding_model text,
  jaccard_threshold double precision, cosine_threshold double precision, exclude uuid default null
) returns table (id uuid, same_text boolean, jaccard double precision, cosine double precision,
                 similarity double precision, importance_score double precision, created_at timestamptz,
                 value_difference text, is_duplicate boolean)
language plpgsql
stable
rows 4
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_checked uuid := private.acting_user(target);
  v_words text[] := public.fact_words(duplicate_candidates.fact);
  v_size integer := cardinality(public.fact_words(duplicate_candidates.fact));
  v_key text := md5(public.fact_key(duplicate_candidates.fact));
  v_misses integer;
  v_group integer;
  v_probe text[];
  v_candidates uuid[];
begin
  if jaccard_threshold is null or not (jaccard_threshold > 0 and jaccard_threshold <= 1)
     or cosine_threshold is null or not (cosine_threshold > 0 and cosine_threshold <= 1) then
    raise exception 'thresholds must be above 0 and at most 1' using errcode = '22023', column = 'threshold';
  end if;
  v_candidates := array(
    select m.id from public.user_memories m
     where m.user_id = target and m.is_active and md5(public.fact_key(m.fact)) = v_key and m.id is distinct from exclude);
  -- Jaccard >= t means the other set lacks at most m = |a| - ceil(t|a|) of our words. Deal our words into m + 1
  -- groups: a true duplicate lacks words from at most m of them, so it contains some group whole. Each group is a
  -- containment probe of the GIN index (an intersection of posting lists), selective however common the words.
  v_misses := v_size - ceil(jaccard_threshold * v_size)::integer;
  for v_group in 0 .. v_misses loop
    select array_agg(w) into v_probe
      from (select w, row_number() over (order by char_length(w) desc, w) as n from unnest(v_words) w) dealt
     where (dealt.n - 1) % (v_misses + 1) = v_group;
    v_candidates := v_candidates || array(
      select m.id from public.user_memories m
       where m.user_id = target and m.is_active and m.fact_words operator(pg_catalog.@>) v_probe
         and m.id is distinct from exclude);
  end loop;
  -- A near duplicate by cosine shares almost every sign bit: a few candidates suffice. Asked only with an
  -- embedding: the scan behind it costs as much without one.
  if duplicate_candidates.embedding is not null then
    v_candidates := v_candidates || array(
      select n.id from private.nearest_memories(target, duplicate_candidates.embedding, duplicate_candidates.embedding_model, 4, 32) n
       where n.id is distinct from exclude);
  end if;

  return query
    with near as (
      select x.* from (
        select m.id, md5(public.fact_key(m.fact)) = v_key as same, public.jaccard(m.fact_words, v_words) as jac,
               case when duplicate_candidates.embedding is not null and m.embedding_model = duplicate_candidates.embedding_model
                    then 1 - (m.embedding operator(extensions.<=>) duplicate_candidates.embedding) end as cos
          from public.user_memories m
         where m.id = any (v_candidates) and m.user_id = target
      ) x
      where x.same or x.jac >= jaccard_threshold or x.cos >= cosine_threshold
    )
    select j.id, j.same, j.jac, j.cos, j.similarity, j.importance_score, j.created_at, j.reason,
           j.same or j.reason is null or (j.reason = 'word differs' and coalesce(j.cos >= cosine_threshold, false))
      from (select n.id, n.same, n.jac, n.cos,
                   case when n.same then 1.0::double precision else greatest(coalesce(n.jac, 0), coalesce(n.cos, 0)) end as similarity,
                   m.importance_score, m.created_at,
                   case when not n.same then private.value_difference(m.fact, m.fact_words, duplicate_candidates.fact, v_words) end as reason
              from near n
              join public.user_memories m on m.id = n.id) j;
end
$$;
comment on function private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, double precision, uuid) is
  'The active memories of a user near a candidate fact (same text, word Jaccard, or same-model cosine at its '
  'threshold), with their scores, the value that makes each distinct, and whether it is a duplicate.';
revoke all on function private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, double precision, uuid) from public;
grant execute on function private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, double precision, uuid)
  to authenticated, service_role;

-- The thresholds a call is judged by: an explicit one for both measures, else Jaccard from memory_settings and
-- cosine from the model's row of memory_model_settings.
create or replace function private.duplicate_thresholds(embedding_model text, requested double precision)
returns table (jaccard double precision, cosine double precision)
language plpgsql
stable
set search_path = ''
as $$
begin
  return query
    select coalesce(requested, (select s.duplicate_threshold from public.memory_settings s)),
           coalesce(requested, (select t.duplicate_threshold from private.model_settings(duplicate_thresholds.embedding_model) t));
end
$$;
comment on function private.duplicate_thresholds(text, double precision) is
  'Jaccard and cosine duplicate thresholds: the requested one for both, else memory_settings and the model''s row.';
revoke all on function private.duplicate_thresholds(text, double precision) from public;
grant execute on function private.duplicate_thresholds(text, double precision) to authenticated, service_role;

-- store_memory -------------------------------------------------------------------------------------------------

drop function public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamptz, text, uuid, double precision);

create or replace function public.store_memory(
  fact text,
  memory_type text default 'fact',
  category text default null,
  importance_score double precision default 0.5,
  confidence_score double precision default 0.5,
  source_conversation_id uuid default null,
  metadata jsonb default '{}'::jsonb,
  embedding extensions.vector default null,
  embedding_model text default null,
  expires_at timestamptz default null,
  idempotency_key text default null,
  user_id uuid default null,
  duplicate_threshold double precision default null
) returns table (id uuid, status text, version integer, sighting_id uuid, related jsonb)
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(store_memory.user_id);
  v_fact text := regexp_replace(store_memory.fact, '^[[:space:]]+|[[:space:]]+$', '', 'g');
  v_thresholds record;
  v_statement public.user_memories;
  v_existing public.user_memories;
  v_kept public.user_memories;
  v_match uuid;
  v_similarity double precision;
  v_related jsonb;
  v_id uuid;
  v_status text;
  v_version integer;
  v_sighting uuid;
begin
  if idempotency_key is not null and char_length(idempotency_key) not between 1 and 200 then
    raise exception 'idempotency_key must be 1 to 200 characters' using errcode = '22023', column = 'idempotency_key';
  end if;
  if duplicate_threshold is not null and not (duplicate_threshold > 0 and duplicate_threshold <= 1) then
    raise exception 'duplicate_threshold must be above 0 and at most 1' using errcode = '22023', column = 'duplicate_threshold';
  end if;
  perform private.validate_memory_input(v_fact, store_memory.memory_type, store_memory.category,
    store_memory.importance_score, store_memory.confidence_score, store_memory.embedding, store_memory.embedding_model,
    store_memory.metadata, store_memory.expires_at);

  perform private.lock_user_memories(v_user);

  if idempotency_key is not null then
    return query
      select k.memory_id, k.status, k.version, k.sighting_id, k.related from public.memory_idempotency_keys k
       where k.user_id = v_user and k.idempotency_key = store_memory.idempotency_key;
    if found then
      return;
    end if;
  end if;

  -- The statement as a memory row, for the merge rule and the sighting.
  v_statement.user_id := v_user;
  v_statement.fact := v_fact;
  v_statement.memory_type := store_memory.memory_type;
  v_statement.category := store_memory.category;
  v_statement.importance_score := store_memory.importance_score;
  v_statement.confidence_score := store_memory.confidence_score;
  v_statement.source_conversation_id := store_memory.source_conversation_id;
  v_statement.metadata := store_memory.metadata;
  v_statement.embedding := store_memory.embedding;
  v_statement.embedding_model := store_memory.embedding_model;
  v_statement.expires_at := store_memory.expires_at;
  -- The newcomer: on a tie of importance the memory already there stays (its id is the one a chatbot holds). Not
  -- now(): a store that waited on the lock began before the memory it now meets.
  v_statement.created_at := 'infinity';

  -- One pass over the near memories: the duplicate to merge into (the same text first, then the most similar,
  -- then keep order), and those a value sets apart, which the caller hears of as related.
  select * into v_thresholds from private.duplicate_thresholds(store_memory.embedding_model, duplicate_threshold);
  select coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'similarity', round(c.similarity::numeric, 4), 'reason', c.value_difference)
                    order by c.similarity desc, c.id) filter (where not c.is_duplicate), '[]'::jsonb),
         (array_agg(c.id order by c.same_text desc, c.similarity desc, private.keep_order(c.importance_score, c.created_at), c.id)
            filter (where c.is_duplicate))[1],
         (array_agg(c.similarity order by c.same_text desc, c.similarity desc, private.keep_order(c.importance_score, c.created_at), c.id)
            filter (where c.is_duplicate))[1]
    into v_related, v_match, v_similarity
    from private.duplicate_candidates(v_user, v_fact, store_memory.embedding, store_memory.embedding_model,
           v_thresholds.jaccard, v_thresholds.cosine) c;

  if v_match is null then
    insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
      source_conversation_id, metadata, embedding, embedding_model, expires_at)
    values (v_user, v_fact, store_memory.memory_type, store_memory.category, store_memory.importance_score,
      store_memory.confidence_score, store_memory.source_conversation_id, store_memory.metadata,
      store_memory.embedding, store_memory.embedding_model, store_memory.expires_at)
    returning user_memories.id, user_memories.version into v_id, v_version;
    v_status := case when v_related = '[]'::jsonb then 'created' else 'distinct' end;
  else
    select m.* into v_existing from public.user_memories m where m.id = v_match for no key update;
    if private.keep_order(v_existing.importance_score, v_existing.created_at)
       <= private.keep_order(v_statement.importance_score, v_statement.created_at) then
      -- The existing memory stays and takes what the merge keeps; the statement is kept as a sighting on it.
      v_kept := private.merged_memory(v_existing, array[v_statement]);
      update public.user_memories m
         set importance_score = v_kept.importance_score, confidence_score = v_kept.confidence_score,
             metadata = v_kept.metadata, expires_at = v_kept.expires_at, category = v_kept.category,
             source_conversation_id = v_kept.source_conversation_id, embedding = v_kept.embedding,
             embedding_model = v_kept.embedding_model, last_accessed_at = now()
       where m.id = v_existing.id;
      v_sighting := private.record_sighting(v_user, v_existing.id, v_statement, v_similarity, store_memory.idempotency_key);
      v_id := v_existing.id;
      v_version := v_existing.version;
    else
      -- The statement is the more important: it becomes the memory, and the old one a sighting on it.
      v_kept := private.merged_memory(v_statement, array[v_existing]);
      update public.user_memories m set is_active = false where m.id = v_existing.id;
      insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
        source_conversation_id, metadata, embedding, embedding_model, expires_at, last_accessed_at)
      values (v_user, v_fact, v_kept.memory_type, v_kept.category, v_kept.importance_score, v_kept.confidence_score,
        v_kept.source_conversation_id, v_kept.metadata, v_kept.embedding, v_kept.embedding_model, v_kept.expires_at, now())
      returning user_memories.id, user_memories.version into v_id, v_version;
      select a.sighting_id into v_sighting
        from private.absorb_memories(v_user, array[v_existing.id], array[v_id], array[v_similarity]) a;
      -- Duplicate chains stay one link long.
      update public.user_memories m set duplicate_of = v_id
       where m.user_id = v_user and (m.id = v_existing.id or m.duplicate_of = v_existing.id);
    end if;
    v_status := 'duplicate';
  end if;

  if idempotency_key is not null then
    insert into public.memory_idempotency_keys (user_id, idempotency_key, memory_id, status, version, sighting_id, related)
    values (v_user, store_memory.idempotency_key, v_id, v_status, v_version, v_sighting, v_related);
  end if;
  return query select v_id, v_status, v_version, v_sighting, v_related;
end
$$;
comment on function public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamptz, text, uuid, double precision) is
  'Stores a memory for the caller in one transaction: validates; merges into a duplicate (the same text, word '
  'Jaccard or same-model cosine at the thresholds, and no value differing), keeping the more important and the '
  'statement as a sighting; or inserts within the quota (PT507). Returns (id, status created|distinct|duplicate, '
  'version, sighting_id, related: near memories a value sets apart, [{id, similarity, reason}]); an idempotency '
  'key replays the first outcome.';
revoke all on function public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamptz, text, uuid, double precision) from public, anon;
grant execute on function public.store_memory(text, text, text, double precision, double precision, uuid, jsonb, extensions.vector, text, timestamptz, text, uuid, double precision)
  to authenticated, service_role;

-- The near memories of a candidate text, as store_memory would judge them ----------------------------------------

drop function public.find_duplicate_memories(uuid, text, double precision, extensions.vector, text);

create or replace function public.find_duplicate_memories(
  user_id uuid,
  fact text,
  threshold double precision default null,
  embedding extensions.vector default null,
  embedding_model text default null
) returns table (id uuid, existing_fact text, jaccard double precision, cosine double precision, similarity double precision,
                 is_duplicate boolean, value_difference text)
language plpgsql
stable
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(find_duplicate_memories.user_id);
  v_thresholds record;
begin
  if find_duplicate_memories.fact is null or find_duplicate_memories.fact !~ '[^[:space:]]' then
    raise exception 'fact must not be empty' using errcode = '22023', column = 'fact';
  end if;
  if (find_duplicate_memories.embedding is null) <> (find_duplicate_memories.embedding_model is null) then
    raise exception 'embedding and embedding_model go together' using errcode = '22023', column = 'embedding_model';
  end if;
  select * into v_thresholds from private.duplicate_thresholds(find_duplicate_memories.embedding_model, threshold);
  return query
    select d.id, m.fact, d.jaccard, d.cosine, d.similarity, d.is_duplicate, d.value_difference
      from private.duplicate_candidates(v_user, find_duplicate_memories.fact, find_duplicate_memories.embedding,
             find_duplicate_memories.embedding_model, v_thresholds.jaccard, v_thresholds.cosine) d
      join public.user_memories m on m.id = d.id
     order by d.is_duplicate desc, d.similarity desc, m.importance_score desc, m.id;
end
$$;
comment on function public.find_duplicate_memories(uuid, text, double precision, extensions.vector, text) is
  'The user''s active memories near a candidate text (word-set Jaccard; cosine for embeddings of the same model), '
  'each with its scores and whether store_memory would merge it: is_duplicate, or value_difference saying what '
  'value sets the two apart. Duplicates first, most similar first.';
revoke all on function public.find_duplicate_memories(uuid, text, double precision, extensions.vector, text) from public, anon;
grant execute on function public.find_duplicate_memories(uuid, text, double precision, extensions.vector, text)
  to authenticated, service_role;

-- A manual merge records the duplicate like any other.
create or replace function public.mark_memory_duplicate(memory_id uuid, original_id uuid)
returns table (id uuid, duplicate_of uuid, relinked integer)
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_memory public.user_memories;
  v_original public.user_memories;
  v_relinked integer;
begin
  if memory_id is null or original_id is null then
    raise exception 'memory_id and original_id are required' using errcode = '22023', column = 'memory_id';
  end if;
  if memory_id = original_id then
    raise exception 'a memory cannot be a duplicate of itself' using errcode = '22023', column = 'original_id';
  end if;
  -- RLS decides what the caller can see; a memory of another user is simply not found.
  select m.* into v_memory from public.user_memories m where m.id = memory_id for no key update;
  select m.* into v_original from public.user_memories m where m.id = original_id for no key update;
  if v_memory.id is null then
    raise exception 'memory % not found', memory_id using errcode = 'PT404', column = 'memory_id';
  end if;
  if v_original.id is null then
    raise exception 'memory % not found', original_id using errcode = 'PT404', column = 'original_id';
  end if;
  if v_original.user_id <> v_memory.user_id then
    raise exception 'a memory can only duplicate a memory of the same user' using errcode = '22023', column = 'original_id';
  end if;
  perform private.lock_user_memories(v_memory.user_id);
  if not v_original.is_active then
    raise exception 'the original % is not active (superseded, forgotten or itself a duplicate)', original_id
      using errcode = 'PT409', column = 'original_id';
  end if;
  -- An active original has no duplicate_of, so linking to it cannot close a cycle; the walk says so explicitly.
  if exists (
    with recursive chain as (
      select m.id, m.duplicate_of from public.user_memories m where m.id = original_id
      union all
      select m.id, m.duplicate_of from public.user_memories m join chain c on m.id = c.duplicate_of
    ) select 1 from chain where chain.id = memory_id
  ) then
    raise exception 'linking % to % would make a cycle', memory_id, original_id using errcode = 'PT409', column = 'original_id';
  end if;
  perform private.absorb_memories(v_memory.user_id, array[memory_id], array[original_id],
    array[public.jaccard(v_memory.fact_words, v_original.fact_words)]);
  update public.user_memories m set is_active = false, duplicate_of = original_id where m.id = memory_id;
  -- Keep duplicate chains one link long: what pointed at the new duplicate now points at its original.
  update public.user_memories m set duplicate_of = original_id where m.duplicate_of = memory_id and m.id <> original_id;
  get diagnostics v_relinked = row_count;
  return query select memory_id, original_id, v_relinked;
end
$$;
comment on function public.mark_memory_duplicate(uuid, uuid) is
  'Deactivates a memory as a duplicate of an active original of the same user, links it (and its own duplicates) '
  'to that original, and records it as a sighting there (unmerge_memory undoes it). Refuses self-links (22023), '
  'other users'' memories (PT404), inactive originals and cycles (PT409).';

-- Deduplication ------------------------------------------------------------------------------------------------

drop function private.duplicate_pairs(uuid, double precision);

-- The duplicate pairs among one user's active memories: candidates by prefix and positional filtering of words
-- (Jaccard) and by LSH bands of the quantized embeddings (cosine, at each model's threshold), verified exactly,
-- then kept only where no value sets the two facts apart (a word put in place of another only when the cosine
-- says they mean the same) and the user has not unmerged them before.
create or replace function private.duplicate_pairs(target uuid, jaccard_threshold double precision,
  cosine_threshold double precision default null)
returns table (a uuid, b uuid, similarity double precision)
language plpgsql
stable
security definer
set search_path = ''
-- The candidate sets are a few hundred thousand rows; hash them in memory (merge joins sorted them, slowly).
set work_mem = '64MB'
set enable_mergejoin = off
-- The planner's row estimates for these self-joins are astronomical, so it JIT-compiled the query with full
-- optimization: ~700 ms before the first row, whatever the data.
set jit = off
-- Join in the order written: from the candidate pairs out to their rows. Left free, the planner, misled by the
-- self-joins' estimates, crossed the user's memories with themselves before meeting the few candidates.
set join_collapse_limit = 1
as $$
#variable_conflict use_column
declare
  v_checked uuid := private.acting_user(target);
begin
  if jaccard_threshold is null or not (jaccard_threshold > 0 and jaccard_threshold <= 1)
     or not coalesce(cosine_threshold > 0 and cosine_threshold <= 1, cosine_threshold is null) then
    raise exception 'thresholds must be above 0 and at most 1' using errcode = '22023', column = 'threshold';
  end if;
  return query
    -- Small rows only: the embeddings (1.5 KB each) are fetched for the few pairs that pass the Hamming bound;
    -- carrying them here spilled this CTE to disk at 10k memories.
    with mem as materialized (
      select m.id, m.fact_words as words, cardinality(m.fact_words) as size, m.embedding_bits, m.embedding_model,
             dense_rank() over (order by m.embedding_model) as model
        from public.user_memories m
       where m.user_id = target and m.is_active
    ),
    -- Each model's cosine threshold, and the Hamming distance it allows: a cosine of t is an angle of acos(t);
    -- about that share of 384 sign bits differ (68 at 0.85, with a standard deviation near 7.5). A quarter more
    -- keeps ~99% of the pairs at exactly t and drops most unrelated ones.
    models as materialized (
      select x.model, x.threshold, ceil(1.25 * 384 * acos(least(x.threshold, 1)) / pi())::integer as max_hamming
        from (select m.model, coalesce(cosine_threshold,
                (select t.duplicate_threshold from private.model_settings(m.embedding_model) t)) as threshold
                from (select distinct mem.model, mem.embedding_model from mem where mem.embedding_bits is not null) m) x
    ),
    -- Narrow rows from here on: the word sets rejoin only the candidate pairs.
    tok as materialized (select mem.id, mem.size, w from mem, unnest(mem.words) w),
    freq as (select tok.w, count(*) as f from tok group by tok.w),
    prefix as (
      select r.id, r.w, r.size, r.pos
        from (select tok.id, tok.w, tok.size, row_number() over (partition by tok.id order by freq.f, tok.w) as pos
                from tok join freq using (w)) r
       where r.pos <= r.size - ceil(jaccard_threshold * r.size) + 1
    ),
    -- Positional filtering (PPJoin): a word at position i of one set and j of the other leaves room for at most
    -- 1 + min(|a| - i, |b| - j) shared words, and Jaccard >= t needs t / (1 + t) * (|a| + |b|) of them. Most
    -- chance meetings on a prefix word fail this (the epsilon keeps float rounding from dropping a true pair).
    word_pairs as (
      select distinct p.id as a, q.id as b
        from prefix p join prefix q on q.w = p.w and q.id > p.id
       where q.size between ceil(jaccard_threshold * p.size) and floor(p.size / jaccard_threshold)
         and 1 + least(p.size - p.pos, q.size - q.pos)
             >= ceil(jaccard_threshold / (1 + jaccard_threshold) * (p.size + q.size) - 1e-9)
    ),
    -- Jaccard by counting shared words inline (a dozen comparisons, not a function call each).
    word_scores as (
      select wp.a, wp.b, x.shared / (ma.size + mb.size - x.shared) as sim
        from word_pairs wp join mem ma on ma.id = wp.a join mem mb on mb.id = wp.b
        cross join lateral (select count(*)::double precision as shared from unnest(ma.words) w where w = any (mb.words)) x
    ),
    -- One integer key per band: the model, the band's number and its 16 bits (a shift and a cast: substring()
    -- cost twice as much over 24 bands of every memory).
    bands as materialized (
      select mem.id, mem.model, mem.embedding_bits,
             ((mem.model * 24 + k) << 16) | ((mem.embedding_bits << (16 * k))::bit(16))::integer::bigint as key
        from mem, generate_series(0, 23) k
       where mem.embedding_bits is not null
    ),
    -- Only bands that pair something: most keys belong to one memory, and are dropped before the self-join. A
    -- band shared by more than 64 memories says nothing about any pair of them (a dense cluster: memories
    -- written from one template, or short texts of one topic): it is skipped, or its pairs would grow with the
    -- square of the cluster. Their other bands, and their words, still find their duplicates. (Measured at 10k
    -- memories: 460 ms against 650 ms joining all bands and filtering after, 580 ms grouping them into arrays.)
    shared_bands as (
      select b.* from bands b
       where b.key in (select s.key from bands s group by s.key having count(*) between 2 and 64)
    ),
    near as materialized (
      select distinct x.id as a, y.id as b, models.threshold
        from shared_bands x
        join shared_bands y on y.key = x.key and y.id > x.id
        join models on models.model = x.model
       where pg_catalog.bit_count(x.embedding_bits # y.embedding_bits) <= models.max_hamming
    ),
    -- The embeddings of the pairs left, read once through the user's rows (never a scan of the whole table).
    embeddings as (
      select e.id, e.embedding from public.user_memories e
       where e.user_id = target and e.is_active and e.id in (select near.a from near union select near.b from near)
    ),
    scored as (
      select ws.a, ws.b, ws.sim, false as by_vector from word_scores ws where ws.sim >= jaccard_threshold
      union all
      select v.a, v.b, v.sim, true
        from (select near.a, near.b, near.threshold, 1 - (ea.embedding operator(extensions.<=>) eb.embedding) as sim
                from near join embeddings ea on ea.id = near.a join embeddings eb on eb.id = near.b) v
       where v.sim >= v.threshold
    ),
    candidates as (
      select s.a, s.b, max(s.sim) as sim, max(s.sim) filter (where s.by_vector) as cos from scored s group by s.a, s.b
    ),
    -- The texts of the candidates only, for the value guard.
    texts as (
      select e.id, e.fact, e.fact_words, e.embedding_model from public.user_memories e
       where e.user_id = target and e.is_active
         and e.id in (select c.a from candidates c union select c.b from candidates c)
    ),
    unmerged as (
      select s.memory_id as keeper, s.unmerged_memory_id as other from public.memory_sightings s
       where s.user_id = target and s.unmerged_memory_id is not null
    ),
    -- Materialized: the guard runs once per pair (inlined, the filter below called it twice).
    judged as materialized (
      select c.a, c.b, c.sim, c.cos, ta.embedding_model as model_a, tb.embedding_model as model_b,
             private.value_difference(ta.fact, ta.fact_words, tb.fact, tb.fact_words) as reason
        from candidates c
        join texts ta on ta.id = c.a
        join texts tb on tb.id = c.b
       where not exists (select 1 from unmerged u
                          where (u.keeper = c.a and u.other = c.b) or (u.keeper = c.b and u.other = c.a))
    )
    select j.a, j.b, j.sim
      from judged j
     where j.reason is null
        -- A word put in place of another: a duplicate only if the embeddings (of one model) say so.
        or (j.reason = 'word differs' and j.model_a = j.model_b
            and coalesce(j.cos, (select 1 - (ea.embedding operator(extensions.<=>) eb.embedding)
                                   from public.user_memories ea, public.user_memories eb
                                  where ea.id = j.a and eb.id = j.b))
                >= coalesce(cosine_threshold, (select t.duplicate_threshold from private.model_settings(j.model_a) t)));
end
$$;
comment on function private.duplicate_pairs(uuid, double precision, double precision) is
  'The duplicate pairs among a user''s active memories: Jaccard at jaccard_threshold or same-model cosine at '
  'cosine_threshold (default: each model''s), no value differing, never a pair the user unmerged.';
revoke all on function private.duplicate_pairs(uuid, double precision, double precision) from public;
grant execute on function private.duplicate_pairs(uuid, double precision, double precision) to authenticated, service_role;

create or replace function public.deduplicate_memories(user_id uuid default null, threshold double precision default null)
returns table (duplicates_found bigint, duplicates_removed bigint)
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(deduplicate_memories.user_id);
  v_jaccard double precision := coalesce(threshold, (select s.duplicate_threshold from public.memory_settings s));
  v_found bigint;
  v_node record;
  v_taken boolean[] := '{}';
  v_i integer;
  v_dups uuid[] := '{}';
  v_keepers uuid[] := '{}';
  v_similarities double precision[] := '{}';
  v_pair_a uuid[];
  v_pair_b uuid[];
  v_pair_similarity double precision[];
begin
  if not (v_jaccard > 0 and v_jaccard <= 1) then
    raise exception 'threshold must be above 0 and at most 1' using errcode = '22023', column = 'threshold';
  end if;
  -- The pairs are found before the user's lock is taken: that is the long part, and the user's stores go on
  -- meanwhile. Under the lock, a pair counts only if both memories are still active and were not unmerged since.
  select coalesce(array_agg(p.a), '{}'), coalesce(array_agg(p.b), '{}'), coalesce(array_agg(p.similarity), '{}')
    into v_pair_a, v_pair_b, v_pair_similarity
    from private.duplicate_pairs(v_user, v_jaccard, threshold) p;
  perform private.lock_user_memories(v_user);

  -- Decide first, in keep order: a memory not yet taken stays and absorbs its duplicates that no earlier keeper
  -- took. Nodes are numbered by keep order so that "taken" is a boolean array indexed in place, and the loop
  -- stays linear in the number of pairs.
  v_found := 0;
  for v_node in
    with pairs as (
      select x.a, x.b, x.similarity from unnest(v_pair_a, v_pair_b, v_pair_similarity) as x(a, b, similarity)
       where (select count(*) from public.user_memories m where m.id in (x.a, x.b) and m.user_id = v_user and m.is_active) = 2
         and not exists (select 1 from public.memory_sightings s
                          where s.user_id = v_user and s.memory_id in (x.a, x.b) and s.unmerged_memory_id in (x.a, x.b))
    ),
    edges as (select p.a as id, p.b as partner, p.similarity from pairs p union all select p.b, p.a, p.similarity from pairs p),
    ranked as (
      select n.id, (row_number() over (order by private.keep_order(m.importance_score, m.created_at), n.id))::integer as r
        from (select distinct e.id from edges e) n join public.user_memories m on m.id = n.id
    )
    select r1.r, r1.id, array_agg(r2.r order by r2.r) as partner_ranks, array_agg(r2.id order by r2.r) as partner_ids,
           array_agg(e.similarity order by r2.r) as partner_similarities
      from edges e join ranked r1 on r1.id = e.id join ranked r2 on r2.id = e.partner
     group by r1.r, r1.id
     order by r1.r
  loop
    v_found := v_found + cardinality(v_node.partner_ranks);
    continue when coalesce(v_taken[v_node.r], false);
    v_taken[v_node.r] := true;
    for v_i in 1 .. cardinality(v_node.partner_ranks) loop
      continue when coalesce(v_taken[v_node.partner_ranks[v_i]], false);
      v_taken[v_node.partner_ranks[v_i]] := true;
      v_dups := array_append(v_dups, v_node.partner_ids[v_i]);
      v_keepers := array_append(v_keepers, v_node.id);
      v_similarities := array_append(v_similarities, v_node.partner_similarities[v_i]);
    end loop;
  end loop;
  if cardinality(v_dups) = 0 then
    return query select v_found / 2, 0::bigint;
    return;
  end if;

  -- Then apply, set-based: each duplicate becomes a sighting on its keeper (copied before anything changes), the
  -- keepers take what the merge rule keeps, and the duplicates are deactivated and linked.
  perform private.absorb_memories(v_user, v_dups, v_keepers, v_similarities);
  with absorbed as (
    select k.keeper, array_agg(d order by private.keep_order(d.importance_score, d.created_at), d.id) as memories
      from unnest(v_dups, v_keepers) as k(dup, keeper) join public.user_memories d on d.id = k.dup
     group by k.keeper
  ),
  kept as (
    select (private.merged_memory(m, a.memories)).* from absorbed a join public.user_memories m on m.id = a.keeper
  )
  update public.user_memories k
     set importance_score = n.importance_score, confidence_score = n.confidence_score, expires_at = n.expires_at,
         metadata = n.metadata, category = n.category, source_conversation_id = n.source_conversation_id,
         embedding = n.embedding, embedding_model = n.embedding_model
    from kept n
   where k.id = n.id
     -- A merge that changes nothing writes nothing: each write of an active memory touches all of its indexes.
     and (k.importance_score, k.confidence_score, k.expires_at, k.metadata, k.category, k.source_conversation_id, k.embedding_model)
         is distinct from (n.importance_score, n.confidence_score, n.expires_at, n.metadata, n.category, n.source_conversation_id, n.embedding_model);
  update public.user_memories d set is_active = false, duplicate_of = k.keeper
    from unnest(v_dups, v_keepers) as k(dup, keeper) where d.id = k.dup;
  update public.user_memories d set duplicate_of = k.keeper
    from unnest(v_dups, v_keepers) as k(dup, keeper) where d.duplicate_of = k.dup and d.id <> k.dup;
  return query select v_found / 2, cardinality(v_dups)::bigint;
end
$$;
comment on function public.deduplicate_memories(uuid, double precision) is
  'Merges one user''s duplicate memories (word Jaccard at memory_settings.duplicate_threshold or same-model cosine '
  'at the model''s threshold, or both at the given threshold; never facts a value sets apart, never a pair the '
  'user unmerged): the first in keep order stays and takes what the merge rule keeps, each other becomes an '
  'inactive duplicate recorded as a sighting on it. Returns the pairs found and the memories removed.';

-- Unmerge ------------------------------------------------------------------------------------------------------

-- Marks a sighting as made into a memory of its own (security definer: the log is not writable by users).
create or replace function private.mark_unmerged(target uuid, sighting uuid, memory uuid) returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_checked uuid := private.acting_user(target);
begin
  update public.memory_sightings s set unmerged_at = now(), unmerged_memory_id = memory
   where s.id = sighting and s.user_id = target;
end
$$;
comment on function private.mark_unmerged(uuid, uuid, uuid) is
  'Records that a sighting of the target user became the given memory (unmerge_memory).';
revoke all on function private.mark_unmerged(uuid, uuid, uuid) from public;
grant execute on function private.mark_unmerged(uuid, uuid, uuid) to authenticated, service_role;

create or replace function public.unmerge_memory(merged_id uuid, user_id uuid default null)
returns table (id uuid, status text, version integer, sighting_id uuid, merged_into uuid)
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(unmerge_memory.user_id);
  v_sighting public.memory_sightings;
  v_absorbed public.user_memories;
  v_same uuid;
  v_id uuid;
  v_version integer;
begin
  if merged_id is null then
    raise exception 'merged_id is required: a sighting''s id, or the id of a memory marked as a duplicate'
      using errcode = '22023', column = 'merged_id';
  end if;
  perform private.lock_user_memories(v_user);
  -- A sighting by its id, or the one recording a merged memory (its latest merge, when it was merged again).
  select s.* into v_sighting from public.memory_sightings s
   where s.user_id = v_user and (s.id = merged_id or s.merged_memory_id = merged_id)
   order by s.unmerged_at is not null, s.seen_at desc
   limit 1;
  if v_sighting.id is null then
    raise exception 'no merged statement or duplicate memory % of this user', merged_id
      using errcode = 'PT404', column = 'merged_id',
            hint = 'memory_history(memory_id) lists the sightings of a memory with their ids.';
  end if;
  -- Idempotent: unmerging again answers the memory the first unmerge made.
  if v_sighting.unmerged_at is not null then
    return query
      select v_sighting.unmerged_memory_id, 'unmerged'::text,
             (select m.version from public.user_memories m where m.id = v_sighting.unmerged_memory_id),
             v_sighting.id, v_sighting.memory_id;
    return;
  end if;

  select m.id into v_same from public.user_memories m
   where m.user_id = v_user and m.is_active and md5(public.fact_key(m.fact)) = md5(public.fact_key(v_sighting.fact))
     and m.id is distinct from v_sighting.merged_memory_id;
  if v_same is not null then
    raise exception 'memory % already says this (the same text): it cannot be unmerged into a second one', v_same
      using errcode = 'PT409', column = 'merged_id', hint = 'Update or forget that memory instead.';
  end if;

  if v_sighting.merged_memory_id is not null then
    select m.* into v_absorbed from public.user_memories m where m.id = v_sighting.merged_memory_id for no key update;
  end if;
  if v_absorbed.id is not null then
    -- The absorbed memory's row is still there: it comes back as it was (a new active place, within the quota).
    if not v_absorbed.is_active then
      update public.user_memories m set is_active = true, duplicate_of = null where m.id = v_absorbed.id;
    end if;
    v_id := v_absorbed.id;
    v_version := v_absorbed.version;
  else
    if v_sighting.expires_at is not null and v_sighting.expires_at <= now() then
      raise exception 'the statement expired at %; an expired statement is not made a memory again', v_sighting.expires_at
        using errcode = 'PT409', column = 'merged_id';
    end if;
    insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
      source_conversation_id, metadata, embedding, embedding_model, expires_at)
    values (v_user, v_sighting.fact, v_sighting.memory_type, v_sighting.category, v_sighting.importance_score,
      v_sighting.confidence_score, v_sighting.source_conversation_id, v_sighting.metadata, v_sighting.embedding,
      v_sighting.embedding_model, v_sighting.expires_at)
    returning user_memories.id, user_memories.version into v_id, v_version;
  end if;
  perform private.mark_unmerged(v_user, v_sighting.id, v_id);
  return query select v_id, 'unmerged'::text, v_version, v_sighting.id, v_sighting.memory_id;
end
$$;
comment on function public.unmerge_memory(uuid, uuid) is
  'Undoes a merge: the sighting with this id, or the memory that deduplication (or a store) marked as a duplicate, '
  'becomes an active memory of its own again, within the quota (PT507); deduplication never merges the two again. '
  'Idempotent. PT404 unknown id, PT409 when an active memory already has the same text or the statement expired.';
revoke all on function public.unmerge_memory(uuid, uuid) from public, anon;
grant execute on function public.unmerge_memory(uuid, uuid) to authenticated, service_role;

-- History ------------------------------------------------------------------------------------------------------

drop function public.memory_history(uuid);

create or replace function public.memory_history(memory_id uuid)
returns table (id uuid, version integer, fact text, memory_type text, category text, importance_score double precision,
               confidence_score double precision, is_active boolean, previous_version_id uuid, created_at timestamptz,
               kind text, attached_to uuid, origin text, similarity double precision, duplicate_of uuid,
               merged_memory_id uuid, unmerged_memory_id uuid, unmerged_at timestamptz, metadata jsonb,
               source_conversation_id uuid)
language sql
stable
set search_path = ''
as $$
  -- Walk back to the first version, then forward along previous_version_id; RLS limits it to the caller's rows.
  with recursive back as (
    select m.id, m.previous_version_id from public.user_memories m where m.id = memory_history.memory_id
    union all
    select m.id, m.previous_version_id from public.user_memories m join back b on m.id = b.previous_version_id
  ),
  forward as (
    select m.* from public.user_memories m join back b on m.id = b.id where b.previous_version_id is null
    union all
    select m.* from public.user_memories m join forward f on m.previous_version_id = f.id
  ),
  events as (
    select f.id, f.version, f.fact, f.memory_type, f.category, f.importance_score, f.confidence_score, f.is_active,
           f.previous_version_id, f.created_at, 'version'::text as kind, null::uuid as attached_to, null::text as origin,
           null::double precision as similarity, f.duplicate_of, null::uuid as merged_memory_id,
           null::uuid as unmerged_memory_id, null::timestamptz as unmerged_at, f.metadata, f.source_conversation_id
      from forward f
    union all
    -- The statements merged into this memory, and the merges of this memory into another.
    select s.id, null, s.fact, s.memory_type, s.category, s.importance_score, s.confidence_score, false, null,
           s.seen_at, 'sighting', s.memory_id, s.origin, s.similarity, null, s.merged_memory_id, s.unmerged_memory_id,
           s.unmerged_at, s.metadata, s.source_conversation_id
      from public.memory_sightings s
     where s.memory_id in (select f.id from forward f) or s.merged_memory_id in (select f.id from forward f)
  )
  select * from events e order by e.created_at, e.kind desc, e.version, e.id
$$;
comment on function public.memory_history(uuid) is
  'Everything said about the memory that the given version belongs to, oldest first (empty if it is not the '
  'caller''s): every version (kind version) and every statement merged into it or recording its own merge into '
  'another (kind sighting: origin store|absorbed, attached_to, similarity, unmerged_memory_id once unmerged).';
revoke all on function public.memory_history(uuid) from public, anon;
grant execute on function public.memory_history(uuid) to authenticated, service_role;

-- Versions carry their sightings along -------------------------------------------------------------------------

create or replace function public.update_memory(
  memory_id uuid,
  fact text default null,
  memory_type text default null,
  category text default null,
  importance_score double precision default null,
  confidence_score double precision default null,
  metadata jsonb default null,
  embedding extensions.vector default null,
  embedding_model text default null,
  expires_at timestamptz default null,
  user_id uuid default null
) returns table (id uuid, status text, version integer)
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user uuid := private.acting_user(update_memory.user_id);
  v_old public.user_memories;
  v_new public.user_memories;
  v_fact_changed boolean;
begin
  perform private.lock_user_memories(v_user);
  v_old := private.active_memory_for_update(v_user, memory_id);
  v_new := v_old;
  v_new.fact := coalesce(regexp_replace(update_memory.fact, '^[[:space:]]+|[[:space:]]+$', '', 'g'), v_old.fact);
  v_fact_changed := v_new.fact is distinct from v_old.fact;
  v_new.memory_type := coalesce(update_memory.memory_type, v_old.memory_type);
  v_new.category := coalesce(update_memory.category, v_old.category);
  v_new.importance_score := coalesce(update_memory.importance_score, v_old.importance_score);
  v_new.confidence_score := coalesce(update_memory.confidence_score, v_old.confidence_score);
  v_new.metadata := coalesce(update_memory.metadata, v_old.metadata);
  v_new.expires_at := coalesce(update_memory.expires_at, v_old.expires_at);
  -- A new text invalidates the old embedding: keep it only when the fact is unchanged or a new one is given.
  v_new.embedding := case when update_memory.embedding is not null then update_memory.embedding
                          when v_fact_changed then null else v_old.embedding end;
  v_new.embedding_model := case when update_memory.embedding is not null then update_memory.embedding_model
                                when v_fact_changed then null else v_old.embedding_model end;
  perform private.validate_memory_input(v_new.fact, v_new.memory_type, v_new.category, v_new.importance_score,
    v_new.confidence_score, v_new.embedding, v_new.embedding_model, v_new.metadata,
    case when update_memory.expires_at is not null then v_new.expires_at end);

  update public.user_memories m set is_active = false where m.id = v_old.id;
  insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score,
    source_conversation_id, metadata, embedding, embedding_model, expires_at, version, previous_version_id)
  values (v_user, v_new.fact, v_new.memory_type, v_new.category, v_new.importance_score, v_new.confidence_score,
    v_old.source_conversation_id, v_new.metadata, v_new.embedding, v_new.embedding_model, v_new.expires_at,
    v_old.version + 1, v_old.id)
  returning user_memories.id, user_memories.version into v_new.id, v_new.version;
  -- The statements merged into the memory stay with its current version (cleanup may delete old versions).
  perform private.move_sightings(v_user, array[v_old.id], array[v_new.id]);
  return query select v_new.id, 'updated'::text, v_new.version;
end
$$;

-- Erasure, statistics and the overview count sightings ---------------------------------------------------------

create or replace function public.erase_user_data(target_user uuid)
returns table (table_name text, rows_deleted bigint)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_access bigint;
  v_keys bigint;
  v_sightings bigint;
  v_memories bigint;
  v_conversations bigint;
  v_stats bigint;
begin
  if target_user is null then
    raise exception 'target_user is required' using errcode = '22023', column = 'target_user';
  end if;
  perform private.lock_user_memories(target_user);
  -- Deleted here, not left to the cascade from user_memories, so that the report counts them.
  delete from public.memory_access a where a.user_id = target_user;
  get diagnostics v_access = row_count;
  delete from public.memory_idempotency_keys k where k.user_id = target_user;
  get diagnostics v_keys = row_count;
  delete from public.memory_sightings s where s.user_id = target_user;
  get diagnostics v_sightings = row_count;
  delete from public.user_memories m where m.user_id = target_user;
  get diagnostics v_memories = row_count;
  delete from public.conversations c where c.user_id = target_user;
  get diagnostics v_conversations = row_count;
  delete from public.memory_user_stats s where s.user_id = target_user;
  get diagnostics v_stats = row_count;
  return query values ('memory_access', v_access), ('memory_idempotency_keys', v_keys),
                      ('memory_sightings', v_sightings), ('user_memories', v_memories),
                      ('conversations', v_conversations), ('memory_user_stats', v_stats);
end
$$;
comment on function public.erase_user_data(uuid) is
  'GDPR erasure, service_role only: hard-deletes every memory, version, sighting, access record, conversation, key '
  'and counter of one user and reports the rows removed per table. The auth.users row is Supabase Auth''s to delete.';

create or replace function public.get_memory_stats(user_id uuid default null)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_user uuid := private.acting_user(get_memory_stats.user_id);
  v_stats jsonb;
begin
  with mine as (
    select m.* from public.user_memories m where m.user_id = v_user
  )
  select jsonb_build_object(
    'user_id', v_user,
    'active', count(*) filter (where m.is_active),
    'inactive', count(*) filter (where not m.is_active and m.duplicate_of is null),
    'duplicates', count(*) filter (where m.duplicate_of is not null),
    'sightings', (select count(*) from public.memory_sightings s where s.user_id = v_user),
    'unmerged', (select count(*) from public.memory_sightings s where s.user_id = v_user and s.unmerged_at is not null),
    'by_type', coalesce((select jsonb_object_agg(t.memory_type, t.n) from (select x.memory_type, count(*) n from mine x where x.is_active group by 1) t), '{}'),
    'by_category', coalesce((select jsonb_object_agg(coalesce(c.category, '(none)'), c.n) from (select x.category, count(*) n from mine x where x.is_active group by 1) c), '{}'),
    'average_importance', round(avg(m.importance_score) filter (where m.is_active)::numeric, 4),
    'average_confidence', round(avg(m.confidence_score) filter (where m.is_active)::numeric, 4),
    'embeddings', coalesce((select jsonb_object_agg(coalesce(e.embedding_model, '(none)'), e.n) from (select x.embedding_model, count(*) n from mine x where x.is_active group by 1) e), '{}'),
    'oldest', min(m.created_at) filter (where m.is_active),
    'newest', max(m.created_at) filter (where m.is_active),
    'storage_bytes', coalesce(sum(pg_column_size(m.*)), 0),
    'quota', (select coalesce(s.quota_limit, (select ms.default_quota from public.memory_settings ms))
                from (select 1) one left join public.memory_user_stats s on s.user_id = v_user),
    'quota_used', count(*) filter (where m.is_active)
  ) into v_stats
  from mine m;
  return v_stats;
end
$$;
comment on function public.get_memory_stats(uuid) is
  'One user''s memory statistics: counts (active, inactive, duplicates, sightings, unmerged), by type and category, '
  'average scores, embedding coverage per model, oldest and newest, storage bytes, quota and quota used.';

drop function public.get_memory_overview();
create or replace function public.get_memory_overview()
returns table (user_id uuid, active integer, inactive integer, sightings integer, quota integer,
               quota_used_ratio double precision, last_stored_at timestamptz)
language sql
stable
set search_path = ''
as $$
  select s.user_id, s.active_count, s.inactive_count, s.sighting_count,
         coalesce(s.quota_limit, ms.default_quota),
         s.active_count::double precision / coalesce(s.quota_limit, ms.default_quota),
         s.last_stored_at
    from public.memory_user_stats s cross join public.memory_settings ms
   order by 6 desc, s.user_id
$$;
comment on function public.get_memory_overview() is
  'Every user''s counters (active, inactive, sightings) and quota use, fullest first, from the trigger-kept '
  'statistics (service_role only).';
revoke all on function public.get_memory_overview() from public, anon, authenticated;
grant execute on function public.get_memory_overview() to service_role;

-- Duplicates marked before this migration become sightings on their keepers, so they can be unmerged too (their
-- rows alone would go with cleanup).
insert into public.memory_sightings (user_id, memory_id, fact, memory_type, category, importance_score,
  confidence_score, metadata, source_conversation_id, embedding, embedding_model, expires_at, origin,
  merged_memory_id, seen_at)
select d.user_id, d.duplicate_of, d.fact, d.memory_type, d.category, d.importance_score, d.confidence_score,
       d.metadata, d.source_conversation_id, d.embedding, d.embedding_model, d.expires_at, 'absorbed', d.id, d.updated_at
  from public.user_memories d
 where d.duplicate_of is not null;
