-- Search answers with evidence (issue 22): one ordinary word in common with a question about something never
-- said is no answer; a date or number no memory wrote, or the kind of answer asked for ("What colour ..."), does
-- not empty one; a word is found in its other forms (an irregular verb, another name of a family member); a name
-- or an uncommon word is evidence with less of the question around it. Sentences of this file's own.
begin;
select plan(19);

select tests.create_user('ines@example.com');
insert into public.user_memories (user_id, fact, memory_type) values
  (tests.user_id('ines@example.com'), 'Keeps a bonsai juniper on the kitchen windowsill', 'fact'),
  (tests.user_id('ines@example.com'), 'Sold her grandmother''s upright piano to a neighbour', 'event'),
  (tests.user_id('ines@example.com'), 'Her mum runs a bakery in Galway', 'person'),
  (tests.user_id('ines@example.com'), 'Wrote a thesis on medieval stained glass', 'fact'),
  (tests.user_id('ines@example.com'), 'Drives a red pickup truck', 'fact'),
  (tests.user_id('ines@example.com'), 'Goes bouldering with Tomasz', 'fact'),
  (tests.user_id('ines@example.com'), 'Her grandfather served in the navy', 'person'),
  (tests.user_id('ines@example.com'), 'Took up the accordion after retiring', 'fact');
select tests.authenticate_as('ines@example.com');

-- Never said, one ordinary word in common.
select is_empty($$select 1 from public.search_memories('What is the name of the bakery''s cat?')$$,
  'an ordinary word (bakery) with what the question asks about (name, cat) missing: no answer');
select is_empty($$select 1 from public.search_memories('Who tunes the piano?')$$,
  'piano covers less than half of a two-word question: no answer');
select is_empty($$select 1 from public.search_memories('How big is her kitchen?')$$,
  'nor does kitchen when the question asks how big');
select is_empty($$select 1 from public.search_memories('Where does her kitchen tap leak?')$$,
  'kitchen alone does not answer a question about a tap');
select is_empty($$select 1 from public.search_memories('Which navy ship did her uncle command?')$$,
  'the kind of answer asked for (navy ship) alone is no answer');
select is_empty($$select 1 from public.search_memories('What glass does she drink from?')$$,
  'nor is glass, the kind of answer, when the question''s own words (drink) are nowhere');

-- Said, asked with a date or a number never written down.
select results_eq($$select fact from public.search_memories('What did she write her thesis on in March 2021?') limit 1$$,
  $$values ('Wrote a thesis on medieval stained glass')$$, 'a month and a year no memory holds do not empty the answer');
select results_eq($$select fact from public.search_memories('Who does Tomasz go bouldering with, two years ago?') limit 1$$,
  $$values ('Goes bouldering with Tomasz')$$, '"two years ago" takes nothing from the memory that answers');
select results_eq($$select fact from public.search_memories('What did Ines tell you about the accordion on 4/11/2022?') limit 1$$,
  $$values ('Took up the accordion after retiring')$$, 'a numeric date and the words that put a question (tell) are not required');

-- The kind of answer asked for is not required.
select results_eq($$select fact from public.search_memories('What colour is her pickup?')$$,
  $$values ('Drives a red pickup truck')$$, 'What colour: the fact says red, not colour');
select results_eq($$select fact from public.search_memories('Which tree does she keep on the windowsill?')$$,
  $$values ('Keeps a bonsai juniper on the kitchen windowsill')$$, 'Which tree: the fact names a juniper');

-- Other forms of a word.
select results_eq($$select fact from public.search_memories('What business does her mother run?')$$,
  $$values ('Her mum runs a bakery in Galway')$$, 'mother finds mum');
select results_eq($$select fact from public.search_memories('Who did she sell the piano to?')$$,
  $$values ('Sold her grandmother''s upright piano to a neighbour')$$, 'sell finds sold');
select results_eq($$select fact from public.search_memories('What did she write about?')$$,
  $$values ('Wrote a thesis on medieval stained glass')$$, 'write finds wrote');

-- A name or an uncommon word with less of the question around it.
select results_eq($$select fact from public.search_memories('Where did Tomasz and she first meet each other?')$$,
  $$values ('Goes bouldering with Tomasz')$$, 'a name covering a quarter of the question is evidence');
select is_empty($$select 1 from public.search_memories('Where did the neighbour and she first meet each other?')$$,
  'an ordinary word covering as much is not');

-- Any text is a question: quotes, backslashes, operators, symbols, all capitals, a word as long as a query may be.
select lives_ok($$select count(*) from unnest(array['''', '\', '& | ! : * ( )', '🎉 ???', 'WHAT IS HER CAT''S NAME?',
    'what', 'how many many much', E'tabs\tand\nnew lines', '-- drop table x; --', 'Maya’s cat’s name',
    '7/14/2022 12:30 3rd 1990s q3', repeat('z', 1990)]) q, lateral public.search_memories(q)$$,
  'odd text is searched without an error');
select tests.clear_authentication();
select is(private.capitalized_as_name('What is her name?', '', false), false,
  'an empty word is no name (the search for it used to run forever)');
select tests.authenticate_as('ines@example.com');
select results_eq($$select fact from public.search_memories('WHO DOES TOMASZ GO BOULDERING WITH?')$$,
  $$values ('Goes bouldering with Tomasz')$$, 'a question in capitals still finds its answer');

select * from finish();
rollback;
