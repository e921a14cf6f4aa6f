-- The candidate filters of deduplication (prefix and positional filtering on words) find exactly the pairs an
-- all-pairs comparison finds, at thresholds that fall on exact Jaccard values (1/2, 3/5, 3/4, 4/5) and between.
begin;
select plan(6);

select tests.create_user('ana@example.com');
select setseed(0.42);
-- 300 facts from a 12-word vocabulary, 3 to 9 words each: many overlaps at every Jaccard level, some sets repeated
-- in another word order (same word set, another normalized text). The words are fillers, which the value guard
-- never sets apart, so what is measured is the candidate filters alone.
insert into public.user_memories (user_id, fact, memory_type)
select tests.user_id('ana@example.com'),
       array_to_string(array(select w from unnest(array['really', 'actually', 'honestly', 'basically', 'apparently',
         'definitely', 'indeed', 'quite', 'very', 'simply', 'truly', 'certainly']) w order by random() limit 3 + (g % 7)), ' '), 'fact'
  from generate_series(1, 300) g
on conflict do nothing;

create temporary table all_pairs as
  select t, a.id as a, b.id as b
    from unnest(array[0.5, 0.6, 0.75, 0.8, 0.85]) t
    cross join public.user_memories a
    join public.user_memories b on b.user_id = a.user_id and b.id > a.id
   where a.user_id = tests.user_id('ana@example.com') and public.jaccard(a.fact_words, b.fact_words) >= t;
select ok((select count(distinct t) = 5 and count(*) filter (where t = 0.85) > 0 from all_pairs),
  'the data has pairs at every threshold tested');

select set_eq(format($$select a, b from private.duplicate_pairs(%L, %s)$$, tests.user_id('ana@example.com'), t),
              format($$select a, b from all_pairs where t = %s$$, t),
              format('at threshold %s the filters find every pair all-pairs comparison finds, and no other', t))
  from unnest(array[0.5, 0.6, 0.75, 0.8, 0.85]) t;

select * from finish();
rollback;
