-- The edge function that takes scheduled backups is now memory-backups (it was memory-maintenance, a name that
-- said nothing of what it does). The backup jobs call the new name; the old one still answers for one release
-- (functions/memory-maintenance), so a project may migrate and deploy in either order.

update public.maintenance_jobs
   set command = replace(command, '/functions/v1/memory-maintenance', '/functions/v1/memory-backups')
 where job_name in ('memory-backup-daily', 'memory-backup-weekly', 'memory-backup-monthly');

select public.schedule_maintenance();
