"""Benchmarks. ``bash scripts/bench.sh`` runs every module here whose name does not start
with ``_`` (``python -m bench.<name>``); each rewrites its own section of docs/benchmarks.md."""
