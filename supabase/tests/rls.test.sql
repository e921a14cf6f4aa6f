-- Row-level security: a user reads and changes only their own rows; anon gets nothing; service_role sees all.
begin;
select plan(33);

select tests.create_user('ana@example.com');
select tests.create_user('ben@example.com');
insert into public.conversations (id, user_id) values
  ('c0000000-0000-0000-0000-00000000000a', tests.user_id('ana@example.com')),
  ('c0000000-0000-0000-0000-00000000000b', tests.user_id('ben@example.com'));
insert into public.user_memories (id, user_id, fact, memory_type, source_conversation_id) values
  ('a0000000-0000-0000-0000-000000000001', tests.user_id('ana@example.com'), 'Ana likes tea', 'preference', 'c0000000-0000-0000-0000-00000000000a'),
  ('a0000000-0000-0000-0000-000000000002', tests.user_id('ana@example.com'), 'Ana has a cat', 'fact', null),
  ('b0000000-0000-0000-0000-000000000001', tests.user_id('ben@example.com'), 'Ben likes coffee', 'preference', 'c0000000-0000-0000-0000-00000000000b');

-- as Ana
select tests.authenticate_as('ana@example.com');
select results_eq($$select id::text from public.user_memories order by id$$,
  array['a0000000-0000-0000-0000-000000000001', 'a0000000-0000-0000-0000-000000000002'],
  'Ana sees exactly her own memories');
select is_empty($$select 1 from public.user_memories where user_id = tests.user_id('ben@example.com')$$,
  'Ana cannot read Ben''s memories even by naming him');
select results_eq($$select id::text from public.conversations$$, array['c0000000-0000-0000-0000-00000000000a'],
  'Ana sees exactly her own conversations');
select is(tests.rows_affected($q$update public.user_memories set importance_score = 1 where id = 'b0000000-0000-0000-0000-000000000001'$q$),
  0, 'Ana''s update of Ben''s memory changes nothing');
select is(tests.rows_affected($q$delete from public.user_memories where id = 'b0000000-0000-0000-0000-000000000001'$q$),
  0, 'Ana''s delete of Ben''s memory removes nothing');
select is(tests.rows_affected($q$delete from public.conversations where id = 'c0000000-0000-0000-0000-00000000000b'$q$),
  0, 'Ana''s delete of Ben''s conversation removes nothing');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type) values (tests.user_id('ben@example.com'), 'Ben is sad', 'emotion')$$,
  '42501', null, 'Ana cannot insert a memory for Ben');
select tests.rejects($$insert into public.conversations (user_id) values (tests.user_id('ben@example.com'))$$,
  '42501', null, 'Ana cannot insert a conversation for Ben');
select tests.rejects($$update public.conversations set user_id = tests.user_id('ben@example.com') where id = 'c0000000-0000-0000-0000-00000000000a'$$,
  '42501', null, 'Ana cannot hand her conversation to Ben');
select lives_ok($$insert into public.user_memories (user_id, fact, memory_type) values (tests.user_id('ana@example.com'), 'Ana runs', 'fact')$$,
  'Ana can insert her own memory');
select is(tests.rows_affected($q$update public.user_memories set importance_score = 0.9 where id = 'a0000000-0000-0000-0000-000000000001'$q$),
  1, 'Ana can update her own memory');
select is(tests.rows_affected($q$delete from public.user_memories where id = 'a0000000-0000-0000-0000-000000000002'$q$),
  1, 'Ana can delete her own memory');
select tests.clear_authentication();

-- the per-user side tables
select tests.clear_authentication();
insert into public.memory_idempotency_keys (user_id, idempotency_key, memory_id, status, version) values
  (tests.user_id('ana@example.com'), 'k1', 'a0000000-0000-0000-0000-000000000001', 'created', 1),
  (tests.user_id('ben@example.com'), 'k1', 'b0000000-0000-0000-0000-000000000001', 'created', 1);
insert into public.memory_access (memory_id, user_id) values
  ('a0000000-0000-0000-0000-000000000001', tests.user_id('ana@example.com')),
  ('b0000000-0000-0000-0000-000000000001', tests.user_id('ben@example.com'));
insert into public.memory_access_log (memory_id, user_id) values
  ('a0000000-0000-0000-0000-000000000001', tests.user_id('ana@example.com')),
  ('b0000000-0000-0000-0000-000000000001', tests.user_id('ben@example.com'));
select tests.authenticate_as('ana@example.com');
select results_eq($$select user_id from public.memory_user_stats$$, $$select tests.user_id('ana@example.com')$$,
  'Ana sees only her own statistics');
select results_eq($$select memory_id::text from public.memory_idempotency_keys$$, array['a0000000-0000-0000-0000-000000000001'],
  'Ana sees only her own idempotency keys');
select results_eq($$select memory_id::text from public.memory_access$$, array['a0000000-0000-0000-0000-000000000001'],
  'Ana sees only her own access records');
select tests.rejects($$update public.memory_user_stats set quota_limit = 1000000$$, '42501', null,
  'Ana cannot raise her own quota');
select tests.rejects($$insert into public.memory_access (memory_id, user_id) values ('b0000000-0000-0000-0000-000000000002', tests.user_id('ben@example.com'))$$,
  '42501', null, 'Ana cannot record accesses for Ben');
select tests.rejects($q$update public.memory_access set access_count = 99 where memory_id = 'a0000000-0000-0000-0000-000000000001'$q$,
  '42501', null, 'Ana cannot change access records, not even her own (only searches record them)');
select tests.rejects($$insert into public.memory_access_log (memory_id, user_id) values ('b0000000-0000-0000-0000-000000000001', tests.user_id('ben@example.com'))$$,
  '42501', null, 'Ana cannot log accesses for Ben');
select tests.rejects($$insert into public.memory_access_log (memory_id, user_id, accessed_at) values ('a0000000-0000-0000-0000-000000000001', tests.user_id('ana@example.com'), now() + interval '1 year')$$,
  '42501', null, 'Ana cannot choose the time of an access');
select results_eq($$select memory_id::text from public.memory_access_log$$, array['a0000000-0000-0000-0000-000000000001'],
  'Ana sees only her own access log entries');
select tests.clear_authentication();

-- as Ben
select tests.authenticate_as('ben@example.com');
select results_eq($$select fact from public.user_memories$$, array['Ben likes coffee'], 'Ben sees only his memory');
select tests.clear_authentication();

-- as anon: no privilege at all, so not even an empty result to probe with
select tests.authenticate_as_anon();
select tests.rejects($$select 1 from public.user_memories$$, '42501', null, 'anon cannot read memories');
select tests.rejects($$select 1 from public.conversations$$, '42501', null, 'anon cannot read conversations');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type) values (tests.user_id('ana@example.com'), 'x', 'fact')$$,
  '42501', null, 'anon cannot insert memories');
select tests.rejects($$delete from public.user_memories$$, '42501', null, 'anon cannot delete memories');
select tests.clear_authentication();

-- as an authenticated role with no user (a token without sub)
select set_config('request.jwt.claims', '{"role":"authenticated"}', true);
set local role authenticated;
select is_empty($$select 1 from public.user_memories$$, 'an authenticated session without a user id sees no memories');
select tests.clear_authentication();

-- as service_role: bypasses RLS, for maintenance and per-user administration
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.user_memories), 3, 'service_role sees every user''s memories');
select is((select count(*)::int from public.conversations), 2, 'service_role sees every user''s conversations');
select tests.clear_authentication();

-- nothing of Ben's was touched by the attempts above
select is((select importance_score from public.user_memories where id = 'b0000000-0000-0000-0000-000000000001'), 0.5::float8,
  'Ben''s memory is unchanged');
select is((select count(*)::int from public.conversations where user_id = tests.user_id('ben@example.com')), 1,
  'Ben''s conversation is still there');
select is((select count(*)::int from public.user_memories where user_id = tests.user_id('ben@example.com')), 1,
  'Ben still has exactly one memory');
select is((select count(*)::int from public.user_memories where user_id = tests.user_id('ana@example.com')), 2,
  'Ana has her original memory and the one she added');

select * from finish();
rollback;
