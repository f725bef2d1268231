"""An edit changes only what was edited (issue 20, point 7): a one-field edit on the form of
every connector version, dataset type and activity part that has one, made to files in the
shapes real repositories hold, exports as the imported file with one hunk changed."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import pytest

from connectors.activity_parts import part_for, values_of
from connectors.adf_repository import masked_document, unedited_bytes
from connectors.formdata import form_from_properties
from connectors.json_patch import patched
from connectors.pipeline_activities import activities
from connectors.registry import DATASET, connectors, dataset_type, get_connector
from portal import dataset_form
from portal.imports import export_entry, import_repository
from portal.models import Factory, Resource
from portal.pipelines import Datasets
from portal.roles import Role, grant
from tests.conftest import signed_in
from tests.connectors.repository_builders import as_zip
from tests.helpers import url_of
from tests.test_azuresqldw_round_trip import (
    LEGACY_SHAPE,
    LEGACY_TABLE,
    RECOMMENDED_SHAPE,
    SERVICE_PRINCIPAL,
    TABLE,
)
from tests.test_import_export import real_values
from tests.test_pipeline_activities_portal import repository_files

pytestmark = pytest.mark.django_db
TESTS = Path(__file__).parent
EXAMPLES = TESTS / "connectors" / "data" / "adf-examples"


def corpus_linked_services() -> dict[str, bytes]:
    """Every linked-service file of a connector with a form that the tests hold (as real
    repositories write them), by a name for the test's id."""
    files = {
        path.name: path.read_bytes()
        for path in sorted(
            [
                *TESTS.glob("connectors/azureblob*/data/*.json"),
                *TESTS.glob("connectors/hive/data/*.json"),
                *TESTS.glob("connectors/impala/data/*.json"),
                *TESTS.glob("connectors/data/environments/linkedService/*.json"),
            ]
        )
    }
    for path in sorted(EXAMPLES.glob("*spark*.json")):  # the others hold placeholders
        files[path.name] = real_values(path.read_text("utf-8")).encode()
    files["SqlPoolLegacy"] = LEGACY_SHAPE.encode()
    files["SqlPool (the issue's AzureSqlDW)"] = RECOMMENDED_SHAPE.encode()
    files["SqlPoolSp"] = SERVICE_PRINCIPAL.replace(
        '"value": "**********"', '"value": "k3y-for-the-test"'
    ).encode()
    return {
        name: raw
        for name, raw in files.items()
        if json.loads(raw)["properties"]["type"] in {c.type for c in connectors()}
    }


def one_hunk(before: bytes, after: bytes) -> list[str]:
    """The changed lines when ``after`` differs from ``before`` in one hunk (else fails)."""
    lines = list(
        difflib.unified_diff(
            before.decode("utf-8-sig").splitlines(),
            after.decode("utf-8-sig").splitlines(),
            lineterm="",
            n=0,
        )
    )
    hunks = [line for line in lines if line.startswith("@@")]
    assert len(hunks) == 1, "\n".join(lines)
    return [line for line in lines[3:] if line[:1] in "+-"]


def imported(name: str, raw: bytes, editor: Any, kind: str = "linkedService") -> Resource:
    factory = Factory.objects.create(name="contoso")
    grant(editor, factory, Role.EDITOR)
    resource_name = json.loads(raw)["name"]
    files = {f"{kind}/{resource_name}.json": raw}
    result = import_repository(as_zip(files), user=editor, factory=factory)
    assert result.ok, [str(line) for line in result.report]
    return Resource.objects.get(factory=factory, name=resource_name)


def test_every_connector_version_with_a_form_is_in_the_corpus() -> None:
    covered = set()
    for raw in corpus_linked_services().values():
        properties = json.loads(raw)["properties"]
        connector = get_connector(properties["type"])
        covered.add((connector.type, connector.version_of(properties)))
    assert covered == {(c.type, v) for c in connectors() for v in c.versions}


@pytest.mark.parametrize(("name", "raw"), corpus_linked_services().items())
def test_a_description_typed_on_a_linked_services_form_changes_one_hunk_of_its_file(
    editor: Any, name: str, raw: bytes
) -> None:
    service = imported(name, raw, editor)
    assert export_entry(service)[1] == unedited_bytes(raw), "unedited: the stored bytes"
    before = patched(raw, masked_document(json.loads(raw)))  # secrets masked in place
    version = get_connector(service.connector).version(service.connector_version)
    data = form_from_properties(version, service.properties)
    data.update(
        name=service.name,
        version=version.version,
        based_on=str(service.revision),
        description="Loads the nightly sales",
    )
    exported = form_saved(editor, service, data, before)
    expected = json.loads(raw)
    expected["properties"]["description"] = "Loads the nightly sales"
    assert json.loads(exported) == _masked(expected)


def form_saved(editor: Any, resource: Resource, data: dict[str, str], before: bytes) -> bytes:
    """The resource's exported file once its form is saved with ``data``: ``before`` with
    one hunk changed, which holds the description typed."""
    response = signed_in(editor).post(url_of(resource, "edit"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    resource.refresh_from_db()
    exported = export_entry(resource)[1]
    changed = one_hunk(before, exported)
    assert any(data["description"] in line for line in changed), changed
    return exported


def _masked(document: dict[str, Any]) -> dict[str, Any]:
    """A document as exported: a secure string's value is the mask."""
    text = json.dumps(document)
    for value in ("k3y-for-the-test", "pa55-Secret-Value-7f3a"):
        text = text.replace(json.dumps(value), json.dumps("**********"))
    return dict(json.loads(text))


def test_the_issues_azure_sql_dw_edit_keeps_parameters_first_and_string_as_written(
    editor: Any,
) -> None:
    service = imported("SqlPool", RECOMMENDED_SHAPE.encode(), editor)
    version = get_connector(service.connector).version(service.connector_version)
    data = form_from_properties(version, service.properties)
    data.update(name="SqlPool", version=version.version, based_on="1", description="Sales")
    assert signed_in(editor).post(url_of(service, "edit"), data).status_code == 302
    service.refresh_from_db()
    exported = export_entry(service)[1].decode()
    assert one_hunk(RECOMMENDED_SHAPE.encode(), exported.encode()) == [
        '+\t\t"description": "Sales",'
    ]
    assert '"type": "string"' in exported and exported.index('"parameters"') < exported.index(
        '"typeProperties"'
    )


def _object_dataset(type_name: str, linked_service: str) -> bytes:
    """A HiveServer2 table dataset as ADF Studio writes it (tabs, no final newline)."""
    document = {
        "name": f"{type_name}Orders",
        "properties": {
            "linkedServiceName": {
                "referenceName": linked_service,
                "type": "LinkedServiceReference",
            },
            "annotations": [],
            "type": type_name,
            "schema": [],
            "typeProperties": {"schema": "sales", "table": "orders"},
        },
        "type": "Microsoft.DataFactory/factories/datasets",
    }
    return json.dumps(document, indent="\t").encode()


def corpus_datasets() -> dict[str, bytes]:
    """Every dataset file of a type with a form that the tests hold."""
    data = TESTS / "connectors" / "data"
    files = {
        path.name: path.read_bytes()
        for path in sorted(
            [*data.glob("pipelines/*.json"), *data.glob("environments/dataset/*.json")]
        )
        if "activities" not in json.loads(path.read_bytes())["properties"]
    }
    files["SalesFact"] = TABLE.encode()
    files["OldTable"] = LEGACY_TABLE.encode()
    for dataset_type_name, service in (("HiveObject", "HiveV2"), ("ImpalaObject", "ImpalaV2")):
        files[dataset_type_name] = _object_dataset(dataset_type_name, service)
    return {
        name: raw
        for name, raw in files.items()
        if dataset_type(DATASET.name, json.loads(raw)["properties"].get("type")) is not None
    }


def test_every_dataset_type_with_a_form_is_in_the_corpus() -> None:
    covered = {json.loads(raw)["properties"]["type"] for raw in corpus_datasets().values()}
    assert covered == {d for c in connectors() for d in c.datasets}


@pytest.mark.parametrize(("name", "raw"), corpus_datasets().items())
def test_a_description_typed_on_a_datasets_form_changes_one_hunk_of_its_file(
    editor: Any, name: str, raw: bytes
) -> None:
    dataset = imported(name, raw, editor, kind="dataset")
    declared = dataset_type(DATASET.name, dataset.connector)
    assert declared is not None
    data = dataset_form.initial(declared, dataset.name, dataset.properties)
    data.update(based_on=str(dataset.revision), description="The nightly sales")
    exported = form_saved(editor, dataset, data, raw)
    expected = json.loads(raw)
    expected["properties"]["description"] = "The nightly sales"
    assert json.loads(exported) == expected


def test_a_query_typed_on_each_activity_form_changes_one_hunk_of_the_pipelines_file(
    editor: Any,
) -> None:
    factory = Factory.default()
    files = repository_files()
    assert import_repository(as_zip(files), user=editor, factory=factory).ok
    pipeline = Resource.objects.get(factory=factory, kind="pipeline")
    datasets = Datasets(factory)
    parts = {p.name for c in connectors() for p in c.activity_parts}
    edited = set()
    before = export_entry(pipeline)[1]
    for activity in activities({"properties": pipeline.properties}):
        found = part_for(activity.body, datasets)
        if found is None:
            continue
        part = found[1]
        values = values_of(part, activity.body)
        form = form_from_properties(part, {"typeProperties": values})
        data = {k: v for k, v in form.items() if k.startswith("tp-")}
        data.update({"tp-useQuery": "Query", "tp-query": "SELECT 42 AS answer"})
        data.update(based_on=str(pipeline.revision), save="1")
        url = url_of(pipeline, "activity", activity.key)
        response = signed_in(editor).post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]
        pipeline.refresh_from_db()
        after = export_entry(pipeline)[1]
        changed = one_hunk(before, after)
        assert any("SELECT 42 AS answer" in line for line in changed), changed
        before = after
        edited.add(part.name)
    assert edited == parts
