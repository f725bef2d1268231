"""Benchmarks that run the production server need PostgreSQL: each runs itself again under
``scripts/with-postgres.sh`` (a throwaway cluster on 127.0.0.1) unless DATABASE_URL is set."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNDER_POSTGRES = "LINKWRIGHT_BENCH_UNDER_POSTGRES"
THROWAWAY = "PostgreSQL (throwaway cluster from scripts/with-postgres.sh)"


def under_postgres(module: str, measure: Callable[..., int]) -> int:
    """``measure(database_label, write=...)`` on PostgreSQL: at once when DATABASE_URL is
    set, else in ``python -m module`` run again (same arguments) under with-postgres.sh.
    ``--no-write`` among the arguments: the figures are printed only."""
    write = "--no-write" not in sys.argv
    if os.environ.get("DATABASE_URL"):
        return measure(THROWAWAY, write=write)
    if os.environ.get(UNDER_POSTGRES):
        raise RuntimeError("scripts/with-postgres.sh did not set DATABASE_URL")
    os.environ[UNDER_POSTGRES] = "1"
    command = [sys.executable, "-m", module, *sys.argv[1:]]
    return subprocess.call(["bash", "scripts/with-postgres.sh", *command], cwd=ROOT)
