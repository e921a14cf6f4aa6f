-- The embedding dimension as a domain, public.embedding (vector(384)), the type of user_memories.embedding and
-- memory_sightings.embedding; public.embedding_dimensions() now reads it from the domain, so 384 is written once.
--
-- Cost: PostgreSQL refuses to change the type of a column a stored generated column reads, so embedding_bits is
-- dropped and added back, which rewrites user_memories under an ACCESS EXCLUSIVE lock (no stores or searches
-- meanwhile). Measured on 41,650 memories (112 MB): 2.8 s in all, about 70 s per million memories. The embedding
-- column itself is not rewritten (a domain without constraints over the same type). Push it when traffic is low, with
-- a lock_timeout (README) so the push fails fast rather than queue every request behind a long-running query.
create domain public.embedding as extensions.vector(384);

comment on domain public.embedding is 'An embedding as user_memories and memory_sightings hold it; its dimension is read by public.embedding_dimensions().';

drop index public.user_memories_active_bits_idx;

-- embedding_bits comes back below as the same generated column; no client writes it.
-- squawk-ignore ban-drop-column
alter table public.user_memories drop column embedding_bits;

-- The cost is measured in the header; the stored values do not change.
-- squawk-ignore changing-column-type
alter table public.user_memories alter column embedding type public.embedding;

alter table public.user_memories
  add column embedding_bits bit(384) generated always as (extensions.binary_quantize(embedding)::bit(384)) stored;

comment on column public.user_memories.embedding_bits is 'Binary quantization of embedding (sign bits), for the per-user candidate scan.';

CREATE INDEX user_memories_active_bits_idx ON public.user_memories USING btree (user_id, embedding_model) INCLUDE (embedding_bits, id, memory_type, category, importance_score, created_at, expires_at) WHERE (is_active AND (embedding_bits IS NOT NULL));

-- A domain without constraints over the same type: no rewrite.
-- squawk-ignore changing-column-type
alter table public.memory_sightings alter column embedding type public.embedding;

CREATE OR REPLACE FUNCTION public.embedding_dimensions()
 RETURNS integer
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO ''
AS $function$ select t.typtypmod from pg_catalog.pg_type t where t.oid = 'public.embedding'::pg_catalog.regtype $function$
;

comment on function public.embedding_dimensions() is 'The dimension of the public.embedding domain (the type of user_memories.embedding and memory_sightings.embedding): what store_memory, search_memories and match_memories require of an embedding, and what deduplication''s Hamming bounds are computed on. Callable by signed-in users.';
