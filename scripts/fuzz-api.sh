#!/usr/bin/env bash
# Fuzzes the REST API with schemathesis against its own OpenAPI document (/api/schema/):
# 0 server errors and 0 responses that break the document are expected.
#   bash scripts/fuzz-api.sh                      SQLite, 200 examples per operation
#   bash scripts/with-postgres.sh bash scripts/fuzz-api.sh     the same on PostgreSQL
#   FUZZ_EXAMPLES=50 bash scripts/fuzz-api.sh     fewer examples; extra arguments go to
#                                                 schemathesis (e.g. --seed 1)
#   FUZZ_REPORT_DIR=dir                           where the JUnit report and the portal's
#                                                 log go (default var/fuzz-report)
#   FUZZ_PYTHON=/path/to/venv/bin/python bash scripts/fuzz-api.sh
#                                                 a Python with the fuzz extra installed
#                                                 (pip install -e '.[postgres,fuzz]'):
#                                                 setup.sh is not run, .venv not touched
# The portal runs on a free 127.0.0.1 port with a throwaway data directory (and, without
# DATABASE_URL, a throwaway SQLite database), an Admin user and a token; both go away after.
# scripts/fuzz_seed.py gives it resources of every kind to act on, and
# scripts/fuzz-api.toml points the generated path parameters at them often enough to reach
# the logic behind them, not only 404s. No generated host is ever contacted: connection
# tests are refused by a rate limit of 0, and every address by the network policy.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${FUZZ_PYTHON:-}" ]; then
  python="$FUZZ_PYTHON"
else
  bash scripts/setup.sh
  python=.venv/bin/python
  if ! "$python" -c 'import schemathesis' 2>/dev/null; then
    "$python" -m pip install -q --disable-pip-version-check -e ".[postgres,fuzz]"
  fi
fi
schemathesis="$(dirname "$python")/schemathesis"

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export LINKWRIGHT_DATA_DIR="$work" LINKWRIGHT_TEST_RATE_PER_MINUTE=0 LINKWRIGHT_ALLOWED_HOSTS=127.0.0.1
export LINKWRIGHT_TEST_ALLOW_PRIVATE=0 LINKWRIGHT_TEST_DENIED_NETWORKS=0.0.0.0/0,::/0
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$python" manage.py migrate -v 0
key="$("$python" scripts/fuzz_seed.py)"
"$python" manage.py runserver "127.0.0.1:$port" --noreload >"$work/server.log" 2>&1 &
server_pid=$!

report_dir="${FUZZ_REPORT_DIR:-var/fuzz-report}"
mkdir -p "$report_dir"
status=0
"$schemathesis" --config-file scripts/fuzz-api.toml run "http://127.0.0.1:$port/api/schema/" \
  --wait-for-schema 60 \
  --header "Authorization: Token $key" \
  --max-examples "${FUZZ_EXAMPLES:-200}" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --generation-database none \
  --report junit --report-dir "$report_dir" \
  "$@" || status=$?
cp "$work/server.log" "$report_dir/server.log"  # what the portal logged, kept with the report
if grep -q "Traceback" "$work/server.log"; then
  echo "The portal logged a traceback:" >&2
  grep -B2 -A30 "Traceback" "$work/server.log" | head -80 >&2 || true  # head closes early
  status=1
fi
exit "$status"
