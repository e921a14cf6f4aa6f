-- Undoes 20261126090100_model_settings.
drop function private.model_settings(text);
drop table public.memory_model_settings;
drop function private.memory_model_settings_keep_default();
