-- Every index exists and serves the query the product runs for it (sequential scans priced out).
begin;
select plan(28);

select indexes_are('public', 'user_memories', array[
  'user_memories_pkey', 'user_memories_id_user_id_key', 'user_memories_user_id_idx',
  'user_memories_active_recent_idx', 'user_memories_active_importance_idx', 'user_memories_active_type_category_idx',
  'user_memories_active_text_idx', 'user_memories_active_bits_idx', 'user_memories_duplicate_of_idx',
  'user_memories_source_conversation_idx', 'user_memories_previous_version_key', 'user_memories_active_fact_key',
  'user_memories_active_words_idx', 'user_memories_pending_embedding_idx', 'user_memories_inactive_updated_idx',
  'user_memories_active_expires_idx', 'user_memories_active_metadata_idx'], 'user_memories has exactly its indexes');
select indexes_are('public', 'memory_idempotency_keys', array['memory_idempotency_keys_pkey', 'memory_idempotency_keys_memory_idx'],
  'memory_idempotency_keys has exactly its indexes');
select indexes_are('public', 'memory_user_stats', array['memory_user_stats_pkey'], 'memory_user_stats has exactly its primary key');
select indexes_are('public', 'conversations', array['conversations_pkey', 'conversations_id_user_id_key', 'conversations_user_started_idx'],
  'conversations has exactly its indexes');
select matches(pg_get_indexdef('public.user_memories_active_bits_idx'::regclass), 'INCLUDE \(embedding_bits, id, .*WHERE \(is_active AND \(embedding_bits IS NOT NULL\)\)',
  'the embedding index covers the quantized embeddings of active memories, per user and model');

-- A few users with enough rows for the statistics to look like a real table.
select tests.create_user('u' || g || '@example.com') from generate_series(1, 5) g;
insert into public.conversations (user_id) select id from auth.users;
insert into public.user_memories (user_id, fact, memory_type, category, importance_score, is_active, embedding, embedding_model, source_conversation_id, metadata)
select u.id, 'memory ' || g || ' about ' || (array['tea', 'cats', 'running', 'Lisbon'])[1 + g % 4],
       (array['person', 'preference', 'event', 'topic', 'fact', 'emotion'])[1 + g % 6],
       (array['food', 'family', 'work'])[1 + g % 3], (g % 100) / 100.0, g % 10 <> 0,
       tests.embedding(g), 'gte-small', c.id, jsonb_build_object('turn', g, 'app', 'chat')
from auth.users u join public.conversations c on c.user_id = u.id, generate_series(1, 400) g;
analyze public.user_memories;
analyze public.conversations;
create temp table probe as select id as user_id, (select id from public.user_memories m where m.user_id = u.id limit 1) as memory_id
  from auth.users u limit 1;

select tests.uses_index(format($$select id from public.user_memories where user_id = %L and updated_at < now() - interval '90 days'$$, (select user_id from probe)),
  'user_memories_user_id_idx');
select tests.uses_index(format($$select id from public.user_memories where user_id = %L and is_active order by created_at desc limit 20$$, (select user_id from probe)),
  'user_memories_active_recent_idx');
select tests.uses_index(format($$select id from public.user_memories where user_id = %L and is_active and importance_score >= 0.9 order by importance_score desc limit 10$$, (select user_id from probe)),
  'user_memories_active_importance_idx');
select tests.uses_index(format($$select id from public.user_memories where user_id = %L and is_active and memory_type = 'preference' and category = 'food'$$, (select user_id from probe)),
  'user_memories_active_type_category_idx');
select indexes_are('public', 'memory_access', array['memory_access_pkey', 'memory_access_user_idx'], 'memory_access has exactly its indexes');
select tests.uses_index(format($$select id from public.user_memories where duplicate_of = %L$$, (select memory_id from probe)),
  'user_memories_duplicate_of_idx');
select tests.uses_index(format($$select id from public.user_memories where source_conversation_id = %L$$, (select id from public.conversations limit 1)),
  'user_memories_source_conversation_idx');
select tests.uses_index(format($$select id from public.user_memories where previous_version_id = %L$$, (select memory_id from probe)),
  'user_memories_previous_version_key');
select tests.uses_index(format($$select id from public.conversations where user_id = %L order by started_at desc limit 20$$, (select user_id from probe)),
  'conversations_user_started_idx');
select tests.uses_index(format($$select id from public.user_memories where user_id = %L and is_active and md5(public.fact_key(fact)) = md5(public.fact_key('Memory 7 about cats'))$$, (select user_id from probe)),
  'user_memories_active_fact_key');
select tests.uses_index($$select id from public.user_memories where is_active and fact_words @> array['7', 'cats']$$,
  'user_memories_active_words_idx');
select is((select c.reloptions from pg_class c where c.relname = 'user_memories_active_words_idx'), array['fastupdate=off'],
  'the word index keeps no pending list: every store searches it more than once, and each search would read the list');
select tests.uses_index(format($$select 1 from public.memory_idempotency_keys where memory_id = %L$$, (select memory_id from probe)),
  'memory_idempotency_keys_memory_idx');
select tests.uses_index(format($$select id from public.user_memories where user_id = %L and is_active and metadata @> '{"turn": 7}'$$, (select user_id from probe)),
  'user_memories_active_metadata_idx');
select tests.uses_index($$select id from public.user_memories where is_active and embedding is null order by id limit 100$$,
  'user_memories_pending_embedding_idx');
select tests.uses_index($$select id from public.user_memories where not is_active and updated_at < now() - interval '90 days' order by updated_at limit 1000$$,
  'user_memories_inactive_updated_idx');
select tests.uses_index($$select id from public.user_memories where is_active and expires_at is not null and expires_at <= now() order by expires_at limit 1000$$,
  'user_memories_active_expires_idx');
select is_empty($$select c.conname from pg_constraint c where c.contype = 'f' and c.connamespace = 'public'::regnamespace
  and not exists (select 1 from pg_index i where i.indrelid = c.conrelid and (i.indkey::int2[])[0] = c.conkey[1])$$,
  'every foreign key has an index that leads with its first column');

-- Last, because it drops indexes (rolled back with the test): fresh rows are not all-visible, so any index that
-- leads with user_id looks as cheap as the covering one, which is chosen on a vacuumed table (docs/benchmarks.md).
drop index public.user_memories_active_type_category_idx, public.user_memories_active_recent_idx,
  public.user_memories_active_importance_idx, public.user_memories_user_id_idx, public.user_memories_active_fact_key;
set local enable_bitmapscan = off;
select tests.uses_index(format($$select id, ts_rank_cd(fts, q) from public.user_memories, websearch_to_tsquery('english', 'memory') q
  where user_id = %L and is_active and fts @@ q$$, (select user_id from probe)), 'user_memories_active_text_idx');
drop index public.user_memories_active_text_idx;
select tests.uses_index(format($$select id from public.user_memories where user_id = %L and is_active and embedding_bits is not null and embedding_model = 'gte-small'
  order by embedding_bits operator(extensions.<~>) extensions.binary_quantize(%L::extensions.vector) limit 200$$, (select user_id from probe), tests.embedding(7)),
  'user_memories_active_bits_idx');
reset enable_bitmapscan;

-- Sightings: a memory's history, a duplicate's unmerge, and one user's erasure each find theirs by index.
select tests.uses_index(format($$select id from public.memory_sightings where memory_id = %L$$, (select memory_id from probe)),
  'memory_sightings_memory_idx');
select tests.uses_index(format($$select id from public.memory_sightings where merged_memory_id = %L$$, (select memory_id from probe)),
  'memory_sightings_merged_memory_idx');
select tests.uses_index(format($$select id from public.memory_sightings where user_id = %L$$, (select user_id from probe)),
  'memory_sightings_user_idx');
select * from finish();
rollback;
