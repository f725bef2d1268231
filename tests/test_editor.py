"""The "New linked service" flow through Django's test client."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from connectors import registry
from connectors.base import Connector
from portal.models import Resource, Revision, SecretValue
from tests.conftest import SECRET, form_data
from tests.helpers import NEW_SPARK, url_of

pytestmark = pytest.mark.django_db

CREATE_URL = NEW_SPARK
HTMX_FIELDS = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "form_fields"}


def shown_fields(html: str) -> list[str]:
    return re.findall(r'data-field="([^"]+)"', html)


def field_errors(html: str, name: str) -> list[str]:
    block = re.search(
        rf'data-field="{name}">(.*?)</div>\s*(?=<div class="field|</fieldset)', html, re.S
    )
    assert block, f"field {name} not on the page"
    return re.findall(r'<p class="error"[^>]*>([^<]+)</p>', block.group(1))


def test_gallery_lists_what_the_registry_holds(editor_client: Client, monkeypatch: Any) -> None:
    page = editor_client.get("/factories/default/new/").content.decode()
    assert 'data-connector="Spark"' in page
    fake = Connector(
        type="Hive",
        title="Hive",
        summary="Apache Hive",
        category="Database",
        versions={},
        default_version="1.0",
    )
    monkeypatch.setitem(registry.REGISTRY, "Hive", fake)
    page = editor_client.get("/factories/default/new/").content.decode()
    assert 'data-connector="Hive"' in page and 'data-connector="Spark"' in page


def test_gallery_search_filters_cards(editor_client: Client) -> None:
    partial = editor_client.get(
        "/factories/default/new/?q=thrift", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="gallery"
    ).content.decode()
    assert partial.startswith('<div id="gallery"') and "Spark" in partial
    none = editor_client.get("/factories/default/new/?q=oracle").content.decode()
    assert 'data-connector="Spark"' not in none and "No connector matches" in none


def test_new_form_defaults_to_v2_and_shows_only_applicable_fields(editor_client: Client) -> None:
    html = editor_client.get(CREATE_URL).content.decode()
    assert re.search(r'<option value="2.0" selected>', html)
    assert shown_fields(html) == [
        "host",
        "port",
        "serverType",
        "thriftTransportProtocol",
        "authenticationType",
        "httpPath",
        "enableSsl",
        "enableServerCertificateValidation",
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"version": "2.0", "tp-authenticationType": "UsernameAndPassword"},
            ["username", "password", "httpPath", "enableServerCertificateValidation"],
        ),
        (
            {"version": "2.0", "tp-authenticationType": "Anonymous", "tp-enableSsl": "false"},
            ["httpPath"],
        ),
        (
            {
                "version": "1.0",
                "tp-authenticationType": "Username",
                "tp-thriftTransportProtocol": "SASL",
            },
            ["username"],
        ),
        (
            {
                "version": "1.0",
                "tp-authenticationType": "Anonymous",
                "tp-thriftTransportProtocol": "HTTP",
                "tp-enableSsl": "true",
            },
            [
                "httpPath",
                "trustedCertPath",
                "useSystemTrustStore",
                "allowHostNameCNMismatch",
                "allowSelfSignedServerCert",
            ],
        ),
        (
            {"version": "1.0", "tp-authenticationType": "WindowsAzureHDInsightService"},
            ["httpPath", "password", "username"],
        ),
    ],
)
def test_switching_controls_rerenders_the_field_block(
    editor_client: Client, changes: dict[str, str], expected: list[str]
) -> None:
    response = editor_client.post(CREATE_URL, {**form_data(), **changes}, **HTMX_FIELDS)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<div id="form_fields">')
    assert 'id="code_view"' in html and 'hx-swap-oob="true"' in html
    optional = {
        "username",
        "password",
        "httpPath",
        "trustedCertPath",
        "useSystemTrustStore",
        "allowHostNameCNMismatch",
        "allowSelfSignedServerCert",
        "enableServerCertificateValidation",
    }
    assert sorted(set(shown_fields(html)) & optional) == sorted(expected)
    assert not Resource.objects.exists()


def test_code_view_fragment_shows_live_json_without_secret(editor_client: Client) -> None:
    response = editor_client.post(
        CREATE_URL, form_data(), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="code_view"
    )
    html = response.content.decode()
    assert html.startswith('<pre id="code_view"')
    assert "spark.example.com" in html and "**********" in html
    assert SECRET not in html


def test_invalid_port_is_reported_at_the_field_and_nothing_is_stored(editor_client: Client) -> None:
    response = editor_client.post(CREATE_URL, form_data(**{"tp-port": "70000"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert field_errors(html, "port") == [
        "Enter a whole number from 1 to 65535, or an ADF expression."
    ]
    assert SECRET not in html
    assert not Resource.objects.exists() and not SecretValue.objects.exists()


def test_missing_username_is_required_by_the_auth_type(editor_client: Client) -> None:
    response = editor_client.post(CREATE_URL, form_data(**{"tp-username": ""}))
    assert field_errors(response.content.decode(), "username") == [
        "Required when authenticationType is UsernameAndPassword or WindowsAzureHDInsightService."
    ]


def test_create_stores_adf_json_and_encrypts_the_password(
    editor_client: Client, editor: Any
) -> None:
    response = editor_client.post(CREATE_URL, form_data(description="Prod cluster"))
    service = Resource.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url_of(service)
    assert service.connector == "Spark" and service.connector_version == "2.0"
    assert service.description == "Prod cluster" and service.updated_by == editor
    assert service.masked_properties == {
        "description": "Prod cluster",
        "annotations": [],
        "type": "Spark",
        "version": "2.0",
        "typeProperties": {
            "host": "spark.example.com",
            "port": 443,
            "authenticationType": "UsernameAndPassword",
            "username": "alice",
            "password": {"type": "SecureString", "value": "**********"},
            "httpPath": "cliservice",
        },
    }
    secret = SecretValue.objects.get()
    assert SECRET not in secret.ciphertext and secret.reveal() == SECRET
    assert SECRET not in service.definition
    assert list(service.revisions.values_list("number", "action")) == [(1, "create")]


def test_expressions_parameters_connect_via_and_annotations(editor_client: Client) -> None:
    data = form_data(
        **{
            "tp-host": "@linkedService().host",
            "tp-port": "@linkedService().port",
            "tp-enableSsl": "expression",
            "tp-enableSsl__expression": "@linkedService().tls",
            "connectVia": "SelfHostedIR",
            "annotations": "team-a\nprod",
            "param-0-name": "host",
            "param-0-type": "String",
            "param-0-default": "spark.internal",
            "param-1-name": "port",
            "param-1-type": "Int",
            "param-1-default": "10001",
            "param-2-name": "tls",
            "param-2-type": "Bool",
            "param-2-default": "true",
        }
    )
    assert editor_client.post(CREATE_URL, data).status_code == 302
    props = Resource.objects.get().masked_properties
    tp = props["typeProperties"]
    # Saved as ADF Studio writes a linked service's expressions: plain strings.
    assert tp["host"] == "@linkedService().host"
    assert tp["port"] == "@linkedService().port"
    assert tp["enableSsl"] == "@linkedService().tls"
    assert props["connectVia"] == {
        "referenceName": "SelfHostedIR",
        "type": "IntegrationRuntimeReference",
    }
    assert props["annotations"] == ["team-a", "prod"]
    assert props["parameters"] == {
        "host": {"type": "String", "defaultValue": "spark.internal"},
        "port": {"type": "Int", "defaultValue": 10001},
        "tls": {"type": "Bool", "defaultValue": True},
    }
    assert list(props) == [
        "annotations",
        "type",
        "version",
        "typeProperties",
        "connectVia",
        "parameters",
    ]


def test_key_vault_password(editor_client: Client) -> None:
    data = form_data(
        **{
            "tp-password__kind": "AzureKeyVaultSecret",
            "tp-password": "",
            "tp-password__store": "KeyVault1",
            "tp-password__secretName": "spark-password",
            "tp-password__secretVersion": "",
        }
    )
    assert editor_client.post(CREATE_URL, data).status_code == 302
    assert Resource.objects.get().properties["typeProperties"]["password"] == {
        "type": "AzureKeyVaultSecret",
        "store": {"referenceName": "KeyVault1", "type": "LinkedServiceReference"},
        "secretName": "spark-password",
    }
    assert not SecretValue.objects.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "A name is required."),
        ("bad.name", "may not contain"),
        ("trailing ", "may not end with a space"),
        (" leading", "starts with a letter, digit or underscore"),
        ("a" * 261, "at most 260 characters"),
        ("what?", "may not contain"),
    ],
)
def test_name_rules(editor_client: Client, name: str, message: str) -> None:
    response = editor_client.post(CREATE_URL, form_data(name=name))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Resource.objects.exists()


def test_names_with_spaces_dashes_and_underscores_are_fine(editor_client: Client) -> None:
    assert editor_client.post(CREATE_URL, form_data(name="_Spark prod-01")).status_code == 302


def test_names_are_unique_regardless_of_case(editor_client: Client, saved_service: Any) -> None:
    response = editor_client.post(CREATE_URL, form_data(name="sparkprod"))
    assert response.status_code == 400
    assert (
        "A linked service named &#x27;SparkProd&#x27; exists already." in response.content.decode()
    )
    assert Resource.objects.count() == 1


def test_edit_page_never_contains_the_secret(editor_client: Client, saved_service: Any) -> None:
    html = editor_client.get(url_of(saved_service, "edit")).content.decode()
    assert SECRET not in html
    assert "Stored — leave empty to keep it" in html
    password_input = re.search(r'<input id="id_tp-password"[^>]*>', html).group(0)
    assert "value=" not in password_input


@pytest.mark.parametrize("typed", ["", "**********"])
def test_untouched_password_keeps_the_stored_secret(
    editor_client: Client, saved_service: Any, typed: str
) -> None:
    before = saved_service.properties["typeProperties"]["password"]
    data = form_data(
        name="SparkProd", based_on="1", **{"tp-password": typed, "tp-username": "etl2"}
    )
    response = editor_client.post(url_of(saved_service, "edit"), data)
    assert response.status_code == 302, response.content.decode()
    saved_service.refresh_from_db()
    assert saved_service.properties["typeProperties"]["password"] == before
    assert saved_service.properties["typeProperties"]["username"] == "etl2"
    assert SecretValue.objects.count() == 1
    assert SecretValue.objects.get().reveal() == SECRET
    assert saved_service.revision == 2


def test_typing_a_new_password_replaces_it(editor_client: Client, saved_service: Any) -> None:
    data = form_data(name="SparkProd", based_on="1", **{"tp-password": "n3w-Secret"})
    editor_client.post(url_of(saved_service, "edit"), data)
    saved_service.refresh_from_db()
    secret_id = saved_service.properties["typeProperties"]["password"]["secretId"]
    assert SecretValue.objects.get(pk=secret_id).reveal() == "n3w-Secret"


def test_clearing_a_required_password_is_an_error(
    editor_client: Client, saved_service: Any
) -> None:
    data = form_data(
        name="SparkProd", based_on="1", **{"tp-password": "", "tp-password__clear": "on"}
    )
    response = editor_client.post(url_of(saved_service, "edit"), data)
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "password")
    saved_service.refresh_from_db()
    assert saved_service.revision == 1


def test_stale_edit_is_refused_and_keeps_typed_values(
    editor_client: Client, saved_service: Any, editor: Any
) -> None:
    data = form_data(name="SparkProd", based_on="1", **{"tp-host": "mine.example.com"})
    other = form_data(name="SparkProd", based_on="1", **{"tp-host": "theirs.example.com"})
    assert editor_client.post(url_of(saved_service, "edit"), other).status_code == 302
    response = editor_client.post(url_of(saved_service, "edit"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Not saved" in html and "mine.example.com" in html
    saved_service.refresh_from_db()
    assert saved_service.properties["typeProperties"]["host"] == "theirs.example.com"
    assert Revision.objects.filter(resource=saved_service).count() == 2


def test_refresh_without_javascript_saves_nothing(editor_client: Client) -> None:
    data = form_data(**{"_refresh": "1", "version": "1.0", "tp-authenticationType": "Username"})
    response = editor_client.post(CREATE_URL, data)
    assert response.status_code == 200
    assert "username" in shown_fields(response.content.decode())
    assert not Resource.objects.exists()


def test_delete_asks_for_confirmation_and_keeps_history(
    editor_client: Client, saved_service: Any
) -> None:
    url = url_of(saved_service, "delete")
    assert "Delete “SparkProd”?" in editor_client.get(url).content.decode()
    assert Resource.objects.live().count() == 1
    assert editor_client.post(url, {"based_on": "1"}).status_code == 302
    assert not Resource.objects.live().exists()
    assert list(saved_service.revisions.values_list("number", "action")) == [
        (2, "delete"),
        (1, "create"),
    ]
    assert editor_client.get(url_of(saved_service)).status_code == 404


def test_list_shows_and_filters(
    editor_client: Client, editor: Any, spark_v2: dict[str, Any]
) -> None:
    from portal.definitions import save_definition

    save_definition(user=editor, name="Alpha", properties=spark_v2, action="create")
    v1 = {
        "type": "Spark",
        "typeProperties": {"host": "h", "port": 10000, "authenticationType": "Anonymous"},
    }
    save_definition(user=editor, name="Beta", properties=v1, action="create")
    html = editor_client.get("/factories/default/").content.decode()
    assert "Alpha" in html and "Beta" in html and "past end of support" in html and "eddie" in html
    only_v1 = editor_client.get("/factories/default/?version=1.0").content.decode()
    assert "Beta" in only_v1 and "Alpha" not in only_v1
    by_name = editor_client.get(
        "/factories/default/?q=alp", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="resources-table"
    ).content.decode()
    assert (
        by_name.startswith('<div id="resources-table">')
        and "Alpha" in by_name
        and "Beta" not in by_name
    )
    assert "Alpha" in editor_client.get("/factories/default/?connector=Spark").content.decode()


def test_sign_in_is_required(client: Client, db: Any) -> None:
    response = client.get("/factories/default/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_sign_in_page_works(client: Client, editor: Any) -> None:
    from tests.conftest import PASSWORD

    response = client.post("/accounts/login/", {"username": "eddie", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/factories/default/").status_code == 200
