-- The scans over one user's memories run without parallel workers. For a user with 50,000 memories the planner chose
-- a parallel index-only scan for the Hamming pre-filter; starting its two workers took longer than the scan they
-- shared: match_memories 82-87 ms against 17-18 ms serial (psql, warm cache, 4.05M memories, same query). A request
-- is one user's work; the other cores serve the other requests. Produced by hand: migra does not compare SET clauses
-- (test/declarative-schema.test.ts compares pg_dump, which does).

ALTER FUNCTION private.nearest_memories(uuid, extensions.vector, text, integer, integer, text[], text[], double precision, timestamp with time zone, timestamp with time zone)
  SET max_parallel_workers_per_gather TO '0';

ALTER FUNCTION private.text_matches(uuid, text[], integer, text[], text[], double precision, timestamp with time zone, timestamp with time zone)
  SET max_parallel_workers_per_gather TO '0';

ALTER FUNCTION private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, double precision, uuid)
  SET max_parallel_workers_per_gather TO '0';
