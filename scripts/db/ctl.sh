#!/usr/bin/env bash
# The project-local PostgreSQL cluster: start | stop | reset | status | url.
# Data lives in .local/db (git-ignored), the server listens on 127.0.0.1:54322 like Supabase's local database,
# and the `postgres` database is bootstrapped like a Supabase project and migrated.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PG_BIN=/usr/lib/postgresql/15/bin
# MEMORY_DB_STATE and MEMORY_DB_PORT run a second cluster beside this one (the crash test kills its own).
STATE=${MEMORY_DB_STATE:-$ROOT/.local/db}
# The physical folder: the server's user may not be able to walk through the checkout to a link in it.
resolve_paths() { DATA=$(readlink -m "$STATE")/data; LOG=$(readlink -m "$STATE")/server.log; }
resolve_paths
PORT=${MEMORY_DB_PORT:-54322}
PASSWORD=postgres
export DATABASE_URL_LOCAL="postgresql://postgres:$PASSWORD@127.0.0.1:$PORT/postgres"

log() { echo "[db] $*" >&2; }

# As root the server runs as the `postgres` user (initdb and postgres refuse root).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

psql_local() { PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }

# The server named in the lock file is alive. Not pg_ctl status: a killed server lingers as a zombie until its
# parent reaps it (PID 1 of a container may take its time), and pg_ctl counts a zombie as running.
is_running() {
  local pid state
  pid=$(head -1 "$DATA/postmaster.pid" 2>/dev/null) || return 1
  state=$(ps -o stat= -p "$pid" 2>/dev/null) || return 1
  [[ "$state" != Z* ]]
}

# The processes still attached to a System V shared memory segment (by its key): each maps it as /SYSV<key in hex>.
attached_to() {
  local name pid
  name=$(printf 'SYSV%08x' "$1")
  for pid in $(grep -ls "/$name " /proc/[0-9]*/maps 2>/dev/null | cut -d/ -f3); do echo "$pid"; done
}

# The lock file of a server that is gone (killed, crashed) stops a new one from starting while its zombie lingers.
# It goes only when no process of the old server is still attached to its shared memory (the interlock segment
# whose key and id the lock file records): otherwise a backend of the dead server could still be writing. Such a
# process should exit as soon as it notices that its postmaster died; one that has not within a few seconds (a
# stopped process, a background worker busy elsewhere: pg_cron's launcher kept its segment for over 30 s once) is
# killed, as PostgreSQL's own advice is ("terminate any old server processes").
clear_stale_lock() {
  [ -f "$DATA/postmaster.pid" ] && ! is_running || return 0
  local key shmid attached orphans
  key=$(sed -n 7p "$DATA/postmaster.pid" | awk '{print $1}')
  shmid=$(sed -n 7p "$DATA/postmaster.pid" | awk '{print $2}')
  attached=$( { ipcs -m -i "${shmid:-none}" 2>/dev/null || true; } | sed -n 's/.*nattch=\([0-9]*\).*/\1/p')
  if [ "${attached:-0}" -gt 0 ] && [ "${1:-0}" -ge 5 ] && [ -n "$key" ]; then
    orphans=$(attached_to "$key" | tr '\n' ' ')
    if [ -n "${orphans// /}" ]; then
      log "processes of the dead server that held $DATA are still attached to its shared memory: killing $orphans"
      # shellcheck disable=SC2086
      kill -KILL $orphans 2>/dev/null || as_owner kill -KILL $orphans 2>/dev/null || true
      sleep 1
      attached=$( { ipcs -m -i "${shmid:-none}" 2>/dev/null || true; } | sed -n 's/.*nattch=\([0-9]*\).*/\1/p')
    fi
  fi
  if [ "${attached:-0}" -eq 0 ]; then
    log "the server that held $DATA is gone; removing its lock file"
    rm -f "$DATA/postmaster.pid"
  fi
}

# As root, the server's user must be able to reach the data folder. When the checkout sits under a folder
# it cannot enter (a private temp dir, say), the cluster lives in /var/tmp and .local/db links to it.
prepare_state_dir() {
  mkdir -p "$(dirname "$STATE")"
  if [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$(dirname "$STATE")"; then
    mkdir -p "$STATE"
  else
    local elsewhere; elsewhere=/var/tmp/supabase-chat-memory-db/$(echo -n "$ROOT" | sha256sum | cut -c1-12)
    log "user postgres cannot enter $ROOT; keeping the cluster in $elsewhere (linked from .local/db)"
    mkdir -p "$elsewhere"; chmod 755 /var/tmp/supabase-chat-memory-db "$elsewhere"
    ln -sfn "$elsewhere" "$STATE"
  fi
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$STATE/"; fi
}

init_cluster() {
  log "initdb into $DATA"
  prepare_state_dir
  resolve_paths
  local pwfile; pwfile=$(mktemp); echo "$PASSWORD" >"$pwfile"; chmod 644 "$pwfile"
  as_owner "$PG_BIN/initdb" -D "$DATA" -U postgres --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  # Commits are durable as on Supabase (synchronous_commit on: a commit is in the WAL before it is acknowledged,
  # so it survives the server being killed). fsync and full_page_writes are off for speed: what they trade away
  # is the machine itself crashing (power, kernel), after which this cluster may be lost. Never copy them to a
  # production server.
  as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<CONF

# --- supabase-chat-memory local stack ---
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = ''  # TCP only: a deep checkout path would overflow the socket path limit
max_connections = 300
shared_buffers = 1GB
work_mem = 16MB
maintenance_work_mem = 1GB
max_parallel_maintenance_workers = 1
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 16
fsync = off
synchronous_commit = on
full_page_writes = off
log_min_messages = warning
CONF
}

bootstrap_postgres_db() {
  PGPASSWORD=$PASSWORD psql_local -d postgres -f "$ROOT/scripts/db/bootstrap.sql" >/dev/null
}

# Clusters made before commits were durable here had synchronous_commit = off: turned on, applied by a reload.
ensure_durable_commits() {
  if grep -q '^synchronous_commit = off' "$DATA/postgresql.conf"; then
    as_owner sed -i 's/^synchronous_commit = off.*/synchronous_commit = on/' "$DATA/postgresql.conf"
    log "synchronous_commit turned on (acknowledged commits survive a crash)"
    if is_running; then as_owner "$PG_BIN/pg_ctl" -D "$DATA" reload >/dev/null; fi
  fi
}

# Until the server accepts connections: after a crash it replays its WAL first, and says "starting up" meanwhile.
wait_until_ready() {
  local waited=0
  until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 1; do
    waited=$((waited + 1))
    if [ "$waited" -ge 120 ]; then log "the server on 127.0.0.1:$PORT did not accept connections within 120 s"; tail -20 "$LOG" >&2; exit 1; fi
    sleep 1
  done
}

start_server() {
  local attempt
  # Just after a crash, backends of the killed server can still hold its shared memory for a moment: the new
  # server refuses to start until they are gone, so a failed start is retried for a while.
  for attempt in $(seq 1 30); do
    clear_stale_lock "$attempt"
    if as_owner "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 120 start >/dev/null; then return 0; fi
    if is_running; then return 0; fi
    sleep 1
  done
  tail -20 "$LOG" >&2
  exit 1
}

start() {
  bash "$ROOT/scripts/db/provision.sh"
  [ -f "$DATA/PG_VERSION" ] || init_cluster
  ensure_durable_commits
  if is_running; then
    log "already running on 127.0.0.1:$PORT"
  else
    start_server
    log "started on 127.0.0.1:$PORT"
  fi
  wait_until_ready
  bootstrap_postgres_db
  # The tests build their own migrated template; they need not touch (or be blocked by) this database.
  if [ "${MEMORY_DB_SKIP_MIGRATE:-}" != 1 ]; then
    (cd "$ROOT" && DATABASE_URL=$DATABASE_URL_LOCAL node bin/memory.js migrate up --quiet)
  fi
  log "ready: $DATABASE_URL_LOCAL"
}

stop() {
  if is_running; then as_owner "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; log "stopped"; else log "not running"; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  reset) stop; rm -rf "$(readlink -m "$STATE")" "$STATE"; start ;;
  status) if is_running; then log "running on 127.0.0.1:$PORT"; else log "not running"; exit 3; fi ;;
  url) echo "$DATABASE_URL_LOCAL" ;;
  *) echo "usage: $0 start|stop|reset|status|url" >&2; exit 2 ;;
esac
