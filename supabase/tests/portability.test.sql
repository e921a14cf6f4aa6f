-- export_user_data and import_user_data as supabase.rpc() calls them: the document holds every row of the caller's,
-- an import is for the caller only, refuses whole what it cannot take (with a deliberate SQLSTATE naming the part),
-- never writes over another user's rows nor says whether one holds an id, and a second import changes nothing.
begin;
select plan(19);

select tests.create_user('ana@example.com');
select tests.create_user('ben@example.com');
select tests.create_user('cy@example.com');

select tests.authenticate_as('ana@example.com');
select public.store_memory('Keeps two cats called Miso and Tofu');
select public.store_memory('Miso and Tofu: keeps two cats called');
select public.update_memory((select id from public.user_memories where is_active limit 1), importance_score => 0.9);
select public.search_memories('cats');
create temp table doc on commit drop as select public.export_user_data() as d;

select is((select d->>'format' from doc), 'chat-memory-export', 'the document says its format');
select is((select jsonb_array_length(d->'memories') from doc), (select count(*)::int from public.user_memories),
  'every memory row of the caller, versions included');
select is((select jsonb_array_length(d->'sightings') from doc), 1, 'and the statement merged into one');
select is((select jsonb_array_length(d->'access_log') from doc), 1, 'and what search returned, not yet folded');
select ok((select not (d->'memories'->0 ? 'embedding') and not (d->'memories'->0 ? 'user_id') from doc),
  'without embeddings or the user id');
select is((select sum(imported)::int from public.import_user_data((select d from doc))), 0,
  'imported again for the same user, nothing changes');
select tests.rejects($$select * from public.import_user_data((select d from doc), user_id => tests.user_id('ben@example.com'))$$,
  '42501', null, 'a user cannot import for someone else');
select tests.clear_authentication();

-- Ids are the project's: a document whose ids another user holds imports as one whose ids no one holds, so the
-- answer tells nothing about them.
create function pg_temp.fresh_ids(d jsonb) returns jsonb language plpgsql as $$
declare
  v text := d::text;
  u text;
begin
  for u in select distinct m[1] from regexp_matches(d::text, '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})', 'g') m loop
    v := replace(v, u, gen_random_uuid()::text);
  end loop;
  return v::jsonb;
end
$$;
create temp table answers (who text, table_name text, imported bigint, already_present bigint, merged bigint, ids jsonb);
grant all on answers to authenticated;
select tests.create_user('dee@example.com');
select tests.authenticate_as('dee@example.com');
insert into answers select 'fresh ids', * from public.import_user_data(pg_temp.fresh_ids((select d from doc)));
select tests.authenticate_as('ben@example.com');
insert into answers select 'another user''s ids', * from public.import_user_data((select d from doc));
select results_eq(
  $$select table_name, imported, already_present, merged, (select count(*) from jsonb_object_keys(ids)) from answers where who = 'another user''s ids' order by table_name$$,
  $$select table_name, imported, already_present, merged, (select count(*) from jsonb_object_keys(ids)) from answers where who = 'fresh ids' order by table_name$$,
  'another user''s export imports as a document of ids no one holds: the same counts, every id reported as new');
select is((select sum(imported)::int from public.import_user_data((select d from doc))), 0,
  'imported again, it finds its rows under the ids it gave them: nothing changes');
select ok((select bool_and(s.memory_id in (select m.id from public.user_memories m)) from public.memory_sightings s),
  'its sightings hang on the imported memories, not on the exporter''s');
select tests.clear_authentication();
select is((select count(*)::int from public.user_memories where user_id = tests.user_id('ana@example.com')),
  (select jsonb_array_length(d->'memories') from doc), 'and the exporter''s rows are as they were');
select tests.authenticate_as('ben@example.com');
select tests.rejects($$select * from public.import_user_data(null)$$, '22023', null, 'no document is refused');
select tests.rejects($$select * from public.import_user_data('[1]')$$, '22023', null, 'nor is an array');
select tests.rejects($$select * from public.import_user_data(jsonb_set((select d from doc), '{format}', '"x"'))$$, '22023', null,
  'a document of another format is refused');
select tests.rejects($$select * from public.import_user_data(jsonb_set((select d from doc), '{version}', '2'))$$, '22023', null,
  'a version this project does not read is refused');
select tests.rejects($$select * from public.import_user_data((select d from doc) - 'conversations')$$, '22023', null,
  'a part that is not an array is refused');
select tests.clear_authentication();

-- All or nothing: a valid conversation beside a memory that breaks a rule leaves nothing behind.
select tests.authenticate_as('cy@example.com');
select tests.rejects($$select * from public.import_user_data(jsonb_build_object('format', 'chat-memory-export', 'version', 1,
    'conversations', jsonb_build_array(jsonb_build_object('id', gen_random_uuid(), 'title', 'kept?', 'metadata', '{}'::jsonb,
      'started_at', now(), 'created_at', now(), 'updated_at', now())),
    'memories', jsonb_build_array(jsonb_build_object('id', gen_random_uuid(), 'fact', 'Plays the cello', 'memory_type', 'fact',
      'importance_score', 3, 'confidence_score', 0.5, 'is_active', true, 'version', 1, 'metadata', '{}'::jsonb,
      'created_at', now(), 'updated_at', now())),
    'sightings', '[]'::jsonb, 'access', '[]'::jsonb, 'access_log', '[]'::jsonb))$$,
  '23514', 'user_memories_importance_range', 'a row breaking a table''s rule is refused by that rule');
select is((select count(*)::int from public.conversations), 0, 'and nothing of the document was written');
select tests.rejects($$select * from public.import_user_data(jsonb_build_object('format', 'chat-memory-export', 'version', 1,
    'conversations', '[]'::jsonb, 'sightings', '[]'::jsonb, 'access', '[]'::jsonb, 'access_log', '[]'::jsonb,
    'memories', jsonb_build_array(jsonb_build_object('id', gen_random_uuid(), 'fact', 'Plays the cello', 'memory_type', 'fact',
      'importance_score', 'high', 'confidence_score', 0.5, 'is_active', true, 'version', 1, 'metadata', '{}'::jsonb,
      'created_at', now(), 'updated_at', now()))))$$,
  '22P02', null, 'a value of the wrong type is a data exception');
select tests.clear_authentication();

select * from finish();
rollback;
