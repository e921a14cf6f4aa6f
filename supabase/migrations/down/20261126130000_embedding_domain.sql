-- The embedding columns as extensions.vector(384) again and embedding_dimensions() a constant, as before
-- 20261126130000. Rewrites user_memories like the migration does (embedding_bits is added back).

CREATE OR REPLACE FUNCTION public.embedding_dimensions()
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO ''
AS $function$ select 384 $function$
;

comment on function public.embedding_dimensions() is 'The dimension of user_memories.embedding (vector(384)): what store_memory, search_memories and match_memories require of an embedding, and what deduplication''s Hamming bounds are computed on. Callable by signed-in users.';

-- Back to the domain's base type: no rewrite.
-- squawk-ignore changing-column-type
alter table public.memory_sightings alter column embedding type extensions.vector(384);

drop index public.user_memories_active_bits_idx;

alter table public.user_memories drop column embedding_bits;

-- Rewrites user_memories, as the migration did.
-- squawk-ignore changing-column-type
alter table public.user_memories alter column embedding type extensions.vector(384);

alter table public.user_memories
  add column embedding_bits bit(384) generated always as (extensions.binary_quantize(embedding)::bit(384)) stored;

comment on column public.user_memories.embedding_bits is 'Binary quantization of embedding (sign bits), for the per-user candidate scan.';

CREATE INDEX user_memories_active_bits_idx ON public.user_memories USING btree (user_id, embedding_model) INCLUDE (embedding_bits, id, memory_type, category, importance_score, created_at, expires_at) WHERE (is_active AND (embedding_bits IS NOT NULL));

drop domain public.embedding;
