-- The tables, their constraints, indexes, row-level security policies, grants and comments.
-- The current definition of each object; migrations are produced from these (docs/architecture.md).
-- Bodies are checked when they run, not when they are created (as pg_dump does): a function may call one
-- defined further down, or in a later file.
set check_function_bodies = off;

CREATE TABLE public.user_memories (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    fact text NOT NULL,
    memory_type text NOT NULL,
    category text,
    importance_score double precision DEFAULT 0.5 NOT NULL,
    confidence_score double precision DEFAULT 0.5 NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    duplicate_of uuid,
    source_conversation_id uuid,
    version integer DEFAULT 1 NOT NULL,
    previous_version_id uuid,
    embedding public.embedding,
    embedding_model text,
    fts tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, fact)) STORED,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    last_accessed_at timestamp with time zone,
    expires_at timestamp with time zone,
    fact_words text[] GENERATED ALWAYS AS (public.fact_words(fact)) STORED,
    embedding_bits bit(384) GENERATED ALWAYS AS ((extensions.binary_quantize(embedding))::bit(384)) STORED,
    observed_at timestamp with time zone,
    agent_id text,
    run_id text,
    CONSTRAINT user_memories_active_not_duplicate CHECK ((NOT (is_active AND (duplicate_of IS NOT NULL)))),
    CONSTRAINT user_memories_category_check CHECK (((category IS NULL) OR ((category ~ '[^[:space:]]'::text) AND (char_length(category) <= 100)))),
    CONSTRAINT user_memories_confidence_range CHECK (((confidence_score >= (0)::double precision) AND (confidence_score <= (1)::double precision))),
    CONSTRAINT user_memories_embedding_has_model CHECK (((embedding IS NULL) = (embedding_model IS NULL))),
    CONSTRAINT user_memories_embedding_model_check CHECK (((embedding_model IS NULL) OR ((embedding_model ~ '[^[:space:]]'::text) AND (char_length(embedding_model) <= 200)))),
    CONSTRAINT user_memories_expires_after_created CHECK (((expires_at IS NULL) OR (expires_at > created_at))),
    CONSTRAINT user_memories_fact_length CHECK ((char_length(fact) <= 2000)),
    CONSTRAINT user_memories_fact_not_blank CHECK ((fact ~ '[^[:space:]]'::text)),
    CONSTRAINT user_memories_importance_range CHECK (((importance_score >= (0)::double precision) AND (importance_score <= (1)::double precision))),
    CONSTRAINT user_memories_memory_type_check CHECK ((memory_type = ANY (public.memory_types()))),
    CONSTRAINT user_memories_metadata_is_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT user_memories_metadata_size CHECK ((octet_length((metadata)::text) <= 16384)),
    CONSTRAINT user_memories_not_own_duplicate CHECK ((duplicate_of <> id)),
    CONSTRAINT user_memories_not_own_previous_version CHECK ((previous_version_id <> id)),
    CONSTRAINT user_memories_version_positive CHECK ((version >= 1))
);
REVOKE ALL ON TABLE public.user_memories FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON TABLE public.user_memories IS 'Facts a chatbot keeps about its user: a row per memory, which keeps its id across versions, and an inactive row per earlier version (previous_version_id links them); only active rows are current.';

COMMENT ON COLUMN public.user_memories.agent_id IS 'The agent the memory belongs to (mem0''s agent_id); null: it holds for the user whatever the agent. Duplicates are found within one scope (agent_id, run_id).';

COMMENT ON COLUMN public.user_memories.run_id IS 'The session or run the memory belongs to (mem0''s run_id, a LangGraph thread); null: not tied to one.';

COMMENT ON COLUMN public.user_memories.duplicate_of IS 'The memory this one duplicates; set only on inactive rows.';

COMMENT ON COLUMN public.user_memories.previous_version_id IS 'The version this row supersedes (its version is one less).';

COMMENT ON COLUMN public.user_memories.embedding_model IS 'Model that produced embedding; vectors are compared only within one model.';

COMMENT ON COLUMN public.user_memories.embedding_bits IS 'Binary quantization of embedding (sign bits), for the per-user candidate scan.';

COMMENT ON COLUMN public.user_memories.fts IS 'English full-text vector of fact, for websearch_to_tsquery.';

COMMENT ON COLUMN public.user_memories.observed_at IS 'When the fact was said, as the caller gave it (store_memory''s observed_at: the time of a conversation turn); null when stored as it was said (created_at). At most a day after created_at (clocks and time zones). A search that names a date or a period ranks what was said then first.';

COMMENT ON COLUMN public.user_memories.fact_words IS 'The distinct normalized words of fact, for word-set Jaccard.';

CREATE TABLE public.conversations (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    title text,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    last_message_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    agent_id text,
    run_id text,
    CONSTRAINT conversations_metadata_is_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT conversations_title_length CHECK (((title IS NULL) OR (char_length(title) <= 500)))
);
REVOKE ALL ON TABLE public.conversations FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON TABLE public.conversations IS 'A chat session between one user and the chatbot; memories cite it as their source.';

COMMENT ON COLUMN public.conversations.agent_id IS 'The agent that held the conversation; run_id, the session or run it was (mem0''s names).';

CREATE TABLE public.maintenance_jobs (
    job_name text NOT NULL,
    schedule text NOT NULL,
    command text NOT NULL,
    enabled boolean DEFAULT true NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT maintenance_jobs_name_prefix CHECK ((job_name ~~ 'memory-%'::text)),
    CONSTRAINT maintenance_jobs_schedule_not_blank CHECK ((schedule ~ '[^[:space:]]'::text))
);
REVOKE ALL ON TABLE public.maintenance_jobs FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON TABLE public.maintenance_jobs IS 'The maintenance jobs and their cron schedules; public.schedule_maintenance() applies them to pg_cron.';

CREATE TABLE public.memory_access (
    memory_id uuid NOT NULL,
    user_id uuid NOT NULL,
    last_accessed_at timestamp with time zone DEFAULT now() NOT NULL,
    access_count bigint DEFAULT 1 NOT NULL,
    CONSTRAINT memory_access_count_positive CHECK ((access_count > 0))
);
REVOKE ALL ON TABLE public.memory_access FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON TABLE public.memory_access IS 'When search last returned each memory, and how often; user_memories.last_accessed_at is the last merge.';

CREATE TABLE public.memory_access_log (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    memory_id uuid NOT NULL,
    user_id uuid NOT NULL,
    accessed_at timestamp with time zone DEFAULT now() NOT NULL
);
REVOKE ALL ON TABLE public.memory_access_log FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON TABLE public.memory_access_log IS 'Each memory a search returned, appended by search_memories; fold_memory_access folds it into memory_access. No foreign keys on purpose: an entry for a memory deleted meanwhile is dropped when folded.';

CREATE TABLE public.memory_idempotency_keys (
    user_id uuid NOT NULL,
    idempotency_key text NOT NULL,
    memory_id uuid NOT NULL,
    status text NOT NULL,
    version integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    sighting_id uuid,
    related jsonb DEFAULT '[]'::jsonb NOT NULL,
    relation text,
    CONSTRAINT memory_idempotency_keys_key_length CHECK (((char_length(idempotency_key) >= 1) AND (char_length(idempotency_key) <= 200))),
    CONSTRAINT memory_idempotency_keys_relation_check CHECK ((relation = ANY (ARRAY['new'::text, 'duplicate'::text, 'refines'::text, 'conflicts'::text]))),
    CONSTRAINT memory_idempotency_keys_status_check CHECK ((status = ANY (ARRAY['created'::text, 'distinct'::text, 'duplicate'::text, 'refined'::text, 'superseded'::text])))
);
REVOKE ALL ON TABLE public.memory_idempotency_keys FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON TABLE public.memory_idempotency_keys IS 'The outcome of each store_memory call made with an idempotency key, returned again when the key is replayed.';

CREATE TABLE public.memory_model_settings (
    embedding_model text NOT NULL,
    duplicate_threshold double precision NOT NULL,
    relevance_floor double precision NOT NULL,
    calibration jsonb,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT memory_model_settings_calibration_is_object CHECK (((calibration IS NULL) OR (jsonb_typeof(calibration) = 'object'::text))),
    CONSTRAINT memory_model_settings_duplicate_range CHECK (((duplicate_threshold > (0)::double precision) AND (duplicate_threshold <= (1)::double precision))),
    CONSTRAINT memory_model_settings_floor_range CHECK (((relevance_floor >= (0)::double precision) AND (relevance_floor <= (1)::double precision))),
    CONSTRAINT memory_model_settings_model_check CHECK (((embedding_model ~ '[^[:space:]]'::text) AND (char_length(embedding_model) <= 200)))
);
REVOKE ALL ON TABLE public.memory_model_settings FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON TABLE public.memory_model_settings IS 'Per embedding model: the cosine at which two facts are duplicates and the relevance floor of search; the row ''*'' applies to models without a row of their own.';

COMMENT ON COLUMN public.memory_model_settings.relevance_floor IS 'The cosine a memory needs to be returned by search on its embedding alone (a text match qualifies it too).';

CREATE TABLE public.memory_settings (
    id boolean DEFAULT true NOT NULL,
    duplicate_threshold double precision DEFAULT 0.85 NOT NULL,
    default_quota integer DEFAULT 10000 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    own_index_threshold integer DEFAULT 20000 NOT NULL,
    CONSTRAINT memory_settings_own_index_threshold_positive CHECK ((own_index_threshold > 0)),
    CONSTRAINT memory_settings_quota_positive CHECK ((default_quota > 0)),
    CONSTRAINT memory_settings_single_row CHECK (id),
    CONSTRAINT memory_settings_threshold_range CHECK (((duplicate_threshold > (0)::double precision) AND (duplicate_threshold <= (1)::double precision)))
);
REVOKE ALL ON TABLE public.memory_settings FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON TABLE public.memory_settings IS 'The one row of service-wide settings: duplicate threshold (Jaccard and cosine) and the default per-user quota.';

COMMENT ON COLUMN public.memory_settings.own_index_threshold IS 'Active memories from which a user gets an HNSW index of their own (public.own_index_changes); it is dropped again under half of it.';

CREATE TABLE public.memory_sightings (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    user_id uuid NOT NULL,
    memory_id uuid NOT NULL,
    fact text NOT NULL,
    memory_type text NOT NULL,
    category text,
    importance_score double precision NOT NULL,
    confidence_score double precision NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    source_conversation_id uuid,
    embedding public.embedding,
    embedding_model text,
    expires_at timestamp with time zone,
    idempotency_key text,
    origin text NOT NULL,
    merged_memory_id uuid,
    similarity double precision,
    seen_at timestamp with time zone DEFAULT now() NOT NULL,
    unmerged_at timestamp with time zone,
    unmerged_memory_id uuid,
    observed_at timestamp with time zone,
    agent_id text,
    run_id text,
    CONSTRAINT memory_sightings_embedding_has_model CHECK (((embedding IS NULL) = (embedding_model IS NULL))),
    CONSTRAINT memory_sightings_fact_length CHECK ((char_length(fact) <= 2000)),
    CONSTRAINT memory_sightings_fact_not_blank CHECK ((fact ~ '[^[:space:]]'::text)),
    CONSTRAINT memory_sightings_memory_type_check CHECK ((memory_type = ANY (public.memory_types()))),
    CONSTRAINT memory_sightings_metadata_is_object CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT memory_sightings_origin_check CHECK ((origin = ANY (ARRAY['store'::text, 'absorbed'::text]))),
    CONSTRAINT memory_sightings_scores_range CHECK (importance_score between 0 and 1 and confidence_score between 0 and 1),
    CONSTRAINT memory_sightings_store_names_no_memory CHECK (((origin = 'absorbed'::text) OR (merged_memory_id IS NULL))),
    CONSTRAINT memory_sightings_unmerged_together CHECK (((unmerged_memory_id IS NULL) OR (unmerged_at IS NOT NULL)))
);
REVOKE ALL ON TABLE public.memory_sightings FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON TABLE public.memory_sightings IS 'Statements merged into a memory instead of stored as one: a store_memory call that was a duplicate, or a memory absorbed by deduplication. memory_history shows them; unmerge_memory makes one a memory of its own.';

COMMENT ON COLUMN public.memory_sightings.agent_id IS 'The scope the statement was said in (agent_id, run_id), as its memory''s: an unmerge gives it back.';

COMMENT ON COLUMN public.memory_sightings.memory_id IS 'The memory holding the statement now (it follows new versions and later merges).';

COMMENT ON COLUMN public.memory_sightings.observed_at IS 'When the statement was said: the observed_at its store gave, or, for an absorbed memory, when that memory was said; null when said as it was stored (seen_at).';

COMMENT ON COLUMN public.memory_sightings.merged_memory_id IS 'For origin absorbed: the memory row that was merged (inactive, duplicate_of memory_id) while it exists.';

COMMENT ON COLUMN public.memory_sightings.unmerged_memory_id IS 'The memory that unmerge_memory made of this statement.';

CREATE TABLE public.memory_user_stats (
    user_id uuid NOT NULL,
    active_count integer DEFAULT 0 NOT NULL,
    inactive_count integer DEFAULT 0 NOT NULL,
    quota_limit integer,
    last_stored_at timestamp with time zone,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    last_deduplicated_at timestamp with time zone,
    sighting_count integer DEFAULT 0 NOT NULL,
    CONSTRAINT memory_user_stats_counts_non_negative CHECK (((active_count >= 0) AND (inactive_count >= 0))),
    CONSTRAINT memory_user_stats_quota_positive CHECK (((quota_limit IS NULL) OR (quota_limit > 0))),
    CONSTRAINT memory_user_stats_sightings_non_negative CHECK ((sighting_count >= 0))
);
REVOKE ALL ON TABLE public.memory_user_stats FROM PUBLIC, anon, authenticated, service_role;

COMMENT ON TABLE public.memory_user_stats IS 'Per-user counters kept by trigger in the writing transaction; quota_limit overrides memory_settings.default_quota.';

COMMENT ON COLUMN public.memory_user_stats.last_deduplicated_at IS 'When deduplicate_all_memories last ran for the user.';

COMMENT ON COLUMN public.memory_user_stats.sighting_count IS 'The user''s memory_sightings rows, kept by trigger.';

-- NOT VALID: the rows there when observed_at was added have none, so there is nothing to check, and validating
-- would read the whole table under the lock that adding the column takes. New rows are checked.
ALTER TABLE public.user_memories
    ADD CONSTRAINT user_memories_observed_before_stored CHECK (((observed_at IS NULL) OR (isfinite(observed_at) AND (observed_at <= (created_at + '1 day'::interval))))) NOT VALID;

-- NOT VALID for the same reason: the scope columns were added empty.
ALTER TABLE public.user_memories
    ADD CONSTRAINT user_memories_agent_id_check CHECK (((agent_id IS NULL) OR ((agent_id ~ '[^[:space:]]'::text) AND (char_length(agent_id) <= 200)))) NOT VALID;

ALTER TABLE public.user_memories
    ADD CONSTRAINT user_memories_run_id_check CHECK (((run_id IS NULL) OR ((run_id ~ '[^[:space:]]'::text) AND (char_length(run_id) <= 200)))) NOT VALID;

ALTER TABLE public.memory_sightings
    ADD CONSTRAINT memory_sightings_agent_id_check CHECK (((agent_id IS NULL) OR ((agent_id ~ '[^[:space:]]'::text) AND (char_length(agent_id) <= 200)))) NOT VALID;

ALTER TABLE public.memory_sightings
    ADD CONSTRAINT memory_sightings_run_id_check CHECK (((run_id IS NULL) OR ((run_id ~ '[^[:space:]]'::text) AND (char_length(run_id) <= 200)))) NOT VALID;

ALTER TABLE public.conversations
    ADD CONSTRAINT conversations_agent_id_check CHECK (((agent_id IS NULL) OR ((agent_id ~ '[^[:space:]]'::text) AND (char_length(agent_id) <= 200)))) NOT VALID;

ALTER TABLE public.conversations
    ADD CONSTRAINT conversations_run_id_check CHECK (((run_id IS NULL) OR ((run_id ~ '[^[:space:]]'::text) AND (char_length(run_id) <= 200)))) NOT VALID;

ALTER TABLE public.memory_sightings
    ADD CONSTRAINT memory_sightings_observed_before_seen CHECK (((observed_at IS NULL) OR (isfinite(observed_at) AND (observed_at <= (seen_at + '1 day'::interval))))) NOT VALID;

ALTER TABLE ONLY public.conversations
    ADD CONSTRAINT conversations_id_user_id_key UNIQUE (id, user_id);

ALTER TABLE ONLY public.conversations
    ADD CONSTRAINT conversations_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.maintenance_jobs
    ADD CONSTRAINT maintenance_jobs_pkey PRIMARY KEY (job_name);

ALTER TABLE ONLY public.memory_access_log
    ADD CONSTRAINT memory_access_log_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.memory_access
    ADD CONSTRAINT memory_access_pkey PRIMARY KEY (memory_id);

ALTER TABLE ONLY public.memory_idempotency_keys
    ADD CONSTRAINT memory_idempotency_keys_pkey PRIMARY KEY (user_id, idempotency_key);

ALTER TABLE ONLY public.memory_model_settings
    ADD CONSTRAINT memory_model_settings_pkey PRIMARY KEY (embedding_model);

ALTER TABLE ONLY public.memory_settings
    ADD CONSTRAINT memory_settings_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.memory_sightings
    ADD CONSTRAINT memory_sightings_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.memory_user_stats
    ADD CONSTRAINT memory_user_stats_pkey PRIMARY KEY (user_id);

ALTER TABLE ONLY public.user_memories
    ADD CONSTRAINT user_memories_id_user_id_key UNIQUE (id, user_id);

ALTER TABLE ONLY public.user_memories
    ADD CONSTRAINT user_memories_pkey PRIMARY KEY (id);

CREATE INDEX conversations_user_started_idx ON public.conversations USING btree (user_id, started_at DESC);

CREATE INDEX memory_access_log_user_idx ON public.memory_access_log USING btree (user_id, memory_id);

CREATE INDEX memory_access_user_idx ON public.memory_access USING btree (user_id, last_accessed_at DESC);

CREATE INDEX memory_idempotency_keys_memory_idx ON public.memory_idempotency_keys USING btree (memory_id);

CREATE INDEX memory_sightings_memory_idx ON public.memory_sightings USING btree (memory_id);

CREATE INDEX memory_sightings_merged_memory_idx ON public.memory_sightings USING btree (merged_memory_id) WHERE (merged_memory_id IS NOT NULL);

CREATE INDEX memory_sightings_source_conversation_idx ON public.memory_sightings USING btree (source_conversation_id) WHERE (source_conversation_id IS NOT NULL);

CREATE INDEX memory_sightings_unmerged_memory_idx ON public.memory_sightings USING btree (unmerged_memory_id) WHERE (unmerged_memory_id IS NOT NULL);

CREATE INDEX memory_sightings_user_idx ON public.memory_sightings USING btree (user_id, seen_at);

CREATE INDEX user_memories_active_bits_idx ON public.user_memories USING btree (user_id, embedding_model) INCLUDE (embedding_bits, id, memory_type, category, importance_score, created_at, expires_at) WHERE (is_active AND (embedding_bits IS NOT NULL));

CREATE INDEX user_memories_active_expires_idx ON public.user_memories USING btree (expires_at) WHERE (is_active AND (expires_at IS NOT NULL));

CREATE UNIQUE INDEX user_memories_active_fact_key ON public.user_memories USING btree (user_id, COALESCE(agent_id, ''::text), COALESCE(run_id, ''::text), md5(public.fact_key(fact))) WHERE is_active;

CREATE INDEX user_memories_active_metadata_idx ON public.user_memories USING gin (metadata jsonb_path_ops) WHERE is_active;

CREATE INDEX user_memories_active_importance_idx ON public.user_memories USING btree (user_id, importance_score DESC) WHERE is_active;

CREATE INDEX user_memories_active_recent_idx ON public.user_memories USING btree (user_id, created_at DESC) WHERE is_active;

CREATE INDEX user_memories_active_text_idx ON public.user_memories USING btree (user_id) INCLUDE (fts, id, memory_type, category, importance_score, created_at, expires_at) WHERE is_active;

CREATE INDEX user_memories_active_type_category_idx ON public.user_memories USING btree (user_id, memory_type, category) WHERE is_active;

CREATE INDEX user_memories_active_words_idx ON public.user_memories USING gin (fact_words) WITH (fastupdate='off') WHERE is_active;

CREATE INDEX user_memories_duplicate_of_idx ON public.user_memories USING btree (duplicate_of) WHERE (duplicate_of IS NOT NULL);

CREATE INDEX user_memories_inactive_updated_idx ON public.user_memories USING btree (updated_at) WHERE (NOT is_active);

CREATE INDEX user_memories_pending_embedding_idx ON public.user_memories USING btree (id) WHERE (is_active AND (embedding IS NULL));

CREATE UNIQUE INDEX user_memories_previous_version_key ON public.user_memories USING btree (previous_version_id) WHERE (previous_version_id IS NOT NULL);

CREATE INDEX user_memories_source_conversation_idx ON public.user_memories USING btree (source_conversation_id) WHERE (source_conversation_id IS NOT NULL);

CREATE INDEX user_memories_user_id_idx ON public.user_memories USING btree (user_id, updated_at);

ALTER TABLE ONLY public.conversations
    ADD CONSTRAINT conversations_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.memory_access
    ADD CONSTRAINT memory_access_memory_fkey FOREIGN KEY (memory_id, user_id) REFERENCES public.user_memories(id, user_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.memory_idempotency_keys
    ADD CONSTRAINT memory_idempotency_keys_memory_fkey FOREIGN KEY (memory_id, user_id) REFERENCES public.user_memories(id, user_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.memory_idempotency_keys
    ADD CONSTRAINT memory_idempotency_keys_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.memory_sightings
    ADD CONSTRAINT memory_sightings_memory_fkey FOREIGN KEY (memory_id, user_id) REFERENCES public.user_memories(id, user_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.memory_sightings
    ADD CONSTRAINT memory_sightings_merged_memory_fkey FOREIGN KEY (merged_memory_id, user_id) REFERENCES public.user_memories(id, user_id) ON DELETE SET NULL (merged_memory_id);

ALTER TABLE ONLY public.memory_sightings
    ADD CONSTRAINT memory_sightings_source_conversation_fkey FOREIGN KEY (source_conversation_id, user_id) REFERENCES public.conversations(id, user_id) ON DELETE SET NULL (source_conversation_id);

ALTER TABLE ONLY public.memory_sightings
    ADD CONSTRAINT memory_sightings_unmerged_memory_fkey FOREIGN KEY (unmerged_memory_id, user_id) REFERENCES public.user_memories(id, user_id) ON DELETE SET NULL (unmerged_memory_id);

ALTER TABLE ONLY public.memory_sightings
    ADD CONSTRAINT memory_sightings_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.memory_user_stats
    ADD CONSTRAINT memory_user_stats_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.user_memories
    ADD CONSTRAINT user_memories_duplicate_of_fkey FOREIGN KEY (duplicate_of, user_id) REFERENCES public.user_memories(id, user_id) ON DELETE SET NULL (duplicate_of);

ALTER TABLE ONLY public.user_memories
    ADD CONSTRAINT user_memories_previous_version_fkey FOREIGN KEY (previous_version_id, user_id) REFERENCES public.user_memories(id, user_id) ON DELETE SET NULL (previous_version_id);

ALTER TABLE ONLY public.user_memories
    ADD CONSTRAINT user_memories_source_conversation_fkey FOREIGN KEY (source_conversation_id, user_id) REFERENCES public.conversations(id, user_id) ON DELETE SET NULL (source_conversation_id);

ALTER TABLE ONLY public.user_memories
    ADD CONSTRAINT user_memories_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

ALTER TABLE public.conversations ENABLE ROW LEVEL SECURITY;

CREATE POLICY conversations_delete_own ON public.conversations FOR DELETE TO authenticated USING ((( SELECT auth.uid() AS uid) = user_id));

CREATE POLICY conversations_insert_own ON public.conversations FOR INSERT TO authenticated WITH CHECK ((( SELECT auth.uid() AS uid) = user_id));

CREATE POLICY conversations_select_own ON public.conversations FOR SELECT TO authenticated USING ((( SELECT auth.uid() AS uid) = user_id));

CREATE POLICY conversations_update_own ON public.conversations FOR UPDATE TO authenticated USING ((( SELECT auth.uid() AS uid) = user_id)) WITH CHECK ((( SELECT auth.uid() AS uid) = user_id));

ALTER TABLE public.maintenance_jobs ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.memory_access ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.memory_access_log ENABLE ROW LEVEL SECURITY;

CREATE POLICY memory_access_log_insert_own ON public.memory_access_log FOR INSERT TO authenticated WITH CHECK ((( SELECT auth.uid() AS uid) = user_id));

CREATE POLICY memory_access_log_select_own ON public.memory_access_log FOR SELECT TO authenticated USING ((( SELECT auth.uid() AS uid) = user_id));

CREATE POLICY memory_access_select_own ON public.memory_access FOR SELECT TO authenticated USING ((( SELECT auth.uid() AS uid) = user_id));

ALTER TABLE public.memory_idempotency_keys ENABLE ROW LEVEL SECURITY;

CREATE POLICY memory_idempotency_keys_insert_own ON public.memory_idempotency_keys FOR INSERT TO authenticated WITH CHECK ((( SELECT auth.uid() AS uid) = user_id));

CREATE POLICY memory_idempotency_keys_select_own ON public.memory_idempotency_keys FOR SELECT TO authenticated USING ((( SELECT auth.uid() AS uid) = user_id));

ALTER TABLE public.memory_model_settings ENABLE ROW LEVEL SECURITY;

CREATE POLICY memory_model_settings_read ON public.memory_model_settings FOR SELECT TO authenticated USING (true);

ALTER TABLE public.memory_settings ENABLE ROW LEVEL SECURITY;

CREATE POLICY memory_settings_read ON public.memory_settings FOR SELECT TO authenticated USING (true);

ALTER TABLE public.memory_sightings ENABLE ROW LEVEL SECURITY;

CREATE POLICY memory_sightings_select_own ON public.memory_sightings FOR SELECT TO authenticated USING ((( SELECT auth.uid() AS uid) = user_id));

ALTER TABLE public.memory_user_stats ENABLE ROW LEVEL SECURITY;

CREATE POLICY memory_user_stats_select_own ON public.memory_user_stats FOR SELECT TO authenticated USING ((( SELECT auth.uid() AS uid) = user_id));

ALTER TABLE public.user_memories ENABLE ROW LEVEL SECURITY;

CREATE POLICY user_memories_delete_own ON public.user_memories FOR DELETE TO authenticated USING ((( SELECT auth.uid() AS uid) = user_id));

CREATE POLICY user_memories_insert_own ON public.user_memories FOR INSERT TO authenticated WITH CHECK ((( SELECT auth.uid() AS uid) = user_id));

CREATE POLICY user_memories_select_own ON public.user_memories FOR SELECT TO authenticated USING ((( SELECT auth.uid() AS uid) = user_id));

CREATE POLICY user_memories_update_own ON public.user_memories FOR UPDATE TO authenticated USING ((( SELECT auth.uid() AS uid) = user_id)) WITH CHECK ((( SELECT auth.uid() AS uid) = user_id));

-- Ids are the server's: a signed-in user writes every column but the primary key (the user_id only on insert, where
-- RLS checks it), so no client picks an id, or learns from a refused one that another user holds it.
GRANT SELECT,DELETE ON TABLE public.user_memories TO authenticated;

GRANT INSERT(user_id) ON TABLE public.user_memories TO authenticated;

GRANT INSERT(fact),UPDATE(fact) ON TABLE public.user_memories TO authenticated;

GRANT INSERT(memory_type),UPDATE(memory_type) ON TABLE public.user_memories TO authenticated;

GRANT INSERT(category),UPDATE(category) ON TABLE public.user_memories TO authenticated;

GRANT INSERT(importance_score),UPDATE(importance_score) ON TABLE public.user_memories TO authenticated;

GRANT INSERT(confidence_score),UPDATE(confidence_score) ON TABLE public.user_memories TO authenticated;

GRANT INSERT(is_active),UPDATE(is_active) ON TABLE public.user_memories TO authenticated;

GRANT INSERT(duplicate_of),UPDATE(duplicate_of) ON TABLE public.user_memories TO authenticated;

GRANT INSERT(source_conversation_id),UPDATE(source_conversation_id) ON TABLE public.user_memories TO authenticated;

GRANT INSERT(version),UPDATE(version) ON TABLE public.user_memories TO authenticated;

GRANT INSERT(previous_version_id),UPDATE(previous_version_id) ON TABLE public.user_memories TO authenticated;

GRANT INSERT(embedding),UPDATE(embedding) ON TABLE public.user_memories TO authenticated;

GRANT INSERT(embedding_model),UPDATE(embedding_model) ON TABLE public.user_memories TO authenticated;

GRANT INSERT(metadata),UPDATE(metadata) ON TABLE public.user_memories TO authenticated;

GRANT INSERT(created_at),UPDATE(created_at) ON TABLE public.user_memories TO authenticated;

GRANT INSERT(updated_at),UPDATE(updated_at) ON TABLE public.user_memories TO authenticated;

GRANT INSERT(last_accessed_at),UPDATE(last_accessed_at) ON TABLE public.user_memories TO authenticated;

GRANT INSERT(expires_at),UPDATE(expires_at) ON TABLE public.user_memories TO authenticated;

GRANT INSERT(observed_at),UPDATE(observed_at) ON TABLE public.user_memories TO authenticated;

GRANT INSERT(agent_id),UPDATE(agent_id) ON TABLE public.user_memories TO authenticated;

GRANT INSERT(run_id),UPDATE(run_id) ON TABLE public.user_memories TO authenticated;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.user_memories TO service_role;

GRANT SELECT,DELETE ON TABLE public.conversations TO authenticated;

GRANT INSERT(user_id) ON TABLE public.conversations TO authenticated;

GRANT INSERT(title),UPDATE(title) ON TABLE public.conversations TO authenticated;

GRANT INSERT(metadata),UPDATE(metadata) ON TABLE public.conversations TO authenticated;

GRANT INSERT(started_at),UPDATE(started_at) ON TABLE public.conversations TO authenticated;

GRANT INSERT(last_message_at),UPDATE(last_message_at) ON TABLE public.conversations TO authenticated;

GRANT INSERT(created_at),UPDATE(created_at) ON TABLE public.conversations TO authenticated;

GRANT INSERT(updated_at),UPDATE(updated_at) ON TABLE public.conversations TO authenticated;

GRANT INSERT(agent_id),UPDATE(agent_id) ON TABLE public.conversations TO authenticated;

GRANT INSERT(run_id),UPDATE(run_id) ON TABLE public.conversations TO authenticated;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.conversations TO service_role;

GRANT SELECT ON TABLE public.maintenance_jobs TO service_role;

GRANT UPDATE(schedule) ON TABLE public.maintenance_jobs TO service_role;

GRANT UPDATE(enabled) ON TABLE public.maintenance_jobs TO service_role;

GRANT SELECT ON TABLE public.memory_access TO authenticated;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.memory_access TO service_role;

GRANT SELECT ON TABLE public.memory_access_log TO authenticated;
GRANT SELECT,INSERT,DELETE ON TABLE public.memory_access_log TO service_role;

GRANT INSERT(memory_id) ON TABLE public.memory_access_log TO authenticated;

GRANT INSERT(user_id) ON TABLE public.memory_access_log TO authenticated;

GRANT SELECT,INSERT ON TABLE public.memory_idempotency_keys TO authenticated;
GRANT SELECT,INSERT,DELETE ON TABLE public.memory_idempotency_keys TO service_role;

GRANT SELECT ON TABLE public.memory_model_settings TO authenticated;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.memory_model_settings TO service_role;

GRANT SELECT ON TABLE public.memory_settings TO authenticated;
GRANT SELECT,UPDATE ON TABLE public.memory_settings TO service_role;

GRANT SELECT ON TABLE public.memory_sightings TO authenticated;
GRANT SELECT,DELETE ON TABLE public.memory_sightings TO service_role;

GRANT SELECT ON TABLE public.memory_user_stats TO authenticated;
GRANT SELECT,DELETE ON TABLE public.memory_user_stats TO service_role;

GRANT UPDATE(quota_limit) ON TABLE public.memory_user_stats TO service_role;

GRANT UPDATE(last_deduplicated_at) ON TABLE public.memory_user_stats TO service_role;
