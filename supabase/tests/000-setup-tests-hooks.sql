-- Helpers for the pgTAP files, in the spirit of supabase-test-helpers: make users and act as them the way PostgREST
-- does (role plus request.jwt.claims, local to the transaction). `supabase test db` runs the files of this folder
-- in name order, so this one comes first and installs them (committed, idempotent); the test databases of
-- `npm test` get them from scripts/db (bootstrap) too. Test databases only: never a migration.
create extension if not exists pgtap with schema extensions;

create schema if not exists tests;

create or replace function tests.create_user(p_email text) returns uuid
language sql
as $$
  insert into auth.users (id, aud, role, email)
  values (gen_random_uuid(), 'authenticated', 'authenticated', p_email)
  returning id
$$;

-- security definer: tests look users up while acting as roles that cannot read auth.users.
create or replace function tests.user_id(p_email text) returns uuid
language sql stable security definer set search_path = ''
as $$ select id from auth.users where email = p_email $$;

-- Acts as an API role for the rest of the transaction, with the claims PostgREST would set.
create or replace function tests.act_as(p_role text, p_claims jsonb) returns void
language plpgsql
as $$
begin
  perform set_config('request.jwt.claims', (p_claims || jsonb_build_object('role', p_role))::text, true);
  execute format('set local role %I', p_role);
end
$$;

create or replace function tests.authenticate_as(p_email text) returns void
language plpgsql
as $$
declare
  v_id uuid := tests.user_id(p_email);
begin
  if v_id is null then
    raise exception 'tests.authenticate_as: no user %', p_email;
  end if;
  perform tests.act_as('authenticated', jsonb_build_object('sub', v_id, 'email', p_email));
end
$$;

create or replace function tests.authenticate_as_anon() returns void
language sql
as $$ select tests.act_as('anon', '{}') $$;

create or replace function tests.authenticate_as_service_role() returns void
language sql
as $$ select tests.act_as('service_role', '{}') $$;

create or replace function tests.clear_authentication() returns void
language plpgsql
as $$
begin
  perform set_config('request.jwt.claims', null, true);
  execute 'reset role';
end
$$;

grant usage on schema tests to anon, authenticated, service_role;
grant execute on all functions in schema tests to anon, authenticated, service_role;

-- The plan of a query, as text, with sequential scans priced out of reach: a tiny test table would
-- otherwise always be scanned, and the question is whether an index can serve the query at all.
create or replace function tests.plan_of(p_query text) returns text
language plpgsql
as $$
declare
  v_line text;
  v_plan text := '';
begin
  perform set_config('enable_seqscan', 'off', true);
  for v_line in execute 'explain (costs off) ' || p_query loop
    v_plan := v_plan || v_line || E'\n';
  end loop;
  perform set_config('enable_seqscan', 'on', true);
  return v_plan;
end
$$;

create or replace function tests.uses_index(p_query text, p_index text) returns text
language plpgsql
as $$
declare
  v_plan text := tests.plan_of(p_query);
begin
  return extensions.ok(position(p_index in v_plan) > 0,
    format('%s serves: %s', p_index, p_query)) ||
    case when position(p_index in v_plan) > 0 then '' else E'\n# plan was:\n# ' || replace(v_plan, E'\n', E'\n# ') end;
end
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

-- ok() when p_query fails with SQLSTATE p_sqlstate and, when given, the named constraint; the failure is
-- caught in a subtransaction, so nothing it did remains.
create or replace function tests.rejects(p_query text, p_sqlstate text, p_constraint text, p_description text)
returns text
language plpgsql
as $$
declare
  v_state text;
  v_constraint text;
  v_message text;
  v_pass boolean;
begin
  begin
    execute p_query;
  exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_constraint = constraint_name, v_message = message_text;
  end;
  v_pass := v_state is not distinct from p_sqlstate
    and (p_constraint is null or v_constraint is not distinct from p_constraint);
  return extensions.ok(v_pass, p_description) || case when v_pass then '' else format(
    E'\n# expected SQLSTATE %s%s\n# got %s',
    p_sqlstate, coalesce(' constraint ' || p_constraint, ''),
    coalesce(format('SQLSTATE %s constraint %s: %s', v_state, coalesce(v_constraint, '-'), v_message), 'no error')
  ) end;
end
$$;

-- A 384-dimension vector from a seed, for fixtures.
create or replace function tests.embedding(p_seed double precision) returns extensions.vector
language sql immutable
as $$
  select (array_agg(sin(p_seed * i + i)::real order by i))::extensions.vector
  from generate_series(1, 384) as i
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

-- How many rows a data-changing statement touched (pgTAP cannot nest a data-modifying WITH).
create or replace function tests.rows_affected(p_query text) returns integer
language plpgsql
as $$
declare
  v_count integer;
begin
  execute p_query;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

-- The SQLSTATE and constraint a statement fails with (nulls if it succeeds); its effects are undone.
create or replace function tests.error_of(p_query text, out state text, out constraint_name text)
language plpgsql
as $$
begin
  execute p_query;
  raise exception using errcode = 'TSTOK';
exception when others then
  get stacked diagnostics state = returned_sqlstate, constraint_name = constraint_name;
  if state = 'TSTOK' then
    state := null;
  end if;
end
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

select plan(1);
select ok(to_regprocedure('tests.authenticate_as(text)') is not null, 'the test helpers are installed');
select * from finish();
