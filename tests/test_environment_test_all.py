""" "Test all linked services in E" (issue 22, points 5-6) from the command line, the API and
the matrix's button; without a broker each test runs in-process. Real Spark Thrift Servers
on 127.0.0.1 stand for dev and prod."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from portal.models import ConnectionTest, Factory
from tests.conftest import api_for
from tests.environment_factory import (
    _loopback_allowed,  # noqa: F401
    shop,
)
from tests.spark_server import ServerPool

PASSWORD = "any-password"


@pytest.fixture
def factory(tmp_path: Path, editor: Any, spark_pool: ServerPool) -> Factory:
    ports = spark_pool.get("binary-sasl-none").port, spark_pool.get("binary-nosasl").port
    return shop(tmp_path / "repo", editor, *ports, services=3)


@pytest.mark.django_db(transaction=True)
@pytest.mark.spark("binary-sasl-none", "binary-nosasl")
@pytest.mark.usefixtures("_loopback_allowed")
def test_test_all_runs_every_linked_service_in_the_environment_and_fails_when_one_fails(
    factory: Factory, editor: Any, editor_client: Client
) -> None:
    out = io.StringIO()
    secret = ["--secret", f"password={PASSWORD}"]
    call_command("test_all", "--factory", "shop", "--environment", "dev", *secret, stdout=out)
    assert "3 of 3 passed in environment dev" in out.getvalue()
    with pytest.raises(SystemExit) as failed:
        call_command(
            "test_all", "--factory", "shop", "--environment", "prod", "--json", *secret,
            stdout=out,
        )  # fmt: skip
    assert failed.value.code == 1
    printed = json.loads(out.getvalue()[out.getvalue().index("[") :])
    assert [(t["linkedService"], t["environment"], t["status"]) for t in printed] == [
        (name, "prod", "failed") for name in ("LS_Spark", "LS_Spark2", "LS_Spark3")
    ]
    assert PASSWORD not in out.getvalue()

    api = api_for(editor)
    queued = api.post(
        "/api/v1/factories/shop/environments/dev/test-all",
        {"testSecrets": {"password": PASSWORD}},
        format="json",
    )
    assert queued.status_code == 202, queued.content
    assert [t["status"] for t in queued.json()["tests"]] == ["passed"] * 3

    editor_client.post("/factories/shop/environments/test/test-all/")
    matrix = editor_client.get("/factories/shop/environments/").content.decode()
    assert 'id="test_all_prod"' in matrix
    assert matrix.count("test Failed") >= 6  # prod's three, and test's (not valid there)
    assert not ConnectionTest.objects.filter(status__in=ConnectionTest.UNFINISHED).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.spark("binary-sasl-none", "binary-nosasl")
@pytest.mark.usefixtures("_loopback_allowed")
def test_the_matrix_s_test_all_asks_once_for_the_values_its_linked_services_ask_for(
    factory: Factory, editor_client: Client, reader_client: Client
) -> None:
    url = "/factories/shop/environments/dev/test-all/"
    page = editor_client.get(url).content.decode()
    assert page.count('name="test_secret__password"') == 1
    assert page.count('name="test_param__host"') == 1
    asked_by = page[page.index('name="test_secret__password"') :]
    asked_by = asked_by[: asked_by.index("</p>")]
    assert all(f"<code>{name}</code>" in asked_by for name in ("LS_Spark", "LS_Spark2"))
    assert "Test 3 linked services in dev" in page
    assert reader_client.get(url).status_code in (403, 404)

    # Without the Key Vault secret, each test fails saying what it lacks.
    editor_client.post(url)
    failed = list(ConnectionTest.objects.filter(environment__name="dev"))
    assert [t.status for t in failed] == ["failed"] * 3
    assert "spark-password" in failed[0].report, failed[0].report

    # Typed once, it serves every test; a parameter left empty keeps each one's default.
    done = editor_client.post(
        url, {"test_secret__password": PASSWORD, "test_param__host": ""}, follow=True
    )
    assert "3 tests queued in dev" in done.content.decode()
    tests = ConnectionTest.objects.filter(environment__name="dev").exclude(
        pk__in=[t.pk for t in failed]
    )
    assert [t.status for t in tests] == ["passed"] * 3
    assert PASSWORD not in done.content.decode()
    assert not any(PASSWORD in (t.report or "") for t in tests)
