"""Paste a connection URL or JDBC string to fill the form (issue 10, point 19): parsed by
the Spark connector (a declared capability), applied by the portal without naming Spark."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from connectors.registry import get_connector, get_version
from tests.conftest import SECRET
from tests.helpers import NEW_SPARK

pytestmark = pytest.mark.django_db

CREATE_URL = NEW_SPARK
HTMX_FIELDS = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "form_fields"}
JDBC = "jdbc:hive2://spark.example.com:10001/sales;transportMode=http;httpPath=cliservice;ssl=true"


def parse(version: str, text: str):  # type: ignore[no-untyped-def]
    connector = get_connector("Spark")
    assert connector.parse_connection_url is not None
    return connector.parse_connection_url(get_version("Spark", version), text)


def test_a_jdbc_string_gives_host_port_transport_path_and_ssl() -> None:
    found = parse("2.0", JDBC)
    assert found.values == {
        "host": "spark.example.com",
        "port": 10001,
        "thriftTransportProtocol": "HTTP",
        "httpPath": "cliservice",
        "enableSsl": True,
    }
    assert found.notes == ["Database 'sales' is not a linked-service property: a dataset names it."]


@pytest.mark.parametrize(
    ("version", "text", "values", "note"),
    [
        (
            "1.0",
            "hive://etl@legacy.local:10000/default?auth=NOSASL",
            {
                "host": "legacy.local",
                "port": 10000,
                "username": "etl",
                "authenticationType": "Username",
            },
            "Database 'default'",
        ),
        (
            "2.0",
            "jdbc:hive2://h.local:10000/;transportMode=binary",
            {"host": "h.local", "port": 10000},
            "transportMode=binary: version 2.0 offers only HTTP",
        ),
        (
            "2.0",
            "https://cluster.azurehdinsight.net:443/sparkhive2",
            {
                "host": "cluster.azurehdinsight.net",
                "port": 443,
                "enableSsl": True,
                "thriftTransportProtocol": "HTTP",
                "httpPath": "sparkhive2",
            },
            None,
        ),
        (
            "2.0",
            "jdbc:hive2://h.local:10001/;user=bob;password=" + SECRET + ";principal=hive/x@R",
            {
                "host": "h.local",
                "port": 10001,
                "username": "bob",
                "authenticationType": "UsernameAndPassword",
            },
            "The password in the URL was left out",
        ),
    ],
)
def test_other_url_forms_and_what_they_leave_out(
    version: str, text: str, values: dict[str, object], note: str | None
) -> None:
    found = parse(version, text)
    assert found.values == values
    if note:
        assert any(n.startswith(note) for n in found.notes), found.notes
    assert SECRET not in " ".join(found.notes)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("spark.example.com:10001", "Not a connection URL"),
        ("postgresql://db.local:5432/x", "is not a Spark or Hive URL"),
        ("jdbc:hive2://h.local:99999/", "port"),
        ("x" * 5000, "at most"),
    ],
)
def test_text_that_is_no_spark_url_is_refused_with_a_sentence(text: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        parse("2.0", text)


def test_fill_the_form_puts_the_values_in_the_fields_and_lists_the_notes(
    editor_client: Client,
) -> None:
    data = {"name": "Pasted", "version": "2.0", "_paste": "1", "_paste_url": JDBC}
    html = editor_client.post(CREATE_URL, data, **HTMX_FIELDS).content.decode()
    assert re.search(r'id="id_tp-host" name="tp-host" value="spark.example.com"', html)
    assert re.search(r'id="id_tp-port" name="tp-port" value="10001"', html)
    assert re.search(r'id="id_tp-httpPath" name="tp-httpPath" value="cliservice"', html)
    assert re.search(r'<option value="true" selected>true</option>', html)
    assert "Filled from the URL: Host, Port" in html
    assert "Database &#x27;sales&#x27; is not a linked-service property" in html
    assert JDBC not in html  # the pasted text is not echoed (it may hold a password)


def test_a_bad_paste_says_why_and_changes_nothing(editor_client: Client) -> None:
    data = {"name": "Pasted", "version": "2.0", "tp-host": "kept.example.com", "_paste": "1"}
    html = editor_client.post(
        CREATE_URL, {**data, "_paste_url": "ftp://x/"}, **HTMX_FIELDS
    ).content.decode()
    assert "is not a Spark or Hive URL" in html
    assert 'value="kept.example.com"' in html


def test_the_portal_shows_no_paste_field_for_a_connector_without_the_capability(
    editor_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from connectors import registry

    spark = registry.get_connector("Spark")
    monkeypatch.setitem(
        registry.REGISTRY, "Spark", dataclasses.replace(spark, parse_connection_url=None)
    )
    html = editor_client.get(CREATE_URL).content.decode()
    assert "_paste_url" not in html
