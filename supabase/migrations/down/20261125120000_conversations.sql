-- Undoes 20261125120000_conversations: drops conversations (and their rows) and the private schema.
drop table if exists public.conversations;
drop function if exists private.set_updated_at();
drop schema if exists private;
