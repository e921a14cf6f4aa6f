-- Scheduled backups: pg_cron calls the memory-maintenance edge function through pg_net, with the project URL and
-- a service-role key from Vault (secrets memory_project_url and memory_service_role_key). Where pg_net or Vault
-- is missing (a local PostgreSQL, PGlite) the jobs are listed but disabled; `memory backup create` does the same
-- by hand.

insert into public.maintenance_jobs (job_name, schedule, command, enabled)
select j.job_name, j.schedule,
       format($cmd$select net.http_post(
         url := (select decrypted_secret from vault.decrypted_secrets where name = 'memory_project_url') || '/functions/v1/memory-maintenance',
         headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization',
           'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'memory_service_role_key')),
         body := %L::jsonb, timeout_milliseconds := 300000)$cmd$, j.body),
       to_regclass('net.http_request_queue') is not null and to_regclass('vault.decrypted_secrets') is not null
  from (values ('memory-backup-daily', '0 2 * * *', '{"kind":"daily"}'),
               ('memory-backup-weekly', '0 1 * * 0', '{"kind":"weekly","prune":false}'),
               ('memory-backup-monthly', '0 0 1 * *', '{"kind":"monthly","prune":false}')) as j(job_name, schedule, body);

select public.schedule_maintenance();
