-- The per-user quota of active memories holds on every write path, with its own SQLSTATE (PT507).
begin;
select plan(10);

select tests.create_user('ana@example.com');
select tests.create_user('ben@example.com');
update public.memory_settings set default_quota = 3;

select tests.authenticate_as('ana@example.com');
select (public.store_memory('fact number ' || n)).status from (values ('one'), ('two'), ('three')) v(n);
select tests.rejects($$select * from public.store_memory('fact number four')$$, 'PT507', null, 'a store beyond the quota is refused with PT507');
select tests.rejects($$insert into public.user_memories (user_id, fact, memory_type) values (tests.user_id('ana@example.com'), 'direct four', 'fact')$$,
  'PT507', null, 'a direct insert beyond the quota is refused too');
select is((select status from public.store_memory('Fact number ONE.')), 'duplicate', 'a duplicate at full quota is still merged, not refused');
select is((select count(*)::int from public.user_memories where is_active), 3, 'the user has exactly the quota');
select lives_ok($$insert into public.user_memories (user_id, fact, memory_type, is_active) values (tests.user_id('ana@example.com'), 'an inactive row', 'fact', false)$$,
  'inactive rows do not count against the quota');
select is((select status from public.forget_memory((select id from public.user_memories where fact = 'fact number two'))), 'forgotten',
  'forgetting a memory');
select is((select status from public.store_memory('fact number four')), 'distinct', 'frees a place for a new one (a number sets it apart from the others)');
select tests.rejects($$update public.user_memories set is_active = true where fact = 'fact number two'$$, 'PT507', null,
  'reactivating beyond the quota is refused');
select tests.clear_authentication();

update public.memory_user_stats set quota_limit = 5 where user_id = tests.user_id('ana@example.com');
select tests.authenticate_as('ana@example.com');
select is((select status from public.store_memory('fact number five')), 'distinct', 'a per-user quota overrides the default');
select tests.clear_authentication();
select tests.authenticate_as('ben@example.com');
select is((select count(*)::int from (select public.store_memory('ben ' || n) from generate_series(1, 3) n) s), 3,
  'another user has a quota of his own');
select tests.clear_authentication();

select * from finish();
rollback;
