-- A memory keeps its id: updates, refinements and superseding statements make versions in place; an id held from
-- before (a version made before ids were kept, a memory merged into another) still names the memory; cleanup keeps
-- a live memory's history; a backfill never puts an old text's embedding on a new version.
begin;
select plan(24);

select tests.create_user('ana@example.com');
select tests.create_user('ben@example.com');
select tests.authenticate_as('ana@example.com');
create temp table held (label text, id uuid, status text, version integer, sighting_id uuid, related jsonb, relation text);
grant all on held to authenticated, service_role;

-- Updates answer the id the caller holds, and that id keeps working.
insert into held select 'dog', * from public.store_memory('Has a beagle called Rufus', 'fact');
insert into held (label, id, status, version) select 'dog2', * from public.update_memory((select id from held where label = 'dog'), fact => 'Has a beagle called Rufus, who is nine');
insert into held (label, id, status, version) select 'dog3', * from public.update_memory((select id from held where label = 'dog'), importance_score => 0.9);
select results_eq($$select id, version from held where label in ('dog2', 'dog3') order by version$$,
  $$select (select id from held where label = 'dog'), v from (values (2), (3)) x(v)$$,
  'every update answers the id the memory was stored with, and the next version');
select results_eq($$select fact, version, importance_score from public.get_memory((select id from held where label = 'dog'))$$,
  $$values ('Has a beagle called Rufus, who is nine', 3, 0.9::float8)$$, 'get_memory shows the memory as it is now');
select results_eq($$select id from public.search_memories('beagle Rufus', touch => false)$$,
  $$select id from held where label = 'dog'$$, 'search answers the same id');
select results_eq($$select id, fact from public.list_memories() where fact like 'Has a beagle%'$$,
  $$select id, 'Has a beagle called Rufus, who is nine' from held where label = 'dog'$$, 'so does list_memories, once');
select results_eq($$select version, fact, is_active from public.memory_history((select id from held where label = 'dog')) where kind = 'version'$$,
  $$values (1, 'Has a beagle called Rufus', false), (2, 'Has a beagle called Rufus, who is nine', false), (3, 'Has a beagle called Rufus, who is nine', true)$$,
  'its history holds every version, the current one last');
select is((select id from public.memory_history((select id from held where label = 'dog')) where is_active), (select id from held where label = 'dog'),
  'the current version in history is the held id');
select is((select active_count from public.memory_user_stats where user_id = tests.user_id('ana@example.com')), 1,
  'versions use one quota place');

-- store_memory's refinements and supersedes keep the id too.
insert into held select 'dose', * from public.store_memory('Takes 20 mg of sertraline every morning', 'fact');
insert into held select 'dose40', * from public.store_memory('Takes 40 mg of sertraline every morning', 'fact', on_conflict => 'supersede');
select results_eq($$select id, status from held where label = 'dose40'$$, $$select (select id from held where label = 'dose'), 'superseded'$$,
  'a superseding statement becomes the next version of the memory, by its id');
insert into held select 'walk', * from public.store_memory('Swims at the municipal pool on Sundays', 'fact');
insert into held select 'walk2', * from public.store_memory('Swims at the municipal pool on Sundays before breakfast', 'fact');
select results_eq($$select id, status from held where label = 'walk2'$$, $$select (select id from held where label = 'walk'), 'refined'$$,
  'a refinement becomes the next version of the memory, by its id');

-- Forgetting by the first id forgets the memory; then it is gone from get, and a second forget is a conflict.
select results_eq($$select id, status, version from public.forget_memory((select id from held where label = 'dose'))$$,
  $$select (select id from held where label = 'dose'), 'forgotten', 2$$, 'forgetting by the held id forgets the current version');
select is_empty($$select 1 from public.get_memory((select id from held where label = 'dose'))$$, 'a forgotten memory is not got');
select tests.rejects($$select * from public.update_memory((select id from held where label = 'dose'), fact => 'x')$$,
  'PT409', null, 'nor updated');
select tests.clear_authentication();

-- Ids held from before: a version stored as its own row (before this schema), a memory merged into another.
select tests.authenticate_as_service_role();
insert into public.user_memories (id, user_id, fact, memory_type, is_active, version)
  values ('d0000000-0000-0000-0000-000000000001', tests.user_id('ana@example.com'), 'Drives a red Fiat', 'fact', false, 1);
insert into public.user_memories (id, user_id, fact, memory_type, version, previous_version_id)
  values ('d0000000-0000-0000-0000-000000000002', tests.user_id('ana@example.com'), 'Drives a blue Fiat', 'fact', 2, 'd0000000-0000-0000-0000-000000000001');
select tests.clear_authentication();
select tests.authenticate_as('ana@example.com');
select results_eq($$select id, fact from public.get_memory('d0000000-0000-0000-0000-000000000001')$$,
  $$values ('d0000000-0000-0000-0000-000000000002'::uuid, 'Drives a blue Fiat')$$, 'an old version''s id names the memory it became');
select results_eq($$select id, version from public.update_memory('d0000000-0000-0000-0000-000000000001', fact => 'Drives a green Fiat')$$,
  $$values ('d0000000-0000-0000-0000-000000000002'::uuid, 3)$$, 'and updates it');
insert into held select 'cat', * from public.store_memory('Has a cat named Miso', 'fact');
insert into held select 'kitten', * from public.store_memory('Adopted a kitten last spring', 'fact');
select lives_ok($$select * from public.mark_memory_duplicate((select id from held where label = 'kitten'), (select id from held where label = 'cat'))$$,
  'a memory is merged into another');
select results_eq($$select id from public.get_memory((select id from held where label = 'kitten'))$$,
  $$select id from held where label = 'cat'$$, 'the merged memory''s id names the memory it merged into');
select tests.clear_authentication();

-- Another user's ids name nothing.
select tests.authenticate_as('ben@example.com');
select is_empty($$select 1 from public.get_memory((select id from held where label = 'dog'))$$, 'another user gets nothing by an id of Ana''s');
select tests.rejects($$select * from public.update_memory((select id from held where label = 'dog'), fact => 'mine')$$,
  'PT404', null, 'and cannot update it: not found, as an unknown id');
select tests.rejects($$select * from public.get_memory(null)$$, '22023', null, 'get_memory needs an id');
select tests.clear_authentication();

-- A backfill embeds the text it read: an update in between keeps the id, and the old text's vector is not written.
select tests.authenticate_as_service_role();
select is(public.set_memory_embedding((select id from held where label = 'walk'), tests.embedding(1), 'm', 'Swims at the municipal pool on Sundays'), false,
  'an embedding of a text the memory no longer holds is refused');
select is(public.set_memory_embedding((select id from held where label = 'walk'), tests.embedding(1), 'm', 'Swims at the municipal pool on Sundays before breakfast'), true,
  'an embedding of its text is written');

-- Cleanup deletes what was forgotten long ago with its versions, and keeps a live memory's history whole.
update public.user_memories set updated_at = now() - interval '200 days' where not is_active;
select lives_ok($$select public.cleanup_old_memories(90)$$, 'cleanup runs over versions whose later version is kept');
select results_eq($$select count(*)::int from public.memory_history((select id from held where label = 'dog')) where kind = 'version'$$,
  $$values (3)$$, 'a live memory keeps its whole history');
select is((select count(*)::int from public.user_memories where fact like 'Takes % mg of sertraline%'), 0,
  'a memory forgotten long ago goes with its versions');
select tests.clear_authentication();

select * from finish();
rollback;
