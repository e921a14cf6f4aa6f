-- Undoes 20261125120900_schedule_maintenance: removes the memory jobs from pg_cron (the extension stays).
do $$
begin
  if to_regclass('cron.job') is not null then
    perform cron.unschedule(jobid) from cron.job where jobname like 'memory-%';
  end if;
end
$$;
drop function if exists public.maintenance_job_health();
drop function if exists public.schedule_maintenance();
drop table if exists public.maintenance_jobs;
