-- One definition of the embedding dimension: the public.embedding domain is the type of both embedding columns,
-- public.embedding_dimensions() reads its dimension, and every size check uses it.
begin;
select plan(6);

select col_type_is('public', 'user_memories', 'embedding', 'public', 'embedding',
  'user_memories.embedding is the public.embedding domain');
select col_type_is('public', 'memory_sightings', 'embedding', 'public', 'embedding',
  'memory_sightings.embedding is the public.embedding domain');
select is(public.embedding_dimensions(),
  (select t.typtypmod from pg_type t where t.oid = 'public.embedding'::regtype),
  'embedding_dimensions() is the domain''s dimension');
select is(public.embedding_dimensions(),
  (select a.atttypmod from pg_attribute a where a.attrelid = 'public.user_memories'::regclass and a.attname = 'embedding_bits'),
  'embedding_bits holds one sign bit per dimension');

select throws_ok($$select private.validate_search_input('tea', array_fill(0.1, array[public.embedding_dimensions() + 1])::extensions.vector,
    'm', 10, null, null, null, null, null)$$, '22000', format('query_embedding must have %s dimensions, not %s',
    public.embedding_dimensions(), public.embedding_dimensions() + 1),
  'a query embedding of another dimension is refused, naming the dimension');
select is_empty($$select p.oid::regprocedure from pg_proc p
    where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
      and p.prosrc ~ '\m384\M'$$,
  'no function spells the dimension out');

select * from finish();
rollback;
