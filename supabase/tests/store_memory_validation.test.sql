-- Bad input to store_memory: each rejected with its SQLSTATE (and the table constraint's name where one
-- exists), nothing written, even when the input would otherwise merge into a duplicate.
begin;
select plan(28);

select tests.create_user('ana@example.com');
select tests.create_user('ben@example.com');
insert into public.conversations (id, user_id) values ('c0000000-0000-0000-0000-00000000000b', tests.user_id('ben@example.com'));
select tests.authenticate_as('ana@example.com');
select status from public.store_memory('Likes tea', 'preference');

select tests.rejects($$select * from public.store_memory('Likes tea', importance_score => 1.5)$$, '23514', 'user_memories_importance_range', 'importance 1.5');
select tests.rejects($$select * from public.store_memory('Likes tea', importance_score => -0.1)$$, '23514', 'user_memories_importance_range', 'importance below 0');
select tests.rejects($$select * from public.store_memory('Likes tea', importance_score => 'NaN')$$, '23514', 'user_memories_importance_range', 'importance NaN');
select tests.rejects($$select * from public.store_memory('Likes tea', confidence_score => 2)$$, '23514', 'user_memories_confidence_range', 'confidence 2');
select tests.rejects($$select * from public.store_memory('Likes tea', confidence_score => null)$$, '23514', 'user_memories_confidence_range', 'confidence null');
select tests.rejects($$select * from public.store_memory('Likes tea', 'hobby')$$, '23514', 'user_memories_memory_type_check', 'an unknown type, on a fact that would be a duplicate');
select tests.rejects($$select * from public.store_memory('', 'fact')$$, '23514', 'user_memories_fact_not_blank', 'an empty fact');
select tests.rejects($$select * from public.store_memory(E' \t\n\r ', 'fact')$$, '23514', 'user_memories_fact_not_blank', 'a whitespace fact');
select tests.rejects($$select * from public.store_memory(null)$$, '23514', 'user_memories_fact_not_blank', 'a null fact');
select tests.rejects($$select * from public.store_memory(repeat('a', 2001))$$, '23514', 'user_memories_fact_length', 'a fact over 2000 characters');
select tests.rejects($$select * from public.store_memory('?!… ¿¡')$$, '22023', null, 'a fact with no letter or digit');
select tests.rejects($$select * from public.store_memory('x', category => '  ')$$, '23514', 'user_memories_category_check', 'a blank category');
select tests.rejects($$select * from public.store_memory('x', embedding => '[1,2,3]', embedding_model => 'm')$$, '22000', null, 'an embedding of 3 dimensions');
select tests.rejects($$select * from public.store_memory('x', embedding => tests.embedding(1))$$, '23514', 'user_memories_embedding_has_model', 'an embedding without its model');
select tests.rejects($$select * from public.store_memory('x', embedding_model => 'm')$$, '23514', 'user_memories_embedding_has_model', 'a model without an embedding');
select tests.rejects($$select * from public.store_memory('x', embedding => tests.embedding(1), embedding_model => ' ')$$, '23514', 'user_memories_embedding_model_check', 'a blank model');
select tests.rejects($$select * from public.store_memory('x', metadata => '[]')$$, '23514', 'user_memories_metadata_is_object', 'array metadata');
select tests.rejects($$select * from public.store_memory('x', metadata => null)$$, '23514', 'user_memories_metadata_is_object', 'null metadata');
select tests.rejects($$select * from public.store_memory('x', metadata => jsonb_build_object('k', repeat('v', 20000)))$$, '23514', 'user_memories_metadata_size', 'oversized metadata');
select tests.rejects($$select * from public.store_memory('x', expires_at => now() - interval '1 minute')$$, '23514', 'user_memories_expires_after_created', 'an expiry in the past');
select tests.rejects($$select * from public.store_memory('x', source_conversation_id => 'c0000000-0000-0000-0000-00000000000b')$$, '23503', 'user_memories_source_conversation_fkey', 'another user''s conversation');
select tests.rejects($$select * from public.store_memory('x', idempotency_key => '')$$, '22023', null, 'an empty idempotency key');
select tests.rejects($$select * from public.store_memory('x', duplicate_threshold => 0)$$, '22023', null, 'a threshold of 0');
select tests.rejects($$select * from public.store_memory('x', duplicate_threshold => 1.01)$$, '22023', null, 'a threshold above 1');
select tests.clear_authentication();

select is((select count(*)::int from public.user_memories), 1, 'nothing was written by any rejected call');
select is((select active_count from public.memory_user_stats where user_id = tests.user_id('ana@example.com')), 1, 'and the counters did not move');

-- The function's early checks and the table's constraints must never drift apart: same input, same error.
create temp table verdicts as
with cases(memory_type, importance, confidence, category, metadata) as (values
  ('hobby', 0.5, 0.5, null, '{}'::jsonb), ('fact', 1.5, 0.5, null, '{}'), ('fact', 0.5, -1, null, '{}'),
  ('fact', 0.5, 0.5, ' ', '{}'), ('fact', 0.5, 0.5, repeat('c', 101), '{}'), ('fact', 0.5, 0.5, null, '"s"'))
select c.*, f.state as function_state, f.constraint_name as function_constraint,
       t.state as table_state, t.constraint_name as table_constraint
  from cases c
  cross join lateral tests.error_of(format('select * from public.store_memory(%L, %L, %L, %s, %s, metadata => %L, user_id => %L)',
         'Fresh fact', c.memory_type, c.category, c.importance, c.confidence, c.metadata, tests.user_id('ana@example.com'))) f
  cross join lateral tests.error_of(format(
    'insert into public.user_memories (user_id, fact, memory_type, category, importance_score, confidence_score, metadata) values (%L, %L, %L, %L, %s, %s, %L)',
    tests.user_id('ana@example.com'), 'Fresh fact', c.memory_type, c.category, c.importance, c.confidence, c.metadata)) t;
select is((select count(*)::int from verdicts where table_state = '23514' and table_constraint is not null), 6,
  'each case is rejected by a named constraint of the table');
select is_empty($$select * from verdicts where (function_state, function_constraint) is distinct from (table_state, table_constraint)$$,
  'for each such row, store_memory raises the same SQLSTATE and constraint as a direct insert');

select * from finish();
rollback;
