-- The private helpers are unreachable for a signed-in user (no usage on private: 42501 before any guard is asked),
-- and, for service_role, which reaches them, they act for the user named.
begin;
select plan(17);

select tests.create_user('ana@example.com');
select tests.create_user('ben@example.com');
insert into public.user_memories (user_id, fact, memory_type) values (tests.user_id('ben@example.com'), 'Ben hides a secret', 'fact');

select tests.authenticate_as('ana@example.com');
select tests.rejects($$select * from private.duplicate_candidates(tests.user_id('ben@example.com'), 'Ben hides a secret', null, null, 0.85, 0.85)$$,
  '42501', null, 'duplicate_candidates cannot be called by a signed-in user');
select tests.rejects($$select private.record_sighting(tests.user_id('ben@example.com'), (select id from public.user_memories limit 1), null::public.user_memories, 1, null)$$,
  '42501', null, 'record_sighting cannot be called by a signed-in user');
select tests.rejects($$select private.move_sightings(tests.user_id('ben@example.com'), array[gen_random_uuid()], array[gen_random_uuid()])$$,
  '42501', null, 'move_sightings cannot be called by a signed-in user');
select tests.rejects($$select * from private.absorb_memories(tests.user_id('ben@example.com'), array[gen_random_uuid()], array[gen_random_uuid()], array[1.0::float8])$$,
  '42501', null, 'absorb_memories cannot be called by a signed-in user');
select tests.rejects($$select private.mark_unmerged(tests.user_id('ben@example.com'), gen_random_uuid(), gen_random_uuid())$$,
  '42501', null, 'mark_unmerged cannot be called by a signed-in user');
select tests.rejects($$select * from private.text_matches(tests.user_id('ben@example.com'), array['secret'], array['secret'], '{}', '{}', '{}', 10, null, null, null, null, null)$$,
  '42501', null, 'text_matches cannot be called by a signed-in user');
select tests.rejects($$select * from private.nearest_memories(tests.user_id('ben@example.com'), tests.embedding(1), 'm', 10, 200)$$,
  '42501', null, 'nearest_memories cannot be called by a signed-in user');
select tests.rejects($$select * from private.duplicate_pairs(tests.user_id('ben@example.com'), 0.85)$$,
  '42501', null, 'duplicate_pairs cannot be called by a signed-in user');
select tests.rejects($$select * from private.memories_by_id(tests.user_id('ben@example.com'), array(select id from public.user_memories))$$,
  '42501', null, 'memories_by_id cannot be called by a signed-in user');
select tests.rejects($$select * from private.import_user_rows(tests.user_id('ben@example.com'), '{"memories": [], "sightings": [], "conversations": [], "access": [], "access_log": []}')$$,
  '42501', null, 'import_user_rows cannot be called by a signed-in user');
select tests.rejects($$select * from private.text_matches(tests.user_id('ana@example.com'), array['secret'], array['secret'], '{}', '{}', '{}', 10, null, null, null, null, null)$$,
  '42501', null, 'not even for the caller''s own memories: the public functions call it');
select tests.clear_authentication();

select tests.act_as('authenticated', '{}');
select tests.rejects($$select * from private.text_matches(null, array['secret'], array['secret'], '{}', '{}', '{}', 10, null, null, null, null, null)$$,
  '42501', null, 'nor by a token without a user');
select tests.clear_authentication();

select tests.authenticate_as_service_role();
select is((select count(*)::int from private.text_matches(tests.user_id('ben@example.com'), array['secret'], array['secret'], '{}', '{}', '{}', 10, null, null, null, null, null)), 1,
  'service_role may name a user');
select is((select count(*)::int from private.duplicate_candidates(tests.user_id('ben@example.com'), 'ben hides a SECRET!', null, null, 0.85, 0.85)), 1,
  'and find that user''s duplicates');
select tests.clear_authentication();

-- The per-user write lock: a user takes only their own, or could stall another user's stores.
select tests.authenticate_as('ana@example.com');
select tests.rejects(format('select private.lock_user_memories(%L)', tests.user_id('ben@example.com')), '42501', null,
  'a user cannot take another user''s write lock');
select tests.rejects(format('select private.lock_user_memories(%L)', tests.user_id('ana@example.com')), '42501', null,
  'nor their own directly: the public functions that write take it');
select tests.authenticate_as_service_role();
select lives_ok(format('select private.lock_users(array[%L, %L]::uuid[])', tests.user_id('ana@example.com'), tests.user_id('ben@example.com')),
  'service_role takes any user''s, as maintenance does');
select tests.clear_authentication();

select * from finish();
rollback;
