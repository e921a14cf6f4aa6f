-- Nothing acknowledged is lost: every merged store is a sighting with what was said; sightings follow their memory
-- to a new version and into the memory that absorbs it; history shows them; counters, erasure and cleanup cover
-- them; users can read but not write them.
begin;
select plan(18);

select tests.create_user('ana@example.com');
select tests.create_user('ben@example.com');
insert into public.conversations (id, user_id) values ('c0000000-0000-0000-0000-00000000000a', tests.user_id('ana@example.com'));

select tests.authenticate_as('ana@example.com');
create temp table outcome (label text, id uuid, status text, version integer, sighting_id uuid, related jsonb, relation text);
grant all on outcome to authenticated;
insert into outcome select 'first', * from public.store_memory('Sister is called Ana', 'person', importance_score => 0.8);
insert into outcome select 'again', * from public.store_memory('sister is called ANA!', 'person', 'family', 0.3, 0.6,
  'c0000000-0000-0000-0000-00000000000a', '{"turn":7}', tests.embedding(2), 'm', now() + interval '30 days', 'msg-7');
select results_eq($$select fact, memory_type, category, importance_score, confidence_score, source_conversation_id::text, metadata,
    embedding_model, expires_at is not null, idempotency_key, origin, similarity, memory_id
    from public.memory_sightings where id = (select sighting_id from outcome where label = 'again')$$,
  $$select 'sister is called ANA!', 'person', 'family', 0.3::float8, 0.6::float8, 'c0000000-0000-0000-0000-00000000000a', '{"turn":7}'::jsonb,
    'm', true, 'msg-7', 'store', 1.0::float8, (select id from outcome where label = 'first')$$,
  'a merged store keeps everything it said as a sighting on the memory it merged into');
select is((select sighting_count from public.memory_user_stats where user_id = tests.user_id('ana@example.com')), 1,
  'the counters count it');
select tests.rejects($$insert into public.memory_sightings (user_id, memory_id, fact, memory_type, importance_score, confidence_score, origin)
    values (tests.user_id('ana@example.com'), (select id from outcome where label = 'first'), 'forged', 'fact', 0.5, 0.5, 'store')$$,
  '42501', null, 'users cannot write sightings themselves');
select tests.rejects($$delete from public.memory_sightings$$, '42501', null, 'nor delete them');

-- A new version keeps the memory's id, and its sightings with it.
insert into outcome (label, id, status, version)
  select 'v2', * from public.update_memory((select id from outcome where label = 'first'), fact => 'Sister is called Ana Maria');
select is((select memory_id from public.memory_sightings where id = (select sighting_id from outcome where label = 'again')),
  (select id from outcome where label = 'v2'), 'the sighting stays with the memory in its new version');
-- (one transaction has one now(): the times are spread out as they would be)
select tests.clear_authentication();
set local session_replication_role = replica;
update public.user_memories set created_at = now() - interval '2 days'
 where id = (select previous_version_id from public.user_memories where id = (select id from outcome where label = 'first'));
set local session_replication_role = origin;
update public.memory_sightings set seen_at = now() - interval '1 day' where id = (select sighting_id from outcome where label = 'again');
select tests.authenticate_as('ana@example.com');
select results_eq($$select kind, fact from public.memory_history((select id from outcome where label = 'first'))$$,
  $$values ('version', 'Sister is called Ana'), ('sighting', 'sister is called ANA!'), ('version', 'Sister is called Ana Maria')$$,
  'history lists versions and sightings in the order they happened, from any version');

-- A more important statement takes the memory's words; the memory keeps its id and what it said before.
insert into outcome select 'replace', * from public.store_memory('Sister is called Ana Maria.', 'person', importance_score => 0.95);
select results_eq($$select id, status from outcome where label = 'replace'$$,
  $$select (select id from outcome where label = 'v2'), 'duplicate'$$, 'the more important statement is a duplicate of the same memory, by its id');
select results_eq($$select origin, fact, merged_memory_id, memory_id from public.memory_sightings
    where id = (select sighting_id from outcome where label = 'replace')$$,
  $$select 'absorbed', 'Sister is called Ana Maria', null::uuid, (select id from outcome where label = 'v2')$$,
  'what the memory said before is recorded as an absorbed sighting on it');
select is((select count(*)::int from public.memory_sightings where memory_id = (select id from outcome where label = 'replace')), 2,
  'its sightings are all still there');
select results_eq($$select origin from public.memory_history((select id from outcome where label = 'v2')) where kind = 'sighting'$$,
  $$values ('store'), ('absorbed')$$, 'its history shows the restatement and the words it had before');

-- A manual merge records the duplicate too.
insert into outcome select 'cat', * from public.store_memory('Has a cat named Miso', 'fact');
insert into outcome select 'kitten', * from public.store_memory('Adopted a kitten last spring', 'fact');
select results_eq($$select relinked from public.mark_memory_duplicate((select id from outcome where label = 'kitten'), (select id from outcome where label = 'cat'))$$,
  $$values (0)$$, 'mark_memory_duplicate links the memory');
select results_eq($$select origin, fact, merged_memory_id from public.memory_sightings where memory_id = (select id from outcome where label = 'cat')$$,
  $$select 'absorbed', 'Adopted a kitten last spring', (select id from outcome where label = 'kitten')$$, 'and records it as a sighting');
select tests.clear_authentication();

-- Ben sees none of Ana's sightings.
select tests.authenticate_as('ben@example.com');
select is_empty($$select 1 from public.memory_sightings$$, 'another user reads no sighting');
select is_empty(format($$select 1 from public.memory_history(%L)$$, (select id from outcome where label = 'replace')), 'nor any history');
select tests.clear_authentication();

-- Cleanup: a duplicate's row may go after 90 days; its text stays as the sighting on its keeper.
update public.user_memories set updated_at = now() - interval '200 days' where id = (select id from outcome where label = 'kitten');
select tests.authenticate_as_service_role();
select ok(public.cleanup_old_memories(90) >= 1, 'cleanup deletes the old duplicate row');
select tests.clear_authentication();
select results_eq($$select fact, merged_memory_id from public.memory_sightings where memory_id = (select id from outcome where label = 'cat')$$,
  $$values ('Adopted a kitten last spring', null::uuid)$$, 'its statement survives as a sighting on the keeper');
select is((select sighting_count from public.memory_user_stats where user_id = tests.user_id('ana@example.com')),
  (select count(*)::int from public.memory_sightings where user_id = tests.user_id('ana@example.com')), 'the counter equals a recount');

select tests.authenticate_as_service_role();
select results_eq(format($$select rows_deleted from public.erase_user_data(%L) where table_name = 'memory_sightings'$$, tests.user_id('ana@example.com')),
  $$values (3::bigint)$$, 'erasure removes and reports the sightings');
select tests.clear_authentication();

select * from finish();
rollback;
