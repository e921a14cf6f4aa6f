-- store_memory: creates, merges duplicates (normalized text, word Jaccard, same-model cosine) keeping the most
-- important, replays idempotency keys, and acts only for the caller unless the caller bypasses RLS.
begin;
select plan(33);

select tests.create_user('ana@example.com');
select tests.create_user('ben@example.com');
insert into public.conversations (id, user_id) values
  ('c0000000-0000-0000-0000-00000000000a', tests.user_id('ana@example.com'));

select tests.authenticate_as('ana@example.com');
create temp table outcome (label text, id uuid, status text, version integer, sighting_id uuid, related jsonb, relation text);
grant all on outcome to authenticated;

insert into outcome select 'first', * from public.store_memory('Prefers vegetarian food', 'preference', 'food', 0.6, 0.7,
  source_conversation_id => 'c0000000-0000-0000-0000-00000000000a', metadata => '{"source":"chat"}');
select is((select status from outcome where label = 'first'), 'created', 'a new fact is created');
select is((select version from outcome where label = 'first'), 1, 'a new memory is version 1');
select results_eq($$select fact, memory_type, category, importance_score, confidence_score, source_conversation_id::text, user_id = tests.user_id('ana@example.com')
    from public.user_memories where id = (select id from outcome where label = 'first')$$,
  $$values ('Prefers vegetarian food', 'preference', 'food', 0.6::float8, 0.7::float8, 'c0000000-0000-0000-0000-00000000000a', true)$$,
  'the row holds the arguments and belongs to the caller');
insert into outcome select 'padded', * from public.store_memory(E'  \tLikes jazz\n ', 'preference');
select is((select fact from public.user_memories where id = (select id from outcome where label = 'padded')), 'Likes jazz',
  'surrounding whitespace is trimmed');

-- same normalized text: kept, merged
insert into outcome select 'exact', * from public.store_memory('prefers VEGETARIAN food!!', 'preference', importance_score => 0.4,
  confidence_score => 0.9, metadata => '{"seen":2}');
select is((select status from outcome where label = 'exact'), 'duplicate', 'the same text, differently cased and punctuated, is a duplicate');
select is((select id from outcome where label = 'exact'), (select id from outcome where label = 'first'), 'the more important existing memory is returned');
select results_eq($$select importance_score, confidence_score, metadata, last_accessed_at is not null from public.user_memories where id = (select id from outcome where label = 'first')$$,
  $$values (0.6::float8, 0.9::float8, '{"source":"chat","seen":2}'::jsonb, true)$$,
  'the kept memory takes the higher confidence, both metadata, and is marked seen');
select is((select count(*)::int from public.user_memories where is_active and normalize_fact(fact) = 'prefers vegetarian food'), 1,
  'one active memory holds the fact');

-- reworded (a phrase moved, filler added), more important: its words are kept, on the same memory
insert into outcome select 'reworded', * from public.store_memory('Honestly: vegetarian food, the user prefers', 'preference', importance_score => 0.9);
select is((select status from outcome where label = 'reworded'), 'duplicate', 'the same words with a phrase moved and a filler word are a duplicate');
select results_eq($$select id, fact, is_active from public.user_memories where id = (select id from outcome where label = 'reworded')$$,
  $$select (select id from outcome where label = 'first'), 'Honestly: vegetarian food, the user prefers', true$$,
  'the more important newcomer''s words are kept, and the memory keeps its id');
select results_eq($$select origin, fact from public.memory_sightings where id = (select sighting_id from outcome where label = 'reworded')$$,
  $$values ('absorbed', 'Prefers vegetarian food')$$, 'the words it had before are kept as a sighting on it');
select results_eq($$select importance_score, confidence_score, category, source_conversation_id::text, metadata from public.user_memories where id = (select id from outcome where label = 'reworded')$$,
  $$values (0.9::float8, 0.9::float8, 'food', 'c0000000-0000-0000-0000-00000000000a', '{"source":"chat","seen":2}'::jsonb)$$,
  'the kept newcomer inherits the best confidence, the category, the source and the metadata');

-- word Jaccard below and above the threshold
insert into outcome select 'sister', * from public.store_memory('My sister is called Ana and she lives in Porto', 'person', importance_score => 0.8);
insert into outcome select 'sister2', * from public.store_memory('My sister is called Ana and she lives in Porto now', 'person', importance_score => 0.5);
select is((select status from outcome where label = 'sister2'), 'duplicate', 'Jaccard 10/11 = 0.91 >= 0.85 is a duplicate');
insert into outcome select 'sister3', * from public.store_memory('My sister is called Ana and she lives in Lisbon today', 'person', importance_score => 0.5);
select is((select status from outcome where label = 'sister3'), 'distinct', 'Jaccard 9/12 = 0.75 < 0.85 is not: another city is a conflict, kept apart');
insert into outcome select 'sister4', * from public.store_memory('Actually my sister is called Ana and she really lives in Porto', 'person', duplicate_threshold => 0.8);
select is((select status from outcome where label = 'sister4'), 'duplicate', 'a lower threshold passed by the caller applies (Jaccard 10/12 = 0.83)');

-- cosine within one model only
insert into outcome select 'vec', * from public.store_memory('Works as a nurse', 'fact', embedding => tests.embedding(1), embedding_model => 'model-a');
insert into outcome select 'vec-same', * from public.store_memory('Is employed in a hospital', 'fact', embedding => tests.embedding(1), embedding_model => 'model-a');
select is((select status from outcome where label = 'vec-same'), 'duplicate', 'cosine 1 with the same model is a duplicate whatever the words');
insert into outcome select 'vec-other', * from public.store_memory('Is employed in a hospital', 'fact', embedding => tests.embedding(1), embedding_model => 'model-b');
select is((select status from outcome where label = 'vec-other'), 'created', 'the same vector from another model is not compared');
insert into outcome select 'vec-far', * from public.store_memory('Plays the cello', 'fact', embedding => tests.embedding(2), embedding_model => 'model-a');
select is((select status from outcome where label = 'vec-far'), 'created', 'a distant vector with different words is new');

-- idempotency
insert into outcome select 'key1', * from public.store_memory('Birthday is in May', 'event', idempotency_key => 'msg-42');
insert into outcome select 'key2', * from public.store_memory('Birthday is in May', 'event', idempotency_key => 'msg-42');
select results_eq($$select id, status, version, sighting_id, related from outcome where label = 'key2'$$, $$select id, status, version, sighting_id, related from outcome where label = 'key1'$$,
  'a replayed idempotency key returns the first outcome');
insert into outcome select 'key3', * from public.store_memory('Something else entirely', 'fact', idempotency_key => 'msg-42');
select is((select id from outcome where label = 'key3'), (select id from outcome where label = 'key1'),
  'a replayed key returns the first outcome even for other content (the key names the request)');
select is((select count(*)::int from public.user_memories where fact = 'Something else entirely'), 0, 'and stores nothing new');
insert into outcome select 'iron', * from public.store_memory('Takes 20 mg of iron daily', 'fact');
insert into outcome select 'key4', * from public.store_memory('Takes 40 mg of iron daily', 'fact', idempotency_key => 'msg-43');
insert into outcome select 'key5', * from public.store_memory('Takes 40 mg of iron daily', 'fact', idempotency_key => 'msg-43');
select results_eq($$select id, status, related, relation from outcome where label = 'key5'$$,
  $$select id, 'distinct'::text, related, 'conflicts'::text from outcome where label = 'key4' and related <> '[]'$$,
  'a replayed key returns the first outcome''s relation and related too');
select is((select active_count from public.memory_user_stats where user_id = tests.user_id('ana@example.com')),
  (select count(*)::int from public.user_memories where is_active), 'the statistics count exactly the active memories');
select is((select inactive_count from public.memory_user_stats where user_id = tests.user_id('ana@example.com')),
  (select count(*)::int from public.user_memories where not is_active), 'and exactly the inactive ones');
select tests.clear_authentication();

-- Ben's memories are his own: the same fact is new for him
select tests.authenticate_as('ben@example.com');
select is((select status from public.store_memory('Prefers vegetarian food', 'preference')), 'created',
  'another user''s identical fact is not a duplicate');
select tests.rejects($$select * from public.store_memory('x', user_id => tests.user_id('ana@example.com'))$$, '42501', null,
  'an authenticated user cannot store for another user');
select tests.rejects($$select * from public.store_memory('Ben sees Ana', source_conversation_id => 'c0000000-0000-0000-0000-00000000000a')$$,
  '23503', 'user_memories_source_conversation_fkey', 'another user''s conversation is rejected');
select tests.clear_authentication();

select tests.act_as('authenticated', '{}');
select tests.rejects($$select * from public.store_memory('no user')$$, 'PT401', null, 'a token without a user cannot store');
select tests.clear_authentication();
select tests.authenticate_as_anon();
select tests.rejects($$select * from public.store_memory('anon')$$, '42501', null, 'anon cannot execute store_memory');
select tests.clear_authentication();

select tests.authenticate_as_service_role();
select is((select status from public.store_memory('Service wrote this', user_id => tests.user_id('ben@example.com'))), 'created',
  'service_role may store for a named user');
select tests.rejects($$select * from public.store_memory('for nobody')$$, 'PT401', null, 'service_role must name the user');
select tests.clear_authentication();
select is((select count(*)::int from public.user_memories where user_id = tests.user_id('ben@example.com')), 2,
  'Ben has exactly the two memories stored for him');
select is((select count(*)::int from public.user_memories where fact in ('x', 'no user', 'anon', 'for nobody', 'Ben sees Ana')), 0,
  'nothing was written by the refused calls');

select * from finish();
rollback;
