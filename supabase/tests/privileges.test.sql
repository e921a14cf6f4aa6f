-- The habits Supabase's linter checks, over everything the migrations create: RLS on every table in public,
-- no privilege for anon, nothing reachable in private, every function with search_path = '' and a comment.
begin;
select plan(12);

select tables_are('public', array['conversations', 'user_memories'], 'public holds exactly the memory tables');
select is_empty($$select relname from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'p') and not relrowsecurity$$,
  'every table in public has row-level security enabled');
select is_empty($$select c.relname, p.privilege_type from pg_class c
  cross join lateral aclexplode(c.relacl) a join lateral (select a.privilege_type) p on true
  where c.relnamespace = 'public'::regnamespace and a.grantee = 'anon'::regrole$$,
  'anon holds no privilege on any table in public');
select is_empty($$select c.relname from pg_class c cross join lateral aclexplode(c.relacl) a
  where c.relnamespace = 'public'::regnamespace and a.grantee = 'authenticated'::regrole
    and a.privilege_type not in ('SELECT', 'INSERT', 'UPDATE', 'DELETE')$$,
  'authenticated holds only SELECT, INSERT, UPDATE, DELETE (no TRUNCATE, REFERENCES, TRIGGER)');
select ok(not has_schema_privilege('anon', 'private', 'usage') and not has_schema_privilege('authenticated', 'private', 'usage')
  and not has_schema_privilege('service_role', 'private', 'usage'), 'no API role can use schema private');
select is_empty($$select p.oid::regprocedure from pg_proc p
  where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
    and not coalesce(p.proconfig @> array['search_path=""'], false)$$,
  'every function in public and private sets search_path to empty');
select is_empty($$select p.oid::regprocedure from pg_proc p
  where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace) and obj_description(p.oid, 'pg_proc') is null$$,
  'every function in public and private has a comment');
select is_empty($$select p.oid::regprocedure from pg_proc p where p.pronamespace = 'public'::regnamespace and p.prosecdef$$,
  'no security definer function in the exposed schema');
select is_empty($$select p.oid::regprocedure from pg_proc p
  where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
    and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('public', p.oid, 'execute'))$$,
  'anon and public cannot execute any function of the project');
select is_empty($$select p.oid::regprocedure from pg_proc p where p.pronamespace = 'private'::regnamespace
    and has_function_privilege('authenticated', p.oid, 'execute')$$,
  'authenticated cannot execute internals in private');
select policies_are('public', 'user_memories',
  array['user_memories_select_own', 'user_memories_insert_own', 'user_memories_update_own', 'user_memories_delete_own'],
  'user_memories has one policy per command');
select is_empty($$select policyname from pg_policies where schemaname = 'public'
  and (roles <> array['authenticated']::name[] or coalesce(qual, with_check) not like '%( SELECT auth.uid() AS uid)%')$$,
  'every policy is for authenticated and compares (select auth.uid()), evaluated once per statement');

select * from finish();
rollback;
