-- unmerge_memory: a sighting, or a memory marked as a duplicate, becomes an active memory of its own; once
-- (idempotent), within the quota, never for another user, and deduplication does not merge the pair again.
begin;
select plan(16);

select tests.create_user('ana@example.com');
select tests.create_user('ben@example.com');
select tests.authenticate_as('ana@example.com');
create temp table outcome (label text, id uuid, status text, version integer, sighting_id uuid, related jsonb, relation text);
grant all on outcome to authenticated;
create temp table undone (label text, id uuid, status text, version integer, sighting_id uuid, merged_into uuid);
grant all on undone to authenticated;

insert into outcome select 'keeper', * from public.store_memory('Volunteers at the animal shelter on weekends', importance_score => 0.7,
  embedding => tests.embedding(4), embedding_model => 'm');
insert into outcome select 'said', * from public.store_memory('Honestly volunteers at the animal shelter on weekends', importance_score => 0.4,
  metadata => '{"turn":3}', embedding => tests.embedding(4), embedding_model => 'm');
select is((select status from outcome where label = 'said'), 'duplicate', 'the second statement merged');

insert into undone select 'first', * from public.unmerge_memory((select sighting_id from outcome where label = 'said'));
select results_eq($$select fact, is_active, importance_score, metadata, embedding_model from public.user_memories where id = (select id from undone where label = 'first')$$,
  $$values ('Honestly volunteers at the animal shelter on weekends', true, 0.4::float8, '{"turn":3}'::jsonb, 'm')$$,
  'a sighting becomes an active memory with what it said');
select results_eq($$select status, merged_into from undone where label = 'first'$$,
  $$select 'unmerged'::text, (select id from outcome where label = 'keeper')$$, 'reported as unmerged from its keeper');
select results_eq($$select unmerged_memory_id, unmerged_at is not null from public.memory_sightings where id = (select sighting_id from outcome where label = 'said')$$,
  $$select (select id from undone where label = 'first'), true$$, 'the sighting records what became of it');
insert into undone select 'again', * from public.unmerge_memory((select sighting_id from outcome where label = 'said'));
select results_eq($$select id, status from undone where label = 'again'$$, $$select id, status from undone where label = 'first'$$,
  'unmerging again answers the same memory');
select is((select count(*)::int from public.user_memories where is_active), 2, 'and makes no other');
select results_eq($$select duplicates_removed from public.deduplicate_memories()$$, $$values (0::bigint)$$,
  'deduplication does not merge an unmerged pair again (same embedding, Jaccard 6/7)');

-- A memory that deduplication marked as a duplicate comes back as itself.
select tests.clear_authentication();
insert into public.user_memories (id, user_id, fact, memory_type, importance_score) values
  ('a0000000-0000-0000-0000-00000000000a', tests.user_id('ana@example.com'), 'Reads poetry in the garden every evening', 'fact', 0.9),
  ('a0000000-0000-0000-0000-00000000000b', tests.user_id('ana@example.com'), 'Reads poetry in the garden every evening, really', 'fact', 0.2);
select tests.authenticate_as('ana@example.com');
select results_eq($$select duplicates_removed from public.deduplicate_memories()$$, $$values (1::bigint)$$, 'deduplication merges a pair');
insert into undone select 'row', * from public.unmerge_memory('a0000000-0000-0000-0000-00000000000b');
select results_eq($$select id, is_active, duplicate_of from public.user_memories where id = 'a0000000-0000-0000-0000-00000000000b'$$,
  $$values ('a0000000-0000-0000-0000-00000000000b'::uuid, true, null::uuid)$$, 'unmerging by the duplicate''s id reactivates that very row');
select is((select merged_into from undone where label = 'row'), 'a0000000-0000-0000-0000-00000000000a'::uuid, 'naming its keeper');

-- Refusals: another user, an unknown id, the same text as an active memory, a full quota.
select tests.clear_authentication();
select tests.authenticate_as('ben@example.com');
select tests.rejects(format($$select * from public.unmerge_memory(%L)$$, (select sighting_id from outcome where label = 'said')),
  'PT404', null, 'another user''s sighting is not found');
select tests.clear_authentication();
select tests.authenticate_as('ana@example.com');
select tests.rejects($$select * from public.unmerge_memory(gen_random_uuid())$$, 'PT404', null, 'an unknown id is not found');
insert into outcome select 'same', * from public.store_memory('volunteers at the animal shelter on weekends!');
select tests.rejects(format($$select * from public.unmerge_memory(%L)$$, (select sighting_id from outcome where label = 'same')),
  'PT409', null, 'a statement with the text of an active memory cannot become a second one');
insert into outcome select 'tea', * from public.store_memory('Drinks jasmine tea in the afternoon with friends at work');
insert into outcome select 'tea2', * from public.store_memory('Actually drinks jasmine tea in the afternoon with friends at work');
select tests.clear_authentication();
update public.memory_user_stats set quota_limit = 4 where user_id = tests.user_id('ana@example.com');
select tests.authenticate_as('ana@example.com');
select tests.rejects(format($$select * from public.unmerge_memory(%L)$$, (select sighting_id from outcome where label = 'tea2')),
  'PT507', null, 'an unmerge beyond the quota is refused');
select is((select unmerged_at from public.memory_sightings where id = (select sighting_id from outcome where label = 'tea2')), null,
  'and changes nothing');
select is((select active_count from public.memory_user_stats where user_id = tests.user_id('ana@example.com')),
  (select count(*)::int from public.user_memories where is_active), 'the counters match a recount');
select tests.clear_authentication();

select * from finish();
rollback;
