-- The habits Supabase's linter checks, over everything the migrations create: RLS on every table in public,
-- no privilege for anon, nothing reachable in private, every function with search_path = '' and a comment; and
-- every privilege of every table, column, function and schema for every API role, as decided (issue 24).
begin;
select plan(18);

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
select is_empty($$select p.oid::regprocedure from pg_proc p
  where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
    and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('public', p.oid, 'execute'))$$,
  'anon and public cannot execute any function of the project');

-- Every decision, from the catalog: an object added without one, or a grant changed, fails here until the lists
-- below say what each API role may do with it.
select results_eq($$
  select c.oid::regclass::text, r.rolname::text collate "default",
         coalesce((select string_agg(a.privilege_type, ',' order by a.privilege_type) from aclexplode(c.relacl) a where a.grantee = r.oid), '')
    from pg_class c cross join (select oid, rolname from pg_roles where rolname in ('anon', 'authenticated', 'service_role')) r
   where c.relnamespace in ('public'::regnamespace, 'private'::regnamespace) and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
   order by 1, 2$$,
  $$values
  ('conversations', 'anon', ''),
  ('conversations', 'authenticated', 'DELETE,SELECT'),
  ('conversations', 'service_role', 'DELETE,INSERT,SELECT,UPDATE'),
  ('maintenance_jobs', 'anon', ''),
  ('maintenance_jobs', 'authenticated', ''),
  ('maintenance_jobs', 'service_role', 'SELECT'),
  ('memory_access', 'anon', ''),
  ('memory_access', 'authenticated', 'SELECT'),
  ('memory_access', 'service_role', 'DELETE,INSERT,SELECT,UPDATE'),
  ('memory_access_log', 'anon', ''),
  ('memory_access_log', 'authenticated', 'SELECT'),
  ('memory_access_log', 'service_role', 'DELETE,INSERT,SELECT'),
  ('memory_idempotency_keys', 'anon', ''),
  ('memory_idempotency_keys', 'authenticated', 'INSERT,SELECT'),
  ('memory_idempotency_keys', 'service_role', 'DELETE,INSERT,SELECT'),
  ('memory_model_settings', 'anon', ''),
  ('memory_model_settings', 'authenticated', 'SELECT'),
  ('memory_model_settings', 'service_role', 'DELETE,INSERT,SELECT,UPDATE'),
  ('memory_settings', 'anon', ''),
  ('memory_settings', 'authenticated', 'SELECT'),
  ('memory_settings', 'service_role', 'SELECT,UPDATE'),
  ('memory_sightings', 'anon', ''),
  ('memory_sightings', 'authenticated', 'SELECT'),
  ('memory_sightings', 'service_role', 'DELETE,SELECT'),
  ('memory_user_stats', 'anon', ''),
  ('memory_user_stats', 'authenticated', 'SELECT'),
  ('memory_user_stats', 'service_role', 'DELETE,SELECT'),
  ('user_memories', 'anon', ''),
  ('user_memories', 'authenticated', 'DELETE,SELECT'),
  ('user_memories', 'service_role', 'DELETE,INSERT,SELECT,UPDATE')
  $$, 'every table and view, for every API role: exactly the privileges decided');
select results_eq($$
  select rel, rolname, privilege_type, cols from (
    select c.oid::regclass::text as rel, r.rolname::text collate "default" as rolname, x.privilege_type,
           string_agg(at.attname::text collate "default", ',' order by at.attname) as cols
      from pg_class c join pg_attribute at on at.attrelid = c.oid and at.attnum > 0 and not at.attisdropped
      cross join lateral aclexplode(at.attacl) x join pg_roles r on r.oid = x.grantee
     where c.relnamespace in ('public'::regnamespace, 'private'::regnamespace) and r.rolname in ('anon', 'authenticated', 'service_role')
     group by 1, 2, 3) t order by rel, rolname, privilege_type$$,
  $$values
  ('conversations', 'authenticated', 'INSERT', 'agent_id,created_at,last_message_at,metadata,run_id,started_at,title,updated_at,user_id'),
  ('conversations', 'authenticated', 'UPDATE', 'agent_id,created_at,last_message_at,metadata,run_id,started_at,title,updated_at'),
  ('maintenance_jobs', 'service_role', 'UPDATE', 'enabled,schedule'),
  ('memory_access_log', 'authenticated', 'INSERT', 'memory_id,user_id'),
  ('memory_user_stats', 'service_role', 'UPDATE', 'last_deduplicated_at,quota_limit'),
  ('user_memories', 'authenticated', 'INSERT', 'agent_id,category,confidence_score,created_at,duplicate_of,embedding,embedding_model,expires_at,fact,importance_score,is_active,last_accessed_at,memory_type,metadata,observed_at,previous_version_id,run_id,source_conversation_id,updated_at,user_id,version'),
  ('user_memories', 'authenticated', 'UPDATE', 'agent_id,category,confidence_score,created_at,duplicate_of,embedding,embedding_model,expires_at,fact,importance_score,is_active,last_accessed_at,memory_type,metadata,observed_at,previous_version_id,run_id,source_conversation_id,updated_at,version')
  $$, 'and the columns a role may write where it may not write the whole row (never an id)');
select results_eq($$
  select p.oid::regprocedure::text,
         concat_ws(',', case when has_function_privilege('anon', p.oid, 'execute') then 'anon' end,
                        case when has_function_privilege('authenticated', p.oid, 'execute') then 'authenticated' end,
                        case when has_function_privilege('service_role', p.oid, 'execute') then 'service_role' end)
    from pg_proc p where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
     and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
   order by 1$$,
  $$values
  ('cleanup_old_memories(integer,integer)', 'service_role'),
  ('deduplicate_all_memories(integer)', 'service_role'),
  ('deduplicate_memories(uuid,double precision)', 'authenticated,service_role'),
  ('embedding_dimensions()', 'authenticated,service_role'),
  ('erase_memories(text,text,text,uuid)', 'authenticated,service_role'),
  ('erase_user_data(uuid)', 'service_role'),
  ('expire_memories(integer)', 'service_role'),
  ('export_user_data(uuid,text,text)', 'authenticated,service_role'),
  ('fact_key(text)', 'authenticated,service_role'),
  ('fact_relation(text,text)', 'authenticated,service_role'),
  ('fact_value_difference(text,text)', 'authenticated,service_role'),
  ('fact_words(text)', 'authenticated,service_role'),
  ('find_duplicate_memories(uuid,text,double precision,vector,text,text,text)', 'authenticated,service_role'),
  ('fold_memory_access(integer)', 'service_role'),
  ('forget_memories(text,text,uuid)', 'authenticated,service_role'),
  ('forget_memory(uuid,uuid)', 'authenticated,service_role'),
  ('get_memory(uuid,uuid)', 'authenticated,service_role'),
  ('get_memory_overview()', 'service_role'),
  ('get_memory_stats(uuid)', 'authenticated,service_role'),
  ('import_user_data(jsonb,uuid)', 'authenticated,service_role'),
  ('jaccard(text[],text[])', 'authenticated,service_role'),
  ('list_memories(integer,timestamp with time zone,uuid,uuid,text,text,jsonb)', 'authenticated,service_role'),
  ('maintenance_job_health()', 'service_role'),
  ('mark_memory_duplicate(uuid,uuid)', 'authenticated,service_role'),
  ('match_memories(vector,text,integer,text[],text[],double precision,timestamp with time zone,timestamp with time zone,uuid,text,text,jsonb)', 'authenticated,service_role'),
  ('memories_pending_embedding(integer,uuid)', 'service_role'),
  ('memory_history(uuid)', 'authenticated,service_role'),
  ('memory_types()', 'authenticated,service_role'),
  ('normalize_fact(text)', 'authenticated,service_role'),
  ('own_index_changes()', 'service_role'),
  ('private.absorb_memories(uuid,uuid[],uuid[],double precision[])', 'service_role'),
  ('private.access_fold_lock_key()', 'service_role'),
  ('private.acting_user(uuid)', 'service_role'),
  ('private.active_memory_for_update(uuid,uuid)', 'service_role'),
  ('private.caller_exists()', 'service_role'),
  ('private.caller_reads_all()', 'service_role'),
  ('private.capitalized_as_name(text,text,boolean)', 'service_role'),
  ('private.common_words()', 'service_role'),
  ('private.content_words(text[])', 'service_role'),
  ('private.current_memory_id(uuid,uuid)', 'service_role'),
  ('private.denied_words(text[])', 'service_role'),
  ('private.duplicate_candidates(uuid,text,vector,text,double precision,double precision,uuid,text,text)', 'service_role'),
  ('private.duplicate_pairs(uuid,double precision,double precision)', 'service_role'),
  ('private.duplicate_thresholds(text,double precision)', 'service_role'),
  ('private.fact_roles(text[])', 'service_role'),
  ('private.fact_tokens(text)', 'service_role'),
  ('private.family_in_core(text[],text[])', 'service_role'),
  ('private.filler_words()', 'service_role'),
  ('private.filtered_ids(uuid,text,text,jsonb)', 'service_role'),
  ('private.first_mistyped_key(jsonb,jsonb)', 'service_role'),
  ('private.guard_allows_merge(text,double precision,double precision)', 'service_role'),
  ('private.has_own_index(uuid)', ''),
  ('private.import_id(uuid,uuid)', ''),
  ('private.import_ids_changed(uuid,jsonb)', ''),
  ('private.import_user_rows(uuid,jsonb)', ''),
  ('private.in_scope(text,text,text,text)', 'service_role'),
  ('private.is_content_word(text)', 'service_role'),
  ('private.is_time_word(text)', 'service_role'),
  ('private.keep_order(double precision,timestamp with time zone)', 'service_role'),
  ('private.known_caller()', 'service_role'),
  ('private.list_memories(integer,timestamp with time zone,uuid,uuid,text,text,jsonb)', 'service_role'),
  ('private.lock_maintenance()', 'service_role'),
  ('private.lock_user_memories(uuid)', 'service_role'),
  ('private.lock_users(uuid[])', 'service_role'),
  ('private.mark_unmerged(uuid,uuid,uuid)', 'service_role'),
  ('private.may_read(uuid)', 'service_role'),
  ('private.memories_by_id(uuid,uuid[])', 'service_role'),
  ('private.memories_shown(uuid,uuid[])', 'service_role'),
  ('private.memory_model_settings_keep_default()', ''),
  ('private.memory_saying(uuid,text,text,text,uuid)', 'service_role'),
  ('private.memory_sightings_account()', ''),
  ('private.merge_statement(uuid,uuid,user_memories,double precision,text)', 'service_role'),
  ('private.merged_memory(user_memories,user_memories[])', 'service_role'),
  ('private.model_settings(text)', 'service_role'),
  ('private.move_sightings(uuid,uuid[],uuid[])', 'service_role'),
  ('private.nearest_memories(uuid,vector,text,integer,integer,text[],text[],double precision,timestamp with time zone,timestamp with time zone,text,text,jsonb)', 'service_role'),
  ('private.new_version(uuid,user_memories,user_memories)', 'service_role'),
  ('private.ordinary_words()', 'service_role'),
  ('private.own_index_name(uuid)', ''),
  ('private.own_index_owner(text)', ''),
  ('private.query_lexemes(text)', 'service_role'),
  ('private.query_period(text,timestamp with time zone)', 'service_role'),
  ('private.record_earlier_wording(uuid,user_memories,double precision)', 'service_role'),
  ('private.record_sighting(uuid,uuid,user_memories,double precision,text)', 'service_role'),
  ('private.relation_words()', 'service_role'),
  ('private.roles_differ(text[],text[])', 'service_role'),
  ('private.says_when(text)', 'service_role'),
  ('private.search_memories(text,vector,text,integer,text[],text[],double precision,timestamp with time zone,timestamp with time zone,uuid,boolean,double precision,text,text,jsonb)', 'service_role'),
  ('private.set_updated_at()', ''),
  ('private.store_version(uuid,uuid,user_memories)', 'service_role'),
  ('private.text_matches(uuid,text[],text[],text[],text[],text[],integer,text[],text[],double precision,timestamp with time zone,timestamp with time zone,text,text,jsonb)', 'service_role'),
  ('private.tokens_difference(text,text[],text,text[])', 'service_role'),
  ('private.tokens_relation(text,text[],text,text[])', 'service_role'),
  ('private.topic_words(text[])', 'service_role'),
  ('private.user_memories_account_statement()', ''),
  ('private.user_memories_guard_version()', ''),
  ('private.validate_filter(text,text,jsonb)', 'service_role'),
  ('private.validate_memory_input(text,text,text,double precision,double precision,vector,text,jsonb,timestamp with time zone)', 'service_role'),
  ('private.validate_scope(text,text)', 'service_role'),
  ('private.validate_search_input(text,vector,text,integer,text[],double precision,double precision,timestamp with time zone,timestamp with time zone)', 'service_role'),
  ('private.value_difference(text,text)', 'service_role'),
  ('private.value_words()', 'service_role'),
  ('private.verb_forms()', 'service_role'),
  ('private.word_forms()', 'service_role'),
  ('private.word_variants(text)', 'service_role'),
  ('schedule_maintenance()', ''),
  ('search_memories(text,vector,text,integer,text[],text[],double precision,timestamp with time zone,timestamp with time zone,uuid,boolean,double precision,text,text,jsonb)', 'authenticated,service_role'),
  ('set_memory_embedding(uuid,vector,text,text)', 'service_role'),
  ('store_memories(jsonb,uuid)', 'authenticated,service_role'),
  ('store_memory(text,text,text,double precision,double precision,uuid,jsonb,vector,text,timestamp with time zone,text,uuid,double precision,text,timestamp with time zone,text,text)', 'authenticated,service_role'),
  ('unmerge_memory(uuid,uuid)', 'authenticated,service_role'),
  ('update_memory(uuid,text,text,text,double precision,double precision,jsonb,vector,text,timestamp with time zone,uuid)', 'authenticated,service_role')
  $$, 'every function, for every API role: whether it may execute it');
select results_eq($$
  select n.nspname::text collate "default", r.rolname::text collate "default", has_schema_privilege(r.oid, n.oid, 'usage')
    from pg_namespace n cross join (select oid, rolname from pg_roles where rolname in ('anon', 'authenticated', 'service_role')) r
   where n.nspname in ('public', 'private') order by 1, 2$$,
  $$values ('private', 'anon', false), ('private', 'authenticated', false), ('private', 'service_role', true),
           ('public', 'anon', true), ('public', 'authenticated', true), ('public', 'service_role', true)$$,
  'private is usable by no role a client holds');
select is_empty($$select p.oid::regprocedure from pg_proc p where p.pronamespace = 'private'::regnamespace
    and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('authenticated', p.oid, 'execute'))$$,
  'no private function is executable by anon or authenticated');
select is_empty($$select p.oid::regprocedure from pg_proc p
   where p.pronamespace = 'public'::regnamespace and has_function_privilege('authenticated', p.oid, 'execute')
     and not p.prosecdef$$,
  'what a signed-in user reaches is a public function that runs as its owner (it may call private helpers)');
select is_empty($$select p.oid::regprocedure from pg_proc p
   where p.pronamespace = 'public'::regnamespace and p.prosecdef and has_function_privilege('authenticated', p.oid, 'execute')
     and p.prosrc !~ 'private\.(acting_user|known_caller|may_read)\('
     and exists (select 1 from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v')
                  and p.prosrc ~ ('public\.' || c.relname || '\M'))$$,
  'and each that reads a table asks who the caller is first (private.acting_user, known_caller or may_read)');

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
