#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (playwright-core drives it headless), and nothing if it is
# already there. Prints the browser's path.
set -euo pipefail

log() { echo "[browser:provision] $*" >&2; }

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root to run: $*"; exit 1
  fi
}

browser() { command -v chromium || command -v chromium-browser || true; }

if [ -z "$(browser)" ]; then
  log "installing Debian's chromium"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
[ -n "$(browser)" ] || { log "chromium did not install"; exit 1; }
browser
