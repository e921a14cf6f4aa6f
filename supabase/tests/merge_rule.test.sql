-- One merge rule (private.merged_memory) for store_memory and deduplication: what a merge keeps, the keep order,
-- and the metadata size guard that once made a valid duplicate store fail with user_memories_metadata_size.
begin;
select plan(13);

select tests.create_user('ana@example.com');

-- The rule on row values (the temp tables' rows become user_memories rows through jsonb).
create function pg_temp.row_of(r jsonb) returns public.user_memories language sql as $$ select jsonb_populate_record(null::public.user_memories, r) $$;
create temp table keeper as select * from public.user_memories limit 0;
insert into keeper (id, user_id, fact, memory_type, category, importance_score, confidence_score, metadata, expires_at,
  created_at, updated_at, is_active, version)
values (gen_random_uuid(), tests.user_id('ana@example.com'), 'Keeper', 'fact', null, 0.7, 0.4, '{"a":1}', now() + interval '1 day',
  now(), now(), true, 1);
create temp table absorbed as select * from public.user_memories limit 0;
insert into absorbed (id, user_id, fact, memory_type, category, importance_score, confidence_score, metadata, expires_at,
  created_at, updated_at, is_active, version, embedding, embedding_model)
values
  (gen_random_uuid(), tests.user_id('ana@example.com'), 'First absorbed', 'fact', 'food', 0.5, 0.9, '{"a":2,"b":2}',
   now() + interval '9 days', now(), now(), true, 1, tests.embedding(1), 'm'),
  (gen_random_uuid(), tests.user_id('ana@example.com'), 'Second absorbed', 'fact', 'drink', 0.2, 0.1, '{"b":3,"c":3}',
   now() + interval '3 days', now(), now(), true, 1, null, null);
create temp table merged as
  select (private.merged_memory(pg_temp.row_of(to_jsonb(k)), (select array_agg(pg_temp.row_of(to_jsonb(a)) order by a.importance_score desc) from absorbed a))).* from keeper k;
select results_eq($$select fact, importance_score, confidence_score, category, embedding_model, metadata from merged$$,
  $$values ('Keeper', 0.7::float8, 0.9::float8, 'food', 'm', '{"a":1,"b":2,"c":3}'::jsonb)$$,
  'the keeper keeps its text; takes the best scores, the first category and embedding it lacked, every metadata key (keeper first, then keep order)');
select is((select expires_at from merged), (select max(expires_at) from absorbed), 'the latest expiry when every one has one');
update absorbed set expires_at = null where fact = 'Second absorbed';
select is((select (private.merged_memory(pg_temp.row_of(to_jsonb(k)), (select array_agg(pg_temp.row_of(to_jsonb(a))) from absorbed a))).expires_at from keeper k), null,
  'no expiry when any has none');
update absorbed set metadata = jsonb_build_object('big', repeat('x', 16370)) where fact = 'Second absorbed';
select is((select (private.merged_memory(pg_temp.row_of(to_jsonb(k)), (select array_agg(pg_temp.row_of(to_jsonb(a))) from absorbed a))).metadata from keeper k), '{"a":1}'::jsonb,
  'the keeper''s metadata alone when the union would pass 16384 bytes');

-- Keep order: more important first; on a tie, the older.
select ok(private.keep_order(0.9, now()) < private.keep_order(0.5, now() - interval '1 year'), 'importance decides first');
select ok(private.keep_order(0.5, now() - interval '1 day') < private.keep_order(0.5, now()), 'then the older stays');

-- store_memory: a duplicate whose own metadata is valid is merged, even when the union would be too large.
select tests.authenticate_as('ana@example.com');
create temp table outcome (label text, id uuid, status text, version integer, sighting_id uuid, related jsonb, relation text);
grant all on outcome to authenticated;
insert into outcome select 'big', * from public.store_memory('Collects vinyl records from the seventies',
  importance_score => 0.8, metadata => jsonb_build_object('notes', repeat('a', 10000)));
insert into outcome select 'dup', * from public.store_memory('collects vinyl records from the seventies!',
  importance_score => 0.3, confidence_score => 0.9, metadata => jsonb_build_object('more', repeat('b', 10000)));
select results_eq($$select status, id from outcome where label = 'dup'$$, $$select 'duplicate'::text, id from outcome where label = 'big'$$,
  'a duplicate store with valid metadata succeeds where the metadata union would be too large');
select results_eq($$select metadata ? 'notes', metadata ? 'more', confidence_score from public.user_memories where id = (select id from outcome where label = 'big')$$,
  $$values (true, false, 0.9::float8)$$, 'the keeper keeps its metadata and takes the better confidence');
select is((select metadata ? 'more' from public.memory_sightings where id = (select sighting_id from outcome where label = 'dup')), true,
  'the statement''s own metadata is kept in its sighting');

-- The incoming statement is kept when it is the more important, and takes the same rule.
insert into outcome select 'tea', * from public.store_memory('Drinks green tea at work', category => 'drink', metadata => '{"k":1}', importance_score => 0.3);
insert into outcome select 'tea2', * from public.store_memory('drinks GREEN tea at work', metadata => '{"k":2,"j":2}', importance_score => 0.9);
select results_eq($$select fact, category, importance_score, metadata from public.user_memories where id = (select id from outcome where label = 'tea2')$$,
  $$values ('drinks GREEN tea at work', 'drink', 0.9::float8, '{"k":2,"j":2}'::jsonb)$$,
  'the more important statement becomes the memory, with its own values first and what it lacked from the old one');
select tests.clear_authentication();

-- Deduplication applies the same rule.
insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score, metadata) values
  (tests.user_id('ana@example.com'), 'Plays chess online with friends on weekends', 'fact', null, 0.9, 0.2, '{"x":1}'),
  (tests.user_id('ana@example.com'), 'Plays chess online with friends on weekends, really', 'fact', 'games', 0.4, 0.8, '{"x":2,"y":2}');
select tests.authenticate_as('ana@example.com');
select results_eq($$select duplicates_removed from public.deduplicate_memories()$$, $$values (1::bigint)$$, 'deduplication merges the pair');
select results_eq($$select category, confidence_score, metadata from public.user_memories where fact = 'Plays chess online with friends on weekends'$$,
  $$values ('games', 0.8::float8, '{"x":1,"y":2}'::jsonb)$$, 'and its keeper takes what store''s merge would');
select results_eq($$select origin, fact from public.memory_sightings where fact like 'Plays chess%'$$,
  $$values ('absorbed', 'Plays chess online with friends on weekends, really')$$, 'recording the absorbed memory as a sighting');
select tests.clear_authentication();

select * from finish();
rollback;
