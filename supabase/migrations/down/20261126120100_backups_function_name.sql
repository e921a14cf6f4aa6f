-- The backup jobs call memory-maintenance again.

update public.maintenance_jobs
   set command = replace(command, '/functions/v1/memory-backups', '/functions/v1/memory-maintenance')
 where job_name in ('memory-backup-daily', 'memory-backup-weekly', 'memory-backup-monthly');

select public.schedule_maintenance();
