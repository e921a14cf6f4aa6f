-- Undoes 20261125121000_backup_jobs: the backup jobs leave pg_cron and the jobs table.
do $$
begin
  if to_regclass('cron.job') is not null then
    perform cron.unschedule(jobid) from cron.job where jobname like 'memory-backup-%';
  end if;
end
$$;
delete from public.maintenance_jobs where job_name like 'memory-backup-%';
