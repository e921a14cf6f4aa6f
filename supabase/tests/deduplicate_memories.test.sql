-- deduplicate_memories: groups of duplicates by words and by embeddings, the most important kept and merged,
-- the rest marked; idempotent; per user; and the batch over all users.
begin;
select plan(17);

select tests.create_user('ana@example.com');
select tests.create_user('ben@example.com');
-- Written with triggers' help but not through store_memory, as a direct table API client (or old data) could.
insert into public.user_memories (id, user_id, fact, memory_type, importance_score, confidence_score, metadata, expires_at, embedding, embedding_model, created_at) values
  ('a0000000-0000-0000-0000-000000000001', tests.user_id('ana@example.com'), 'Prefers vegetarian food at home with family', 'preference', 0.9, 0.5, '{"a":1}', null, null, null, now() - interval '3 days'),
  ('a0000000-0000-0000-0000-000000000002', tests.user_id('ana@example.com'), 'At home with family, prefers vegetarian food', 'preference', 0.4, 0.95, '{"a":2,"b":2}', now() + interval '9 days', null, null, now() - interval '2 days'),
  ('a0000000-0000-0000-0000-000000000003', tests.user_id('ana@example.com'), 'Prefers vegetarian food at home with family really', 'preference', 0.3, 0.5, '{"c":3}', null, null, null, now() - interval '1 day'),
  ('a0000000-0000-0000-0000-000000000004', tests.user_id('ana@example.com'), 'Works as a nurse in a hospital', 'fact', 0.5, 0.5, '{}', null, tests.embedding(5), 'm', now() - interval '5 days'),
  ('a0000000-0000-0000-0000-000000000005', tests.user_id('ana@example.com'), 'Employed at a hospital', 'fact', 0.7, 0.5, '{}', null, tests.embedding(5), 'm', now() - interval '4 days'),
  ('a0000000-0000-0000-0000-000000000006', tests.user_id('ana@example.com'), 'Employed at a hospital (per other model)', 'fact', 0.7, 0.5, '{}', null, tests.embedding(5), 'other-model', now() - interval '4 days'),
  ('a0000000-0000-0000-0000-000000000007', tests.user_id('ana@example.com'), 'Plays the cello on Sundays', 'fact', 0.5, 0.5, '{}', null, tests.embedding(9), 'm', now()),
  ('a0000000-0000-0000-0000-000000000008', tests.user_id('ana@example.com'), 'Has two cats called Miso and Tofu', 'fact', 0.5, 0.5, '{}', null, null, null, now()),
  ('b0000000-0000-0000-0000-000000000001', tests.user_id('ben@example.com'), 'Prefers vegetarian food at home', 'preference', 0.5, 0.5, '{}', null, null, null, now());

select tests.authenticate_as('ana@example.com');
create temp table first_run as select * from public.deduplicate_memories();
select results_eq($$select duplicates_found, duplicates_removed from first_run$$, $$values (4::bigint, 3::bigint)$$,
  'three word pairs (Jaccard 1, 7/8, 7/8) and one vector pair are found; three memories are removed');
select results_eq($$select id::text from public.user_memories where is_active order by id$$,
  array['a0000000-0000-0000-0000-000000000001', 'a0000000-0000-0000-0000-000000000005', 'a0000000-0000-0000-0000-000000000006',
        'a0000000-0000-0000-0000-000000000007', 'a0000000-0000-0000-0000-000000000008'],
  'the most important of each group stays; the same vector of another model is not compared; the rest is untouched');
select results_eq($$select id::text, duplicate_of::text from public.user_memories where not is_active order by id$$,
  $$values ('a0000000-0000-0000-0000-000000000002', 'a0000000-0000-0000-0000-000000000001'),
           ('a0000000-0000-0000-0000-000000000003', 'a0000000-0000-0000-0000-000000000001'),
           ('a0000000-0000-0000-0000-000000000004', 'a0000000-0000-0000-0000-000000000005')$$,
  'the others become duplicates of their group''s keeper');
select results_eq($$select confidence_score, metadata, expires_at is null from public.user_memories where id = 'a0000000-0000-0000-0000-000000000001'$$,
  $$values (0.95::float8, '{"a":1,"b":2,"c":3}'::jsonb, true)$$,
  'the keeper takes the best confidence and every metadata key (its own values win), and keeps no expiry');
select results_eq($$select * from public.deduplicate_memories()$$, $$values (0::bigint, 0::bigint)$$, 'a second run finds nothing');
select is((select active_count from public.memory_user_stats where user_id = tests.user_id('ana@example.com')), 5, 'the counters follow');
select tests.rejects($$select * from public.deduplicate_memories(tests.user_id('ben@example.com'))$$, '42501', null,
  'a user cannot deduplicate another user');
select tests.rejects($$select * from public.deduplicate_memories(threshold => 1.5)$$, '22023', null, 'a threshold above 1 is refused');
select tests.rejects($$select * from public.deduplicate_all_memories()$$, '42501', null, 'the batch over all users is for service_role');
select tests.clear_authentication();
select is((select count(*)::int from public.user_memories where user_id = tests.user_id('ben@example.com') and is_active), 1,
  'another user''s identical fact was never a duplicate');

-- a lower threshold finds looser pairs
insert into public.user_memories (user_id, fact, memory_type, importance_score) values
  (tests.user_id('ben@example.com'), 'Prefers vegetarian food at home, really honestly', 'preference', 0.1);
select tests.authenticate_as('ben@example.com');
select results_eq($$select * from public.deduplicate_memories()$$, $$values (0::bigint, 0::bigint)$$, 'Jaccard 5/7 is not a duplicate at 0.85');
select results_eq($$select * from public.deduplicate_memories(threshold => 0.7)$$, $$values (1::bigint, 1::bigint)$$, 'but is at 0.7');
select tests.clear_authentication();

-- the scheduler's batch
insert into public.user_memories (user_id, fact, memory_type, importance_score) values
  (tests.user_id('ben@example.com'), 'Reads science fiction at night', 'fact', 0.6),
  (tests.user_id('ben@example.com'), 'At night, reads science fiction', 'fact', 0.5);
-- Ben's pair differs only in importance: merging into the keeper changes nothing, so the keeper is not rewritten.
create temporary table ben_keeper as
  select ctid as row_at from public.user_memories where fact = 'Reads science fiction at night';
select tests.authenticate_as_service_role();
select is((select users from public.deduplicate_all_memories(10)), 2, 'the batch covers every user with memories to compare');
select tests.clear_authentication();
select results_eq($$select fact from public.user_memories where user_id = tests.user_id('ben@example.com') and fact ilike '%science fiction%' and is_active$$,
  array['Reads science fiction at night'], 'and removed Ben''s reworded duplicate, keeping the more important');
select is((select ctid from public.user_memories where fact = 'Reads science fiction at night'), (select row_at from ben_keeper),
  'a merge that changes nothing leaves the keeper''s row as it was');
select ok((select bool_and(last_deduplicated_at is not null) from public.memory_user_stats), 'it records when each user was done');
select is((select users from public.deduplicate_all_memories(1)), 1, 'batch_size bounds the users per call');

select * from finish();
rollback;
