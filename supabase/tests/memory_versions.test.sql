-- New versions, history, forgetting, and GDPR erasure.
begin;
select plan(23);

select tests.create_user('ana@example.com');
select tests.create_user('ben@example.com');
select tests.authenticate_as('ana@example.com');
create temp table v (label text, id uuid, status text, version integer, sighting_id uuid, related jsonb, relation text);
grant all on v to authenticated;

insert into v select 'v1', * from public.store_memory('Lives in Porto', 'fact', 'home', 0.5, embedding => tests.embedding(3), embedding_model => 'm');
insert into v (label, id, status, version) select 'v2', * from public.update_memory((select id from v where label = 'v1'), fact => 'Lives in Lisbon', importance_score => 0.8);
select results_eq($$select id, status, version from v where label = 'v2'$$, $$select (select id from v where label = 'v1'), 'updated', 2$$,
  'an update stores version 2 of the memory, which keeps its id');
select results_eq($$select is_active, version, fact from public.user_memories
    where id = (select previous_version_id from public.user_memories where id = (select id from v where label = 'v1'))$$,
  $$values (false, 1, 'Lives in Porto')$$, 'the old version is kept, inactive, in a row of its own');
select results_eq($$select fact, category, importance_score, previous_version_id, embedding is null from public.user_memories where id = (select id from v where label = 'v2')$$,
  $$select 'Lives in Lisbon', 'home', 0.8::float8, (select id from public.user_memories where not is_active and version = 1), true$$,
  'the new version has the new fields, keeps the rest, links back, and drops the embedding of the old text');
insert into v (label, id, status, version) select 'v3', * from public.update_memory((select id from v where label = 'v2'), memory_type => 'event');
select results_eq($$select fact, memory_type, version from public.memory_history((select id from v where label = 'v1')) where kind = 'version'$$,
  $$values ('Lives in Porto', 'fact', 1), ('Lives in Lisbon', 'fact', 2), ('Lives in Lisbon', 'event', 3)$$,
  'memory_history lists every version, oldest first');
select results_eq($$select id from public.memory_history((select id from v where label = 'v3'))$$,
  $$select id from public.memory_history((select id from v where label = 'v1'))$$, 'from any version of it');
select is((select count(*)::int from public.user_memories where is_active), 1, 'only the newest version is active');
select is((select active_count from public.memory_user_stats where user_id = tests.user_id('ana@example.com')), 1,
  'a new version does not use another quota place');

select results_eq($$select id, version from public.get_memory((select id from public.user_memories where not is_active and version = 1))$$,
  $$select (select id from v where label = 'v1'), 3$$, 'the id of an earlier version names the memory');
select tests.rejects($$select * from public.update_memory(gen_random_uuid(), fact => 'x')$$, 'PT404', null, 'updating an unknown memory is not found');
select tests.rejects($$select * from public.update_memory((select id from v where label = 'v3'), importance_score => 7)$$,
  '23514', 'user_memories_importance_range', 'an update is validated');
select tests.rejects($$select * from public.update_memory((select id from v where label = 'v3'), fact => '   ')$$,
  '23514', 'user_memories_fact_not_blank', 'an update to an empty fact is refused');
select is((select count(*)::int from public.user_memories), 3, 'refused updates wrote nothing');

insert into v select 'other', * from public.store_memory('Has a dog', 'fact');
select tests.rejects(format($$select * from public.update_memory(%L, fact => 'Has a dog!')$$, (select id from v where label = 'v3')),
  'PT409', null, 'an update cannot make two active memories say the same: it names the other memory') ;
select tests.clear_authentication();

select tests.authenticate_as('ben@example.com');
select tests.rejects(format($$select * from public.update_memory(%L, fact => 'Ben was here')$$, (select id from v where label = 'v3')),
  'PT404', null, 'another user''s memory cannot be updated (not found)');
select tests.rejects(format($$select * from public.forget_memory(%L)$$, (select id from v where label = 'v3')),
  'PT404', null, 'nor forgotten');
select is_empty(format($$select * from public.memory_history(%L)$$, (select id from v where label = 'v3')),
  'nor its history read');
select tests.clear_authentication();

select tests.authenticate_as('ana@example.com');
select results_eq(format($$select status, version from public.forget_memory(%L)$$, (select id from v where label = 'v3')),
  $$values ('forgotten', 3)$$, 'forgetting deactivates the memory');
select tests.rejects(format($$select * from public.forget_memory(%L)$$, (select id from v where label = 'v3')),
  'PT409', null, 'forgetting twice is a conflict');
select tests.rejects(format($$select * from public.erase_user_data(%L)$$, tests.user_id('ana@example.com')),
  '42501', null, 'a user cannot call erasure (service_role only)');
select tests.clear_authentication();

select tests.authenticate_as('ben@example.com');
select status from public.store_memory('Ben likes chess');
select tests.clear_authentication();
insert into public.conversations (user_id) values (tests.user_id('ana@example.com'));

insert into public.memory_access (memory_id, user_id)
  select id, user_id from public.user_memories where user_id = tests.user_id('ana@example.com') and is_active;
insert into public.memory_access_log (memory_id, user_id)
  select id, user_id from public.user_memories where user_id = tests.user_id('ana@example.com') and is_active;
select tests.authenticate_as_service_role();
select results_eq(format($$select table_name, rows_deleted from public.erase_user_data(%L) order by 1$$, tests.user_id('ana@example.com')),
  $$values ('conversations', 1::bigint), ('memory_access', 1::bigint), ('memory_access_log', 1::bigint), ('memory_idempotency_keys', 0::bigint), ('memory_sightings', 0::bigint), ('memory_user_stats', 1::bigint), ('user_memories', 4::bigint)$$,
  'erasure reports what it removed from each table');
select tests.clear_authentication();
select is((select count(*)::int from public.user_memories where user_id = tests.user_id('ana@example.com'))
        + (select count(*)::int from public.conversations where user_id = tests.user_id('ana@example.com')), 0,
  'nothing of the erased user remains');
select is((select count(*)::int from public.user_memories where user_id = tests.user_id('ben@example.com')), 1,
  'other users are untouched');
select is((select count(*)::int from public.memory_access where user_id = tests.user_id('ana@example.com'))
        + (select count(*)::int from public.memory_access_log where user_id = tests.user_id('ana@example.com')), 0,
  'the erased user''s access records are gone too');

select * from finish();
rollback;
