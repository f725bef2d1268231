#!/usr/bin/env bash
# Runs the portal for production: gunicorn with threaded workers, DEBUG off, PostgreSQL,
# migrations applied, static files collected and served (WhiteNoise). Put it behind a proxy
# that terminates TLS.
#   Required: DJANGO_SECRET_KEY, DATABASE_URL (postgres://...), LINKWRIGHT_ALLOWED_HOSTS.
#   Optional: LINKWRIGHT_CSRF_TRUSTED_ORIGINS (https://portal.example.com,...),
#     LINKWRIGHT_SECRET_KEYS (Fernet keys for secrets at rest; else generated in the data dir),
#     LINKWRIGHT_BIND (127.0.0.1:8000), LINKWRIGHT_WEB_WORKERS (3), LINKWRIGHT_WEB_THREADS (8),
#     LINKWRIGHT_WEB_TIMEOUT (30 s), LINKWRIGHT_WEB_GRACEFUL_TIMEOUT (40 s: a running test's
#     deadline plus margin), LINKWRIGHT_TEST_MAX_WAITING (half the threads),
#     MALLOC_MMAP_THRESHOLD_ (2 MiB), MALLOC_TRIM_THRESHOLD_ (8 MiB).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DJANGO_SECRET_KEY:?set DJANGO_SECRET_KEY to a long random value}"
: "${DATABASE_URL:?set DATABASE_URL to postgres://user:password@host:5432/name}"
: "${LINKWRIGHT_ALLOWED_HOSTS:?set LINKWRIGHT_ALLOWED_HOSTS to the portal host name(s), comma-separated}"
export LINKWRIGHT_DEBUG=0 LINKWRIGHT_STATIC_COLLECTED=1
threads="${LINKWRIGHT_WEB_THREADS:-8}"
# Requests waiting for a test verdict (?wait=true) never take more than half the threads.
export LINKWRIGHT_TEST_MAX_WAITING="${LINKWRIGHT_TEST_MAX_WAITING:-$((threads / 2))}"
# glibc's malloc in the workers' threads: a block under 2 MiB (a large pipeline's file and
# definition, read and written by each save) comes from the heap, and up to 8 MiB freed at
# its top stays there, instead of being mapped for each allocation and unmapped when freed:
# each save of one activity of a 300-activity pipeline took ~500 page faults (~2 at 15
# activities), now ~30-100. Read when the process starts: gunicorn's workers inherit it.
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-2097152}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-8388608}"

bash scripts/setup.sh
.venv/bin/python manage.py migrate --no-input
.venv/bin/python manage.py collectstatic --no-input --verbosity 0
.venv/bin/python manage.py ensure_admin
exec .venv/bin/gunicorn portal.wsgi:application \
  --bind "${LINKWRIGHT_BIND:-127.0.0.1:8000}" \
  --worker-class gthread \
  --workers "${LINKWRIGHT_WEB_WORKERS:-3}" \
  --threads "$threads" \
  --timeout "${LINKWRIGHT_WEB_TIMEOUT:-30}" \
  --graceful-timeout "${LINKWRIGHT_WEB_GRACEFUL_TIMEOUT:-40}" \
  --keep-alive 5 \
  --no-control-socket \
  --access-logfile -
