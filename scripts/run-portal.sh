#!/usr/bin/env bash
# Sets up Linkwright and runs the portal at http://127.0.0.1:8000 (SQLite unless DATABASE_URL).
# LINKWRIGHT_BIND=host:port serves it at another address (default 127.0.0.1:8000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python manage.py migrate --no-input
.venv/bin/python manage.py ensure_admin
# The task queue: a Redis server and one Celery worker beside the portal ("Test all").
export LINKWRIGHT_REDIS_URL="${LINKWRIGHT_REDIS_URL:-redis://127.0.0.1:6379/0}"
if ! redis-cli -u "$LINKWRIGHT_REDIS_URL" ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port "$(echo "$LINKWRIGHT_REDIS_URL" | sed -E 's#.*:([0-9]+)/?.*#\1#')" \
    --save "" --daemonize yes --dir "${LINKWRIGHT_DATA_DIR:-var}"
fi
.venv/bin/celery -A portal.celery_app worker --pool threads --concurrency 8 --loglevel warning &
worker=$!
trap 'kill "$worker" 2>/dev/null' EXIT
.venv/bin/python manage.py runserver "${LINKWRIGHT_BIND:-127.0.0.1:8000}"
