#!/usr/bin/env bash
# Sets up Linkwright and runs the portal at http://127.0.0.1:8000 (SQLite unless DATABASE_URL).
# LINKWRIGHT_BIND=host:port serves it at another address (default 127.0.0.1:8000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python manage.py migrate --no-input
.venv/bin/python manage.py ensure_admin
exec .venv/bin/python manage.py runserver "${LINKWRIGHT_BIND:-127.0.0.1:8000}"
