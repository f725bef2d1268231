#!/usr/bin/env bash
# Runs a command with DATABASE_URL set to a throwaway PostgreSQL cluster on 127.0.0.1,
# started for it and removed afterwards. Example: bash scripts/with-postgres.sh .venv/bin/pytest
set -euo pipefail
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$PGBIN" ]; then
  echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  exit 1
fi
work="$(mktemp -d)"
as_pg() {
  # initdb and postgres refuse to run as root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$work"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
as_pg "$PGBIN/initdb" -D "$work/data" -A trust -U linkwright -E UTF8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$work/data" -l "$work/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $work -c fsync=off -c max_connections=60" start >/dev/null
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
DATABASE_URL="postgres://linkwright@127.0.0.1:$port/postgres" "$@"
