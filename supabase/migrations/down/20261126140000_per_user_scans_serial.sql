-- The per-user scans as before 20261126140000: the planner may give them parallel workers again.

ALTER FUNCTION private.nearest_memories(uuid, extensions.vector, text, integer, integer, text[], text[], double precision, timestamp with time zone, timestamp with time zone)
  RESET max_parallel_workers_per_gather;

ALTER FUNCTION private.text_matches(uuid, text[], integer, text[], text[], double precision, timestamp with time zone, timestamp with time zone)
  RESET max_parallel_workers_per_gather;

ALTER FUNCTION private.duplicate_candidates(uuid, text, extensions.vector, text, double precision, double precision, uuid)
  RESET max_parallel_workers_per_gather;
