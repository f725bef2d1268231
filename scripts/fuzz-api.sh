#!/usr/bin/env bash
# Fuzzes the REST API with schemathesis against its own OpenAPI document (/api/schema/):
# 0 server errors and 0 responses that break the document are expected.
#   bash scripts/fuzz-api.sh                      SQLite, 200 examples per operation
#   bash scripts/with-postgres.sh bash scripts/fuzz-api.sh     the same on PostgreSQL
#   FUZZ_EXAMPLES=50 bash scripts/fuzz-api.sh     fewer examples; extra arguments go to
#                                                 schemathesis (e.g. --seed 1)
# The portal runs on a free 127.0.0.1 port with a throwaway data directory (and, without
# DATABASE_URL, a throwaway SQLite database), an Admin user and a token; both go away after.
# Connection tests are refused by a rate limit of 0, so no generated host is ever contacted.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! .venv/bin/python -c 'import schemathesis' 2>/dev/null; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[postgres,fuzz]"
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export LINKWRIGHT_DATA_DIR="$work" LINKWRIGHT_TEST_RATE_PER_MINUTE=0 LINKWRIGHT_ALLOWED_HOSTS=127.0.0.1
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
.venv/bin/python manage.py migrate -v 0
key="$(.venv/bin/python manage.py shell -v 0 -c '
from django.contrib.auth import get_user_model
from portal.models import ApiToken
from portal.roles import Role, set_role
user = get_user_model().objects.create_user("fuzz", password=None)
set_role(user, Role.ADMIN)
print(ApiToken.issue(user, "fuzz")[1])
')"
.venv/bin/python manage.py runserver "127.0.0.1:$port" --noreload >"$work/server.log" 2>&1 &
server_pid=$!

status=0
.venv/bin/schemathesis run "http://127.0.0.1:$port/api/schema/" \
  --wait-for-schema 60 \
  --header "Authorization: Token $key" \
  --max-examples "${FUZZ_EXAMPLES:-200}" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --generation-database none \
  --report junit --report-dir "${FUZZ_REPORT_DIR:-var/fuzz-report}" \
  "$@" || status=$?
if grep -q "Traceback" "$work/server.log"; then
  echo "The portal logged a traceback:" >&2
  grep -B2 -A30 "Traceback" "$work/server.log" | head -80 >&2
  status=1
fi
exit "$status"
