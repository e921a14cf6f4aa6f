-- A search or a write scans one user's memories without parallel workers: for a user with 50,000 memories, starting
-- two workers took longer than the scan they shared (82-87 ms against 17-18 ms). Each function that scans a user's
-- memories on a request's path says so in its own settings, whatever the server's default.
begin;
select plan(1);

select is(
  (select array_agg(n.nspname || '.' || p.proname order by p.proname)
     from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where 'max_parallel_workers_per_gather=0' = any (p.proconfig)),
  array['private.duplicate_candidates', 'private.nearest_memories', 'private.text_matches']::text[],
  'exactly the per-user scans of store_memory and search_memories run serially');

select * from finish();
rollback;
