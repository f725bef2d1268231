"""Pipelines in the portal: the activity list, the Spark activity editor, saving only the
edited activity's bytes, history and restore, the bulk page and ``check_queries``."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from connectors.json_spans import JsonText
from portal.imports import export_repository, import_repository
from portal.models import Factory, Resource
from tests.conftest import signed_in
from tests.connectors.repository_builders import as_zip

DATA = Path(__file__).parent / "connectors" / "data" / "pipelines"
PIPELINE_PATH = "pipeline/Spark to SQL.json"


def spark_linked_service(port: int = 10000, **extra: Any) -> dict[str, Any]:
    return {
        "name": "SparkLS",
        "type": "Microsoft.DataFactory/factories/linkedservices",
        "properties": {
            "annotations": [],
            "type": "Spark",
            "version": "2.0",
            "typeProperties": {
                "host": "127.0.0.1",
                "port": port,
                "authenticationType": "Anonymous",
                "thriftTransportProtocol": "HTTP",
                "httpPath": "cliservice",
                "enableSsl": False,
                **extra,
            },
        },
    }


def repository_files(linked_service: dict[str, Any] | None = None) -> dict[str, bytes]:
    files = {
        PIPELINE_PATH: (DATA / "Spark to SQL.json").read_bytes(),
        "dataset/SparkSales.json": (DATA / "SparkSales.json").read_bytes(),
        "dataset/SparkNoTable.json": (DATA / "SparkNoTable.json").read_bytes(),
        "dataset/SqlSales.json": (DATA / "SqlSales.json").read_bytes(),
    }
    service = linked_service or spark_linked_service()
    files["linkedService/SparkLS.json"] = json.dumps(service, indent="\t").encode()
    return files


@pytest.fixture
def contoso(db: Any, editor: Any) -> Factory:
    factory = Factory.default()
    result = import_repository(as_zip(repository_files()), user=editor, factory=factory)
    assert result.ok, [str(line) for line in result.report]
    return factory


def pipeline(factory: Factory) -> Resource:
    return Resource.objects.get(factory=factory, kind="pipeline", name="Spark to SQL")


def activity_url(factory: Factory, key: str) -> str:
    return reverse("resource-activity", args=[factory.name, "pipeline", "Spark to SQL", key])


COPY = "properties.activities.1"
LOOKUP = "properties.activities.0"


def test_a_pipeline_page_lists_its_activities_with_links(contoso: Factory, reader: Any) -> None:
    page = signed_in(reader).get(
        reverse("resource-detail", args=[contoso.name, "pipeline", "Spark to SQL"])
    )
    html = page.content.decode()
    assert page.status_code == 200
    for name in ("Lookup Day", "Copy Sales", "For Each Table", "Copy Table", "Wait a bit",
                 "If Any", "Lookup All", "Set Note"):  # fmt: skip
        assert f'data-activity="{name}"' in html
    assert reverse("resource-detail", args=[contoso.name, "dataset", "SqlSales"]) in html
    assert "Edit Copy from Spark" in html and "Edit Lookup on a Spark dataset" in html
    assert html.count("read-only") >= 4


def test_another_activity_is_shown_as_read_only_json(contoso: Factory, reader: Any) -> None:
    page = signed_in(reader).get(activity_url(contoso, "properties.activities.2"))
    assert page.status_code == 200
    assert 'id="activity_json"' in page.content.decode()
    assert "&quot;isSequential&quot;: true" in page.content.decode()


def test_the_copy_editor_shows_the_dataset_the_mode_and_the_query(
    contoso: Factory, editor: Any
) -> None:
    html = signed_in(editor).get(activity_url(contoso, COPY)).content.decode()
    assert '<option value="SparkSales" selected>' in html
    assert '<option value="SqlSales"' not in html  # not a Spark dataset
    assert '<option value="Query" selected>' in html
    assert "SELECT id, amount FROM sales</textarea>" in html


def test_saving_a_copy_query_changes_only_that_activity_in_the_file(
    contoso: Factory, editor: Any
) -> None:
    original = dict(export_repository(contoso))[PIPELINE_PATH]
    resource = pipeline(contoso)
    response = signed_in(editor).post(
        activity_url(contoso, COPY),
        {
            "tp-dataset": "SparkSales",
            "tp-useQuery": "Query",
            "tp-query": "SELECT id, amount * 2 AS amount FROM sales",
            "based_on": resource.revision,
            "save": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    exported = dict(export_repository(contoso))[PIPELINE_PATH]
    before, after = json.loads(original), json.loads(exported)
    copy_before = before["properties"]["activities"][1]
    copy_after = after["properties"]["activities"][1]
    assert copy_after["typeProperties"]["source"]["query"] == (
        "SELECT id, amount * 2 AS amount FROM sales"
    )
    copy_after["typeProperties"]["source"]["query"] = copy_before["typeProperties"]["source"][
        "query"
    ]
    assert after == before
    # Outside the edited activity, the bytes are the original's.
    text, out = original.decode(), exported.decode()
    start = text.index('\t\t\t{\n\t\t\t\t"name": "Copy Sales"')
    end = text.index('\t\t\t{\n\t\t\t\t"name": "For Each Table"')
    assert out.startswith(text[:start])
    assert out.endswith(text[end - 3 :])
    # Re-serialised in Studio's style: the whole file is what Studio writes.
    assert exported == json.dumps(after_with(before, copy_after), indent="\t").encode()


def save_query(client: Any, factory: Factory, query: str, based_on: int) -> Any:
    return client.post(
        activity_url(factory, COPY),
        {
            "tp-dataset": "SparkSales",
            "tp-useQuery": "Query",
            "tp-query": query,
            "based_on": based_on,
            "save": "1",
        },
    )


def test_a_stale_activity_form_does_not_overwrite_a_concurrent_edit(
    contoso: Factory, editor: Any
) -> None:
    client, based_on = signed_in(editor), pipeline(contoso).revision
    assert save_query(client, contoso, "SELECT 1 AS first", based_on).status_code == 302
    response = save_query(client, contoso, "SELECT 2 AS second", based_on)
    assert response.status_code == 409
    assert "someone saved in between" in response.content.decode()
    saved = pipeline(contoso)
    assert saved.revision == based_on + 1
    assert saved.properties["activities"][1]["typeProperties"]["source"]["query"] == (
        "SELECT 1 AS first"
    )


def test_a_nul_in_the_query_is_refused_and_nothing_is_saved(contoso: Factory, editor: Any) -> None:
    before = pipeline(contoso).revision
    response = save_query(signed_in(editor), contoso, "SELECT 1 AS x\x00", before)
    assert response.status_code == 400
    assert "U+0000" in response.content.decode()
    assert pipeline(contoso).revision == before


def test_saving_an_activity_keeps_a_secret_in_it_sealed_and_masked_in_the_file(
    db: Any, editor: Any
) -> None:
    factory = Factory.default()
    files = repository_files()
    document = json.loads(files[PIPELINE_PATH])
    sink = document["properties"]["activities"][1]["typeProperties"]["sink"]
    sink["password"] = {"type": "SecureString", "value": "clear-sink-secret"}
    files[PIPELINE_PATH] = json.dumps(document, indent="\t").encode()
    assert import_repository(as_zip(files), user=editor, factory=factory).ok
    resource = pipeline(factory)
    sealed = resource.properties["activities"][1]["typeProperties"]["sink"]["password"]
    assert set(sealed) == {"type", "secretId"}
    response = save_query(signed_in(editor), factory, "SELECT 3 AS x", resource.revision)
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = pipeline(factory)
    assert saved.properties["activities"][1]["typeProperties"]["sink"]["password"] == sealed
    exported = dict(export_repository(factory))[PIPELINE_PATH]
    assert b"clear-sink-secret" not in exported
    stored = saved.revisions.get(number=saved.revision).source_bytes
    assert b"clear-sink-secret" not in bytes(stored)
    written = json.loads(exported)["properties"]["activities"][1]["typeProperties"]
    assert written["sink"]["password"] == {"type": "SecureString", "value": "**********"}
    assert written["source"]["query"] == "SELECT 3 AS x"


def after_with(document: dict[str, Any], activity: dict[str, Any]) -> dict[str, Any]:
    document = json.loads(json.dumps(document))
    document["properties"]["activities"][1] = activity
    document["properties"]["activities"][1]["typeProperties"]["source"]["query"] = (
        "SELECT id, amount * 2 AS amount FROM sales"
    )
    return document


def test_query_mode_without_a_query_is_refused_at_the_query_field(
    contoso: Factory, editor: Any
) -> None:
    before = pipeline(contoso).revision
    response = signed_in(editor).post(
        activity_url(contoso, COPY),
        {"tp-dataset": "SparkSales", "tp-useQuery": "Query", "tp-query": "", "save": "1"},
    )
    assert response.status_code == 400
    assert 'id="error_query"' in response.content.decode()
    assert pipeline(contoso).revision == before


def test_table_mode_on_a_dataset_without_a_table_is_refused_at_the_field(
    contoso: Factory, editor: Any
) -> None:
    response = signed_in(editor).post(
        activity_url(contoso, COPY),
        {"tp-dataset": "SparkNoTable", "tp-useQuery": "Table", "save": "1"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error_useQuery"' in html and "names no table" in html


def test_several_statements_are_refused_at_the_query_field(contoso: Factory, editor: Any) -> None:
    response = signed_in(editor).post(
        activity_url(contoso, COPY),
        {
            "tp-dataset": "SparkSales",
            "tp-useQuery": "Query",
            "tp-query": "SELECT 1; DROP TABLE sales",
            "save": "1",
        },
    )
    assert response.status_code == 400
    assert "Only one statement" in response.content.decode()


def test_table_mode_removes_the_query_and_keeps_the_rest(contoso: Factory, editor: Any) -> None:
    response = signed_in(editor).post(
        activity_url(contoso, COPY),
        {"tp-dataset": "SparkSales", "tp-useQuery": "Table", "save": "1"},
    )
    assert response.status_code == 302
    copy = pipeline(contoso).properties["activities"][1]
    assert copy["typeProperties"]["source"] == {"type": "SparkSource"}
    assert copy["typeProperties"]["sink"]["tableOption"] == "autoCreate"


def test_a_lookup_keeps_firstrowonly_absent_unless_changed(contoso: Factory, editor: Any) -> None:
    client = signed_in(editor)
    query = "SELECT max(day) AS day FROM sales WHERE region = '@{pipeline().parameters.region}'"
    response = client.post(
        activity_url(contoso, LOOKUP),
        {"tp-dataset": "SparkSales", "tp-useQuery": "Query", "tp-query": query,
         "tp-firstRowOnly": "", "save": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    lookup = pipeline(contoso).properties["activities"][0]
    assert "firstRowOnly" not in lookup["typeProperties"]
    assert lookup["typeProperties"]["source"]["query"] == {"value": query, "type": "Expression"}
    response = client.post(
        activity_url(contoso, LOOKUP),
        {"tp-dataset": "SparkSales", "tp-useQuery": "Query", "tp-query": query,
         "tp-firstRowOnly": "false", "save": "1"},
    )  # fmt: skip
    assert pipeline(contoso).properties["activities"][0]["typeProperties"]["firstRowOnly"] is False


def test_an_undeclared_parameter_in_the_query_is_reported(contoso: Factory, editor: Any) -> None:
    response = signed_in(editor).post(
        activity_url(contoso, LOOKUP),
        {"tp-dataset": "SparkSales", "tp-useQuery": "Query",
         "tp-query": "SELECT 1 WHERE '@{pipeline().parameters.regoin}' <> ''", "save": "1"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "regoin" in response.content.decode()


def test_a_reader_cannot_check_or_save(contoso: Factory, reader: Any) -> None:
    client = signed_in(reader)
    for action in ("check", "preview", "save"):
        response = client.post(
            activity_url(contoso, COPY),
            {"tp-dataset": "SparkSales", "tp-useQuery": "Table", action: "1"},
        )
        assert response.status_code == 403


def test_restoring_the_imported_revision_gives_back_its_bytes(
    contoso: Factory, editor: Any
) -> None:
    from portal.definitions import restore_revision

    original = dict(export_repository(contoso))[PIPELINE_PATH]
    signed_in(editor).post(
        activity_url(contoso, COPY),
        {"tp-dataset": "SparkSales", "tp-useQuery": "Table", "save": "1"},
    )
    resource = pipeline(contoso)
    assert resource.revision == 2
    restore_revision(user=editor, instance=resource, number=1)
    assert dict(export_repository(contoso))[PIPELINE_PATH] == original


def test_the_file_download_is_the_exported_file(contoso: Factory, reader: Any) -> None:
    response = signed_in(reader).get(
        reverse("resource-export", args=[contoso.name, "pipeline", "Spark to SQL"])
    )
    assert response.content == (DATA / "Spark to SQL.json").read_bytes()


def test_duplicate_names_and_missing_datasets_are_shown_on_the_pipeline_page(
    db: Any, editor: Any
) -> None:
    files = repository_files()
    document = json.loads(files[PIPELINE_PATH])
    document["properties"]["activities"][3]["name"] = "Copy Sales"
    document["properties"]["activities"][1]["inputs"][0]["referenceName"] = "Gone"
    files[PIPELINE_PATH] = json.dumps(document, indent="\t").encode()
    factory = Factory.default()
    assert import_repository(as_zip(files), user=editor, factory=factory).ok
    html = (
        signed_in(editor)
        .get(reverse("resource-detail", args=[factory.name, "pipeline", "Spark to SQL"]))
        .content.decode()
    )
    assert "used twice" in html
    assert "names dataset &#x27;Gone&#x27;, which is not in this factory" in html


def test_the_bulk_page_lists_every_spark_activity(contoso: Factory, reader: Any) -> None:
    html = signed_in(reader).get(reverse("factory-queries", args=[contoso.name])).content.decode()
    for name in ("Lookup Day", "Copy Sales", "Copy Table", "Lookup All"):
        assert f">{name}</a>" in html
    assert "Wait a bit" not in html


def test_check_queries_fails_with_a_non_zero_status_when_the_server_is_unreachable(
    contoso: Factory, settings: Any, capsys: Any
) -> None:
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = False
    with pytest.raises(CommandError) as failed:
        call_command("check_queries", "--json")
    assert failed.value.returncode == 1
    document = json.loads(capsys.readouterr().out)
    assert document["checked"] == 4 and document["failing"] == 4


def api_url(name: str, *parts: str) -> str:
    tail = "/".join(("activities", *parts))
    return f"/api/v1/factories/default/pipeline/{name}/{tail}"


def test_the_api_lists_activities_with_their_parts_and_values(
    contoso: Factory, reader: Any
) -> None:
    from tests.conftest import api_for

    body = api_for(reader).get(api_url("Spark to SQL")).json()
    by_name = {a["name"]: a for a in body["activities"]}
    assert by_name["Copy Sales"]["part"] == "copy-source"
    assert by_name["Copy Sales"]["values"] == {
        "dataset": "SparkSales",
        "query": "SELECT id, amount FROM sales",
        "useQuery": "Query",
    }
    assert by_name["Copy Table"]["parent"] == "For Each Table › activities"
    assert by_name["Wait a bit"]["editable"] is False
    assert body["problems"] == []


def test_the_api_replaces_a_part_and_only_that_activity_changes(
    contoso: Factory, editor: Any
) -> None:
    from tests.conftest import api_for

    client = api_for(editor)
    original = dict(export_repository(contoso))[PIPELINE_PATH]
    url = api_url("Spark to SQL", LOOKUP)
    refused = client.put(url, {"values": {"firstRowOnly": False}}, format="json")
    assert refused.status_code == 428  # If-Match required
    response = client.put(
        url, {"values": {"firstRowOnly": False}}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200, response.content
    exported = dict(export_repository(contoso))[PIPELINE_PATH]
    after = json.loads(exported)
    assert after["properties"]["activities"][0]["typeProperties"]["firstRowOnly"] is False
    del after["properties"]["activities"][0]["typeProperties"]["firstRowOnly"]
    assert after == json.loads(original)
    bad = client.put(
        url,
        {"values": {"useQuery": "Query", "query": "DELETE FROM sales"}},
        format="json",
        HTTP_IF_MATCH='"2"',
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["path"] == "$.query"


def test_the_api_refuses_to_edit_a_read_only_activity(contoso: Factory, editor: Any) -> None:
    from tests.conftest import api_for

    response = api_for(editor).put(
        api_url("Spark to SQL", "properties.activities.2"),
        {"values": {}},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 400
    assert "read-only" in response.json()["errors"][0]["message"]


def test_the_api_lists_the_factory_queries(contoso: Factory, reader: Any) -> None:
    from tests.conftest import api_for

    body = api_for(reader).get("/api/v1/factories/default/queries").json()
    assert [a["activity"] for a in body["activities"]] == [
        "Lookup Day", "Copy Sales", "Copy Table", "Lookup All",
    ]  # fmt: skip
    assert body["activities"][1]["linkedService"] == "SparkLS"


def test_check_all_keeps_to_the_connection_tests_rate_limit(
    contoso: Factory, editor: Any, settings: Any
) -> None:
    settings.CONNECTION_TEST_RATE_PER_MINUTE = 2
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = False  # nothing is reached: refused by policy
    html = (
        signed_in(editor)
        .post(reverse("factory-queries", args=[contoso.name]), {"check_all": "1"})
        .content.decode()
    )
    assert "4 of 4 queries fail." in html
    assert html.count("You made 2 calls to servers") == 1  # Copy Table: no item()


def test_the_query_rate_limit_counts_checks_made_by_every_process(
    contoso: Factory, editor: Any, settings: Any
) -> None:
    """The calls of the last minute are read from the live-call records, so calls another
    portal process made count too (here: written straight to the table, as it would)."""
    from datetime import timedelta

    from django.utils import timezone

    from portal.models import AuditEvent, LiveCall

    settings.CONNECTION_TEST_RATE_PER_MINUTE = 2
    settings.CONNECTION_TEST_ALLOW_LOOPBACK = False
    for seconds_ago in (50, 20):
        call = LiveCall.objects.create(
            user=editor, operation=LiveCall.Operation.QUERY_CHECK, factory=contoso,
            linked_service="SparkLS", verdict=LiveCall.Verdict.PASSED,
        )  # fmt: skip
        LiveCall.objects.filter(pk=call.pk).update(
            started_at=timezone.now() - timedelta(seconds=seconds_ago)
        )
    html = (
        signed_in(editor)
        .post(reverse("factory-queries", args=[contoso.name]), {"check_all": "1"})
        .content.decode()
    )
    # The older of the two leaves the window in about 10 s: that is the wait said.
    found = re.search(r"You made 2 calls to servers .*?; wait (\d+) s", html)
    assert found is not None and 8 <= int(found.group(1)) <= 12
    assert AuditEvent.objects.filter(action=AuditEvent.Action.QUERY_CHECK).count() == 0
    # A minute on, the checks run (and are audited) again.
    LiveCall.objects.update(started_at=timezone.now() - timedelta(minutes=2))
    html = (
        signed_in(editor)
        .post(reverse("factory-queries", args=[contoso.name]), {"check_all": "1"})
        .content.decode()
    )
    assert AuditEvent.objects.filter(action=AuditEvent.Action.QUERY_CHECK).count() == 2


def test_saving_one_activity_parses_no_more_of_the_pipeline_than_that_activity(
    contoso: Factory, editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = pipeline(contoso)
    expected = before.properties
    expected["activities"][1]["typeProperties"]["source"]["query"] = "SELECT 7 AS x"

    def parsed_whole(self: Any) -> Any:
        raise AssertionError("the whole stored definition was parsed")

    with monkeypatch.context() as patched:
        patched.setattr(JsonText, "whole", parsed_whole)
        patched.setattr(
            Resource,
            "properties",
            property(
                lambda r: parsed_whole(r) if r.kind == "pipeline" else json.loads(r.definition)
            ),
        )
        response = save_query(signed_in(editor), contoso, "SELECT 7 AS x", before.revision)
        assert response.status_code == 302, response.content.decode()[:3000]
    saved = pipeline(contoso)
    assert saved.revision == before.revision + 1
    assert saved.properties == expected
    columns = ("name", "name_key", "connector", "connector_version", "description", "annotations")
    assert [getattr(saved, c) for c in columns] == [getattr(before, c) for c in columns]


def test_an_expression_query_is_checked_against_the_pipelines_parameters_and_variables(
    contoso: Factory, editor: Any
) -> None:
    client, before = signed_in(editor), pipeline(contoso).revision
    declared = "@concat('SELECT ', pipeline().parameters.region, variables('note'))"
    response = save_query(client, contoso, declared, before)
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = pipeline(contoso)
    query = saved.properties["activities"][1]["typeProperties"]["source"]["query"]
    assert query == {"value": declared, "type": "Expression"}  # as Studio writes it
    for undeclared, what in (
        ("@concat('SELECT ', pipeline().parameters.country)", "pipeline parameter 'country'"),
        ("@concat('SELECT ', variables('other'))", "variable 'other'"),
    ):
        response = save_query(client, contoso, undeclared, saved.revision)
        assert response.status_code == 400
        page = unescape(response.content.decode())
        assert f"refers to the {what}, which the pipeline does not declare" in page
    assert pipeline(contoso).revision == saved.revision


def test_an_activity_without_a_secret_is_saved_without_masking_the_whole_file_again(
    db: Any, editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stored file holds no secret in clear (it was masked when written) and the edited
    activity holds no secure string: the new file holds none either, and is not read whole
    for one; the other activity's secret stays masked in it."""
    import connectors.adf_repository

    factory = Factory.default()
    files = repository_files()
    document = json.loads(files[PIPELINE_PATH])
    lookup = document["properties"]["activities"][0]["typeProperties"]
    lookup["password"] = {"type": "SecureString", "value": "clear-lookup-secret"}
    files[PIPELINE_PATH] = json.dumps(document, indent="\t").encode()
    assert import_repository(as_zip(files), user=editor, factory=factory).ok
    resource = pipeline(factory)

    def read_whole(raw: bytes) -> bytes:
        raise AssertionError("the whole file was read again for secrets")

    with monkeypatch.context() as patched:
        patched.setattr(connectors.adf_repository, "without_clear_secrets", read_whole)
        response = save_query(signed_in(editor), factory, "SELECT 4 AS x", resource.revision)
        assert response.status_code == 302, response.content.decode()[:3000]
    saved = pipeline(factory)
    stored = bytes(saved.revisions.get(number=saved.revision).source_bytes)
    assert b"clear-lookup-secret" not in stored
    written = json.loads(stored)["properties"]["activities"]
    assert written[0]["typeProperties"]["password"]["value"] == "**********"
    assert written[1]["typeProperties"]["source"]["query"] == "SELECT 4 AS x"
    assert dict(export_repository(factory))[PIPELINE_PATH] == stored
