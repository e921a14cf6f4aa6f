-- The habits Supabase's linter checks, over everything the migrations create: RLS on every table in public,
-- no privilege for anon, nothing reachable in private, every function with search_path = '' and a comment.
begin;
select plan(14);

select tables_are('public', array['conversations', 'user_memories', 'memory_settings', 'memory_model_settings', 'memory_user_stats', 'memory_idempotency_keys', 'memory_access', 'memory_access_log', 'memory_sightings', 'maintenance_jobs'],
  'public holds exactly the memory tables');
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
select ok(not has_schema_privilege('anon', 'private', 'usage'), 'anon cannot use schema private');
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
select is((select array_agg(p.proname::text order by p.proname::text) from pg_proc p
    where p.pronamespace = 'private'::regnamespace and has_function_privilege('authenticated', p.oid, 'execute')),
  array['absorb_memories', 'acting_user', 'active_memory_for_update', 'caller_exists', 'capitalized_as_name', 'common_words', 'content_words', 'current_memory_id', 'denied_words', 'duplicate_candidates', 'duplicate_pairs', 'duplicate_thresholds', 'fact_roles', 'fact_tokens', 'family_in_core', 'filler_words', 'filtered_ids', 'first_mistyped_key', 'guard_allows_merge', 'import_user_rows', 'in_scope', 'is_content_word', 'is_time_word', 'keep_order', 'known_caller', 'list_memories', 'lock_user_memories', 'mark_unmerged', 'memories_by_id', 'memories_shown', 'memory_saying', 'merge_statement', 'merged_memory', 'model_settings', 'move_sightings', 'nearest_memories', 'new_version', 'ordinary_words', 'query_lexemes', 'query_period', 'record_earlier_wording', 'record_sighting', 'relation_words', 'roles_differ', 'says_when', 'search_memories', 'store_version', 'text_matches', 'tokens_difference', 'tokens_relation', 'topic_words', 'validate_filter', 'validate_memory_input', 'validate_scope', 'validate_search_input', 'value_difference', 'value_words', 'verb_forms', 'word_forms', 'word_variants'],
  'authenticated may execute exactly the private helpers the public functions call');
select is((select array_agg(p.proname::text order by p.proname::text) from pg_proc p where p.prosecdef
    and (has_function_privilege('authenticated', p.oid, 'execute') or has_function_privilege('service_role', p.oid, 'execute'))
    and p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)),
  array['absorb_memories', 'caller_exists', 'duplicate_candidates', 'duplicate_pairs', 'import_user_rows', 'mark_unmerged', 'memories_by_id', 'move_sightings', 'nearest_memories', 'record_earlier_wording', 'record_sighting', 'text_matches'],
  'API roles can call exactly the security definer functions that check their target themselves (caller_exists takes none: the caller)');
select policies_are('public', 'user_memories',
  array['user_memories_select_own', 'user_memories_insert_own', 'user_memories_update_own', 'user_memories_delete_own'],
  'user_memories has one policy per command');
select is_empty($$select p.policyname from pg_policies p where p.schemaname = 'public'
  and exists (select 1 from information_schema.columns c where c.table_schema = 'public' and c.table_name = p.tablename and c.column_name = 'user_id')
  and (p.roles <> array['authenticated']::name[] or coalesce(p.qual, p.with_check) not like '%( SELECT auth.uid() AS uid)%')$$,
  'every policy on a per-user table is for authenticated and compares (select auth.uid()), evaluated once per statement');

select is_empty($$select p.oid::regprocedure from pg_proc p
    where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace) and p.provolatile = 'i'
      and p.prosrc ~* '(now|clock_timestamp|random)\s*\('$$,
  'no function that reads the clock or randomness claims to be immutable');
select * from finish();
rollback;
