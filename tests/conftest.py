"""Shared fixtures: users of each role, signed-in clients, and a valid Spark definition."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from portal.roles import Role, set_role
from tests.fixture_secrets import LOGIN_PASSWORD, SECRET

pytest_plugins = ["tests.conftest_spark"]

PASSWORD = LOGIN_PASSWORD

SPARK_V2: dict[str, Any] = {
    "annotations": [],
    "type": "Spark",
    "version": "2.0",
    "typeProperties": {
        "host": "spark.example.com",
        "port": 443,
        "authenticationType": "UsernameAndPassword",
        "username": "alice",
        "password": {"type": "SecureString", "value": SECRET},
        "httpPath": "cliservice",
    },
}


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A throw-away test CA with its certificates (tests/pki.py)."""
    from tests.pki import TestPki

    return TestPki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(autouse=True)
def _isolated_keys(tmp_path: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test encrypts with its own key file, never the developer's."""
    monkeypatch.delenv("LINKWRIGHT_SECRET_KEYS", raising=False)
    settings.SECRET_KEYS_FILE = tmp_path / "secret-keys"


@pytest.fixture(autouse=True)
def _services_only() -> Any:
    """Every test runs with the layering enforced (tests/layering.py): pages, the API and
    commands write models only through portal/services."""
    from tests.layering import services_only

    with services_only():
        yield


@pytest.fixture(autouse=True)
def _waits_for_verdicts(settings: Any) -> None:
    """``?wait=true`` waits for the verdict in tests, however loaded the machine; the tests
    of the wait bound set it themselves."""
    settings.CONNECTION_TEST_WAIT_SECONDS = 120.0


def make_user(username: str, role: Role) -> Any:
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    set_role(user, role)
    return user


@pytest.fixture
def admin_user(db: Any) -> Any:
    return make_user("ada", Role.ADMIN)


@pytest.fixture
def editor(db: Any) -> Any:
    return make_user("eddie", Role.EDITOR)


@pytest.fixture
def reader(db: Any) -> Any:
    return make_user("rita", Role.READER)


def api_for(user: Any) -> Any:
    """A REST client authenticated with a fresh personal token of ``user``."""
    from rest_framework.test import APIClient

    from portal.models import ApiToken

    client = APIClient()
    _, key = ApiToken.issue(user, "tests")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(editor: Any) -> Client:
    return signed_in(editor)


@pytest.fixture
def reader_client(reader: Any) -> Client:
    return signed_in(reader)


@pytest.fixture
def admin_client(admin_user: Any) -> Client:
    return signed_in(admin_user)


@pytest.fixture
def spark_v2() -> dict[str, Any]:
    return copy.deepcopy(SPARK_V2)


@pytest.fixture
def saved_service(editor: Any, spark_v2: dict[str, Any]) -> Any:
    from portal.definitions import save_definition

    return save_definition(
        user=editor, name="SparkProd", properties=spark_v2, action="create"
    ).resource


def form_data(**overrides: str) -> dict[str, str]:
    """The POST of a filled-in v2.0 editor form."""
    data = {
        "name": "SparkFromForm",
        "version": "2.0",
        "description": "",
        "connectVia": "",
        "annotations": "",
        "tp-host": "spark.example.com",
        "tp-port": "443",
        "tp-authenticationType": "UsernameAndPassword",
        "tp-username": "alice",
        "tp-password__kind": "SecureString",
        "tp-password": SECRET,
        "tp-httpPath": "cliservice",
        "param-0-name": "",
        "param-0-type": "String",
        "param-0-default": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def back_to_latest() -> Any:
    """Leave the test database at the latest migration, whatever the test did: the tests
    that run after a migration test need every column."""
    yield
    from tests.migrations import migrate_to_latest

    migrate_to_latest()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """After the last test, before the session's fixtures drop the test database, close the
    connections the test workers keep (PostgreSQL refuses to drop a database in use)."""
    if nextitem is None:
        from portal.services import connection_tests

        connection_tests.close_worker_connections()
