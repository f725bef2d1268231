"""``manage.py test_connection`` starts lean: no system checks, and nothing a connection test
does not need (the URLconf and views, DRF's views, the upgrade rules and engine,
jsonschema). Its speed is measured in bench/cli_start.py; this checks what it loads.
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
import json, sys
from django.core.management import execute_from_command_line
try:
    execute_from_command_line(["manage.py", "test_connection", "NoSuchService"])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def loaded_by_the_command(tmp_path: Any) -> set[str]:
    env = dict(os.environ)
    env.update(LINKWRIGHT_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="portal.settings")
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert "No linked service named 'NoSuchService'" in done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_test_connection_command_loads_no_views_checks_or_upgrade_rules(
    tmp_path: Any,
) -> None:
    loaded = loaded_by_the_command(tmp_path)
    assert "portal.models" in loaded and "connectors.registry" in loaded
    for module in (
        "portal.urls",
        "portal.views.linkedservices",
        "portal.api.views",
        "rest_framework.views",
        "connectors.upgrade",
        "connectors.spark.upgrade_rules",
        "jsonschema",
    ):
        assert module not in loaded, f"{module} is loaded by manage.py test_connection"
