-- Removes the export and import of a user's data (20261126130100).
drop function public.import_user_data(jsonb, uuid);
drop function private.import_user_rows(uuid, jsonb);
drop function public.export_user_data(uuid);
