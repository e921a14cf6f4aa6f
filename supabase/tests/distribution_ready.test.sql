-- Ready to be split by user: every per-user table says its user, every reference between them carries user_id (so
-- a table partitioned or sharded by user_id keeps its foreign keys within one user), and the unique keys without
-- user_id are exactly the ones docs/scaling.md lists as what the sharding step changes.
begin;
select plan(3);

create temp table per_user_tables as
  select c.oid::regclass as t from pg_class c join pg_attribute a on a.attrelid = c.oid
   where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and a.attname = 'user_id' and not a.attisdropped;

select is_empty($$select t::text from per_user_tables p join pg_attribute a on a.attrelid = p.t
    where a.attname = 'user_id' and not a.attnotnull$$,
  'every per-user table has user_id not null');

select is_empty($$select c.conname::text from pg_constraint c
    where c.contype = 'f' and c.conrelid in (select t from per_user_tables) and c.confrelid in (select t from per_user_tables)
      and not ((select attnum from pg_attribute where attrelid = c.conrelid and attname = 'user_id') = any (c.conkey)
           and (select attnum from pg_attribute where attrelid = c.confrelid and attname = 'user_id') = any (c.confkey))$$,
  'every foreign key between per-user tables includes user_id on both sides');

select set_eq($$select i.indexrelid::regclass::text from pg_index i
    where i.indisunique and i.indrelid in (select t from per_user_tables)
      and not (select attnum from pg_attribute where attrelid = i.indrelid and attname = 'user_id') = any (i.indkey::int2[])$$,
  array['conversations_pkey', 'memory_access_log_pkey', 'memory_access_pkey', 'memory_sightings_pkey',
        'user_memories_pkey', 'user_memories_previous_version_key'],
  'the unique keys without user_id are the ids docs/scaling.md lists (each has a unique (id, user_id) or needs one to shard)');

select * from finish();
rollback;
