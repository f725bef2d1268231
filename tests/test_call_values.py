"""Values for this call wherever a call is made (issue 19, point 4), against real Spark Thrift
Servers in a factory created with the CLI: a dataset on a linked service whose password ADF
holds encrypted (``encryptedCredential``) browsed, its schema imported and previewed with a
one-off password through the page, the API and the CLI; a dataset on a linked service whose
host and port are parameters, with parameter values; a Copy query checked with a pipeline
parameter's value and a one-off password; the designer's live plan; "keep these values for
this browser session" (kept, used, never shown back, gone after sign-out). No value typed
for a call is ever stored, shown, logged or audited."""

from __future__ import annotations

import io
import json
import logging
from typing import Any
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import CommandError, call_command

from portal.definitions import save_definition
from portal.models import AuditEvent, Factory, LiveCall, Resource
from tests.conftest import api_for, signed_in
from tests.spark_catalog import ensure_catalog
from tests.spark_server import CUSTOM_PASSWORD, CUSTOM_USER, ServerPool

pytestmark = pytest.mark.django_db(transaction=True)
SASL = "binary-sasl-custom"
ANONYMOUS = "binary-nosasl"
FACTORY = "rw1"
CREDENTIAL = "ew0KICAiVmVyc2lvbiI6ICIyMDE3LTExLTMwIiwNCiAgIlByb3RlY3Rpb25Nb2RlIjogIktleSJ9"
QUERY = "SELECT c_int FROM sales.all_types WHERE c_string = '@{pipeline().parameters.word}'"


@pytest.fixture(autouse=True)
def _loopback_allowed(settings: Any) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = True
    settings.CONNECTION_TEST_DEADLINE = 60.0
    settings.CONNECTION_TEST_CONNECT_TIMEOUT = 5.0


def make_rw1(user: Any) -> Factory:
    """A factory made as a user makes one: with the CLI, its creator its Admin."""
    call_command("factory", "create", FACTORY, "--user", user.username, stdout=io.StringIO())
    return Factory.objects.get(name=FACTORY)


@pytest.fixture
def rw1(editor: Any) -> Factory:
    return make_rw1(editor)


def save_in(factory: Factory, user: Any, kind: str, name: str, properties: Any) -> Resource:
    return save_definition(
        user=user, name=name, properties=properties, action="import", kind=kind, factory=factory
    ).resource


def encrypted(port: int) -> dict[str, Any]:
    """A 1.0 definition as ADF Studio writes it with encryptedCredential (no password)."""
    return {
        "annotations": [],
        "type": "Spark",
        "typeProperties": {
            "host": "127.0.0.1",
            "port": port,
            "serverType": "SparkThriftServer",
            "thriftTransportProtocol": "SASL",
            "authenticationType": "UsernameAndPassword",
            "username": CUSTOM_USER,
            "encryptedCredential": CREDENTIAL,
        },
    }


def parameterised() -> dict[str, Any]:
    """Host and port as linked-service parameters; the host has no default."""
    return {
        "type": "Spark",
        "parameters": {"host": {"type": "String"}, "port": {"type": "Int", "defaultValue": 1}},
        "typeProperties": {
            "host": "@{linkedService().host}",
            "port": "@linkedService().port",
            "serverType": "SparkThriftServer",
            "thriftTransportProtocol": "Binary",
            "authenticationType": "Anonymous",
        },
    }


def spark_dataset(service: str, table: str = "all_types") -> dict[str, Any]:
    return {
        "type": "SparkObject",
        "typeProperties": {"schema": "sales", "table": table},
        "schema": [],
        "linkedServiceName": {"referenceName": service, "type": "LinkedServiceReference"},
    }


def copy_pipeline(dataset: str) -> dict[str, Any]:
    return {
        "parameters": {"word": {"type": "String"}},
        "activities": [
            {
                "name": "CopyTypes",
                "type": "Copy",
                "inputs": [{"referenceName": dataset, "type": "DatasetReference"}],
                "outputs": [{"referenceName": "SqlOut", "type": "DatasetReference"}],
                "typeProperties": {
                    "source": {
                        "type": "SparkSource",
                        "query": {"value": QUERY, "type": "Expression"},
                    },
                    "sink": {"type": "AzureSqlSink"},
                },
            }
        ],
    }


def seed_encrypted(spark_pool: ServerPool, user: Any, factory: Factory) -> Resource:
    """``factory`` holds Encrypted (encryptedCredential, on the SASL server), the dataset
    Types on it and the pipeline Copies whose Copy reads Types with a query."""
    server = spark_pool.get(SASL)
    ensure_catalog(server)
    service = save_in(factory, user, "linkedService", "Encrypted", encrypted(server.port))
    save_in(factory, user, "dataset", "Types", spark_dataset("Encrypted"))
    sql = {"type": "AzureSqlTable", "typeProperties": {"table": "out"}}
    save_in(factory, user, "dataset", "SqlOut", sql)
    save_in(factory, user, "pipeline", "Copies", copy_pipeline("Types"))
    return service


@pytest.fixture
def sasl(spark_pool: ServerPool, editor: Any, rw1: Factory) -> Resource:
    return seed_encrypted(spark_pool, editor, rw1)


def page(what: str, name: str = "Types") -> str:
    return f"/factories/{FACTORY}/dataset/{name}/{what}/"


def api(what: str, name: str = "Types") -> str:
    return f"/api/v1/factories/{FACTORY}/dataset/{name}/{what}"


def panel_fields(service: Resource, **typed: str) -> dict[str, str]:
    """The form fields of the service's "Values for this call" panel, as the page posts them."""
    prefix = f"cv{service.pk}-"
    return {prefix + "panel": "1", **{prefix + key: value for key, value in typed.items()}}


def nothing_kept_anywhere(secret: str, *responses: Any) -> None:
    """The secret is in no response, no row of any table (audit, calls, sessions: kept ones
    are encrypted), no log line."""
    for response in responses:
        assert secret.encode() not in response.content
    for model in apps.get_models():
        rows = serializers.serialize("json", model.objects.all())
        assert secret not in rows, model.__name__


def test_the_pages_ask_for_the_values_of_the_chosen_linked_service(
    editor: Any, rw1: Factory
) -> None:
    service = save_in(rw1, editor, "linkedService", "Encrypted", encrypted(1))
    plain = encrypted(1)
    del plain["typeProperties"]["encryptedCredential"]
    plain["typeProperties"]["password"] = {"type": "SecureString", "value": "stored-one"}
    save_in(rw1, editor, "linkedService", "Plain", plain)
    save_in(rw1, editor, "dataset", "Types", spark_dataset("Encrypted"))
    client = signed_in(editor)
    form = client.get(page("edit")).content.decode()
    prefix = f"cv{service.pk}-"
    assert f'name="{prefix}test_password"' in form
    assert "Password for this call" in form and "held encrypted by Data Factory" in form
    assert f'name="{prefix}keep"' in form and "Keep these values for this browser session" in form
    # Choosing another linked service brings its panel (none: it asks for nothing).
    query = urlencode({"panel": "call_values", "linkedService": "Plain"})
    other = client.get(f"{page('edit')}?{query}", HTTP_HX_REQUEST="true")
    assert other.status_code == 200 and "Values for this call" not in other.content.decode()
    query = urlencode({"panel": "call_values", "linkedService": "Encrypted"})
    back = client.get(f"/factories/{FACTORY}/new/dataset/SparkObject/?{query}")
    assert f'name="{prefix}test_password"' in back.content.decode()


def test_a_reader_sees_no_panel(editor: Any, reader: Any, rw1: Factory) -> None:
    from portal.roles import Role, grant

    save_in(rw1, editor, "linkedService", "Encrypted", encrypted(1))
    save_in(rw1, editor, "dataset", "Types", spark_dataset("Encrypted"))
    save_in(rw1, editor, "pipeline", "Copies", copy_pipeline("Types"))
    grant(reader, rw1, Role.READER)
    client = signed_in(reader)
    activity = f"/factories/{FACTORY}/pipeline/Copies/activities/properties.activities.0/"
    assert "Values for this call" not in client.get(activity).content.decode()
    query = urlencode({"panel": "call_values", "linkedService": "Encrypted"})
    assert client.get(f"{page('edit')}?{query}").status_code == 403


@pytest.mark.spark(SASL)
def test_an_encrypted_credential_dataset_is_browsed_imported_and_previewed_from_the_page(
    sasl: Resource, editor: Any, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    client = signed_in(editor)
    table = {"linkedService": "Encrypted", "tp-schema": "sales", "tp-table": "all_types"}
    without = client.post(page("tables"), {**table, **panel_fields(sasl)})
    assert "held encrypted by Data Factory (encryptedCredential)" in without.content.decode()
    typed = {**table, **panel_fields(sasl, test_password=CUSTOM_PASSWORD)}
    tables = client.post(page("tables"), typed)
    assert "all_types" in tables.content.decode() and "v_types" in tables.content.decode()
    columns = client.post(page("columns"), typed)
    assert columns.status_code == 200
    assert "TimestampType" in columns.content.decode()
    preview = client.post(page("preview"), typed)
    assert "héllo" in preview.content.decode()
    # A new dataset's form calls the same way.
    new = client.post(f"/factories/{FACTORY}/new/dataset/SparkObject/columns/", typed)
    assert "c_ts" in new.content.decode()
    calls = LiveCall.objects.filter(factory__name=FACTORY).values_list("operation", "verdict")
    assert (LiveCall.Operation.PREVIEW, LiveCall.Verdict.PASSED) in set(calls)
    nothing_kept_anywhere(CUSTOM_PASSWORD, without, tables, columns, preview, new)
    assert CUSTOM_PASSWORD not in caplog.text
    assert not client.session.keys() & {f"call-values-{sasl.pk}"}


@pytest.mark.spark(SASL)
def test_the_api_takes_a_one_off_password_for_tables_columns_and_preview(
    sasl: Resource, editor: Any
) -> None:
    client = api_for(editor)
    without = client.post(api("tables"), {"schema": "sales"}, format="json")
    assert without.status_code == 200 and without.json()["ok"] is False
    assert "held encrypted" in json.dumps(without.json())
    body = {"testPassword": CUSTOM_PASSWORD}
    tables = client.post(api("tables"), {"schema": "sales", **body}, format="json")
    assert "all_types" in [t["name"] for t in tables.json()["result"]["tables"]]
    columns = client.post(api("columns"), body, format="json").json()
    assert any(c["name"] == "c_ts" for c in columns["result"]["columns"])
    preview = client.post(api("preview"), {"rows": 1, **body}, format="json")
    assert preview.status_code == 200 and preview.json()["ok"], preview.json()
    assert preview.json()["result"]["rows"][0][list_index(preview.json(), "c_string")] == "héllo"
    as_secret = client.post(api("columns"), {"testSecrets": {"password": CUSTOM_PASSWORD}},
                            format="json")  # fmt: skip
    assert as_secret.json()["ok"], as_secret.json()
    wrong = client.post(api("preview"), {"testPassword": 5}, format="json")
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["path"] == "$.testPassword"
    unknown = client.post(api("preview"), {"testParameters": {"nope": "1"}}, format="json")
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["path"] == "$.testParameters.nope"
    nothing_kept_anywhere(CUSTOM_PASSWORD, tables, preview, as_secret)


def list_index(report: dict[str, Any], column: str) -> int:
    return [c["name"] for c in report["result"]["columns"]].index(column)


@pytest.mark.spark(SASL)
def test_preview_dataset_asks_for_the_password_without_echo(
    sasl: Resource, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def getpass(prompt: str) -> str:
        asked.append(prompt)
        return CUSTOM_PASSWORD

    monkeypatch.setattr("getpass.getpass", getpass)
    out = io.StringIO()
    call_command("preview_dataset", "Types", "--factory", FACTORY, "--password", "--rows", "1",
                 stdout=out)  # fmt: skip
    assert asked == ["password for this call (not echoed, never stored): "]
    assert "héllo" in out.getvalue() and CUSTOM_PASSWORD not in out.getvalue()
    out = io.StringIO()
    call_command("preview_dataset", "Types", "--factory", FACTORY, "--json",
                 "--secret", f"typeProperties.password={CUSTOM_PASSWORD}", stdout=out)  # fmt: skip
    assert json.loads(out.getvalue())["ok"] is True
    out = io.StringIO()
    with pytest.raises(SystemExit) as failed:
        call_command("preview_dataset", "Types", "--factory", FACTORY, stdout=out)
    assert failed.value.code == 1 and "held encrypted by Data Factory" in out.getvalue()
    with pytest.raises(CommandError, match=r"\$\.testParameters\.nope"):
        call_command("preview_dataset", "Types", "--factory", FACTORY, "--param", "nope=1")
    nothing_kept_anywhere(CUSTOM_PASSWORD)


@pytest.mark.spark(ANONYMOUS)
def test_a_dataset_on_a_parameterised_linked_service_is_read_with_parameter_values(
    spark_pool: ServerPool, editor: Any, rw1: Factory
) -> None:
    server = spark_pool.get(ANONYMOUS)
    ensure_catalog(server)
    service = save_in(rw1, editor, "linkedService", "ByParameters", parameterised())
    save_in(rw1, editor, "dataset", "Odd", spark_dataset("ByParameters", "odd_names"))
    client = signed_in(editor)
    form = client.get(page("edit", "Odd")).content.decode()
    prefix = f"cv{service.pk}-"
    assert f'name="{prefix}test_param__host" value=""' in form
    assert f'name="{prefix}test_param__port" value="1"' in form  # its default, prefilled
    # The host has no value: nothing is sent, the field is named.
    refused = client.post(page("columns", "Odd"), panel_fields(service))
    assert refused.status_code == 400 and "linkedService().host" in refused.content.decode()
    values = panel_fields(service, test_param__host="127.0.0.1", test_param__port=str(server.port))
    columns = client.post(page("columns", "Odd"), values).content.decode()
    assert "we`ird" in columns or "we``ird" in columns, columns[:3000]
    preview = client.post(page("preview", "Odd"), values).content.decode()
    assert 'id="preview_rows"' in preview

    body = {"testParameters": {"host": "127.0.0.1", "port": server.port}}
    answer = api_for(editor).post(api("columns", "Odd"), body, format="json").json()
    assert answer["ok"], answer
    used = {(v["kind"], v["name"]): v["value"] for v in answer["values"]}
    assert used[("field", "host")] == "127.0.0.1" and used[("parameter", "port")] == server.port
    bad = api_for(editor).post(api("columns", "Odd"), {"testParameters": {"port": "x"}},
                               format="json")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["errors"][0]["path"] == "$.testParameters.port"

    out = io.StringIO()
    call_command("preview_dataset", "Odd", "--factory", FACTORY, "--param", "host=127.0.0.1",
                 "--param", f"port={server.port}", stdout=out)  # fmt: skip
    assert "Preview of Odd: sales.odd_names" in out.getvalue()


def activity_url() -> str:
    return f"/factories/{FACTORY}/pipeline/Copies/activities/properties.activities.0/"


@pytest.mark.spark(SASL)
def test_a_copy_query_is_checked_with_a_pipeline_parameter_and_a_one_off_password(
    sasl: Resource, editor: Any, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    client = signed_in(editor)
    shown = client.get(activity_url()).content.decode()
    assert f'name="cv{sasl.pk}-test_password"' in shown and 'name="tv-pipeline-word"' in shown
    form = {"tp-dataset": "Types", "tp-useQuery": "Query", "tp-query": QUERY,
            "tv-pipeline-word": "héllo", "check": "1"}  # fmt: skip
    without = client.post(activity_url(), {**form, **panel_fields(sasl)}).content.decode()
    assert 'class="query-result failed"' in without and "held encrypted" in without
    checked = client.post(
        activity_url(), {**form, **panel_fields(sasl, test_password=CUSTOM_PASSWORD)}
    )
    html = checked.content.decode()
    assert 'class="query-result ok"' in html, html[html.find("query_result") :][:2000]
    assert "c_string = &#x27;héllo&#x27;" in html

    body = {"testValues": {"pipeline": {"word": "héllo"}}, "testPassword": CUSTOM_PASSWORD}
    path = f"/api/v1/factories/{FACTORY}/pipeline/Copies/activities/properties.activities.0"
    answer = api_for(editor).post(f"{path}/check", body, format="json")
    assert answer.status_code == 200 and answer.json()["ok"], answer.json()
    preview = api_for(editor).post(f"{path}/preview", body, format="json")
    assert preview.json()["ok"], preview.json()
    unknown = api_for(editor).post(
        f"{path}/check", {**body, "testSecrets": {"nope": "x"}}, format="json"
    )
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["path"] == "$.testSecrets.nope"

    out = io.StringIO()
    call_command("check_queries", "--factory", FACTORY, "--param", "word=héllo",
                 f"--password={CUSTOM_PASSWORD}", stdout=out)  # fmt: skip
    assert "1 of 1 queries check." in out.getvalue()
    with pytest.raises(CommandError):
        call_command("check_queries", "--factory", FACTORY, f"--password={CUSTOM_PASSWORD}",
                     stdout=(missing := io.StringIO()))  # fmt: skip
    assert "No value was given for pipeline().parameters.word" in missing.getvalue()
    nothing_kept_anywhere(CUSTOM_PASSWORD, checked, answer, preview)
    assert CUSTOM_PASSWORD not in caplog.text


@pytest.mark.spark(SASL)
def test_the_designer_reads_the_spark_columns_with_the_values_for_that_call(
    sasl: Resource, editor: Any, rw1: Factory
) -> None:
    pool = {
        "type": "AzureSqlDW",
        "typeProperties": {
            "server": "contoso-dw.database.windows.net",
            "database": "salesdw",
            "authenticationType": "SystemAssignedManagedIdentity",
        },
    }
    save_in(rw1, editor, "linkedService", "Pool", pool)
    client = signed_in(editor)
    form = {"pool": "Pool", "table": "salesdw.dbo.Sales", "direction": "write",
            "route": "copy", "spark": "Encrypted", "source": "Types"}  # fmt: skip
    designer = f"/factories/{FACTORY}/transfer/"
    planned = client.get(f"{designer}?{urlencode(form)}").content.decode()
    assert f'name="cv{sasl.pk}-test_password"' in planned  # the source dataset's service
    fragment = client.get(f"{designer}?{urlencode({**form, 'panel': 'call_values'})}")
    assert f'name="cv{sasl.pk}-test_password"' in fragment.content.decode()
    read = client.post(designer, {**form, **panel_fields(sasl, test_password=CUSTOM_PASSWORD)})
    html = read.content.decode()
    assert "Spark columns: <strong>live server</strong>" in html, html[:200]
    assert "c_ts" in html
    nothing_kept_anywhere(CUSTOM_PASSWORD, read)


@pytest.mark.spark(SASL)
def test_values_kept_for_the_session_are_used_never_shown_and_gone_after_sign_out(
    sasl: Resource, editor: Any
) -> None:
    client = signed_in(editor)
    table = {"linkedService": "Encrypted", "tp-schema": "sales", "tp-table": "all_types"}
    kept = client.post(
        page("columns"), {**table, **panel_fields(sasl, test_password=CUSTOM_PASSWORD, keep="1")}
    )
    assert "c_ts" in kept.content.decode()
    # Used: the next call types nothing, the box still ticked.
    again = client.post(page("preview"), {**table, **panel_fields(sasl, keep="1")})
    assert "héllo" in again.content.decode()
    # And by a request that carries no panel for it (as the designer's Save).
    check = {"tp-dataset": "Types", "tp-useQuery": "Query", "tp-query": QUERY,
             "tv-pipeline-word": "héllo", "check": "1"}  # fmt: skip
    on_activity = client.post(activity_url(), check)
    assert 'class="query-result ok"' in on_activity.content.decode()
    # Never shown back: the field is empty, a note says one is kept, the box is ticked.
    form = client.get(page("edit")).content.decode()
    prefix = f"cv{sasl.pk}-"
    assert f'id="id_{prefix}test_password_kept"' in form
    assert f'name="{prefix}keep" value="1" id="id_{prefix}keep" checked' in form
    nothing_kept_anywhere(CUSTOM_PASSWORD, kept, again, on_activity, client.get(page("edit")))
    # Signed out, the session and what it kept are gone.
    client.post("/accounts/logout/")
    client.force_login(editor)
    gone = client.post(page("columns"), {**table, **panel_fields(sasl, keep="1")})
    assert "held encrypted by Data Factory" in gone.content.decode()
    # Unticked, kept values are forgotten.
    client.post(
        page("columns"), {**table, **panel_fields(sasl, test_password=CUSTOM_PASSWORD, keep="1")}
    )
    forgot = client.post(page("columns"), {**table, **panel_fields(sasl)})
    assert "held encrypted by Data Factory" in forgot.content.decode()
    assert f"call-values-{sasl.pk}" not in client.session
    audited = " ".join(AuditEvent.objects.values_list("detail", flat=True))
    assert "columns of table sales.all_types" in audited and CUSTOM_PASSWORD not in audited


def test_a_test_value_follows_its_parameters_default_until_the_user_types_another() -> None:
    from connectors.registry import get_connector
    from portal.test_value_fields import test_value_fields

    version = get_connector("Spark").version("1.0")
    properties = parameterised()

    def port_field(**posted: str) -> dict[str, Any]:
        fields = test_value_fields(version, properties, posted)
        return next(f for f in fields if f["asked"].name == "port")

    first = port_field()
    assert (first["value"], first["prefilled"]) == ("1", "1")
    assert first["prefilled_key"] == "test_prefilled__port"
    properties["parameters"]["port"]["defaultValue"] = 2
    # The field still held what was prefilled: it follows the new default.
    assert port_field(test_param__port="1", test_prefilled__port="1")["value"] == "2"
    # A value of the user's own (or an emptied field) stays.
    assert port_field(test_param__port="7", test_prefilled__port="1")["value"] == "7"
    assert port_field(test_param__port="", test_prefilled__port="1")["value"] == ""
    assert port_field(test_param__port="7")["value"] == "7"


def test_the_linked_service_form_redraws_only_the_values_for_the_test(editor: Any) -> None:
    client = signed_in(editor)
    form = {"name": "Drawn", "version": "1.0", "tp-host": "@{linkedService().server}",
            "param-0-name": "server", "param-0-type": "String",
            "param-0-default": "127.0.0.1"}  # fmt: skip
    block = client.post(
        "/factories/default/new/linkedService/Spark/",
        form,
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="test_values_block",
    ).content.decode()
    assert block.startswith('<div id="test_values_block">') and 'id="form_fields"' not in block
    assert 'name="test_param__server" value="127.0.0.1"' in block
    assert 'name="test_prefilled__server" value="127.0.0.1"' in block
    none = client.post(
        "/factories/default/new/linkedService/Spark/",
        {**form, "tp-host": "127.0.0.1"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="test_values_block",
    ).content.decode()
    assert "".join(none.split()) == '<divid="test_values_block"></div>'  # no empty fieldset
    assert not Resource.objects.filter(name="Drawn").exists()
