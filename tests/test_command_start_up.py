"""``manage.py test_connection`` starts lean: no system checks, and nothing a connection test
does not need (the URLconf and views, DRF's views, the upgrade rules and engine,
jsonschema, the environments' checker, the save engine, the repository reader, the SQL
dialect); a test of a Spark linked service loads no other connector, and a Binary NOSASL one
without expressions that passes neither SASL, HTTP, the expression evaluator nor the advice
on failures; the garbage collector does not walk what start-up made. Its speed is measured
in bench/cli_start.py; this checks what it loads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.spark_server import ServerPool

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import gc, json, runpy, sys
sys.argv = ["manage.py", "test_connection", sys.argv[1]]
try:
    runpy.run_path("manage.py", run_name="__main__")
except SystemExit:
    pass
print(json.dumps({"modules": sorted(sys.modules), "collecting": gc.isenabled(),
                  "frozen": gc.get_freeze_count()}))
"""


SAVE_SPARK = """
import sys
import django
django.setup()
from django.contrib.auth import get_user_model
from portal.definitions import save_definition
save_definition(
    user=get_user_model().objects.create_user("starter"),
    name="NoSaslSpark",
    action="create",
    properties={"type": "Spark", "typeProperties": {
        "host": "127.0.0.1", "port": int(sys.argv[1]), "thriftTransportProtocol": "Binary",
        "authenticationType": "Anonymous"}},
)
"""


def run_the_command(
    tmp_path: Any, name: str = "NoSuchService", *, spark_port: int | None = None
) -> dict[str, Any]:
    env = dict(os.environ)
    env.update(
        LINKWRIGHT_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="portal.settings",
        LINKWRIGHT_TEST_ALLOW_LOOPBACK="1",
    )
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    if spark_port is not None:
        save = [sys.executable, "-c", SAVE_SPARK, str(spark_port)]
        subprocess.run(save, cwd=ROOT, env=env, check=True)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, name], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if spark_port is None:
        assert f"No linked service named {name!r}" in done.stderr
    else:
        assert "passed in" in done.stdout, done.stdout + done.stderr
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


OTHER_CONNECTORS = (
    "connectors.hive",
    "connectors.impala",
    "connectors.azuresqldw",
    "connectors.azureblobstorage",
    "connectors.azureblobfs",
)


def test_the_test_connection_command_loads_no_connector_before_it_knows_which(
    tmp_path: Any,
) -> None:
    loaded = set(run_the_command(tmp_path)["modules"])
    for module in ("connectors.spark", *OTHER_CONNECTORS):
        assert module not in loaded, f"{module} is loaded before a linked service is found"


@pytest.mark.spark("binary-nosasl")
def test_a_binary_nosasl_spark_test_loads_only_the_spark_connector_and_its_transport(
    tmp_path: Any, spark_pool: ServerPool
) -> None:
    port = spark_pool.get("binary-nosasl").port
    loaded = set(run_the_command(tmp_path, "NoSaslSpark", spark_port=port)["modules"])
    assert "connectors.spark" in loaded and "connectors.hiveserver2.client" in loaded
    for module in (
        *OTHER_CONNECTORS,
        "connectors.hiveserver2.sasl_transport",
        "puresasl",
        "connectors.hiveserver2.http_transport",
        "connectors.expression_eval",
        "connectors.hiveserver2.advice",
    ):
        assert module not in loaded, f"{module} is loaded by a Binary NOSASL Spark test"


def test_a_web_worker_loading_the_application_freezes_what_loading_made(tmp_path: Any) -> None:
    probe = (
        "import gc, json, portal.wsgi, sys\n"
        "print(json.dumps({'frozen': gc.get_freeze_count(), 'collecting': gc.isenabled(),\n"
        "  'views': 'portal.views.resources' in sys.modules}))\n"
    )
    env = dict(os.environ, LINKWRIGHT_DATA_DIR=str(tmp_path))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == {"frozen": loaded["frozen"], "collecting": True, "views": True}
    assert loaded["frozen"] > 50_000  # Django, the portal and every view, out of each pass
