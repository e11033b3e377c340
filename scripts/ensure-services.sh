#!/usr/bin/env bash
# Installs and starts what finmon's tests and demo need on a Debian machine, skipping what is there.
# Safe to run again. Used by .ci/run and scripts/demo.sh.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

apt_updated=0
apt_install() {
  if ! command -v apt-get >/dev/null; then
    echo "finmon: $* is missing and this is not a Debian/Ubuntu machine: install it with your package manager." >&2
    return 1
  fi
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

if ! command -v influxd >/dev/null && [ ! -x /usr/bin/influxd ]; then
  echo "finmon: installing InfluxDB (Debian package influxdb)"
  apt_install influxdb
fi

# Chromium for the browser tests of the dashboards' preview page (playwright-core drives it).
if [ ! -x /usr/bin/chromium ]; then
  echo "finmon: installing Chromium (Debian package chromium)"
  apt_install chromium
fi

# PostgreSQL and Redis: start them when installed but not answering (the state store's PostgreSQL tests use it).
if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "finmon: starting PostgreSQL"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
fi
if command -v redis-cli >/dev/null && ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null; then
    echo "finmon: starting Redis"
    as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null || true
  fi
fi
