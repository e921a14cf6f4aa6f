-- Every rule of user_memories: a row that breaks it (rejected with the named constraint) and one that keeps it.
begin;
select plan(48);

select tests.create_user('ana@example.com');
select tests.create_user('ben@example.com');
insert into public.conversations (id, user_id) values
  ('c0000000-0000-0000-0000-00000000000a', tests.user_id('ana@example.com')),
  ('c0000000-0000-0000-0000-00000000000b', tests.user_id('ben@example.com'));
insert into public.user_memories (id, user_id, fact, memory_type) values
  ('a0000000-0000-0000-0000-000000000001', tests.user_id('ana@example.com'), 'Ana likes tea', 'preference'),
  ('b0000000-0000-0000-0000-000000000001', tests.user_id('ben@example.com'), 'Ben likes coffee', 'preference');

create temp view ana as select tests.user_id('ana@example.com') as id;

-- fact
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type) select id, '', 'fact' from ana$$,
  '23514', 'user_memories_fact_not_blank', 'an empty fact is rejected');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type) select id, E'  \t\n ', 'fact' from ana$$,
  '23514', 'user_memories_fact_not_blank', 'a whitespace-only fact is rejected');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type) select id, null, 'fact' from ana$$,
  '23502', null, 'a null fact is rejected');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type) select id, repeat('a', 2001), 'fact' from ana$$,
  '23514', 'user_memories_fact_length', 'a fact over 2000 characters is rejected');
select lives_ok($$insert into public.user_memories (user_id, fact, memory_type) select id, repeat('é', 2000), 'fact' from ana$$,
  'a fact of exactly 2000 characters is accepted');

-- memory_type
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type) select id, 'x', 'hobby' from ana$$,
  '23514', 'user_memories_memory_type_check', 'an unknown memory type is rejected');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type) select id, 'x', 'Preference' from ana$$,
  '23514', 'user_memories_memory_type_check', 'memory types are lower case');
select tests.rejects($$insert into public.user_memories (user_id, fact) select id, 'x' from ana$$,
  '23502', null, 'a memory type is required');
select lives_ok(format($$insert into public.user_memories (user_id, fact, memory_type) select id, 'typed ' || t, t from ana, unnest(%L::text[]) t$$,
  array['person', 'preference', 'event', 'topic', 'fact', 'emotion']), 'each of the six memory types is accepted');

-- category
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, category) select id, 'x', 'fact', '   ' from ana$$,
  '23514', 'user_memories_category_check', 'a blank category is rejected');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, category) select id, 'x', 'fact', repeat('c', 101) from ana$$,
  '23514', 'user_memories_category_check', 'a category over 100 characters is rejected');
select lives_ok($$insert into public.user_memories (user_id, fact, memory_type, category) select id, 'likes rice', 'preference', 'food' from ana$$,
  'a category is accepted');

-- scores
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, importance_score) select id, 'x', 'fact', 1.5 from ana$$,
  '23514', 'user_memories_importance_range', 'importance 1.5 is rejected');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, importance_score) select id, 'x', 'fact', -0.01 from ana$$,
  '23514', 'user_memories_importance_range', 'a negative importance is rejected');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, importance_score) select id, 'x', 'fact', 'NaN' from ana$$,
  '23514', 'user_memories_importance_range', 'importance NaN is rejected');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, confidence_score) select id, 'x', 'fact', 1.0001 from ana$$,
  '23514', 'user_memories_confidence_range', 'confidence over 1 is rejected');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, confidence_score) select id, 'x', 'fact', 'NaN' from ana$$,
  '23514', 'user_memories_confidence_range', 'confidence NaN is rejected');
select lives_ok($$insert into public.user_memories (user_id, fact, memory_type, importance_score, confidence_score)
  select id, 'bounds ' || s, 'fact', s, 1 - s from ana, unnest(array[0, 1]::float8[]) s$$, 'scores 0 and 1 are accepted');

-- user
select tests.rejects($$insert into public.user_memories (fact, memory_type) values ('x', 'fact')$$,
  '23502', null, 'a user is required');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type) values (gen_random_uuid(), 'x', 'fact')$$,
  '23503', 'user_memories_user_id_fkey', 'the user must exist in auth.users');

-- duplicates
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, duplicate_of)
  select id, 'Ana likes tea!', 'preference', 'a0000000-0000-0000-0000-000000000001' from ana$$,
  '23514', 'user_memories_active_not_duplicate', 'an active memory cannot be a duplicate');
select tests.rejects($$insert into public.user_memories (id, user_id, fact, memory_type, is_active, duplicate_of)
  select 'a0000000-0000-0000-0000-0000000000ff', id, 'x', 'fact', false, 'a0000000-0000-0000-0000-0000000000ff' from ana$$,
  '23514', 'user_memories_not_own_duplicate', 'a memory cannot be a duplicate of itself');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, is_active, duplicate_of)
  select id, 'Ben likes coffee', 'preference', false, 'b0000000-0000-0000-0000-000000000001' from ana$$,
  '23503', 'user_memories_duplicate_of_fkey', 'a memory cannot be a duplicate of another user''s memory');
select lives_ok($$insert into public.user_memories (user_id, fact, memory_type, is_active, duplicate_of)
  select id, 'Ana likes tea.', 'preference', false, 'a0000000-0000-0000-0000-000000000001' from ana$$,
  'an inactive memory can be a duplicate of the same user''s memory');

-- source conversation
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, source_conversation_id)
  select id, 'x', 'fact', 'c0000000-0000-0000-0000-00000000000b' from ana$$,
  '23503', 'user_memories_source_conversation_fkey', 'another user''s conversation is rejected');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, source_conversation_id)
  select id, 'x', 'fact', gen_random_uuid() from ana$$,
  '23503', 'user_memories_source_conversation_fkey', 'an unknown conversation is rejected');
select lives_ok($$insert into public.user_memories (user_id, fact, memory_type, source_conversation_id)
  select id, 'from chat', 'fact', 'c0000000-0000-0000-0000-00000000000a' from ana$$,
  'the user''s own conversation is accepted');

-- versions
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, version) select id, 'x', 'fact', 2 from ana$$,
  '23514', 'user_memories_version_sequence', 'a first version must be 1');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, version, previous_version_id)
  select id, 'Ana likes green tea', 'preference', 3, 'a0000000-0000-0000-0000-000000000001' from ana$$,
  '23514', 'user_memories_version_sequence', 'a new version must be the previous plus one');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, version, previous_version_id)
  select id, 'x', 'fact', 2, 'b0000000-0000-0000-0000-000000000001' from ana$$,
  '23503', 'user_memories_previous_version_fkey', 'a version cannot continue another user''s memory');
select tests.rejects($$insert into public.user_memories (id, user_id, fact, memory_type, version, previous_version_id)
  select 'a0000000-0000-0000-0000-0000000000fe', id, 'x', 'fact', 2, 'a0000000-0000-0000-0000-0000000000fe' from ana$$,
  '23514', 'user_memories_not_own_previous_version', 'a memory cannot be its own previous version');
select lives_ok($$insert into public.user_memories (id, user_id, fact, memory_type, version, previous_version_id)
  select 'a0000000-0000-0000-0000-000000000002', id, 'Ana likes green tea', 'preference', 2, 'a0000000-0000-0000-0000-000000000001' from ana$$,
  'version 2 continues version 1');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, version, previous_version_id)
  select id, 'Ana likes black tea', 'preference', 2, 'a0000000-0000-0000-0000-000000000001' from ana$$,
  '23505', 'user_memories_previous_version_key', 'a version is superseded at most once');
select tests.rejects($$update public.user_memories set version = 5 where id = 'a0000000-0000-0000-0000-000000000001'$$,
  '23514', 'user_memories_identity_immutable', 'a version number cannot be edited');
select tests.rejects($$update public.user_memories set user_id = tests.user_id('ben@example.com') where id = 'a0000000-0000-0000-0000-000000000001'$$,
  '23514', 'user_memories_identity_immutable', 'a memory cannot move to another user');
alter table public.user_memories disable trigger user_memories_guard_version;
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, version) select id, 'x', 'fact', 0 from ana$$,
  '23514', 'user_memories_version_positive', 'with triggers off (as in a raw restore), version 0 is still rejected');
alter table public.user_memories enable trigger user_memories_guard_version;

-- embeddings
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, embedding) select id, 'x', 'fact', tests.embedding(1) from ana$$,
  '23514', 'user_memories_embedding_has_model', 'an embedding needs its model name');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, embedding_model) select id, 'x', 'fact', 'gte-small' from ana$$,
  '23514', 'user_memories_embedding_has_model', 'a model name needs an embedding');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, embedding, embedding_model) select id, 'x', 'fact', '[1,2,3]', 'gte-small' from ana$$,
  '22000', null, 'an embedding of the wrong dimension is rejected');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, embedding, embedding_model) select id, 'x', 'fact', tests.embedding(1), ' ' from ana$$,
  '23514', 'user_memories_embedding_model_check', 'a blank model name is rejected');
select lives_ok($$insert into public.user_memories (user_id, fact, memory_type, embedding, embedding_model) select id, 'embedded', 'fact', tests.embedding(1), 'gte-small' from ana$$,
  'a 384-dimension embedding with its model is accepted');

-- metadata, expiry
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, metadata) select id, 'x', 'fact', '[1]' from ana$$,
  '23514', 'user_memories_metadata_is_object', 'metadata must be a JSON object');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, metadata) select id, 'x', 'fact', jsonb_build_object('blob', repeat('x', 17000)) from ana$$,
  '23514', 'user_memories_metadata_size', 'metadata over 16 KiB is rejected');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type, expires_at) select id, 'x', 'fact', now() - interval '1 second' from ana$$,
  '23514', 'user_memories_expires_after_created', 'a memory cannot expire before it was created');
select lives_ok($$insert into public.user_memories (user_id, fact, memory_type, metadata, expires_at) select id, 'soon gone', 'event', '{"source":"chat"}', now() + interval '1 day' from ana$$,
  'object metadata and a future expiry are accepted');

-- generated full text, updated_at
select ok((select fts @@ websearch_to_tsquery('english', 'vegetarian') from (select to_tsvector('english', 'prefers vegetarian food') as fts) s)
  and (select fts @@ websearch_to_tsquery('english', 'liking teas') from public.user_memories where id = 'a0000000-0000-0000-0000-000000000001'),
  'fts is the English full-text vector of the fact (stemmed)');
select tests.rejects($$update public.user_memories set fts = to_tsvector('x') where id = 'a0000000-0000-0000-0000-000000000001'$$,
  '428C9', null, 'fts cannot be written');
insert into public.user_memories (id, user_id, fact, memory_type, created_at, updated_at)
  select 'a0000000-0000-0000-0000-000000000003', id, 'old memory', 'fact', now() - interval '2 days', now() - interval '2 days' from ana;
update public.user_memories set importance_score = 0.9 where id = 'a0000000-0000-0000-0000-000000000003';
select ok((select updated_at > created_at from public.user_memories where id = 'a0000000-0000-0000-0000-000000000003'),
  'an update stamps updated_at');

select * from finish();
rollback;
