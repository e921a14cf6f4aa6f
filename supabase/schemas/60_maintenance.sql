-- Maintenance: the jobs pg_cron runs (from public.maintenance_jobs), their health, and the settings' guards.
-- The current definition of each object; migrations are produced from these (docs/architecture.md).
-- Bodies are checked when they run, not when they are created (as pg_dump does): a function may call one
-- defined further down, or in a later file.
set check_function_bodies = off;

CREATE FUNCTION private.lock_maintenance() RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('memory maintenance', 0))
$$;
REVOKE ALL ON FUNCTION private.lock_maintenance() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.lock_maintenance() IS 'Serializes the maintenance sweeps: each takes several users'' locks, and two taking them in different orders could deadlock.';

CREATE FUNCTION private.memory_model_settings_keep_default() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if old.embedding_model = '*' and (tg_op = 'DELETE' or new.embedding_model <> '*') then
    raise exception 'the default row ''*'' of memory_model_settings cannot be removed or renamed; update its values'
      using errcode = '23514', constraint = 'memory_model_settings_default_kept', table = 'memory_model_settings',
            schema = 'public';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;
REVOKE ALL ON FUNCTION private.memory_model_settings_keep_default() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION private.memory_model_settings_keep_default() IS 'Trigger: the fallback row ''*'' of memory_model_settings stays.';

CREATE FUNCTION public.maintenance_job_health() RETURNS TABLE(job_name text, schedule text, active boolean, last_run_at timestamp with time zone, last_status text, failures_last_day bigint, runs_last_day bigint)
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
begin
  if to_regclass('cron.job') is null then
    return;
  end if;
  return query
    select c.jobname::text, c.schedule::text, c.active,
           last.start_time, last.status::text,
           (select count(*) from cron.job_run_details d where d.jobid = c.jobid and d.status = 'failed' and d.start_time > now() - interval '1 day'),
           (select count(*) from cron.job_run_details d where d.jobid = c.jobid and d.start_time > now() - interval '1 day')
      from cron.job c
      left join lateral (select d.start_time, d.status from cron.job_run_details d where d.jobid = c.jobid
                          order by d.start_time desc limit 1) last on true
     where c.jobname like 'memory-%'
     order by c.jobname;
end
$$;
REVOKE ALL ON FUNCTION public.maintenance_job_health() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.maintenance_job_health() IS 'For operators: each memory maintenance job, its last run and status, and its failures in the last day.';

CREATE FUNCTION public.schedule_maintenance() RETURNS TABLE(job_name text, schedule text, scheduled boolean)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_job record;
begin
  if to_regclass('cron.job') is null then
    -- No pg_cron here (PGlite, or a database other than cron.database_name): report, schedule nothing.
    return query select j.job_name, j.schedule, false from public.maintenance_jobs j order by j.job_name;
    return;
  end if;
  for v_job in select * from public.maintenance_jobs j order by j.job_name loop
    if v_job.enabled then
      -- By name: scheduling an existing name updates that job, so this is idempotent.
      perform cron.schedule(v_job.job_name, v_job.schedule, v_job.command);
    elsif exists (select 1 from cron.job c where c.jobname = v_job.job_name) then
      perform cron.unschedule(v_job.job_name);
    end if;
  end loop;
  return query
    select j.job_name, j.schedule, exists (select 1 from cron.job c where c.jobname = j.job_name)
      from public.maintenance_jobs j order by j.job_name;
end
$$;
REVOKE ALL ON FUNCTION public.schedule_maintenance() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.schedule_maintenance() IS 'Applies public.maintenance_jobs to pg_cron by job name (enabled ones scheduled or updated, disabled ones removed); without pg_cron it only reports. Run it after changing a schedule.';

CREATE TRIGGER memory_model_settings_keep_default BEFORE DELETE OR UPDATE ON public.memory_model_settings FOR EACH ROW EXECUTE FUNCTION private.memory_model_settings_keep_default();

REVOKE ALL ON FUNCTION private.lock_maintenance() FROM PUBLIC;
GRANT ALL ON FUNCTION private.lock_maintenance() TO service_role;

REVOKE ALL ON FUNCTION private.memory_model_settings_keep_default() FROM PUBLIC;

REVOKE ALL ON FUNCTION public.maintenance_job_health() FROM PUBLIC;
GRANT ALL ON FUNCTION public.maintenance_job_health() TO service_role;

REVOKE ALL ON FUNCTION public.schedule_maintenance() FROM PUBLIC;

CREATE FUNCTION public.own_index_changes() RETURNS TABLE(user_id uuid, action text, statement text)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  with existing as (
    select x.* from (
      select private.own_index_owner(c.relname::text) as owner, c.relname::text as name, i.indisvalid and i.indisready as valid
        from pg_catalog.pg_index i join pg_catalog.pg_class c on c.oid = i.indexrelid
       where i.indrelid = 'public.user_memories'::regclass) x
     where x.owner is not null
  ),
  threshold as (select ms.own_index_threshold as n from public.memory_settings ms),
  -- Dropped: an invalid index (a failed build), or one whose user fell under half the threshold or is gone.
  drops as (
    select e.owner, 'drop'::text as action, pg_catalog.format('drop index concurrently if exists public.%I', e.name) as statement
      from existing e
      left join public.memory_user_stats s on s.user_id = e.owner
     where not e.valid or coalesce(s.active_count, 0) * 2 < (select t.n from threshold t)
  ),
  creates as (
    select s.user_id as owner, 'create'::text as action,
           pg_catalog.format('create index concurrently if not exists %I on public.user_memories using hnsw '
                             '((embedding::extensions.vector(%s)) extensions.vector_cosine_ops) where user_id = %L::uuid and is_active',
                             private.own_index_name(s.user_id), public.embedding_dimensions(), s.user_id) as statement
      from public.memory_user_stats s
     where s.active_count >= (select t.n from threshold t)
       and not exists (select 1 from existing e where e.owner = s.user_id and e.valid)
  )
  select c.owner, c.action, c.statement
    from (select d.*, 0 as step from drops d union all select c.*, 1 from creates c) c
   order by c.step, c.owner
$$;
REVOKE ALL ON FUNCTION public.own_index_changes() FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON FUNCTION public.own_index_changes() IS 'For operators: the statements that bring users'' own HNSW indexes in line with memory_settings.own_index_threshold, drops first (failed builds, users under half the threshold or gone), then creates (users at or past it). Each is CREATE or DROP INDEX CONCURRENTLY, to be run on its own outside a transaction: npx memory indexes.';

GRANT ALL ON FUNCTION public.own_index_changes() TO service_role;
