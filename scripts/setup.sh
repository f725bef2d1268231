#!/usr/bin/env bash
# Installs what Linkwright needs on a fresh Debian/Ubuntu machine. Safe to run again.
#   scripts/setup.sh          the portal's own needs (Python 3.11 virtualenv in .venv)
#   scripts/setup.sh --test   also test needs: dev tools, pyspark, Java 17, Debian's chromium
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# Python 3.11 with venv.
PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PYTHON="$candidate"; break
    fi
  done
fi
if [ -z "$PYTHON" ]; then
  apt_install python3.11 python3.11-venv
  PYTHON=python3.11
fi
if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
  apt_install python3.11-venv
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi

extras="postgres"
[ "$want_test" = 1 ] && extras="postgres,dev,spark"
stamp=".venv/.linkwright-installed"
wanted="$(sha256sum pyproject.toml | cut -c1-64) $extras"
if [ ! -f "$stamp" ] || ! grep -qxF "$wanted" "$stamp"; then
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[$extras]"
  echo "$wanted" >> "$stamp"
fi
# The portal's own bytecode, written now: the first `manage.py` command does not compile it
# (some shells say PYTHONDONTWRITEBYTECODE=1, and Python would then compile on every start).
.venv/bin/python -m compileall -q -j 0 manage.py portal connectors >/dev/null

# Debian's Redis: the broker of the task queue (Celery workers run "Test all").
command -v redis-server >/dev/null || apt_install redis-server

if [ "$want_test" = 1 ]; then
  # Java 17 (with javac, for the test authentication provider) runs the Spark Thrift Server.
  if ! command -v javac >/dev/null || ! java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])'; then
    apt_install openjdk-17-jdk-headless
  fi
  # Debian's chromium, driven by Playwright in the browser tests (no browser download).
  if [ ! -x /usr/bin/chromium ]; then
    apt_install chromium
  fi
  command -v openssl >/dev/null || apt_install openssl
  # A throwaway PostgreSQL cluster runs the database tests a second time.
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql
  command -v runuser >/dev/null || apt_install util-linux
fi
