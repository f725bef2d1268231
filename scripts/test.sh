#!/usr/bin/env bash
# Sets up Linkwright with its test needs and runs every check: ruff, then all tests.
# Extra arguments go to pytest (for example: bash scripts/test.sh -k import).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
# Everything the tests need is installed by now: a test that would skip for want of
# Java, pyspark or chromium fails instead.
export LINKWRIGHT_REQUIRE_SPARK=1 LINKWRIGHT_REQUIRE_BROWSER=1
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy connectors portal
if [ $# -gt 0 ]; then
  echo "scripts/test.sh: pytest arguments given: the PostgreSQL pass is skipped (run it with no arguments)." >&2
  exec .venv/bin/python -m pytest "$@"
fi
.venv/bin/python -m pytest
# The database-heavy tests again on PostgreSQL (DATABASE_URL), concurrency included.
bash scripts/with-postgres.sh .venv/bin/python -m pytest -p no:cacheprovider \
  tests/test_database.py tests/test_concurrency.py tests/test_api.py tests/test_history.py \
  tests/test_import_export.py tests/test_upgrade_portal.py tests/test_input_limits.py \
  tests/test_api_errors.py tests/test_factories.py tests/test_factory_migration.py \
  tests/test_address_roles.py tests/test_live_path.py tests/test_json_number_limits.py \
  tests/test_control_characters.py tests/test_refusal_logging.py tests/test_secrets_at_rest.py \
  tests/test_query_counts.py tests/test_postgres_values.py tests/test_import_chunks.py \
  tests/test_export_chunks.py tests/test_api_test_statements.py \
  tests/test_postgres_health_check.py
