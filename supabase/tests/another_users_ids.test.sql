-- Nothing to learn about another user (issue 24): every function a signed-in user may execute answers another
-- user's id exactly as an id that names nothing (the same SQLSTATE, message, detail, hint, column and constraint,
-- or the same rows), for every uuid argument it takes and every kind of id another user holds; and so do the
-- tables a user may write directly. Which calls are asked is checked against the catalog, so a function or an
-- argument added without its case here fails the suite.
begin;
select plan(6);

select tests.create_user('ana@example.com');
select tests.create_user('ben@example.com');

-- Ben's ids of every kind: an active memory, an older version of it, a forgotten one, one merged into another (and
-- the statement kept as its sighting), a conversation, and Ben himself.
select tests.authenticate_as('ben@example.com');
insert into public.conversations (user_id, title) values (tests.user_id('ben@example.com'), 'Ben''s chat');
select public.store_memory('Ben collects old maps of the Baltic', source_conversation_id => (select id from public.conversations));
select public.update_memory((select id from public.user_memories where is_active), fact => 'Ben collects old sea charts of the Baltic');
select public.store_memory('Ben collects old sea charts of the Baltic!');
select public.store_memory('Ben keeps a diary in Latin');
select public.forget_memory((select id from public.user_memories where fact = 'Ben keeps a diary in Latin'));
select tests.clear_authentication();
create temp table bens (kind text, id uuid);
insert into bens
  select 'active memory', m.id from public.user_memories m where m.user_id = tests.user_id('ben@example.com') and m.is_active
  union all select 'older version', m.id from public.user_memories m
   where m.user_id = tests.user_id('ben@example.com') and not m.is_active and m.fact like '%maps%'
  union all select 'forgotten memory', m.id from public.user_memories m
   where m.user_id = tests.user_id('ben@example.com') and m.fact like '%Latin%'
  union all select 'sighting', s.id from public.memory_sightings s where s.user_id = tests.user_id('ben@example.com')
  union all select 'conversation', c.id from public.conversations c where c.user_id = tests.user_id('ben@example.com')
  union all select 'user', tests.user_id('ben@example.com');
select is((select count(distinct kind)::int from bens), 6, 'Ben holds an id of every kind');
create temp table bens_rows as
  select (select md5(string_agg(to_jsonb(m)::text, ',' order by m.id)) from public.user_memories m where m.user_id = tests.user_id('ben@example.com')) as memories,
         (select md5(string_agg(to_jsonb(s)::text, ',' order by s.id)) from public.memory_sightings s where s.user_id = tests.user_id('ben@example.com')) as sightings,
         (select md5(string_agg(to_jsonb(c)::text, ',' order by c.id)) from public.conversations c where c.user_id = tests.user_id('ben@example.com')) as conversations;

-- Ana has memories of her own to name beside Ben's ids.
select tests.authenticate_as('ana@example.com');
select public.store_memory('Ana swims in the lake every morning');
select public.store_memory('Ana grows tomatoes on the balcony');
select tests.clear_authentication();
create temp table anas as select m.id, m.fact from public.user_memories m where m.user_id = tests.user_id('ana@example.com');

-- What a call answers, as Ana: its rows, or its error's every field; an id in it is written <id>. What it wrote is
-- undone, so each call meets the same database.
create function pg_temp.answer(query text) returns jsonb language plpgsql as $$
declare
  v jsonb;
  v_state text; v_message text; v_detail text; v_hint text; v_column text; v_constraint text;
begin
  begin
    execute format('select coalesce(jsonb_agg(to_jsonb(r)), ''[]'') from (%s) r', query) into v;
    v := jsonb_build_object('rows', v);
    raise exception 'undo' using errcode = 'PTUND';
  exception
    when sqlstate 'PTUND' then null;
    when others then
      get stacked diagnostics v_state = returned_sqlstate, v_message = message_text, v_detail = pg_exception_detail,
        v_hint = pg_exception_hint, v_column = column_name, v_constraint = constraint_name;
      v := jsonb_build_object('state', v_state, 'message', v_message, 'detail', v_detail, 'hint', v_hint,
        'column', v_column, 'constraint', v_constraint);
  end;
  return regexp_replace(v::text, '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<id>', 'g')::jsonb;
end
$$;

-- Each call with %1$L where the id goes (%2$L: one of Ana's memories), and the argument it fills.
create temp table calls (fn text, arg text, query text);
grant select on calls, bens, anas to authenticated;
insert into calls values
  ('forget_memory', 'memory_id', $$select * from public.forget_memory(%1$L)$$),
  ('forget_memory', 'user_id', $$select * from public.forget_memory(%2$L, user_id => %1$L)$$),
  ('get_memory', 'memory_id', $$select * from public.get_memory(%1$L)$$),
  ('get_memory', 'user_id', $$select * from public.get_memory(%2$L, user_id => %1$L)$$),
  ('memory_history', 'memory_id', $$select * from public.memory_history(%1$L)$$),
  ('unmerge_memory', 'merged_id', $$select * from public.unmerge_memory(%1$L)$$),
  ('unmerge_memory', 'user_id', $$select * from public.unmerge_memory(%2$L, user_id => %1$L)$$),
  ('update_memory', 'memory_id', $$select * from public.update_memory(%1$L, fact => 'Swims in the sea in winter')$$),
  ('update_memory', 'memory_id', $$select * from public.update_memory(%1$L, importance_score => 0.2)$$),
  ('update_memory', 'source_conversation_id', $$select * from public.update_memory(%2$L, source_conversation_id => %1$L)$$),
  ('update_memory', 'user_id', $$select * from public.update_memory(%2$L, importance_score => 0.2, user_id => %1$L)$$),
  ('mark_memory_duplicate', 'memory_id', $$select * from public.mark_memory_duplicate(%1$L, %2$L)$$),
  ('mark_memory_duplicate', 'original_id', $$select * from public.mark_memory_duplicate(%2$L, %1$L)$$),
  ('store_memory', 'source_conversation_id', $$select status from public.store_memory('Ana plays the oboe', source_conversation_id => %1$L)$$),
  ('store_memory', 'user_id', $$select status from public.store_memory('Ana plays the oboe', user_id => %1$L)$$),
  ('store_memories', 'source_conversation_id', $$select status from public.store_memories(jsonb_build_array(jsonb_build_object('fact', 'Ana plays the oboe', 'source_conversation_id', %1$L::text)))$$),
  ('store_memories', 'user_id', $$select status from public.store_memories('[{"fact": "Ana plays the oboe"}]', user_id => %1$L)$$),
  ('list_memories', 'before_id', $$select * from public.list_memories(before_created_at => now() + interval '1 day', before_id => %1$L)$$),
  ('list_memories', 'user_id', $$select * from public.list_memories(user_id => %1$L)$$),
  ('search_memories', 'user_id', $$select * from public.search_memories('charts', user_id => %1$L)$$),
  ('match_memories', 'user_id', $$select * from public.match_memories(array_fill(0.1, array[public.embedding_dimensions()])::extensions.vector, 'm', user_id => %1$L)$$),
  ('find_duplicate_memories', 'user_id', $$select * from public.find_duplicate_memories(%1$L, 'Ben collects old sea charts')$$),
  ('deduplicate_memories', 'user_id', $$select * from public.deduplicate_memories(%1$L)$$),
  ('forget_memories', 'user_id', $$select public.forget_memories('chef-bot', user_id => %1$L)$$),
  ('erase_memories', 'user_id', $$select public.erase_memories('erase my memories', user_id => %1$L)$$),
  ('get_memory_stats', 'user_id', $$select public.get_memory_stats(%1$L) - 'quota'$$),
  ('export_user_data', 'user_id', $$select public.export_user_data(%1$L) - 'exported_at'$$),
  ('import_user_data', 'user_id', $$select * from public.import_user_data('{"format": "chat-memory-export", "version": 1, "memories": [], "sightings": [], "conversations": [], "access": [], "access_log": []}', %1$L)$$),
  -- An id inside an imported document is an argument too: the same id in every part, as a row's id and as what
  -- the rows refer to.
  ('import_user_data', 'document', $$select * from public.import_user_data(jsonb_build_object('format', 'chat-memory-export', 'version', 1,
      'memories', jsonb_build_array(jsonb_build_object('id', %1$L::text, 'fact', 'Ana reads Baltic sagas', 'memory_type', 'fact',
        'importance_score', 0.5, 'confidence_score', 0.5, 'is_active', true, 'version', 1, 'metadata', '{}'::jsonb,
        'source_conversation_id', %1$L::text, 'created_at', '2024-01-01T00:00:00Z', 'updated_at', '2024-01-01T00:00:00Z')),
      'sightings', jsonb_build_array(jsonb_build_object('id', %1$L::text, 'memory_id', %1$L::text, 'fact', 'Ana reads sagas',
        'memory_type', 'fact', 'importance_score', 0.5, 'confidence_score', 0.5, 'metadata', '{}'::jsonb, 'origin', 'store',
        'seen_at', '2024-01-02T00:00:00Z')),
      'conversations', jsonb_build_array(jsonb_build_object('id', %1$L::text, 'title', 't', 'metadata', '{}'::jsonb,
        'started_at', '2024-01-01T00:00:00Z', 'created_at', '2024-01-01T00:00:00Z', 'updated_at', '2024-01-01T00:00:00Z')),
      'access', jsonb_build_array(jsonb_build_object('memory_id', %1$L::text, 'last_accessed_at', '2024-01-03T00:00:00Z', 'access_count', 2)),
      'access_log', jsonb_build_array(jsonb_build_object('id', %1$L::text, 'memory_id', %1$L::text, 'accessed_at', '2024-01-03T00:00:00Z'))))$$),
  -- The tables a user may write directly (RLS, and the columns authenticated may write).
  ('table', 'user_memories.id', $$select count(*) from public.user_memories where id = %1$L$$),
  ('table', 'user_memories.id', $$with u as (update public.user_memories set importance_score = 0.1 where id = %1$L returning 1) select count(*) from u$$),
  ('table', 'user_memories.id', $$with d as (delete from public.user_memories where id = %1$L returning 1) select count(*) from d$$),
  ('table', 'user_memories.duplicate_of', $$with i as (insert into public.user_memories (user_id, fact, memory_type, duplicate_of, is_active) values (auth.uid(), 'Ana hums', 'fact', %1$L, false) returning 1) select count(*) from i$$),
  ('table', 'user_memories.previous_version_id', $$with i as (insert into public.user_memories (user_id, fact, memory_type, previous_version_id, version) values (auth.uid(), 'Ana hums', 'fact', %1$L, 2) returning 1) select count(*) from i$$),
  ('table', 'user_memories.source_conversation_id', $$with i as (insert into public.user_memories (user_id, fact, memory_type, source_conversation_id) values (auth.uid(), 'Ana hums', 'fact', %1$L) returning 1) select count(*) from i$$),
  -- A primary key a client would choose or change.
  ('table', 'user_memories.id', $$with i as (insert into public.user_memories (id, user_id, fact, memory_type) values (%1$L, auth.uid(), 'Ana hums', 'fact') returning 1) select count(*) from i$$),
  ('table', 'conversations.id', $$with i as (insert into public.conversations (id, user_id) values (%1$L, auth.uid()) returning 1) select count(*) from i$$),
  ('table', 'conversations.id', $$with u as (update public.conversations set id = %1$L where user_id = auth.uid() returning 1) select count(*) from u$$),
  ('table', 'conversations.id', $$with u as (update public.conversations set title = 'x' where id = %1$L returning 1) select count(*) from u$$),
  ('table', 'conversations.id', $$with d as (delete from public.conversations where id = %1$L returning 1) select count(*) from d$$),
  ('table', 'memory_sightings.id', $$select count(*) from public.memory_sightings where id = %1$L or memory_id = %1$L$$),
  ('table', 'memory_access_log.memory_id', $$with i as (insert into public.memory_access_log (memory_id, user_id) values (%1$L, auth.uid()) returning 1) select count(*) from i$$),
  ('table', 'memory_idempotency_keys.memory_id', $$with i as (insert into public.memory_idempotency_keys (user_id, idempotency_key, memory_id, status, version) values (auth.uid(), 'k', %1$L, 'created', 1) returning 1) select count(*) from i$$);

select is_empty($$
  select p.proname::text collate "default", a.n::text collate "default"
    from pg_proc p cross join lateral unnest(p.proargnames, p.proargtypes::oid[]) a(n, t)
   where p.pronamespace = 'public'::regnamespace and has_function_privilege('authenticated', p.oid, 'execute')
     and (a.t = 'uuid'::regtype or (a.t = 'jsonb'::regtype and p.proname in ('import_user_data', 'store_memories')))
     and a.n <> 'items'
  except select fn, arg from calls$$,
  'every uuid argument of every function a signed-in user may execute has its case here');

select tests.authenticate_as('ana@example.com');
create temp table answers as
  select c.fn, c.arg, c.query, b.kind,
         pg_temp.answer(format(c.query, b.id, (select id from anas limit 1))) as to_bens,
         pg_temp.answer(format(c.query, gen_random_uuid(), (select id from anas limit 1))) as to_none
    from calls c cross join bens b;
select tests.clear_authentication();

select is((select count(*)::int from answers), (select count(*)::int from calls) * 6, 'every call was asked with every kind of Ben''s id');
select is_empty($$select fn, arg, kind, to_bens, to_none from answers where to_bens is distinct from to_none$$,
  'each answers Ben''s id exactly as an id no one holds');
select ok((select count(distinct to_none) from answers) > 10,
  'and the answers are the calls'' own (refusals and rows of many kinds), not one error for all');
select results_eq($$select
    (select md5(string_agg(to_jsonb(m)::text, ',' order by m.id)) from public.user_memories m where m.user_id = tests.user_id('ben@example.com')),
    (select md5(string_agg(to_jsonb(s)::text, ',' order by s.id)) from public.memory_sightings s where s.user_id = tests.user_id('ben@example.com')),
    (select md5(string_agg(to_jsonb(c)::text, ',' order by c.id)) from public.conversations c where c.user_id = tests.user_id('ben@example.com'))$$,
  $$select memories, sightings, conversations from bens_rows$$,
  'and none of Ben''s rows changed');

select * from finish();
rollback;
