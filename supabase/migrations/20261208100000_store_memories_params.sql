-- store_memories reads the parameters an item may give from store_memory's own signature in the catalog, instead of
-- a list of them written a second time (a parameter store_memory gains is one an item may give).
set check_function_bodies = off;

CREATE OR REPLACE FUNCTION public.store_memories(items jsonb, user_id uuid DEFAULT NULL::uuid) RETURNS TABLE(item integer, id uuid, status text, version integer, sighting_id uuid, related jsonb, relation text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $_$
#variable_conflict use_column
declare
  -- store_memory's parameters an item may give, each with its type, read from the catalog (one definition of
  -- them: a parameter store_memory gains, an item may give); the user is the batch's. An item leaves out what it
  -- does not give, so store_memory's own defaults apply. The input parameters come first in proargnames, so they
  -- pair with proargtypes; the output columns after them pair with nothing.
  v_params constant jsonb := (
    select jsonb_object_agg(a.name, pg_catalog.format_type(a.type, null))
      from pg_catalog.pg_proc p
     cross join lateral unnest(p.proargnames, p.proargtypes::oid[]) as a(name, type)
     where p.oid = 'public.store_memory'::regproc and a.type is not null and a.name <> 'user_id');
  v_user uuid := private.acting_user(store_memories.user_id);
  v_item jsonb;
  v_key text;
  v_state text;
  v_message text;
  v_column text;
  v_constraint text;
begin
  if items is null or jsonb_typeof(items) <> 'array' or jsonb_array_length(items) not between 1 and 100 then
    raise exception 'items must be an array of 1 to 100 statements' using errcode = '22023', column = 'items';
  end if;
  for v_index in 0 .. jsonb_array_length(items) - 1 loop
    v_item := items -> v_index;
    if jsonb_typeof(v_item) is distinct from 'object' or jsonb_typeof(v_item -> 'fact') is distinct from 'string' then
      raise exception 'items[%] must be an object whose fact is a string', v_index
        using errcode = '22023', column = format('items[%s].fact', v_index);
    end if;
    select k into v_key from jsonb_object_keys(v_item) k where not v_params ? k limit 1;
    if found then
      raise exception 'items[%] has %, which store_memory does not take', v_index, v_key
        using errcode = '22023', column = format('items[%s].%s', v_index, v_key);
    end if;
    -- JSON that no cast would refuse but that is not a value of its parameter: an object or a list as text, a boolean.
    select k into v_key from jsonb_object_keys(v_item) k
     where v_params ->> k <> 'jsonb'
       and (jsonb_typeof(v_item -> k) = 'boolean'
            or jsonb_typeof(v_item -> k) = 'object'
            or (jsonb_typeof(v_item -> k) = 'array' and v_params ->> k <> 'extensions.vector'))
     limit 1;
    if found then
      raise exception 'items[%].% must be a %', v_index, v_key, v_params ->> v_key
        using errcode = '22023', column = format('items[%s].%s', v_index, v_key);
    end if;
    begin
      -- Named arguments from the item's keys (each one of v_params), the item bound as $1.
      execute pg_catalog.format('select s.id, s.status, s.version, s.sighting_id, s.related, s.relation from public.store_memory(%s) s',
        (select string_agg(case when v_params ->> k = 'jsonb' then pg_catalog.format('%I => $1 -> %L', k, k)
                                else pg_catalog.format('%I => ($1 ->> %L)::%s', k, k, (v_params ->> k)::regtype) end, ', ')
                || ', user_id => $2'
           from jsonb_object_keys(v_item) k where v_item -> k <> 'null'::jsonb))
        into id, status, version, sighting_id, related, relation
        using v_item, v_user;
      item := v_index;
      return next;
    exception when others then
      -- Said with the item it came from; the transaction ends here, so nothing of the batch is written.
      get stacked diagnostics v_state = returned_sqlstate, v_message = message_text, v_column = column_name,
                              v_constraint = constraint_name;
      -- A failed cast of the item's values does not say which: the first value not of its parameter's type.
      if coalesce(v_column, '') = '' and v_state like '22%' then
        v_column := private.first_mistyped_key(v_item, v_params);
        if v_column is not null then
          v_message := pg_catalog.format('%s must be a %s (%s)', v_column, v_params ->> v_column, v_message);
        end if;
      end if;
      raise exception 'items[%]: %', v_index, v_message
        using errcode = v_state, constraint = v_constraint,
              column = format('items[%s]', v_index) || coalesce('.' || nullif(v_column, ''), '');
    end;
  end loop;
end
$_$;


COMMENT ON FUNCTION public.store_memories(items jsonb, user_id uuid) IS 'Stores up to 100 statements in one transaction, in order, each as store_memory stores it (an item is an object of store_memory''s parameters, user_id aside: fact, memory_type, metadata, embedding, agent_id, run_id ...); one row per item with its outcome and relation (item: its index). A later item meets what an earlier one stored. All or nothing: a refused item (its SQLSTATE, column items[i].field) writes nothing of the batch.';



