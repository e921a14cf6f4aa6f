-- When a fact was said (observed_at): given by the caller or the time of the store; kept on the memory, on its new
-- version, on the sighting a merge makes and back on the memory an unmerge makes; refused past a day from now;
-- carried by export and import; a search naming a date or a period ranks what was said then first.
begin;
select plan(30);

select tests.create_user('ana@example.com');
select tests.authenticate_as('ana@example.com');
create temp table outcome (label text, id uuid, status text, version integer, sighting_id uuid, related jsonb, relation text);
grant all on outcome to authenticated;

-- Stored with and without it.
insert into outcome select 'now', * from public.store_memory('Keeps a sourdough starter called Gerald');
insert into outcome select 'then', * from public.store_memory('Ran the Porto half marathon in 1:52',
  observed_at => '2023-11-16 18:30+00');
select is((select observed_at from public.user_memories where id = (select id from outcome where label = 'now')), null,
  'without observed_at the column stays empty: the memory was said when stored');
select results_eq($$select observed_at = created_at from public.list_memories() where id = (select id from outcome where label = 'now')$$,
  $$values (true)$$, 'and list_memories answers its created_at');
select results_eq($$select observed_at from public.list_memories() where id = (select id from outcome where label = 'then')$$,
  $$values ('2023-11-16 18:30+00'::timestamptz)$$, 'a given observed_at is kept and answered');
select results_eq($$select observed_at from public.search_memories('half marathon', touch => false)$$,
  $$values ('2023-11-16 18:30+00'::timestamptz)$$, 'search answers it too');

-- Refused: later than a day from now, or not a finite time; nothing is written.
select tests.rejects($$select * from public.store_memory('Owns a kayak', observed_at => now() + interval '3 days')$$,
  '23514', 'user_memories_observed_before_stored', 'a time more than a day ahead is refused, by the table''s rule');
select tests.rejects($$select * from public.store_memory('Owns a kayak', observed_at => 'infinity')$$,
  '23514', 'user_memories_observed_before_stored', 'infinity is refused');
select is((select count(*)::int from public.user_memories where fact = 'Owns a kayak'), 0, 'and nothing is stored');
select lives_ok($$select * from public.store_memory('Owns a canoe', observed_at => now() + interval '20 hours')$$,
  'a clock or a time zone ahead by less than a day is accepted');

-- A merge keeps when the statement was said on its sighting; a new version keeps it on the memory.
insert into outcome select 'again', * from public.store_memory('Honestly, keeps a sourdough starter called Gerald',
  observed_at => '2024-02-03 09:00+00');
select is((select status from outcome where label = 'again'), 'duplicate', 'the restatement merged');
select is((select observed_at from public.memory_sightings where id = (select sighting_id from outcome where label = 'again')),
  '2024-02-03 09:00+00'::timestamptz, 'its sighting keeps when it was said');
insert into outcome select 'detail', * from public.store_memory('Ran the Porto half marathon in 1:52 in the rain',
  observed_at => '2023-11-17 08:00+00');
select is((select status from outcome where label = 'detail'), 'refined', 'a detail added makes a new version');
select is((select observed_at from public.user_memories where id = (select id from outcome where label = 'detail')),
  '2023-11-17 08:00+00'::timestamptz, 'which carries the new statement''s observed_at');

-- A more important restatement gives the memory its words: what it said before keeps when it was said on a sighting.
insert into outcome select 'chess', * from public.store_memory('Plays chess at the community centre', observed_at => '2022-05-01 12:00+00');
insert into outcome select 'chess2', * from public.store_memory('Plays chess at the community centre!', importance_score => 0.9,
  observed_at => '2024-06-01 12:00+00');
select results_eq($$select id, fact from public.user_memories where id = (select id from outcome where label = 'chess2')$$,
  $$select (select id from outcome where label = 'chess'), 'Plays chess at the community centre!'$$,
  'the more important statement''s words are kept, on the same memory');
select results_eq($$select m.observed_at, s.observed_at from public.user_memories m join public.memory_sightings s on s.memory_id = m.id
                     where m.id = (select id from outcome where label = 'chess2')$$,
  $$values ('2024-06-01 12:00+00'::timestamptz, '2022-05-01 12:00+00'::timestamptz)$$,
  'the memory is said when the statement was, its sighting when the absorbed memory was');

-- Unmerge gives a sighting's time back to the memory it becomes.
create temp table undone (id uuid, status text, version integer, sighting_id uuid, merged_into uuid);
grant all on undone to authenticated;
insert into undone select * from public.unmerge_memory((select sighting_id from outcome where label = 'again'));
select is((select observed_at from public.user_memories where id = (select id from undone)), '2024-02-03 09:00+00'::timestamptz,
  'an unmerged statement is a memory said when it was said');

-- Export and import carry it; an imported time past its row's own is refused by the table.
create temp table doc on commit drop as select public.export_user_data() as d;
grant all on doc to authenticated;
-- (the chess memory's earlier time is on its sighting, not on a memory row of its own)
select is((select count(*)::int from jsonb_array_elements((select d from doc)->'memories') m where m->>'observed_at' is not null), 5,
  'the export holds every observed_at given');
select tests.clear_authentication();
select tests.create_user('ben@example.com');
select tests.authenticate_as('ben@example.com');
select lives_ok($$select * from public.import_user_data(
    (select jsonb_set(jsonb_set(d, '{memories}', (select jsonb_agg(m || jsonb_build_object('id', gen_random_uuid(), 'version', 1, 'previous_version_id', null, 'duplicate_of', null)) from jsonb_array_elements(d->'memories') m
                                                   where m->>'observed_at' is not null and (m->>'is_active')::boolean)),
                      '{sightings}', '[]') from doc))$$, 'another user imports them');
select results_eq($$select count(*)::int from public.user_memories where observed_at is not null$$, $$values (4)$$,
  'with their observed_at');
select tests.rejects($$select * from public.import_user_data(jsonb_build_object('format', 'chat-memory-export', 'version', 1,
    'memories', jsonb_build_array(jsonb_build_object('id', gen_random_uuid(), 'fact', 'Collects stamps', 'memory_type', 'fact',
      'importance_score', 0.5, 'confidence_score', 0.5, 'is_active', true, 'version', 1, 'metadata', '{}'::jsonb,
      'created_at', '2024-01-01T00:00:00Z', 'updated_at', '2024-01-01T00:00:00Z', 'observed_at', '2024-03-01T00:00:00Z')),
    'sightings', '[]'::jsonb, 'conversations', '[]'::jsonb, 'access', '[]'::jsonb, 'access_log', '[]'::jsonb))$$,
  '23514', 'user_memories_observed_before_stored', 'a memory said after it was stored is refused on import');

-- The period a question names (own examples), at 2026-12-04 noon.
select tests.clear_authentication();
select is(private.query_period(q, '2026-12-04 12:00+00'), r, q) from (values
  ('What did she bake on 3 February 2024?', tstzrange('2024-02-03 00:00+00', '2024-02-04 00:00+00')),
  ('what happened 2025-07-09', tstzrange('2025-07-09 00:00+00', '2025-07-10 00:00+00')),
  ('and on 9/30/2021?', tstzrange('2021-09-30 00:00+00', '2021-10-01 00:00+00')),
  ('Where was he in August 2020?', tstzrange('2020-08-01 00:00+00', '2020-09-01 00:00+00')),
  ('anything from last winter', tstzrange('2025-12-01 00:00+00', '2026-03-01 00:00+00')),
  ('four weeks ago', tstzrange('2026-11-02 00:00+00', '2026-11-09 00:00+00')),
  ('What does she like?', null::tstzrange)
) t(q, r);

-- Ranking: three runs said on different days; the question's day first, whatever else ranks them.
select tests.clear_authentication();
select tests.create_user('cai@example.com');
select tests.authenticate_as('cai@example.com');
insert into outcome select 'fog', * from public.store_memory('Ran 10 km along the canal in the fog', observed_at => '2025-03-02 07:00+00');
insert into outcome select 'bea', * from public.store_memory('Ran 5 km along the canal with Bea', observed_at => '2025-06-14 07:00+00', importance_score => 0.9);
insert into outcome select 'far', * from public.store_memory('Ran 21 km along the canal for the first time', observed_at => '2025-09-20 07:00+00');
select is((select fact from public.search_memories('Where did she run along the canal on 2 March 2025?', touch => false) limit 1),
  'Ran 10 km along the canal in the fog', 'a day named: what was said that day first');
select is((select fact from public.search_memories('How far did she run along the canal in September 2025?', touch => false) limit 1),
  'Ran 21 km along the canal for the first time', 'a month named: what was said that month first');
select is((select fact from public.search_memories('How far did she run along the canal?', touch => false) limit 1),
  'Ran 5 km along the canal with Bea', 'no date: the score decides (the most important)');

-- Every word of theirs in every memory: the kind of answer asked for is what the question is about.
select is_empty($$select 1 from public.search_memories('Which dog ran along the canal?', touch => false)$$,
  'no memory mentions a dog: no answer, though each holds ran, along and canal');

select * from finish();
rollback;
