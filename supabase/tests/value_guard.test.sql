-- The value guard: facts that differ in a value-bearing token are distinct whatever their similarity, one test per
-- token class; wording that carries no value (case, punctuation, fillers, number words for digits) is not, and
-- a word put in place of another is 'word differs', which only an embedding's cosine may overrule.
begin;
select plan(42);

select is(public.fact_value_difference(a, b), reason, format('%s: %s / %s', coalesce(reason, 'same value'), a, b))
  from (values
    -- numbers: digits, words, ordinals, times
    ('Takes 20 mg of medication every morning', 'Takes 40 mg of medication every morning', 'number differs'),
    ('Has two cats at home', 'Has three cats at home', 'number differs'),
    ('Has two cats at home', 'Has 3 cats at home', 'number differs'),
    ('Lives on the second floor', 'Lives on the third floor', 'number differs'),
    ('Wakes up at 6:30 on weekdays', 'Wakes up at 7:30 on weekdays', 'number differs'),
    ('Was born in 1990 in a small town', 'Was born in 1991 in a small town', 'number differs'),
    -- dates, weekdays, months, times of day
    ('Trip to Japan in April', 'Trip to Japan in May', 'date or time differs'),
    ('Swims every Monday after work', 'Swims every Friday after work', 'date or time differs'),
    ('Takes the pill in the morning', 'Takes the pill in the evening', 'date or time differs'),
    ('Moved to Lisbon last year', 'Moved to Lisbon next year', 'date or time differs'),
    ('Goes running daily along the river', 'Goes running weekly along the river', 'date or time differs'),
    -- negations, contracted or not, and their number
    ('Is allergic to peanuts', 'Is not allergic to peanuts', 'negation differs'),
    ('Eats red meat at dinner', 'Never eats red meat at dinner', 'negation differs'),
    ('Does eat fish on Fridays', 'Doesn''t eat fish on Fridays', 'negation differs'),
    ('Goes to work by car', 'Goes to work without a car', 'negation differs'),
    ('Likes cats but not dogs and not birds', 'Likes cats but not dogs and birds', 'negation differs'),
    -- names and places (capitalized, not a stop word), wherever they stand
    ('The user''s sister Ana lives in Lisbon', 'The user''s sister Maria lives in Lisbon', 'name differs'),
    ('Ana is the user''s older sister', 'Maria is the user''s older sister', 'name differs'),
    ('Works at Google as an engineer', 'Works at Microsoft as an engineer', 'name differs'),
    ('Flew to NYC for the conference', 'Flew to LA for the conference', 'name differs'),
    -- units, amounts, currency signs, frequencies
    ('Runs 5 km before work', 'Runs 5 miles before work', 'amount or unit differs'),
    ('Pays $20 a month for music', 'Pays €20 a month for music', 'amount or unit differs'),
    ('Drinks two cups of coffee a day', 'Drinks two glasses of coffee a day', 'amount or unit differs'),
    ('Eats more vegetables than before', 'Eats less vegetables than before', 'comparison differs'),
    ('Usually cycles to the office', 'Sometimes cycles to the office', 'frequency differs'),
    ('Eats meat at the weekend', 'Rarely eats meat at the weekend', 'negation differs'),
    -- family members
    ('His brother lives in Berlin', 'His sister lives in Berlin', 'family member differs'),
    ('Visits grandma every summer', 'Visits grandpa every summer', 'family member differs'),
    -- no value differs
    ('Prefers vegetarian food', 'prefers Vegetarian Food!', null),
    ('Has two cats at home', 'Has 2 cats at home', null),
    ('Isn''t a fan of horror films', 'Is not a fan of horror films', null),
    ('Really loves jazz music', 'Loves jazz music', null),
    ('My sister is called Ana and she lives in Porto', 'My sister is called Ana and she lives in Porto now', null),
    -- a word in place of another, or added: not a value, but words alone cannot merge them (an embedding may)
    ('Employed at a hospital as a nurse', 'Works at a hospital as a nurse', 'word differs'),
    ('I may visit Rome', 'I might visit Rome', 'word differs'),
    ('Plays tennis with Ana on Mondays', 'Plays table tennis with Ana on Mondays', 'word differs'),
    ('Takes the 8:15 train to the office', 'Takes the 8:15 bus to the office', 'word differs'),
    ('The user likes green tea', 'User likes green tea', null)
  ) v(a, b, reason);

-- The guard decides store_memory: a near fact with a value of its own is stored and named as related.
select tests.create_user('ana@example.com');
select tests.authenticate_as('ana@example.com');
create temp table outcome (label text, id uuid, status text, version integer, sighting_id uuid, related jsonb, relation text);
grant all on outcome to authenticated;
insert into outcome select 'first', * from public.store_memory('The user takes 20 mg of their blood pressure medication every morning before breakfast');
insert into outcome select 'second', * from public.store_memory('The user takes 40 mg of their blood pressure medication every morning before breakfast');
select is((select status from outcome where label = 'second'), 'distinct', 'a fact differing in a number is stored as its own memory');
select is((select related from outcome where label = 'second'),
  jsonb_build_array(jsonb_build_object('id', (select id from outcome where label = 'first'), 'similarity', 0.8667, 'reason', 'number differs', 'relation', 'conflicts')),
  'and names the near memory, its similarity and the reason');
select is((select count(*)::int from public.user_memories where is_active), 2, 'both facts are active memories');
select tests.clear_authentication();

-- And deduplication: the same two facts written directly are left apart.
insert into public.user_memories (user_id, fact, memory_type) values
  (tests.user_id('ana@example.com'), 'Visits grandma in Porto every summer with the whole family', 'event'),
  (tests.user_id('ana@example.com'), 'Visits grandpa in Porto every summer with the whole family', 'event');
select tests.authenticate_as('ana@example.com');
select results_eq($$select duplicates_removed from public.deduplicate_memories()$$, $$values (0::bigint)$$,
  'deduplication applies the same guard');
select tests.clear_authentication();

select * from finish();
rollback;
