-- Scheduled maintenance with pg_cron, where the extension can exist (only in the database cron.database_name
-- names: `postgres` on Supabase). Schedules live in a table, so changing one is an UPDATE and
-- `select public.schedule_maintenance()`, not a migration.

create table public.maintenance_jobs (
  job_name text not null,
  schedule text not null,
  command text not null,
  enabled boolean not null default true,
  updated_at timestamptz not null default now(),
  constraint maintenance_jobs_pkey primary key (job_name),
  constraint maintenance_jobs_name_prefix check (job_name like 'memory-%'),
  constraint maintenance_jobs_schedule_not_blank check (schedule ~ '[^[:space:]]')
);
comment on table public.maintenance_jobs is
  'The maintenance jobs and their cron schedules; public.schedule_maintenance() applies them to pg_cron.';
insert into public.maintenance_jobs (job_name, schedule, command) values
  ('memory-deduplicate', '15 3 * * *', 'select public.deduplicate_all_memories(100)'),
  ('memory-cleanup', '30 4 * * 0', 'select public.cleanup_old_memories(90)'),
  ('memory-expire', '*/15 * * * *', 'select public.expire_memories()'),
  -- pg_cron never cleans its own run log.
  ('memory-prune-cron-history', '0 5 * * *', $$delete from cron.job_run_details where end_time < now() - interval '7 days'$$);

create trigger maintenance_jobs_set_updated_at
  before update on public.maintenance_jobs
  for each row execute function private.set_updated_at();

alter table public.maintenance_jobs enable row level security;
revoke all on table public.maintenance_jobs from anon, authenticated, service_role;
grant select, update (schedule, enabled) on table public.maintenance_jobs to service_role;

create or replace function public.schedule_maintenance()
returns table (job_name text, schedule text, scheduled boolean)
language plpgsql
volatile
set search_path = ''
as $$
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
comment on function public.schedule_maintenance() is
  'Applies public.maintenance_jobs to pg_cron by job name (enabled ones scheduled or updated, disabled ones '
  'removed); without pg_cron it only reports. Run it after changing a schedule.';
revoke all on function public.schedule_maintenance() from public, anon, authenticated, service_role;

create or replace function public.maintenance_job_health()
returns table (job_name text, schedule text, active boolean, last_run_at timestamptz, last_status text,
               failures_last_day bigint, runs_last_day bigint)
language plpgsql
stable
set search_path = ''
as $$
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
comment on function public.maintenance_job_health() is
  'For operators: each memory maintenance job, its last run and status, and its failures in the last day.';
revoke all on function public.maintenance_job_health() from public, anon, authenticated;
grant execute on function public.maintenance_job_health() to service_role;

do $$
begin
  if exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_cron')
     and current_database() = coalesce(current_setting('cron.database_name', true), 'postgres') then
    create extension if not exists pg_cron;
    perform public.schedule_maintenance();
  end if;
end
$$;
