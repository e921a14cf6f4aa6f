#!/usr/bin/env bash
# The project-local PostgreSQL cluster: start | stop | reset | status | url.
# Data lives in .local/db (git-ignored), the server listens on 127.0.0.1:54322 like Supabase's local database,
# and the `postgres` database is bootstrapped like a Supabase project and migrated.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PG_BIN=/usr/lib/postgresql/15/bin
STATE=$ROOT/.local/db
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

is_running() { [ -f "$DATA/postmaster.pid" ] && as_owner "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

# As root, the server's user must be able to reach the data folder. When the checkout sits under a folder
# it cannot enter (a private temp dir, say), the cluster lives in /var/tmp and .local/db links to it.
prepare_state_dir() {
  mkdir -p "$ROOT/.local"
  if [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$ROOT/.local"; then
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
  # A disposable development cluster: durability settings are off for speed; never copy these to production.
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
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
CONF
}

bootstrap_postgres_db() {
  PGPASSWORD=$PASSWORD psql_local -d postgres -f "$ROOT/scripts/db/bootstrap.sql" >/dev/null
}

start() {
  bash "$ROOT/scripts/db/provision.sh"
  [ -f "$DATA/PG_VERSION" ] || init_cluster
  if is_running; then
    log "already running on 127.0.0.1:$PORT"
  else
    as_owner "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null || { tail -20 "$LOG" >&2; exit 1; }
    log "started on 127.0.0.1:$PORT"
  fi
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
