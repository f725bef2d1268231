"""Whole repositories into a factory and back out, byte for byte: the service, the command
line, the Import page and the API."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from connectors.adf_repository import Status, write_folder
from connectors.file_style import detect_style
from portal.definitions import save_definition
from portal.imports import export_repository, import_repository
from portal.models import Factory, RepositoryFile, Resource, Revision
from portal.roles import Role, grant
from tests.conftest import api_for, signed_in
from tests.connectors.repository_builders import (
    MASKED_SECRET_FILE,
    OTHER_FILES,
    STYLES,
    as_zip,
    documents,
    json_bytes,
    repository,
    synapse_documents,
    synapse_repository,
    unzip,
)
from tests.fixture_secrets import CONNECTION_STRING_SECRET
from tests.helpers import described


@pytest.fixture
def contoso(db: Any) -> Factory:
    return Factory.objects.create(name="contoso")


def test_a_repository_imported_then_exported_unedited_is_the_same_files_byte_for_byte(
    contoso: Factory, editor: Any
) -> None:
    files = repository()
    result = import_repository(as_zip(files), user=editor, factory=contoso)
    assert result.ok, [str(line) for line in result.report]
    assert dict(export_repository(contoso)) == files


def test_a_synapse_repository_with_a_spark_linked_service_round_trips_byte_for_byte(
    db: Any, editor: Any
) -> None:
    workspace = Factory.objects.create(name="contoso-syn", kind=Factory.Kind.SYNAPSE)
    files = synapse_repository()
    spark = files["linkedService/SparkProd.json"]
    assert b'"type": "Microsoft.Synapse/workspaces/linkedservices"' in spark.replace(b"\t", b"")
    result = import_repository(as_zip(files), user=editor, factory=workspace)
    assert result.ok, [str(line) for line in result.report]
    resource = Resource.objects.get(factory=workspace, kind="linkedService", name="SparkProd")
    assert resource.properties["type"] == "Spark"
    assert all(
        d["type"].startswith("Microsoft.Synapse/workspaces/")
        or d["type"] == "Microsoft.Synapse/workspaces"
        for d in synapse_documents().values()
    )
    assert Resource.objects.filter(factory=workspace).count() == len(synapse_documents())
    assert dict(export_repository(workspace)) == files


def test_every_file_gets_a_report_line_and_lands_in_the_chosen_factory(
    contoso: Factory, editor: Any
) -> None:
    files = repository()
    result = import_repository(as_zip(files), user=editor, factory=contoso)
    assert {line.path for line in result.report} == set(files)
    statuses = {line.path: line.status for line in result.report}
    assert statuses["publish_config.json"] is Status.KEPT
    assert statuses["sqlPool/Dw.json"] is Status.KEPT
    assert statuses["linkedService/SparkProd.json"] is Status.IMPORTED
    assert Resource.objects.filter(factory=contoso).count() == len(result.outcomes)
    assert not Resource.objects.exclude(factory=contoso).exists()
    assert RepositoryFile.objects.filter(factory=contoso).count() == len(OTHER_FILES)
    revision = Revision.objects.get(resource__name="Copy Sales")
    assert revision.source_path == "pipeline/Copy Sales.json"
    assert bytes(revision.source_bytes) == files["pipeline/Copy Sales.json"]


def test_a_file_with_an_error_imports_nothing_unless_bad_files_are_skipped(
    contoso: Factory, editor: Any
) -> None:
    files = repository()
    files["dataset/Broken.json"] = b'{"name": "Broken", "properties": '
    files["pipeline/Mismatch.json"] = json_bytes({"name": "Other", "properties": {}})
    refused = import_repository(as_zip(files), user=editor, factory=contoso)
    assert not refused.ok and not Resource.objects.exists()
    assert not RepositoryFile.objects.exists()
    errors = {(line.path, line.json_path) for line in refused.report if line.status == "error"}
    assert errors == {("dataset/Broken.json", "$"), ("pipeline/Mismatch.json", "$.name")}
    assert refused.summary() == "Nothing imported: 2 file(s) with errors."
    spark = next(x for x in refused.report if x.path == "linkedService/SparkProd.json")
    assert spark.status is Status.NOT_IMPORTED
    assert spark.message == "linkedService 'SparkProd' (other files have errors)"
    assert not any(x.status in (Status.IMPORTED, Status.KEPT) for x in refused.report)

    skipped = import_repository(as_zip(files), user=editor, factory=contoso, skip_bad_files=True)
    assert skipped.ok and skipped.skipped == ["dataset/Broken.json", "pipeline/Mismatch.json"]
    assert Resource.objects.filter(factory=contoso).count() == len(skipped.outcomes) > 10
    assert "2 bad file(s) skipped" in skipped.summary()


def test_a_resource_the_connector_refuses_is_an_error_and_can_be_skipped(
    contoso: Factory, editor: Any
) -> None:
    files = repository()
    spark = json.loads(files["linkedService/SparkProd.json"].decode("utf-8-sig"))
    spark["properties"]["typeProperties"]["port"] = 70000
    files["linkedService/SparkProd.json"] = json_bytes(spark)
    refused = import_repository(as_zip(files), user=editor, factory=contoso)
    assert not refused.ok and not Resource.objects.exists()
    (line,) = [x for x in refused.report if x.status is Status.ERROR]
    assert line.path == "linkedService/SparkProd.json"
    assert line.json_path == "$.properties.typeProperties.port"
    skipped = import_repository(as_zip(files), user=editor, factory=contoso, skip_bad_files=True)
    assert skipped.ok and skipped.skipped == ["linkedService/SparkProd.json"]
    assert not Resource.objects.filter(name="SparkProd").exists()


def test_an_edited_resource_is_exported_at_its_path_in_its_files_style(
    contoso: Factory, editor: Any
) -> None:
    files = repository(style_of=lambda _p: STYLES[1])
    import_repository(as_zip(files), user=editor, factory=contoso)
    pipeline = Resource.objects.get(factory=contoso, name="Copy Sales")
    described(editor, pipeline, "edited in the portal")
    exported = dict(export_repository(contoso))
    out = exported["pipeline/Copy Sales.json"]
    assert out != files["pipeline/Copy Sales.json"]
    assert json.loads(out)["properties"]["description"] == "edited in the portal"
    assert detect_style(out) == STYLES[1]
    unchanged = {p: b for p, b in exported.items() if p != "pipeline/Copy Sales.json"}
    assert unchanged == {p: b for p, b in files.items() if p != "pipeline/Copy Sales.json"}


def test_a_new_resource_is_exported_in_studio_style_at_its_kind_folder(
    contoso: Factory, editor: Any
) -> None:
    save_definition(
        user=editor,
        name="Fresh",
        properties={"type": "Wait", "activities": []},
        action=Revision.Action.CREATE,
        factory=contoso,
        kind="pipeline",
    )
    exported = dict(export_repository(contoso))
    assert exported["pipeline/Fresh.json"].startswith(b'{\n\t"name": "Fresh"')


def test_secrets_imported_in_clear_are_exported_masked(contoso: Factory, editor: Any) -> None:
    files = repository()
    clear = MASKED_SECRET_FILE.replace(b"**********", CONNECTION_STRING_SECRET.encode())
    files["linkedService/Sql_Dw.json"] = clear
    assert import_repository(as_zip(files), user=editor, factory=contoso).ok
    exported = dict(export_repository(contoso))
    assert exported["linkedService/Sql_Dw.json"] == MASKED_SECRET_FILE
    assert not any(CONNECTION_STRING_SECRET.encode() in data for data in exported.values())


def test_a_folder_imports_like_its_zip(contoso: Factory, editor: Any, tmp_path: Path) -> None:
    files = repository()
    write_folder(tmp_path, files.items())
    assert import_repository(tmp_path, user=editor, factory=contoso).ok
    assert dict(export_repository(contoso)) == files


def test_the_command_line_imports_a_zip_and_exports_the_same_files(
    contoso: Factory, editor: Any, tmp_path: Path
) -> None:
    files = repository()
    (tmp_path / "repo.zip").write_bytes(as_zip(files, prefix="contoso-main/"))
    out = io.StringIO()
    call_command(
        "import_adf", str(tmp_path / "repo.zip"), "--factory", "contoso", "--user", "eddie",
        stdout=out,
    )  # fmt: skip
    assert "README.md: kept as is: a file beside the resource folders" in out.getvalue()
    assert "notebook/Explore.json: imported: notebook 'Explore'" in out.getvalue()
    call_command("export_adf", str(tmp_path / "out"), "--factory", "contoso", stdout=out)
    written = {
        p.relative_to(tmp_path / "out").as_posix(): p.read_bytes()
        for p in (tmp_path / "out").rglob("*")
        if p.is_file()
    }
    assert written == files


def test_the_command_line_reports_every_error_and_imports_nothing_or_skips_them(
    contoso: Factory, tmp_path: Path
) -> None:
    files = {**repository(), "trigger/Bad.json": b"[]"}
    write_folder(tmp_path, files.items())
    out = io.StringIO()
    with pytest.raises(SystemExit) as refused:
        call_command("import_adf", str(tmp_path), "--factory", "contoso", stdout=out)
    assert refused.value.code == 1
    lines = out.getvalue().splitlines()  # one line a problem, the summary last
    bad = "trigger/Bad.json: error: $: A resource file holds one JSON object with name and "
    assert bad + "properties." in lines
    assert lines[-1] == "Nothing imported: 1 file(s) with errors."
    assert not Resource.objects.exists()
    out = io.StringIO()
    call_command(
        "import_adf", str(tmp_path), "--factory", "contoso", "--skip-bad-files", stdout=out
    )
    assert "1 bad file(s) skipped" in out.getvalue()
    assert Resource.objects.filter(factory=contoso).count() == len(documents())


def test_the_command_line_refuses_an_unsafe_zip_before_importing(
    contoso: Factory, tmp_path: Path
) -> None:
    (tmp_path / "evil.zip").write_bytes(as_zip({"../../etc/x.json": b"{}"}))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as refused:
        call_command(
            "import_adf", str(tmp_path / "evil.zip"), "--factory", "contoso",
            stdout=out, stderr=err,
        )  # fmt: skip
    assert refused.value.code == 1
    assert err.getvalue() == (
        f"{tmp_path / 'evil.zip'}: refused: '../../etc/x.json' climbs out of the repository "
        "with '..'.\n"
    )
    assert out.getvalue() == "Nothing imported: nothing was read.\n"
    assert not Resource.objects.exists()


@pytest.fixture
def contoso_editor_api(contoso: Factory, editor: Any) -> Any:
    grant(editor, contoso, Role.EDITOR)
    return api_for(editor)


def test_the_api_imports_a_zip_body_and_exports_the_same_zip_content(
    contoso_editor_api: Any,
) -> None:
    files = repository()
    response = contoso_editor_api.post(
        "/api/v1/factories/contoso/import", as_zip(files), content_type="application/zip"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["imported"] is True
    assert {line["file"] for line in body["files"]} == set(files)
    assert {"file": "README.md", "status": "kept as is", "path": "", "message": (
        "a file beside the resource folders"
    )} in body["files"]  # fmt: skip
    exported = contoso_editor_api.get("/api/v1/factories/contoso/export")
    assert exported.status_code == 200
    assert unzip(exported.getvalue()) == files


def test_the_api_takes_a_multipart_zip_and_answers_400_with_each_files_errors(
    contoso_editor_api: Any,
) -> None:
    files = {**repository(), "dataset/Bad.json": b"{"}
    upload = io.BytesIO(as_zip(files))
    upload.name = "repo.zip"
    response = contoso_editor_api.post(
        "/api/v1/factories/contoso/import", {"repository": upload}, format="multipart"
    )
    assert response.status_code == 400
    errors = [line for line in response.json()["files"] if line["status"] == "error"]
    assert [(e["file"], e["path"]) for e in errors] == [("dataset/Bad.json", "$")]
    assert not Resource.objects.exists()
    upload.seek(0)
    skipped = contoso_editor_api.post(
        "/api/v1/factories/contoso/import?skipBadFiles=true",
        {"repository": upload},
        format="multipart",
    )
    assert skipped.status_code == 201 and "1 bad file(s) skipped" in skipped.json()["summary"]


def test_the_api_refuses_an_unsafe_zip_with_a_clear_error(contoso_editor_api: Any) -> None:
    response = contoso_editor_api.post(
        "/api/v1/factories/contoso/import",
        as_zip({"/etc/passwd.json": b"{}"}),
        content_type="application/zip",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == (
        "'/etc/passwd.json' is an absolute path; every path must be relative."
    )


def test_a_reader_of_the_factory_cannot_import_a_repository(contoso: Factory, reader: Any) -> None:
    grant(reader, contoso, Role.READER)
    response = api_for(reader).post(
        "/api/v1/factories/contoso/import", as_zip(repository()), content_type="application/zip"
    )
    assert response.status_code == 403
    assert not Resource.objects.exists()


def test_the_import_page_takes_a_repository_zip_and_shows_each_files_line(
    contoso: Factory, editor: Any
) -> None:
    grant(editor, contoso, Role.EDITOR)
    files = repository()
    upload = io.BytesIO(as_zip(files))
    upload.name = "contoso.zip"
    response = signed_in(editor).post("/factories/contoso/import/", {"repository": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "resource(s) imported, 5 file(s) kept as is." in page
    assert "<code>publish_config.json</code></td><td>kept as is</td>" in page
    assert Resource.objects.filter(factory=contoso).count() == len(documents())


def test_the_import_page_shows_a_refused_zip_and_imports_nothing(
    contoso: Factory, editor: Any
) -> None:
    grant(editor, contoso, Role.EDITOR)
    upload = io.BytesIO(as_zip({"linkedService/../../x.json": b"{}"}))
    upload.name = "evil.zip"
    response = signed_in(editor).post("/factories/contoso/import/", {"repository": upload})
    assert response.status_code == 400
    assert "Refused, nothing was read: &#x27;linkedService/../../x.json&#x27; climbs out" in (
        response.content.decode()
    )
    assert not Resource.objects.exists()


def test_the_import_page_of_a_factory_needs_a_role_in_it(contoso: Factory, editor: Any) -> None:
    response = signed_in(editor).get("/factories/contoso/import/")
    assert response.status_code == 404
    grant(editor, contoso, Role.READER)
    response = signed_in(editor).get("/factories/contoso/import/")
    assert response.status_code == 403


def test_importing_many_new_resources_takes_a_few_queries_not_some_per_resource(
    contoso: Factory, editor: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.connectors.repository_builders import spark_v2_linked_service

    def files(count: int) -> dict[str, bytes]:
        return {
            f"linkedService/Spark{i}.json": json_bytes(spark_v2_linked_service(f"Spark{i}"))
            for i in range(count)
        }

    with CaptureQueriesContext(connection) as few:
        assert import_repository(as_zip(files(3)), user=editor, factory=contoso).ok
    other = Factory.objects.create(name="other")
    with CaptureQueriesContext(connection) as many:
        assert import_repository(as_zip(files(60)), user=editor, factory=other).ok
    assert len(many.captured_queries) == len(few.captured_queries)
    assert (
        Revision.objects.filter(resource__factory=other, source_bytes__isnull=False).count() == 60
    )
    assert dict(export_repository(other)) == files(60)


def test_an_import_replacing_some_names_and_adding_others_does_both(
    contoso: Factory, editor: Any
) -> None:
    from tests.connectors.repository_builders import spark_v2_linked_service

    first = {"linkedService/A.json": json_bytes(spark_v2_linked_service("A"))}
    assert import_repository(as_zip(first), user=editor, factory=contoso).ok
    changed = spark_v2_linked_service("a")
    changed["properties"]["description"] = "changed"
    second = {
        "linkedService/a.json": json_bytes(changed),
        "linkedService/B.json": json_bytes(spark_v2_linked_service("B")),
    }
    refused = import_repository(as_zip(second), user=editor, factory=contoso)
    assert not refused.ok
    assert not Resource.objects.filter(factory=contoso, name="B").exists()
    result = import_repository(as_zip(second), user=editor, factory=contoso, replace=True)
    assert result.ok, [str(line) for line in result.report]
    assert Resource.objects.get(factory=contoso, name_key="a").revision == 2
    assert Resource.objects.get(factory=contoso, name="B").revision == 1


def test_a_repository_import_is_one_audit_row_by_page_api_and_command_line(
    contoso: Factory, editor: Any, tmp_path: Path
) -> None:
    from portal.models import AuditEvent

    def rows() -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, factory=contoso))

    grant(editor, contoso, Role.EDITOR)
    upload = io.BytesIO(as_zip(repository()))
    upload.name = "contoso.zip"
    page = signed_in(editor).post("/factories/contoso/import/", {"repository": upload})
    assert page.status_code == 200
    assert len(rows()) == 1
    assert f"{len(documents())} resource(s) imported" in rows()[0].detail
    response = api_for(editor).post(
        "/api/v1/factories/contoso/import?replace=true",
        as_zip(repository()),
        content_type="application/zip",
    )
    assert response.status_code == 201, response.json()
    assert len(rows()) == 2
    (tmp_path / "repo.zip").write_bytes(as_zip(repository()))
    call_command(
        "import_adf", str(tmp_path / "repo.zip"), "--factory", "contoso", "--user", "eddie",
        "--replace", stdout=io.StringIO(),
    )  # fmt: skip
    assert len(rows()) == 3
    assert all(row.username == editor.get_username() for row in rows())


def test_a_name_taken_while_the_import_ran_is_refused_by_the_unique_key(
    contoso: Factory, editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal import imports
    from tests.connectors.repository_builders import spark_v2_linked_service

    first = {"linkedService/A.json": json_bytes(spark_v2_linked_service("A"))}
    assert import_repository(as_zip(first), user=editor, factory=contoso).ok
    monkeypatch.setattr(imports, "_existing", lambda outcomes, factory: {})  # the lookup missed
    files = {
        "linkedService/A.json": json_bytes(spark_v2_linked_service("A")),
        "linkedService/B.json": json_bytes(spark_v2_linked_service("B")),
    }
    result = import_repository(as_zip(files), user=editor, factory=contoso)
    assert not result.ok
    errors = [str(line) for line in result.report if line.status is Status.ERROR]
    assert errors == [
        "linkedService/A.json: error: $.name: A linked service named 'A' exists already."
    ], errors
    assert not Resource.objects.filter(factory=contoso, name="B").exists()
    assert Resource.objects.get(factory=contoso, name="A").revision == 1
