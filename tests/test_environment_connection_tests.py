"""A linked service's effective definition in an environment is tested through the one live
path (issue 22, point 4): from the API (``.../test?environment=E``), the command line
(``test_connection --environment E``) and its page (an environment chosen beside Test
connection, with the values that environment's definition asks for). Each test records its
environment. Two real Spark Thrift Servers on 127.0.0.1 stand for dev and prod."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from portal.models import AuditEvent, ConnectionTest, Factory, Resource
from tests.conftest import api_for
from tests.environment_factory import (
    WRONG_PATH_LINE,
    _loopback_allowed,  # noqa: F401
    shop,
)
from tests.spark_server import ServerPool
from tests.test_connection_test_portal import wait_for

PASSWORD = "any-password"  # binary-sasl-none takes any user and password
TEST_URL = "/api/v1/factories/shop/linkedService/LS_Spark/test"


@pytest.fixture
def ports(spark_pool: ServerPool) -> tuple[int, int]:
    return spark_pool.get("binary-sasl-none").port, spark_pool.get("binary-nosasl").port


@pytest.fixture
def factory(tmp_path: Path, editor: Any, reader: Any, ports: tuple[int, int]) -> Factory:
    return shop(tmp_path / "repo", editor, *ports, readers=[reader])


@pytest.mark.django_db(transaction=True)
@pytest.mark.spark("binary-sasl-none", "binary-nosasl")
@pytest.mark.usefixtures("_loopback_allowed")
def test_the_api_tests_the_definition_of_the_environment_asked_for_and_records_it(
    factory: Factory, editor: Any, ports: tuple[int, int]
) -> None:
    api = api_for(editor)
    body = {"testSecrets": {"password": PASSWORD}}
    dev = api.post(f"{TEST_URL}?wait=true", body, format="json")
    assert dev.json()["status"] == "passed", dev.json()
    assert dev.json()["environment"] is None
    # prod's config moves it to the second server, a NOSASL one: the SASL handshake fails
    # there, at the server prod names.
    prod = api.post(f"{TEST_URL}?wait=true&environment=prod", body, format="json")
    assert prod.json()["environment"] == "prod"
    test = ConnectionTest.objects.select_related("environment").get(pk=prod.json()["id"])
    assert test.environment is not None and test.environment.name == "prod"
    assert not test.unsaved and test.revision == 1
    assert test.status == "failed"
    audit = AuditEvent.objects.filter(action=AuditEvent.Action.TEST).order_by("-pk").first()
    assert audit is not None and "in environment 'prod'" in audit.detail
    assert f"port={ports[1]}" in audit.detail


@pytest.mark.django_db(transaction=True)
@pytest.mark.spark("binary-sasl-none", "binary-nosasl")
@pytest.mark.usefixtures("_loopback_allowed")
def test_an_environment_whose_definition_is_not_valid_is_refused_at_the_override_s_row(
    factory: Factory, editor: Any
) -> None:
    api = api_for(editor)
    refused = api.post(f"{TEST_URL}?environment=test", {}, format="json")
    assert refused.status_code == 400, refused.content
    text = refused.content.decode()
    assert f"deployment/config-test.csv:{WRONG_PATH_LINE}" in text
    unknown = api.post(f"{TEST_URL}?environment=nowhere", {}, format="json")
    assert unknown.status_code == 400
    assert "No environment named 'nowhere'" in unknown.content.decode()
    assert not ConnectionTest.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.spark("binary-sasl-none", "binary-nosasl")
@pytest.mark.usefixtures("_loopback_allowed")
def test_the_command_line_tests_in_an_environment(factory: Factory) -> None:
    out = io.StringIO()
    args = ["LS_Spark", "--factory", "shop", "--secret", f"password={PASSWORD}"]
    call_command("test_connection", *args, "--environment", "dev", stdout=out)
    assert "environment dev" in out.getvalue() and "passed" in out.getvalue()
    with pytest.raises(SystemExit) as failed:
        call_command("test_connection", *args, "--environment", "prod", stdout=io.StringIO())
    assert failed.value.code == 1
    with pytest.raises(CommandError, match="No environment named 'qa'"):
        call_command("test_connection", *args, "--environment", "qa")


@pytest.mark.django_db(transaction=True)
@pytest.mark.spark("binary-sasl-none", "binary-nosasl")
@pytest.mark.usefixtures("_loopback_allowed")
def test_the_page_offers_the_environments_beside_test_connection_with_their_values(
    factory: Factory, editor_client: Client, reader_client: Client, ports: tuple[int, int]
) -> None:
    service = Resource.objects.get(factory=factory, name="LS_Spark")
    page = editor_client.get("/factories/shop/linkedService/LS_Spark/").content.decode()
    assert 'id="test-environment"' in page
    assert '<option value="prod">prod</option>' in page
    options = editor_client.get(
        "/factories/shop/linkedService/LS_Spark/test/options/?environment=prod"
    ).content.decode()
    assert 'name="test_secret__password"' in options
    assert reader_client.get(
        "/factories/shop/linkedService/LS_Spark/test/options/?environment=prod"
    ).status_code in (403, 404)
    editor_client.post(
        "/factories/shop/linkedService/LS_Spark/test/",
        {"environment": "dev", "test_secret__password": PASSWORD},
    )
    test = wait_for(ConnectionTest.objects.latest("pk").pk)
    assert test.status == "passed", test.result
    assert test.resource_id == service.pk and test.environment is not None
    history = editor_client.get("/factories/shop/linkedService/LS_Spark/").content.decode()
    assert "revision 1 in dev" in history
    assert PASSWORD not in history
