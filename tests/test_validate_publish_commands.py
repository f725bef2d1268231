"""manage.py validate and export_arm: ADF's Validate all and Publish from the command line,
on a factory imported from a repository; JUnit and SARIF output read back."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import api_for, signed_in

pytestmark = pytest.mark.django_db

LINKED = {
    "name": "Blob",
    "properties": {
        "type": "AzureBlobFS",
        "typeProperties": {"url": "https://contosolake.dfs.core.windows.net/"},
    },
}
PIPELINE = {
    "name": "Load",
    "properties": {
        "activities": [
            {
                "name": "Look",
                "type": "GetMetadata",
                "typeProperties": {
                    "dataset": {"referenceName": "Files", "type": "DatasetReference"}
                },
            }
        ]
    },
}
DATASET = {
    "name": "Files",
    "properties": {
        "type": "Binary",
        "linkedServiceName": {"referenceName": "Blob", "type": "LinkedServiceReference"},
    },
}


def imported(tmp_path: Path, *documents: tuple[str, dict]) -> None:
    for folder, document in documents:
        target = tmp_path / "repo" / folder / f"{document['name']}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(document, indent="\t"), encoding="utf-8")
    call_command("import_adf", str(tmp_path / "repo"), "--user", "eddie", stdout=io.StringIO())


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_validate_reports_a_broken_reference_and_fails(tmp_path: Path, editor: Any) -> None:
    imported(tmp_path, ("linkedService", LINKED), ("pipeline", PIPELINE))
    with pytest.raises(CommandError) as error:
        run("validate")
    assert error.value.returncode == 1
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("validate", "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    [finding] = report["findings"]
    assert finding["code"] == "LW-REF-001"
    assert finding["file"] == "pipeline/Load.json"
    assert finding["path"] == "$.properties.activities[0].typeProperties.dataset.referenceName"


def test_a_valid_factory_validates_and_publishes(tmp_path: Path, editor: Any) -> None:
    imported(tmp_path, ("linkedService", LINKED), ("dataset", DATASET), ("pipeline", PIPELINE))
    assert "0 errors, 0 warnings" in run("validate")
    out = run("export_arm", "--out", str(tmp_path / "out"))
    assert "5 file(s) written" in out
    template = json.loads((tmp_path / "out" / "ARMTemplateForFactory.json").read_text())
    assert len(template["resources"]) == 3


def test_export_arm_refuses_a_factory_with_errors_unless_forced(
    tmp_path: Path, editor: Any
) -> None:
    imported(tmp_path, ("linkedService", LINKED), ("pipeline", PIPELINE))
    err = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("export_arm", "--out", str(tmp_path / "out"), stderr=err)
    assert error.value.returncode == 1
    assert "LW-REF-001 pipeline/Load.json" in err.getvalue()
    assert not (tmp_path / "out").exists()
    out = run("export_arm", "--out", str(tmp_path / "out"), "--force")
    assert "despite 1 validation error(s)" in out
    assert (tmp_path / "out" / "ARMTemplateForFactory.json").is_file()


def test_fail_on_warning_fails_on_a_warning(tmp_path: Path, editor: Any) -> None:
    imported(
        tmp_path,
        ("linkedService", LINKED),
        ("dataset", DATASET),
        ("pipeline", {**PIPELINE, "name": "1load"}),
    )
    run("validate")
    with pytest.raises(CommandError):
        run("validate", "--fail-on", "warning")


def test_junit_output_has_a_failing_case_for_the_broken_resource(
    tmp_path: Path, editor: Any
) -> None:
    imported(tmp_path, ("linkedService", LINKED), ("pipeline", PIPELINE))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("validate", "--format", "junit", stdout=out)
    root = ET.fromstring(out.getvalue())
    assert root.tag == "testsuites"
    [suite] = root.findall("testsuite")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) == {"(factory)", "linkedService/Blob.json", "pipeline/Load.json"}
    failure = cases["pipeline/Load.json"].find("failure")
    assert failure is not None and failure.get("type") == "LW-REF-001"
    assert suite.get("tests") == "3" and suite.get("failures") == "1"


def test_sarif_output_places_each_result_at_its_file_and_json_path(
    tmp_path: Path, editor: Any
) -> None:
    imported(tmp_path, ("linkedService", LINKED), ("pipeline", PIPELINE))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("validate", "--format", "sarif", stdout=out)
    sarif = json.loads(out.getvalue())
    assert sarif["version"] == "2.1.0"
    [run_] = sarif["runs"]
    [result] = run_["results"]
    assert result["ruleId"] == run_["tool"]["driver"]["rules"][result["ruleIndex"]]["id"]
    assert result["level"] == "error"
    location = result["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "pipeline/Load.json"
    assert location["logicalLocations"][0]["fullyQualifiedName"].startswith("$.properties")


def test_the_api_validates_a_factory_and_refuses_its_arm_zip_while_it_has_errors(
    tmp_path: Path, editor: Any, reader: Any
) -> None:
    imported(tmp_path, ("linkedService", LINKED), ("pipeline", PIPELINE))
    client = api_for(reader)
    found = client.get("/api/v1/factories/default/validate")
    assert found.status_code == 200
    assert [f["code"] for f in found.json()["findings"]] == ["LW-REF-001"]
    sarif = client.get("/api/v1/factories/default/validate?report=sarif")
    assert json.loads(sarif.content)["version"] == "2.1.0"
    refused = client.get("/api/v1/factories/default/arm")
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["file"] == "pipeline/Load.json"
    forced = client.get("/api/v1/factories/default/arm?force=1")
    assert forced.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(forced.content)).namelist()
    assert "ARMTemplateForFactory.json" in names
    assert "linkedTemplates/ArmTemplate_master.json" in names


def test_the_factory_page_validates_all_grouped_by_resource_and_refuses_to_publish(
    tmp_path: Path, editor: Any, reader: Any
) -> None:
    imported(tmp_path, ("linkedService", LINKED), ("pipeline", PIPELINE))
    client = signed_in(reader)
    listing = client.get("/factories/default/").content.decode()
    assert 'href="/factories/default/validate/"' in listing
    page = client.get("/factories/default/validate/").content.decode()
    assert "0 warnings" in page and "1 errors" in page
    assert '<a href="/factories/default/pipeline/Load/">pipeline/Load.json</a>' in page
    assert "LW-REF-001" in page
    refused = client.get("/factories/default/publish/", follow=True)
    assert "Not published: Validate all found 1 error(s)" in refused.content.decode()


def test_the_factory_page_downloads_the_arm_zip_of_a_valid_factory(
    tmp_path: Path, editor: Any, reader: Any
) -> None:
    imported(tmp_path, ("linkedService", LINKED), ("dataset", DATASET), ("pipeline", PIPELINE))
    response = signed_in(reader).get("/factories/default/publish/")
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "ARMTemplateParametersForFactory.json" in names
