"""The portal's generic connection-test flow runs the AzureSqlDW test (against the fake TDS
peer), and once it passed, the transfer plan checks live whether the write target exists."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from portal.definitions import save_definition
from portal.models import ConnectionTest
from tests.fake_tds import PoolBehaviour, fake_pool
from tests.fixture_secrets import SQL_POOL_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = SQL_POOL_PASSWORD


@pytest.fixture(autouse=True)
def _loopback_allowed(settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 20.0
    settings.CONNECTION_TEST_CONNECT_TIMEOUT = 5.0


def save_pool(editor: Any, port: int) -> None:
    conn = (
        f"Server=tcp:127.0.0.1,{port};Database=salesdw;User ID=loader;Encrypt=True;"
        "TrustServerCertificate=True"
    )
    save_definition(
        user=editor,
        name="FakePool",
        properties={
            "annotations": [],
            "type": "AzureSqlDW",
            "typeProperties": {
                "connectionString": conn,
                "password": {"type": "SecureString", "value": PASSWORD},
            },
        },
        action="create",
    )


def run(command: str, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command(command, *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_a_saved_pool_is_tested_stage_by_stage_then_its_target_is_checked_live(
    editor: Any, pki: Any
) -> None:
    behaviour = PoolBehaviour(tables=("salesdw.dbo.Sales",))
    with fake_pool(behaviour, pki) as server:
        save_pool(editor, server.port)
        before = ["--pool", "FakePool", "--direction", "write", "--spark-pool", "ws/pool"]
        status, text = run("transfer_plan", *before, "--table", "salesdw.dbo.Sales", "--json")
        assert status == 0, text
        assert json.loads(text)["target_check"].startswith("not checked live")

        status, text = run("test_connection", "FakePool")
        assert status == 0, text
        assert "[ok  ] Login" in text and "[ok  ] db_exporter membership" in text
        assert PASSWORD not in text
        assert ConnectionTest.objects.get().status == "passed"
        assert behaviour.seen_logins[0]["password"] == PASSWORD

        status, text = run("transfer_plan", *before, "--table", "salesdw.dbo.Sales", "--json")
        plan = json.loads(text)
        assert status == 1
        assert plan["target_check"] == "checked live in the SQL pool"
        assert [p["field"] for p in plan["problems"]] == ["table"]
        assert "already exists" in plan["problems"][0]["message"]

        status, text = run("transfer_plan", *before, "--table", "salesdw.dbo.NewSales", "--json")
        assert status == 0, text
        assert json.loads(text)["target_check"] == "checked live in the SQL pool"
