#!/usr/bin/env bash
# Sets up Linkwright with its test needs and runs every check: ruff, then all tests.
# Extra arguments go to pytest (for example: bash scripts/test.sh -k import).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest "$@"
