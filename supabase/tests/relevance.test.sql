-- A result earns its place: text qualifies a memory by an informative word of the query, a vector by the relevance
-- floor of its model (memory_model_settings, falling back to '*', overridden by min_similarity); BM25 ranks by how
-- much of the question a memory covers; an empty answer is correct.
begin;
select plan(20);

select tests.create_user('ana@example.com');
insert into public.user_memories (user_id, fact, memory_type, embedding, embedding_model) values
  (tests.user_id('ana@example.com'), 'The user prefers vegetarian food and cooks at home', 'preference', tests.embedding(1), 'model-a'),
  (tests.user_id('ana@example.com'), 'The user plays the cello in an orchestra', 'fact', tests.embedding(2), 'model-a'),
  (tests.user_id('ana@example.com'), 'The user eats spicy ramen on Fridays', 'preference', tests.embedding(3), 'model-a'),
  (tests.user_id('ana@example.com'), 'The user likes hiking', 'preference', null, null),
  (tests.user_id('ana@example.com'), 'The user is learning Japanese', 'fact', null, null);

select tests.authenticate_as('ana@example.com');
select is_empty($$select 1 from public.search_memories('motorcycle repair')$$, 'no memory shares a word: nothing is returned');
select is_empty($$select 1 from public.search_memories('knitting patterns for the user')$$,
  'a word in every memory (user) does not qualify one when the query has informative words');
select results_eq($$select fact, matched_by from public.search_memories('what food does the user eat at home?')$$,
  $$values ('The user prefers vegetarian food and cooks at home', array['text']), ('The user eats spicy ramen on Fridays', array['text'])$$,
  'a chat question finds the memories sharing its meaningful words, the one covering more first');
select ok((select bool_and(text_score > 0 and text_rank is not null) from public.search_memories('food home')), 'with their BM25 score and rank');
select results_eq($$select count(*)::int from public.search_memories('the user')$$, $$values (5)$$,
  'a query of words found everywhere still finds them (nothing rarer was asked)');

-- The vector leg: the model's floor, the '*' fallback, min_similarity.
select tests.clear_authentication();
insert into public.memory_model_settings (embedding_model, duplicate_threshold, relevance_floor) values ('model-a', 0.85, 0.999);
select tests.authenticate_as('ana@example.com');
select results_eq($$select fact, matched_by from public.search_memories(null, tests.embedding(2), 'model-a')$$,
  $$values ('The user plays the cello in an orchestra', array['vector'])$$, 'only a memory at the model''s floor is returned');
select is_empty($$select 1 from public.search_memories(null, tests.embedding(9), 'model-a')$$, 'none when nothing reaches it');
select ok((select count(*) >= 1 and bool_and(vector_similarity >= 0)
             from public.search_memories(null, tests.embedding(9), 'model-a', min_similarity => 0)),
  'min_similarity overrides the floor');
select tests.clear_authentication();
delete from public.memory_model_settings where embedding_model = 'model-a';
update public.memory_model_settings set relevance_floor = 0.9999 where embedding_model = '*';
select tests.authenticate_as('ana@example.com');
select is((select count(*)::int from public.search_memories(null, tests.embedding(2), 'model-a')), 1,
  'a model without a row takes the floor of ''*''');
select results_eq($$select fact, matched_by from public.search_memories('cello', tests.embedding(2), 'model-a')$$,
  $$values ('The user plays the cello in an orchestra', array['text', 'vector'])$$, 'matched_by names both legs when both qualify');
select tests.rejects($$select * from public.search_memories('x', min_similarity => 1.5)$$, '22023', null, 'min_similarity above 1 is refused');
select tests.clear_authentication();

-- Settings: constraints, the '*' row stays, thresholds per model in duplicate detection.
select tests.rejects($$insert into public.memory_model_settings values ('bad', 1.5, 0.5)$$, '23514', 'memory_model_settings_duplicate_range',
  'a duplicate threshold above 1 is refused');
select tests.rejects($$insert into public.memory_model_settings values ('bad', 0.9, -0.1)$$, '23514', 'memory_model_settings_floor_range',
  'a negative floor is refused');
select tests.rejects($$delete from public.memory_model_settings where embedding_model = '*'$$, '23514', 'memory_model_settings_default_kept',
  'the default row cannot be removed');
select tests.authenticate_as('ana@example.com');
select tests.rejects($$update public.memory_model_settings set relevance_floor = 0$$, '42501', null, 'users cannot change the settings');
select tests.clear_authentication();
insert into public.memory_model_settings (embedding_model, duplicate_threshold, relevance_floor) values ('strict-model', 0.999, 0.5);
select tests.authenticate_as('ana@example.com');
select is((select status from public.store_memory('Collects old film cameras', embedding => tests.embedding(5), embedding_model => 'strict-model')),
  'created', 'a first memory');
select is((select status from public.store_memory('Repairs antique radios', embedding => tests.embedding(5.001), embedding_model => 'strict-model')),
  'created', 'a near embedding under a model''s stricter threshold is not a duplicate');
select tests.clear_authentication();

-- A user's first memories: every word found is in "most" of one or two memories, which says nothing; a question
-- about them still recalls them, and a word every fact holds still qualifies none.
select tests.create_user('new@example.com');
insert into public.user_memories (user_id, fact, memory_type) values
  (tests.user_id('new@example.com'), 'The user plays the cello in a quartet', 'fact');
select tests.authenticate_as('new@example.com');
select results_eq($$select fact from public.search_memories('Which instrument do I play in the quartet?')$$,
  $$values ('The user plays the cello in a quartet')$$, 'a question about a user''s only memory recalls it');
select is_empty($$select 1 from public.search_memories('knitting patterns for the user')$$,
  'but a word every fact holds (user) does not qualify it');
select tests.clear_authentication();
insert into public.user_memories (user_id, fact, memory_type) values
  (tests.user_id('new@example.com'), 'The user has a dog called Rex', 'person');
select tests.authenticate_as('new@example.com');
select results_eq($$select fact from public.search_memories('Which instrument do I play in the quartet?')$$,
  $$values ('The user plays the cello in a quartet')$$, 'nor its second');
select tests.clear_authentication();

select * from finish();
rollback;
