-- Scopes below the user (agent_id, run_id): duplicates are found within one scope; search, list, export, forget
-- and erase keep to the scope asked for; metadata filters; store_memories stores a batch all or nothing.
begin;
select plan(57);

select tests.create_user('ana@example.com');
select tests.create_user('ben@example.com');
select tests.authenticate_as('ana@example.com');
create temp table held (label text, id uuid, status text, version integer, sighting_id uuid, related jsonb, relation text);
grant all on held to authenticated, service_role;

-- The SQLSTATE and the column an error names.
create function pg_temp.error_column(query text, out state text, out column_name text) language plpgsql as $$
begin
  execute query;
  state := null;
exception when others then
  get stacked diagnostics state = returned_sqlstate, column_name = column_name;
end
$$;

-- The rule for duplicates across scopes.
insert into held select 'user', * from public.store_memory('Is allergic to peanuts', 'fact', metadata => '{"source": "intake", "tags": ["health", "food"]}');
insert into held select 'user again', * from public.store_memory('Is allergic to peanuts', 'fact');
insert into held select 'agent', * from public.store_memory('Is allergic to peanuts', 'fact', agent_id => 'chef-bot');
insert into held select 'agent again', * from public.store_memory('Is allergic to peanuts', 'fact', agent_id => 'chef-bot');
insert into held select 'run', * from public.store_memory('Is allergic to peanuts', 'fact', agent_id => 'chef-bot', run_id => 'session-7');
insert into held select 'other agent', * from public.store_memory('Wants recipes under thirty minutes', 'fact', agent_id => 'chef-bot', run_id => 'session-7',
  metadata => '{"source": "chat", "tags": ["food"]}');
insert into held select 'travel', * from public.store_memory('Plans a hiking trip to the Dolomites', 'fact', agent_id => 'travel-bot', run_id => 'session-9',
  metadata => '{"source": "chat", "nested": {"season": "autumn"}}');
select results_eq($$select status from held where label = 'user again'$$, $$values ('duplicate')$$,
  'a fact said again without a scope is the user''s one memory');
select results_eq($$select status, id <> (select id from held where label = 'user') from held where label = 'agent'$$, $$values ('created', true)$$,
  'the same words in an agent''s scope are a memory of that scope');
select results_eq($$select status, id from held where label = 'agent again'$$, $$select 'duplicate', id from held where label = 'agent'$$,
  'said again in the same scope, they merge into that scope''s memory');
select results_eq($$select status from held where label = 'run'$$, $$values ('created')$$,
  'a run of the agent is a scope of its own');
select results_eq($$select agent_id, run_id from public.memory_sightings where memory_id = (select id from held where label = 'agent')$$,
  $$values ('chef-bot'::text, null::text)$$, 'a sighting keeps the scope it was said in');
select results_eq($$select agent_id, run_id from public.get_memory((select id from held where label = 'run'))$$,
  $$values ('chef-bot'::text, 'session-7'::text)$$, 'get_memory answers the scope');

-- Search and list keep to the scope asked for; each key given must match.
select set_eq($$select id from public.search_memories('peanuts allergic', touch => false)$$,
  $$select id from held where label in ('user', 'agent', 'run')$$, 'without a scope, search answers every scope');
select set_eq($$select id from public.search_memories('peanuts allergic', agent_id => 'chef-bot', touch => false)$$,
  $$select id from held where label in ('agent', 'run')$$, 'agent_id: that agent''s memories, every run of it');
select set_eq($$select id from public.search_memories('peanuts allergic', run_id => 'session-7', touch => false)$$,
  $$select id from held where label = 'run'$$, 'run_id: that run''s');
select is_empty($$select id from public.search_memories('peanuts allergic', agent_id => 'travel-bot', touch => false)$$,
  'another agent''s scope answers nothing');
select set_eq($$select id from public.match_memories(tests.embedding(1), 'gte-small', 10, agent_id => 'chef-bot')$$,
  $$select id from held where false$$, 'match_memories takes the scope (nothing embedded here)');
select set_eq($$select id from public.list_memories(agent_id => 'chef-bot', run_id => 'session-7')$$,
  $$select id from held where label in ('run', 'other agent')$$, 'list keeps to the run of the agent');
select set_eq($$select agent_id from public.list_memories()$$, $$values (null::text), ('chef-bot'), ('chef-bot'), ('chef-bot'), ('travel-bot')$$,
  'list without a scope answers every memory with its agent');

-- Metadata filters: containment (equal keys, nested objects, members of arrays).
select set_eq($$select id from public.list_memories(metadata_filter => '{"source": "chat"}')$$,
  $$select id from held where label in ('other agent', 'travel')$$, 'equality on a key');
select set_eq($$select id from public.list_memories(metadata_filter => '{"tags": ["food"]}')$$,
  $$select id from held where label in ('user', 'other agent')$$, 'a member of an array');
select set_eq($$select id from public.list_memories(metadata_filter => '{"nested": {"season": "autumn"}}')$$,
  $$select id from held where label = 'travel'$$, 'a nested object');
select set_eq($$select id from public.search_memories('allergic to peanuts', metadata_filter => '{"tags": ["health"]}', touch => false)$$,
  $$select id from held where label = 'user'$$, 'search filters on metadata');
select is_empty($$select id from public.search_memories('hiking trip', metadata_filter => '{"source": "chat"}', agent_id => 'chef-bot', touch => false)$$,
  'filters and scope together');
select results_eq($$select * from pg_temp.error_column($q$select * from public.list_memories(metadata_filter => '["chat"]')$q$)$$,
  $$values ('22023', 'metadata_filter')$$, 'a metadata filter that is not an object is refused, naming it');
select results_eq($$select * from pg_temp.error_column($q$select * from public.search_memories('x', agent_id => '   ')$q$)$$,
  $$values ('22023', 'agent_id')$$, 'a blank agent_id is refused, naming it');
select results_eq($$select * from pg_temp.error_column($q$select * from public.store_memory('Likes jazz', run_id => repeat('r', 201))$q$)$$,
  $$values ('22023', 'run_id')$$, 'an over-long run_id is refused, naming it');

-- Export by scope.
select set_eq($$select (m ->> 'id')::uuid from jsonb_array_elements(public.export_user_data(agent_id => 'travel-bot') -> 'memories') m$$,
  $$select id from held where label = 'travel'$$, 'export keeps to the scope');

-- Another user sees nothing of these scopes.
select tests.authenticate_as('ben@example.com');
select is_empty($$select id from public.list_memories(agent_id => 'chef-bot')$$, 'another user lists nothing of them');
select is((select public.forget_memories(agent_id => 'chef-bot')), 0::bigint, 'nor forgets any');
select tests.authenticate_as('ana@example.com');

-- Forget by scope.
select results_eq($$select * from pg_temp.error_column($q$select public.forget_memories()$q$)$$,
  $$values ('22023', 'agent_id')$$, 'forget_memories without a scope is refused (erase_memories is for all)');
select is((select public.forget_memories(run_id => 'session-7')), 2::bigint, 'forget_memories forgets a run''s memories');
select set_eq($$select id from public.list_memories()$$, $$select id from held where label in ('user', 'agent', 'travel')$$,
  'and only those');

-- Batch store.
insert into held (label, id, status, version, sighting_id, related, relation)
select 'batch ' || item, id, status, version, sighting_id, related, relation from public.store_memories($$[
  {"fact": "Keeps bees in the garden", "metadata": {"source": "batch"}, "importance_score": 0.7},
  {"fact": "Keeps bees in the garden", "agent_id": "garden-bot"},
  {"fact": "Keeps bees in the garden"},
  {"fact": "Sister lives in Porto", "run_id": "session-11", "observed_at": "2026-01-05T10:00:00Z"}
]$$::jsonb);
select results_eq($$select label, status from held where label like 'batch%' order by label$$,
  $$values ('batch 0', 'created'), ('batch 1', 'created'), ('batch 2', 'duplicate'), ('batch 3', 'created')$$,
  'each item has its outcome; a later item meets what an earlier one stored');
select results_eq($$select importance_score, metadata from public.get_memory((select id from held where label = 'batch 0'))$$,
  $$values (0.7::float8, '{"source": "batch"}'::jsonb)$$, 'the values an item gives are stored');
select results_eq($$select run_id, observed_at from public.get_memory((select id from held where label = 'batch 3'))$$,
  $$values ('session-11'::text, '2026-01-05T10:00:00Z'::timestamptz)$$, 'with its scope and when it was said');
select results_eq($$select * from pg_temp.error_column($q$select * from public.store_memories('[{"fact": "Plays chess"}, {"fact": "Reads poetry", "importance_score": "high"}]')$q$)$$,
  $$values ('22P02', 'items[1].importance_score')$$, 'a value of the wrong type is refused, naming the item and the field');
select results_eq($$select * from pg_temp.error_column($q$select * from public.store_memories('[{"fact": "Plays chess"}, {"fact": "  "}]')$q$)$$,
  $$values ('23514', 'items[1].fact')$$, 'a refused statement names its item');
select is_empty($$select id from public.list_memories() where fact in ('Plays chess', 'Reads poetry')$$, 'and nothing of the batch is written');
select results_eq($$select * from pg_temp.error_column($q$select * from public.store_memories('[{"fact": "Plays chess", "user_id": "00000000-0000-0000-0000-000000000000"}]')$q$)$$,
  $$values ('22023', 'items[0].user_id')$$, 'an item cannot name a user');
select results_eq($$select * from pg_temp.error_column($q$select * from public.store_memories((select jsonb_agg(jsonb_build_object('fact', 'Fact ' || g)) from generate_series(1, 101) g))$q$)$$,
  $$values ('22023', 'items')$$, 'more than 100 items are refused');

-- Deduplication and the lookups keep to a scope as store_memory does.
insert into held select 'near user', * from public.store_memory('Takes the 7:15 train to work every weekday', 'fact');
insert into held select 'near agent', * from public.store_memory('Takes the 7:15 train to work every weekday!', 'fact', agent_id => 'commute-bot');
select is((select duplicates_found from public.deduplicate_memories()), 0::bigint,
  'deduplication finds no pair across two scopes, however alike');
select results_eq($$select is_active from public.user_memories where id in (select id from held where label like 'near%')$$,
  $$values (true), (true)$$, 'and both memories stay');
select is((select count(*) from public.find_duplicate_memories(tests.user_id('ana@example.com'), 'Takes the 7:15 train to work every weekday', agent_id => 'commute-bot') where is_duplicate)::int,
  1, 'find_duplicate_memories looks in the scope asked for');
select is((select array_agg(id) from public.find_duplicate_memories(tests.user_id('ana@example.com'), 'Takes the 7:15 train to work every weekday') where is_duplicate),
  (select array_agg(id) from held where label = 'near user'), 'and without one, among the user''s own');

-- Unmerge gives a statement back to the scope it was said in.
insert into held select 'said again', * from public.store_memory('Really takes the 7:15 train to work every weekday', 'fact', agent_id => 'commute-bot');
select results_eq($$select status from held where label = 'said again'$$, $$values ('duplicate')$$, 'the same words again in that scope: a sighting');
insert into held (label, id, status, version) select 'unmerged', u.id, u.status, u.version
  from public.unmerge_memory((select sighting_id from held where label = 'said again')) u;
select results_eq($$select agent_id, run_id from public.get_memory((select id from held where label = 'unmerged'))$$,
  $$values ('commute-bot'::text, null::text)$$, 'unmerged, it is a memory of the scope it was said in');

-- Export and import carry the scope of memories, sightings and conversations: exported, erased, imported back.
select tests.clear_authentication();
insert into public.conversations (user_id, agent_id, run_id, title) values (tests.user_id('ana@example.com'), 'commute-bot', 'morning', 'trains');
create temp table exported as select public.export_user_data(tests.user_id('ana@example.com')) as document;
delete from public.conversations where user_id = tests.user_id('ana@example.com');
select lives_ok($$select public.erase_memories('erase my memories', user_id => tests.user_id('ana@example.com'))$$, 'everything erased');
create temp table imported as select * from public.import_user_data((select document from exported), tests.user_id('ana@example.com'));
select is((select count(*)::int from jsonb_object_keys((select ids from imported where table_name = 'user_memories'))),
  jsonb_array_length((select document->'memories' from exported)),
  'and the export imported back, each erased memory under a new id, reported');
-- The ids the app held name the imported memories through that report.
update held set id = (select (i.ids->>held.id::text)::uuid from imported i where i.table_name = 'user_memories')
 where id::text in (select jsonb_object_keys(ids) from imported where table_name = 'user_memories');
select results_eq($$select fact, agent_id, run_id from public.user_memories
                     where user_id = tests.user_id('ana@example.com') and is_active and fact like '%7:15%' order by agent_id nulls first, fact$$,
  $$values ('Takes the 7:15 train to work every weekday', null::text, null::text),
           ('Really takes the 7:15 train to work every weekday', 'commute-bot', null),
           ('Takes the 7:15 train to work every weekday!', 'commute-bot', null)$$,
  'the imported memories keep their scopes');
select results_eq($$select agent_id, run_id from public.conversations where user_id = tests.user_id('ana@example.com') and title = 'trains'$$,
  $$values ('commute-bot'::text, 'morning'::text)$$, 'and so do the conversations');
select results_eq($$select agent_id from public.memory_sightings where user_id = tests.user_id('ana@example.com') and fact like 'Really%'$$,
  $$values ('commute-bot'::text)$$, 'and the sightings');
select tests.authenticate_as('ana@example.com');

-- A batch item's value that is not of its parameter, whatever JSON it is.
select results_eq($$select * from pg_temp.error_column($q$select * from public.store_memories('[{"fact": "Sings"}, {"fact": "Dances", "category": {"a": 1}}]')$q$)$$,
  $$values ('22023', 'items[1].category')$$, 'an object for a text is refused, naming it');
select results_eq($$select * from pg_temp.error_column($q$select * from public.store_memories('[{"fact": "Sings", "agent_id": true}]')$q$)$$,
  $$values ('22023', 'items[0].agent_id')$$, 'so is a boolean');
select results_eq($$select * from pg_temp.error_column($q$select * from public.store_memories('[{"fact": "Sings", "metadata": "tags"}]')$q$)$$,
  $$values ('23514', 'items[0].metadata')$$, 'text where an object belongs is refused, naming it');
select results_eq($$select * from pg_temp.error_column($q$select * from public.store_memories('{"fact": "Sings"}')$q$)$$,
  $$values ('22023', 'items')$$, 'items that are not an array are refused');

-- Erase: deleted, with the words that confirm it.
select results_eq($$select * from pg_temp.error_column($q$select public.erase_memories('yes')$q$)$$,
  $$values ('22023', 'confirm')$$, 'erase_memories asks for its confirmation');
select is((select public.erase_memories('erase my memories', agent_id => 'garden-bot')), 1::bigint, 'erase a scope');
select ok(not exists (select 1 from public.user_memories where user_id = tests.user_id('ana@example.com') and agent_id = 'garden-bot'),
  'its rows are gone');
select lives_ok($$select public.update_memory((select id from held where label = 'travel'), fact => 'Plans a hiking trip to the Dolomites in October')$$,
  'a memory with two versions');
select tests.clear_authentication();
create temp table rows_before as select count(*) as n from public.user_memories where user_id = tests.user_id('ana@example.com');
select ok((select n from rows_before) > (select count(*) from public.user_memories where user_id = tests.user_id('ana@example.com') and is_active),
  'the user has versions or forgotten memories besides the active ones');
select is((select public.erase_memories('erase my memories', user_id => tests.user_id('ana@example.com'))), (select n from rows_before),
  'erase all: every row of the user, versions and forgotten ones included');
select ok(not exists (select 1 from public.user_memories where user_id = tests.user_id('ana@example.com')), 'none is left');

select * from finish();
rollback;
