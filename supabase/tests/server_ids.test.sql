-- Ids are the server's: a signed-in user cannot choose or change the primary key of a memory or a conversation,
-- and another user's id is refused exactly as a fresh one (42501, never the primary key's 23505).
begin;
select plan(11);

select tests.create_user('ana@example.com');
select tests.create_user('ben@example.com');
select tests.authenticate_as('ben@example.com');
create temp table held (who text, memory uuid, conversation uuid);
grant all on held to authenticated;
insert into public.conversations (user_id, title) values (auth.uid(), 'maps');
insert into held select 'ben', (select id from public.store_memory('Collects antique maps')),
  (select id from public.conversations where title = 'maps');
select tests.authenticate_as('ana@example.com');

select tests.rejects(format($$insert into public.user_memories (id, user_id, fact, memory_type) values (%L, auth.uid(), 'Likes kites', 'fact')$$, (select memory from held)),
  '42501', null, 'a memory with another user''s id is refused as a privilege, not as a taken key');
select tests.rejects($$insert into public.user_memories (id, user_id, fact, memory_type) values (gen_random_uuid(), auth.uid(), 'Likes kites', 'fact')$$,
  '42501', null, 'and so is one with a fresh id: the two answers are the same');
select tests.rejects(format($$insert into public.conversations (id, user_id) values (%L, auth.uid())$$, (select conversation from held)),
  '42501', null, 'a conversation with another user''s id is refused the same way');
select tests.rejects($$insert into public.conversations (id, user_id) values (gen_random_uuid(), auth.uid())$$,
  '42501', null, 'as one with a fresh id');

select lives_ok($$insert into public.user_memories (user_id, fact, memory_type) values (auth.uid(), 'Likes kites', 'fact')$$,
  'a memory written directly takes the id its default gives');
select lives_ok($$insert into public.conversations (user_id, title) values (auth.uid(), 'kites')$$,
  'so does a conversation');
select tests.rejects(format($$update public.user_memories set id = %L where fact = 'Likes kites'$$, (select memory from held)),
  '42501', null, 'an id cannot be changed to another user''s');
select tests.rejects($$update public.conversations set id = gen_random_uuid() where title = 'kites'$$,
  '42501', null, 'nor to a fresh one');
select tests.rejects(format($$update public.conversations set user_id = %L where title = 'kites'$$, tests.user_id('ben@example.com')),
  '42501', null, 'a row cannot be given to another user');
select lives_ok($$update public.conversations set title = 'kites and wind' where title = 'kites'$$,
  'the other columns stay the user''s to write, under RLS');
select results_eq($$select status from public.update_memory((select id from public.user_memories where fact = 'Likes kites'), fact => 'Likes stunt kites')$$,
  $$values ('updated')$$, 'a new version (a copy of the version before) is made as the user');

select * from finish();
rollback;
