"""``manage.py test_connection`` starts lean: no system checks, and nothing a connection test
does not need (the URLconf and views, DRF's views, the upgrade rules and engine,
jsonschema, the environments' checker, the save engine, the repository reader, the SQL
dialect); the garbage collector does not walk what start-up made. Its speed is measured in
bench/cli_start.py; this checks what it loads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import gc, json, runpy, sys
sys.argv = ["manage.py", "test_connection", "NoSuchService"]
try:
    runpy.run_path("manage.py", run_name="__main__")
except SystemExit:
    pass
print(json.dumps({"modules": sorted(sys.modules), "collecting": gc.isenabled(),
                  "frozen": gc.get_freeze_count()}))
"""


def run_the_command(tmp_path: Any) -> dict[str, Any]:
    env = dict(os.environ)
    env.update(LINKWRIGHT_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="portal.settings")
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert "No linked service named 'NoSuchService'" in done.stderr
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_the_test_connection_command_loads_no_views_checks_or_upgrade_rules(
    tmp_path: Any,
) -> None:
    loaded = set(run_the_command(tmp_path)["modules"])
    assert "portal.models" in loaded and "connectors.registry" in loaded
    for module in (
        "portal.urls",
        "portal.views.linkedservices",
        "portal.api.views",
        "rest_framework.views",
        "connectors.upgrade",
        "connectors.spark.upgrade_rules",
        "jsonschema",
        "portal.environments",
        "connectors.environments",
        "portal.definitions",
        "connectors.adf_repository",
        "connectors.spark.dialect",
        "connectors.hiveserver2.dialect",
    ):
        assert module not in loaded, f"{module} is loaded by manage.py test_connection"


def test_a_command_collects_garbage_again_once_started_but_not_what_start_up_made(
    tmp_path: Any,
) -> None:
    ran = run_the_command(tmp_path)
    assert ran["collecting"] is True
    assert ran["frozen"] > 10_000  # start-up's objects, in the permanent generation
