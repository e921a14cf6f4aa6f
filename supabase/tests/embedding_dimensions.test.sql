-- One definition of the embedding dimension: public.embedding_dimensions() is the dimension of the embedding
-- columns, and every size check uses it.
begin;
select plan(4);

select is(public.embedding_dimensions(),
  (select a.atttypmod from pg_attribute a where a.attrelid = 'public.user_memories'::regclass and a.attname = 'embedding'),
  'embedding_dimensions() is the dimension of user_memories.embedding');
select is(public.embedding_dimensions(),
  (select a.atttypmod from pg_attribute a where a.attrelid = 'public.memory_sightings'::regclass and a.attname = 'embedding'),
  'and of memory_sightings.embedding');
select throws_ok($$select private.validate_search_input('tea', array_fill(0.1, array[public.embedding_dimensions() + 1])::extensions.vector,
    'm', 10, null, null, null, null, null)$$, '22000', format('query_embedding must have %s dimensions, not %s',
    public.embedding_dimensions(), public.embedding_dimensions() + 1),
  'a query embedding of another dimension is refused, naming the dimension');
select is_empty($$select p.oid::regprocedure from pg_proc p
    where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
      and p.proname <> 'embedding_dimensions' and p.prosrc ~ '\m384\M'$$,
  'no function spells the dimension out');

select * from finish();
rollback;
