-- search_memories' text leg: a word is uninformative when more than half of the user's memories hold it, now counting
-- two more memories that do not. With one or two memories every word found was in "most" of them, so a question
-- about a user's first memory recalled nothing ("Which instrument do I play in the quartet?" against "The user
-- plays the cello in a quartet"). Produced with npm run db:diff from supabase/schemas/.

CREATE OR REPLACE FUNCTION private.text_matches(target uuid, lexemes text[], match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone)
 RETURNS TABLE(id uuid, text_score real, text_rank integer, qualified boolean)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER ROWS 40
 SET search_path TO ''
AS $function$
#variable_conflict use_column
declare
  v_checked uuid := private.acting_user(target);
begin
  if cardinality(lexemes) = 0 then
    return;
  end if;
  -- One statement: each step below is a node of one plan, not a query of its own.
  return query
    -- Each lexeme as a tsquery of its own ('it''s' and back-slashes escaped).
    with query_terms as materialized (
      select l as lexeme, ('''' || replace(replace(l, '\', '\\'), '''', '''''') || '''')::tsquery as term
        from unnest(lexemes) l
    ),
    documents as (
      select greatest(1, coalesce((select s.active_count from public.memory_user_stats s where s.user_id = target), 0))::double precision as n
    ),
    -- Every hit counts for the lexemes' document frequencies; the filters only decide which are returned. Each
    -- row carries its verdict on them, so nothing joins back to the hits (under PL/pgSQL's generic plan, whose
    -- estimates are blind to the user, such a join ran as a nested loop over hits times hits: 50 ms).
    hits as materialized (
      select m.id, m.fts, length(m.fts)::double precision as len,
             (memory_types is null or m.memory_type = any (memory_types))
               and (categories is null or m.category = any (categories))
               and (min_importance is null or m.importance_score >= min_importance)
               and (created_after is null or m.created_at >= created_after)
               and (created_before is null or m.created_at < created_before) as wanted
        from public.user_memories m
       where m.user_id = target and m.is_active
         and m.fts @@ (select string_agg(q.term::text, ' | ')::tsquery from query_terms q)
         and (m.expires_at is null or m.expires_at > now())
    ),
    -- Which query lexemes each hit holds: one containment test per lexeme (a binary search in the tsvector),
    -- cheaper than unnesting every hit. A fact rarely repeats a word, so a term counts once (tf = 1).
    terms as (
      select h.id, h.wanted, h.len, q.lexeme
        from hits h join query_terms q on h.fts @@ q.term
    ),
    -- Every lexeme of the query, found or not (a word no memory holds weighs the most); informative ones count
    -- towards coverage, or all of them when none is. A word is uninformative when more than half of the user's
    -- memories hold it, counting two more memories that do not: with one or two memories every word found is in
    -- "most" of them, which says nothing (a user's first memory was never recalled by a question about it).
    weights as (
      select w.lexeme, w.idf, w.informative or not bool_or(w.informative) over () as counts
        from (select q.lexeme, ln(1 + (d.n - coalesce(f.df, 0) + 0.5) / (coalesce(f.df, 0) + 0.5)) as idf,
                     coalesce(f.df, 0) <= (d.n + 2) / 2 as informative
                from query_terms q
                cross join documents d
                left join (select t.lexeme, count(*)::double precision as df from terms t group by t.lexeme) f on f.lexeme = q.lexeme) w
    ),
    totals as (
      select (select avg(h.len) from hits h) as mean_length, (select sum(w.idf) from weights w where w.counts) as counted_idf
    ),
    scored as (
      select t.id, sum(w.idf) * 2.2 / (1 + 1.2 * (0.25 + 0.75 * min(t.len) / c.mean_length)) as score,
             coalesce(sum(w.idf) filter (where w.counts), 0) / c.counted_idf as coverage
        from terms t join weights w on w.lexeme = t.lexeme cross join totals c
       where t.wanted
       group by t.id, c.mean_length, c.counted_idf
    )
    select s.id, s.score::real, (row_number() over (order by s.score desc, s.id))::integer, s.coverage >= 0.25
      from scored s
     order by s.score desc, s.id
     limit match_count;
end
$function$
;


COMMENT ON FUNCTION private.text_matches(target uuid, lexemes text[], match_count integer, memory_types text[], categories text[], min_importance double precision, created_after timestamp with time zone, created_before timestamp with time zone) IS 'The text leg of search_memories: the user''s active, unexpired memories containing any query lexeme, BM25 first, each marked qualified when it covers at least a quarter of the idf of the query''s informative lexemes (those in at most half of the user''s memories, counting two more that lack them).';
