#!/usr/bin/env bash
# Installs what the local PostgreSQL stack needs, and nothing that is already there:
# Debian's PostgreSQL 15 with pg_cron, pgTAP (and pg_prove, which `supabase test db` runs), plpgsql_check (the
# PL/pgSQL linter, which Supabase offers too), and pgvector 0.8.0 built from Debian's source package.
# A second run on a provisioned machine only checks and returns.
set -euo pipefail

PG_MAJOR=15
PGVECTOR_VERSION=0.8.0
PGVECTOR_DEBIAN_VERSION=0.8.0-1
# SHA-256 of pgvector_0.8.0.orig.tar.gz as published in Debian's signed Sources index (trixie).
PGVECTOR_ORIG_SHA256=867a2c328d4928a5a9d6f052cd3bc78c7d60228a9b914ad32aa3db88e9de27b0

PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
EXT_DIR=/usr/share/postgresql/$PG_MAJOR/extension

log() { echo "[db:provision] $*" >&2; }

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root to run: $*"; exit 1
  fi
}

have_debian_packages() {
  [ -x "$PG_BIN/postgres" ] && [ -x "$PG_BIN/pg_config" ] && command -v psql >/dev/null &&
    [ -f "$EXT_DIR/pg_cron.control" ] && [ -f "$EXT_DIR/pgtap.control" ] && [ -f "$EXT_DIR/plpgsql_check.control" ] &&
    command -v pg_prove >/dev/null
}

have_pgvector() {
  [ -f "$EXT_DIR/vector.control" ] && grep -q "default_version = '$PGVECTOR_VERSION'" "$EXT_DIR/vector.control" &&
    [ -f "$("$PG_BIN/pg_config" --pkglibdir)/vector.so" ]
}

install_debian_packages() {
  log "installing Debian packages for PostgreSQL $PG_MAJOR, pg_cron, pgTAP and plpgsql_check"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "postgresql-$PG_MAJOR" "postgresql-client-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR" \
    "postgresql-$PG_MAJOR-cron" "postgresql-$PG_MAJOR-pgtap" "postgresql-$PG_MAJOR-plpgsql-check" \
    libtap-parser-sourcehandler-pgtap-perl make gcc ca-certificates >/dev/null
}

build_pgvector() {
  log "building pgvector $PGVECTOR_VERSION from Debian's source package"
  local work; work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  # A private apt configuration, so the machine's own source lists stay as they are.
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/src"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
    >"$work/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "APT::Sandbox::User=root")
  apt-get "${opts[@]}" -qq update
  (cd "$work/src" && apt-get "${opts[@]}" -qq source --download-only "pgvector=$PGVECTOR_DEBIAN_VERSION" >/dev/null)
  echo "$PGVECTOR_ORIG_SHA256  $work/src/pgvector_$PGVECTOR_VERSION.orig.tar.gz" | sha256sum -c --quiet
  tar -xzf "$work/src/pgvector_$PGVECTOR_VERSION.orig.tar.gz" -C "$work/src"
  # OPTFLAGS empty: -march=native would tie the build to this CPU model.
  make -s -C "$work/src/pgvector-$PGVECTOR_VERSION" PG_CONFIG="$PG_BIN/pg_config" OPTFLAGS="" >/dev/null
  sudo_if_needed make -s -C "$work/src/pgvector-$PGVECTOR_VERSION" PG_CONFIG="$PG_BIN/pg_config" install >/dev/null
}

have_debian_packages || install_debian_packages
have_pgvector || build_pgvector
have_debian_packages && have_pgvector || { log "provisioning did not complete"; exit 1; }
log "PostgreSQL $PG_MAJOR with pgvector $PGVECTOR_VERSION, pg_cron, pgTAP, pg_prove and plpgsql_check is installed"
