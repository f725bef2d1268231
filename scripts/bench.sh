#!/usr/bin/env bash
# Runs every benchmark: installs the test needs (scripts/setup.sh --test), then each module
# in bench/ (every bench/*.py not starting with "_"). Each one starts what it measures on
# 127.0.0.1 (real Spark Thrift Servers; the production server on a throwaway PostgreSQL),
# stops by itself, and rewrites its section of docs/benchmarks.md with the goals it checked.
# Then bench/_summary.py (always, even after a failed benchmark) writes "Goals at a glance"
# at the top of docs/benchmarks.md from the goals every section records.
#   bash scripts/bench.sh      (about 25 minutes on 2 cores)
# Exits non-zero when a benchmark misses its goal; the figures are written anyway.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
status=0
for path in bench/*.py; do
  name="$(basename "$path" .py)"
  case "$name" in _*) continue ;; esac
  echo "== bench.$name"
  .venv/bin/python -m "bench.$name" || status=1
done
echo "== bench._summary"
.venv/bin/python -m bench._summary || status=1
exit "$status"
