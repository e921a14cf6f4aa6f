-- search_memories: hybrid retrieval over the caller's active, unexpired memories, with filters, weights and
-- the components that explain each rank.
begin;
select plan(29);

select tests.create_user('ana@example.com');
select tests.create_user('ben@example.com');
-- Fixtures written directly (as the owner) so ages, expiry and scores are exact.
insert into public.user_memories (user_id, fact, memory_type, category, importance_score, embedding, embedding_model, created_at, updated_at, expires_at, is_active) values
  (tests.user_id('ana@example.com'), 'Prefers vegetarian food', 'preference', 'food', 0.9, tests.embedding(1), 'model-a', now() - interval '2 days', now() - interval '2 days', null, true),
  (tests.user_id('ana@example.com'), 'Cooks vegetarian curry on Sundays', 'event', 'food', 0.2, tests.embedding(2), 'model-a', now() - interval '2 days', now() - interval '2 days', null, true),
  (tests.user_id('ana@example.com'), 'Old vegetarian phase in school', 'fact', 'food', 0.9, null, null, now() - interval '400 days', now() - interval '400 days', null, true),
  (tests.user_id('ana@example.com'), 'Was vegetarian for a week', 'fact', 'food', 0.9, null, null, now() - interval '10 days', now() - interval '10 days', now() - interval '1 day', true),
  (tests.user_id('ana@example.com'), 'Forgot: vegetarian option at work', 'fact', 'work', 0.9, null, null, now() - interval '2 days', now() - interval '2 days', null, false),
  (tests.user_id('ana@example.com'), 'Sister is called Ana', 'person', 'family', 0.5, tests.embedding(3), 'model-a', now() - interval '5 days', now() - interval '5 days', null, true),
  (tests.user_id('ana@example.com'), 'Sister lives in Porto', 'person', 'family', 0.5, tests.embedding(3), 'model-b', now() - interval '5 days', now() - interval '5 days', null, true),
  (tests.user_id('ben@example.com'), 'Ben is vegetarian too', 'fact', 'food', 1.0, tests.embedding(1), 'model-a', now(), now(), null, true);

select tests.authenticate_as('ana@example.com');
create temp table r as select * from public.search_memories('vegetarian');
select is((select count(*)::int from r), 3, 'text search finds the caller''s active, unexpired matches only');
select is_empty($$select 1 from r where fact in ('Ben is vegetarian too', 'Was vegetarian for a week', 'Forgot: vegetarian option at work')$$,
  'no other user''s, expired or inactive memory appears');
select ok((select bool_and(text_rank is not null and text_score > 0 and vector_rank is null and rrf_score > 0 and recency between 0 and 1) from r),
  'each text result carries its text rank and score, fusion score and recency');
select is((select fact from r order by score desc limit 1), 'Prefers vegetarian food', 'the important, recent match ranks first');
select ok((select score from r where fact = 'Old vegetarian phase in school') < (select score from r where fact = 'Prefers vegetarian food'),
  'an old memory ranks below a recent one of equal importance');
select ok((select recency from r where fact = 'Old vegetarian phase in school') < 0.001, 'recency halves every 30 days (400 days old is near 0)');
select ok((select score from r where fact = 'Cooks vegetarian curry on Sundays') < (select score from r where fact = 'Prefers vegetarian food'),
  'low importance lowers the score');
drop table r;

create temp table r as select * from public.search_memories(null, tests.embedding(3), 'model-a');
select results_eq($$select fact from r order by vector_rank limit 1$$, $$values ('Sister is called Ana')$$,
  'vector search without text finds the nearest embedding');
select is_empty($$select 1 from r where fact = 'Sister lives in Porto'$$, 'embeddings of another model are never compared');
select ok((select vector_similarity from r where fact = 'Sister is called Ana') > 0.999, 'the vector similarity is reported (cosine)');
drop table r;

create temp table r as select * from public.search_memories('sister', tests.embedding(3), 'model-b');
select results_eq($$select fact, text_rank is not null, vector_rank is not null from r order by score desc$$,
  $$values ('Sister lives in Porto', true, true), ('Sister is called Ana', true, false)$$,
  'a hit of both legs outranks a hit of one; text still finds memories embedded by another model');
drop table r;

select is((select count(*)::int from public.search_memories('vegetarian', memory_types => array['event'])), 1, 'memory_types filters');
select is((select count(*)::int from public.search_memories('sister', categories => array['food'])), 0, 'categories filter');
select is((select count(*)::int from public.search_memories('vegetarian', min_importance => 0.5)), 2, 'min_importance filters');
select is((select count(*)::int from public.search_memories('vegetarian', created_after => now() - interval '30 days')), 2,
  'created_after filters');
select is((select count(*)::int from public.search_memories('vegetarian', created_before => now() - interval '30 days')), 1,
  'created_before filters');
select is((select count(*)::int from public.search_memories('vegetarian', match_count => 1)), 1, 'match_count limits');
select is((select count(*)::int from public.search_memories('the and of')), 0, 'a query of stop words finds nothing, without error');

select is((select count(distinct a.memory_id)::int from public.memory_access_log a join public.user_memories m on m.id = a.memory_id
  where m.fact in ('Prefers vegetarian food', 'Sister is called Ana')), 2,
  'returned memories are recorded as accessed (in the access log)');
select is((select count(*)::int from public.memory_access_log a join public.user_memories m on m.id = a.memory_id
  where m.fact = 'Was vegetarian for a week'), 0, 'memories not returned are not');
select tests.clear_authentication();
delete from public.memory_access_log;
select tests.authenticate_as('ana@example.com');
select is((select count(*)::int from public.search_memories('vegetarian', touch => false)), 3, 'touch => false searches');
select is((select count(*)::int from public.memory_access_log), 0, 'without recording anything');

select tests.rejects($$select * from public.search_memories()$$, '22023', null, 'neither text nor embedding is refused');
select tests.rejects($$select * from public.search_memories('x', match_count => 101)$$, '22023', null, 'match_count above 100 is refused');
select tests.rejects($$select * from public.search_memories(null, tests.embedding(1))$$, '22023', null, 'an embedding without its model is refused');
select tests.rejects($$select * from public.search_memories(null, '[1,2]', 'model-a')$$, '22000', null, 'an embedding of the wrong dimension is refused');
select tests.rejects($$select * from public.search_memories('x', memory_types => array['hobby'])$$, '22023', null, 'an unknown memory type is refused');
select tests.rejects($$select * from public.search_memories('x', min_importance => 2)$$, '22023', null, 'min_importance above 1 is refused');
select tests.rejects($$select * from public.search_memories('x', created_after => now(), created_before => now() - interval '1 day')$$,
  '22023', null, 'an empty time range is refused');
select tests.clear_authentication();

select * from finish();
rollback;
