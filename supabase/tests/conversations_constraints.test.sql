-- The rules of conversations, each broken and kept.
begin;
select plan(7);

select tests.create_user('ana@example.com');
create temp view ana as select tests.user_id('ana@example.com') as id;

select tests.rejects($$insert into public.conversations (user_id) values (gen_random_uuid())$$,
  '23503', 'conversations_user_id_fkey', 'the user must exist');
select tests.rejects($$insert into public.conversations (user_id) values (null)$$, '23502', null, 'a user is required');
select tests.rejects($$insert into public.conversations (user_id, title) select id, repeat('t', 501) from ana$$,
  '23514', 'conversations_title_length', 'a title over 500 characters is rejected');
select tests.rejects($$insert into public.conversations (user_id, metadata) select id, '"x"' from ana$$,
  '23514', 'conversations_metadata_is_object', 'metadata must be an object');
select lives_ok($$insert into public.conversations (id, user_id, title, metadata, created_at, updated_at)
  select 'c0000000-0000-0000-0000-00000000000a', id, 'Dinner plans', '{"channel":"web"}', now() - interval '1 hour', now() - interval '1 hour' from ana$$,
  'a conversation with a title and object metadata is accepted');
update public.conversations set title = 'Dinner' where id = 'c0000000-0000-0000-0000-00000000000a';
select ok((select updated_at > created_at from public.conversations where id = 'c0000000-0000-0000-0000-00000000000a'),
  'an update stamps updated_at');
insert into public.user_memories (user_id, fact, memory_type, source_conversation_id)
  select id, 'Ana plans dinner', 'event', 'c0000000-0000-0000-0000-00000000000a' from ana;
delete from public.conversations where id = 'c0000000-0000-0000-0000-00000000000a';
select is((select source_conversation_id from public.user_memories where fact = 'Ana plans dinner'), null::uuid,
  'deleting a conversation keeps its memories and clears their source');

select * from finish();
rollback;
