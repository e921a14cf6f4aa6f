-- Hygiene: finding and marking duplicates, cleanup of old inactive rows, the expiry sweep, statistics.
begin;
select plan(28);

select tests.create_user('ana@example.com');
select tests.create_user('ben@example.com');
insert into public.user_memories (id, user_id, fact, memory_type, category, importance_score, confidence_score, embedding, embedding_model) values
  ('a0000000-0000-0000-0000-000000000001', tests.user_id('ana@example.com'), 'My sister Ana lives in Porto', 'person', 'family', 0.8, 0.9, tests.embedding(1), 'm'),
  ('a0000000-0000-0000-0000-000000000002', tests.user_id('ana@example.com'), 'Works as a nurse', 'fact', 'work', 0.6, 0.5, tests.embedding(2), 'm'),
  ('a0000000-0000-0000-0000-000000000003', tests.user_id('ana@example.com'), 'Likes green tea', 'preference', null, 0.4, 0.5, null, null),
  ('b0000000-0000-0000-0000-000000000001', tests.user_id('ben@example.com'), 'My sister Ana lives in Porto', 'person', null, 0.5, 0.5, null, null);

select tests.authenticate_as('ana@example.com');
select results_eq($$select id::text, existing_fact, jaccard, similarity from public.find_duplicate_memories(tests.user_id('ana@example.com'), 'my SISTER ana lives in porto!')$$,
  $$values ('a0000000-0000-0000-0000-000000000001', 'My sister Ana lives in Porto', 1.0::float8, 1.0::float8)$$,
  'the same words are a duplicate with Jaccard 1, and only the caller''s memory is listed');
select results_eq($$select id::text, round(jaccard::numeric, 3) from public.find_duplicate_memories(tests.user_id('ana@example.com'), 'My sister Ana lives in Porto now')$$,
  $$values ('a0000000-0000-0000-0000-000000000001', 0.857)$$, 'a reworded fact is found with its Jaccard score (6/7 >= 0.85)');
select is_empty($$select * from public.find_duplicate_memories(tests.user_id('ana@example.com'), 'My sister Ana lives in Porto with cats')$$,
  'below the default threshold nothing is listed (6/8)');
select isnt_empty($$select * from public.find_duplicate_memories(tests.user_id('ana@example.com'), 'My sister Ana lives in Porto with cats', 0.7)$$,
  'a lower threshold lists it');
select results_eq($$select id::text, cosine > 0.999 from public.find_duplicate_memories(tests.user_id('ana@example.com'), 'Employed at the hospital', 0.85, tests.embedding(2), 'm')$$,
  $$values ('a0000000-0000-0000-0000-000000000002', true)$$, 'with an embedding of the same model, cosine finds a differently worded duplicate');
select tests.rejects($$select * from public.find_duplicate_memories(tests.user_id('ben@example.com'), 'x')$$, '42501', null,
  'a user cannot look into another user''s memories');
select tests.rejects($$select * from public.find_duplicate_memories(tests.user_id('ana@example.com'), '  ')$$, '22023', null, 'an empty fact is refused');
select tests.rejects($$select * from public.find_duplicate_memories(tests.user_id('ana@example.com'), 'x', 0)$$, '22023', null, 'a threshold of 0 is refused');

-- mark_memory_duplicate (fixtures with known ids, written as the owner: a user cannot choose an id)
select tests.clear_authentication();
insert into public.user_memories (id, user_id, fact, memory_type) values
  ('a0000000-0000-0000-0000-000000000004', tests.user_id('ana@example.com'), 'Sister (Ana) lives in Porto, Portugal', 'person'),
  ('a0000000-0000-0000-0000-000000000005', tests.user_id('ana@example.com'), 'Ana is my sister, in Porto', 'person');
select tests.authenticate_as('ana@example.com');
select tests.rejects($$select * from public.mark_memory_duplicate('a0000000-0000-0000-0000-000000000004', 'a0000000-0000-0000-0000-000000000004')$$,
  '22023', null, 'a memory cannot duplicate itself');
select tests.rejects($$select * from public.mark_memory_duplicate('a0000000-0000-0000-0000-000000000004', 'b0000000-0000-0000-0000-000000000001')$$,
  'PT404', null, 'another user''s memory is not found');
select results_eq($$select relinked from public.mark_memory_duplicate('a0000000-0000-0000-0000-000000000005', 'a0000000-0000-0000-0000-000000000004')$$,
  $$values (0)$$, 'a memory is marked as a duplicate');
select results_eq($$select relinked from public.mark_memory_duplicate('a0000000-0000-0000-0000-000000000004', 'a0000000-0000-0000-0000-000000000001')$$,
  $$values (1)$$, 'marking an original relinks its duplicates');
select results_eq($$select id::text, is_active, duplicate_of::text from public.user_memories where id in ('a0000000-0000-0000-0000-000000000004', 'a0000000-0000-0000-0000-000000000005') order by id$$,
  $$values ('a0000000-0000-0000-0000-000000000004', false, 'a0000000-0000-0000-0000-000000000001'), ('a0000000-0000-0000-0000-000000000005', false, 'a0000000-0000-0000-0000-000000000001')$$,
  'both now point straight at the surviving original');
select tests.rejects($$select * from public.mark_memory_duplicate('a0000000-0000-0000-0000-000000000001', 'a0000000-0000-0000-0000-000000000005')$$,
  'PT409', null, 'an inactive original (a duplicate) is refused, which also rules out cycles');
select tests.rejects($$select * from public.cleanup_old_memories()$$, '42501', null, 'a user cannot run cleanup');
select tests.rejects($$select * from public.expire_memories()$$, '42501', null, 'a user cannot run the expiry sweep');
select tests.rejects($$select * from public.get_memory_overview()$$, '42501', null, 'a user cannot see the overview');
select tests.rejects($$select public.get_memory_stats(tests.user_id('ben@example.com'))$$, '42501', null, 'a user cannot see another user''s statistics');

select results_eq($$select (s->>'active')::int, (s->>'inactive')::int, (s->>'duplicates')::int, s->'by_type', s->'embeddings', (s->>'quota')::int, (s->>'quota_used')::int
    from public.get_memory_stats() s$$,
  $$values (3, 0, 2, '{"person": 1, "fact": 1, "preference": 1}'::jsonb, '{"m": 2, "(none)": 1}'::jsonb, 10000, 3)$$,
  'statistics count active memories, duplicates, types, embedding coverage and quota');
select ok((select (s->>'storage_bytes')::bigint > 0 and (s->>'average_importance')::numeric = 0.6 from public.get_memory_stats() s),
  'and report storage and average importance');
select tests.clear_authentication();

-- cleanup and expiry (service_role)
update public.user_memories set updated_at = now() - interval '100 days' where id = 'a0000000-0000-0000-0000-000000000005';
update public.user_memories set updated_at = now() - interval '100 days' where id = 'a0000000-0000-0000-0000-000000000003';
insert into public.user_memories (id, user_id, fact, memory_type, created_at, expires_at) values
  ('a0000000-0000-0000-0000-000000000006', tests.user_id('ana@example.com'), 'Dentist appointment on Friday', 'event', now() - interval '3 days', now() - interval '1 day');
select tests.authenticate_as_service_role();
select tests.rejects($$select public.cleanup_old_memories(0)$$, '22023', null, 'days_old 0 is refused');
select tests.rejects($$select public.cleanup_old_memories(90, 0)$$, '22023', null, 'batch_size 0 is refused');
select is(public.cleanup_old_memories(90, 1), 1::bigint, 'cleanup deletes the inactive memory deactivated 100 days ago, in batches');
select results_eq($$select id::text from public.user_memories where id in ('a0000000-0000-0000-0000-000000000003', 'a0000000-0000-0000-0000-000000000004', 'a0000000-0000-0000-0000-000000000005') order by id$$,
  array['a0000000-0000-0000-0000-000000000003', 'a0000000-0000-0000-0000-000000000004'],
  'but never an active memory, however old, nor a recent inactive one');
select is((select count(*)::int from public.search_memories('dentist', user_id => tests.user_id('ana@example.com'))), 0,
  'an expired memory has already stopped appearing');
select is(public.expire_memories(), 1::bigint, 'the expiry sweep deactivates it');
select is((select active_count from public.memory_user_stats where user_id = tests.user_id('ana@example.com')), 3,
  'and the counters follow');
select results_eq($$select user_id, active from public.get_memory_overview() order by user_id$$,
  $$select u, (case when u = tests.user_id('ana@example.com') then 3 else 1 end)
      from unnest(array[tests.user_id('ana@example.com'), tests.user_id('ben@example.com')]) u order by u$$, 'the overview lists every user');
select tests.clear_authentication();

select * from finish();
rollback;
