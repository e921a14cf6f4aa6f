-- Searches append what they returned to memory_access_log; fold_memory_access folds it into memory_access.
begin;
select plan(14);

select tests.create_user('ana@example.com');
select tests.create_user('ben@example.com');
insert into public.user_memories (id, user_id, fact, memory_type, last_accessed_at) values
  ('a0000000-0000-0000-0000-000000000001', tests.user_id('ana@example.com'), 'Prefers vegetarian food', 'preference', '2020-01-01'),
  ('a0000000-0000-0000-0000-000000000002', tests.user_id('ana@example.com'), 'Sister is called Ana', 'person', '2020-01-01'),
  ('b0000000-0000-0000-0000-000000000001', tests.user_id('ben@example.com'), 'Plays vegetarian chess', 'fact', '2020-01-01');

select tests.authenticate_as('ana@example.com');
select is((select count(*)::int from public.search_memories('vegetarian food')), 1, 'a search returns one memory');
select is((select count(*)::int from public.search_memories('vegetarian')), 1, 'and again');
select is((select count(*)::int from public.search_memories('sister')), 1, 'and another one');
select results_eq($$select memory_id::text, count(*)::int from public.memory_access_log group by 1 order by 1$$,
  $$values ('a0000000-0000-0000-0000-000000000001', 2), ('a0000000-0000-0000-0000-000000000002', 1)$$,
  'each result is one entry in the log');
select is_empty($$select 1 from public.memory_access$$, 'memory_access is untouched until a fold');
select is((select last_accessed_at from public.list_memories() where id = 'a0000000-0000-0000-0000-000000000001'), now(),
  'list_memories already shows the last access from the log');
select tests.rejects($$select public.fold_memory_access()$$, '42501', null, 'a user cannot fold the log (service_role only)');
-- An entry naming another user's memory (a forged insert cannot pass RLS; the owner can write anything).
select tests.clear_authentication();
insert into public.memory_access_log (memory_id, user_id) values
  ('b0000000-0000-0000-0000-000000000001', tests.user_id('ana@example.com')),
  ('c0000000-0000-0000-0000-000000000009', tests.user_id('ana@example.com'));

select tests.authenticate_as_service_role();
select is(public.fold_memory_access(), 5::bigint, 'a fold is done with every entry: three folded, two dropped');
select tests.clear_authentication();
select results_eq($$select memory_id::text, user_id, access_count::int from public.memory_access order by 1$$,
  $$values ('a0000000-0000-0000-0000-000000000001', tests.user_id('ana@example.com'), 2),
           ('a0000000-0000-0000-0000-000000000002', tests.user_id('ana@example.com'), 1)$$,
  'memory_access holds each memory''s count; the entries for another user''s memory and a missing one are dropped');
select is_empty($$select 1 from public.memory_access_log$$, 'the log is empty after the fold');

select tests.authenticate_as('ana@example.com');
select is((select count(*)::int from public.search_memories('vegetarian')), 1, 'one more search');
select tests.authenticate_as_service_role();
select is(public.fold_memory_access(batch_size => 1), 1::bigint, 'folds a batch at a time');
select tests.clear_authentication();
select results_eq($$select access_count::int from public.memory_access where memory_id = 'a0000000-0000-0000-0000-000000000001'$$,
  $$values (3)$$, 'a later fold adds to the count');
select tests.authenticate_as_service_role();
select tests.rejects($$select public.fold_memory_access(batch_size => 0)$$, '22023', null, 'batch_size 0 is refused');
select tests.clear_authentication();

select * from finish();
rollback;
