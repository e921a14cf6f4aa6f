-- memory_user_stats stays exact for statements that write many rows of several users at once: the counters are
-- kept once per user per statement (transition tables), and the quota judges the statement as a whole.
begin;
select plan(11);
-- On from the start: pg_stat_xact_user_tables counts the writes of this transaction.
set local track_counts = on;

select tests.create_user('ana@example.com');
select tests.create_user('ben@example.com');

create temporary view recount as
  select m.user_id, count(*) filter (where m.is_active)::integer as active_count,
         count(*) filter (where not m.is_active)::integer as inactive_count
    from public.user_memories m group by m.user_id;
create temporary view counters_match as
  select coalesce(bool_and(s.active_count = r.active_count and s.inactive_count = r.inactive_count), true) as ok
    from recount r left join public.memory_user_stats s using (user_id);

insert into public.user_memories (user_id, fact, memory_type, is_active)
select tests.user_id(case when g % 3 = 0 then 'ben@example.com' else 'ana@example.com' end), 'memory ' || g, 'fact', g % 5 <> 0
  from generate_series(1, 30) g;
select results_eq($$select user_id, active_count, inactive_count from public.memory_user_stats order by user_id$$,
  $$select user_id, active_count, inactive_count from recount order by user_id$$,
  'one insert of 30 rows for two users counts each user''s active and inactive rows');

create temporary table stats_writes as
  select n_tup_ins + n_tup_upd as n from pg_stat_xact_user_tables where relid = 'public.memory_user_stats'::regclass;
update public.user_memories set is_active = not is_active where user_id = tests.user_id('ana@example.com');
select ok((select ok from counters_match), 'one update flipping both ways moves rows between active and inactive');
select is((select n_tup_ins + n_tup_upd from pg_stat_xact_user_tables where relid = 'public.memory_user_stats'::regclass)
          - (select n from stats_writes), 1::bigint,
  'and writes the user''s counters once, not once per memory (a row trigger wrote them 20 times)');

create temporary table stamp as select user_id, updated_at from public.memory_user_stats;
update public.user_memories set confidence_score = 0.9;
select is_empty($$select 1 from public.memory_user_stats s join stamp using (user_id) where s.updated_at <> stamp.updated_at$$,
  'an update that changes no is_active does not write the counters');

delete from public.user_memories where user_id = tests.user_id('ben@example.com') and fact like 'memory 1%';
select ok((select ok from counters_match), 'one delete of many rows subtracts them');

update public.memory_user_stats set quota_limit = (select active_count + 2 from public.memory_user_stats
  where user_id = tests.user_id('ana@example.com')) where user_id = tests.user_id('ana@example.com');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type)
  select tests.user_id('ana@example.com'), 'batch ' || g, 'fact' from generate_series(1, 3) g$$,
  'PT507', null, 'a statement that would pass the quota is refused whole');
select is((select count(*)::int from public.user_memories where fact like 'batch %'), 0, 'and writes nothing');
select lives_ok($$insert into public.user_memories (user_id, fact, memory_type)
  select tests.user_id('ana@example.com'), 'batch ' || g, 'fact' from generate_series(1, 2) g$$,
  'a statement that fills the quota exactly is accepted');
select lives_ok($$update public.user_memories set is_active = (fact <> 'batch 1')
  where fact in ('batch 1', 'memory 5') and user_id = tests.user_id('ana@example.com')$$,
  'at full quota, a statement that activates one memory and deactivates another is accepted');
select tests.rejects($$update public.user_memories set is_active = true
  where user_id = tests.user_id('ana@example.com') and not is_active$$,
  'PT507', null, 'reactivating many at once beyond the quota is refused');
select ok((select ok from counters_match), 'after all of it the counters equal a recount');

select * from finish();
rollback;
