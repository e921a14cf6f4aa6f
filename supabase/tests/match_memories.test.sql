-- match_memories: the caller's nearest memories of one embedding model, ranked by cosine similarity.
begin;
select plan(9);
-- On from the start: a function call's tracking is decided when its expression is first prepared.
set local track_functions = 'all';

select tests.create_user('ana@example.com');
select tests.create_user('ben@example.com');
insert into public.user_memories (user_id, fact, memory_type, embedding, embedding_model, is_active)
select tests.user_id('ana@example.com'), 'memory ' || g, 'fact', tests.embedding(g), 'model-a', g <> 5
  from generate_series(1, 20) g;
insert into public.user_memories (user_id, fact, memory_type, embedding, embedding_model) values
  (tests.user_id('ana@example.com'), 'other model', 'fact', tests.embedding(3), 'model-b'),
  (tests.user_id('ben@example.com'), 'ben''s memory', 'fact', tests.embedding(3), 'model-a');

select tests.authenticate_as('ana@example.com');
select results_eq($$select m.fact, r.rank from public.match_memories(tests.embedding(3), 'model-a', 1) r join public.user_memories m using (id)$$,
  $$values ('memory 3', 1)$$, 'the identical embedding ranks first');
select ok((select bool_and(similarity <= 1 and rank between 1 and 10) and count(*) = 10 from public.match_memories(tests.embedding(3), 'model-a')),
  'ten ranked matches by default, similarity at most 1');
select is((select array_agg(r.rank order by r.similarity desc) from public.match_memories(tests.embedding(9), 'model-a', 19) r),
  (select array_agg(g order by g) from generate_series(1, 19) g), 'ranks follow similarity exactly');
select is_empty($$select 1 from public.match_memories(tests.embedding(5), 'model-a', 19) r join public.user_memories m using (id)
  where m.fact in ('memory 5', 'other model', 'ben''s memory')$$, 'no inactive memory, other model or other user''s memory');
select tests.rejects($$select * from public.match_memories(tests.embedding(1), null)$$, '22023', null, 'the model is required');
select tests.rejects($$select * from public.match_memories('[1,2,3]', 'model-a')$$, '22000', null, 'the dimension must be 384');
select tests.rejects($$select * from public.match_memories(tests.embedding(1), 'model-a', 0)$$, '22023', null, 'match_count must be positive');
select tests.clear_authentication();

-- A pooled connection runs PL/pgSQL's generic plans, where an expression of a parameter is not folded to a
-- constant: the query embedding must be quantized once per call, not once per memory scanned.
set local plan_cache_mode = force_generic_plan;
create temporary table quantize_calls as
  select coalesce(sum(calls), 0) as calls from pg_stat_xact_user_functions where funcname = 'binary_quantize';
select tests.authenticate_as('ana@example.com');
select is((select count(*) from public.match_memories(tests.embedding(4), 'model-a', 3)), 3::bigint, 'three matches under a generic plan');
select tests.clear_authentication();
select is((select coalesce(sum(calls), 0) from pg_stat_xact_user_functions where funcname = 'binary_quantize')
          - (select calls from quantize_calls), 1::numeric, $$the query embedding is quantized once, not per memory$$);

select * from finish();
rollback;
