"""Import and export in ADF's git-integration format, from the UI and the command line."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from connectors.adf_format import dump_linked_service
from portal.models import Resource, SecretValue
from tests.conftest import SECRET
from tests.helpers import url_of

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parent / "connectors" / "data" / "adf-examples"
SPARK_EXAMPLES = sorted(p for p in EXAMPLES.glob("*spark_linkedservice*.json"))

GIT_FORMAT = (
    '{\n\t"name": "SparkGit",\n\t"type": "Microsoft.DataFactory/factories/linkedservices",\n'
    '\t"properties": {\n\t\t"description": "Données de production",\n\t\t"annotations": [\n'
    '\t\t\t"prod"\n\t\t],\n\t\t"type": "Spark",\n\t\t"version": "2.0",\n\t\t"typeProperties": {\n'
    '\t\t\t"host": "spark.contoso.net",\n\t\t\t"port": 443,\n'
    '\t\t\t"authenticationType": "UsernameAndPassword",\n\t\t\t"username": "svc",\n'
    '\t\t\t"password": {\n\t\t\t\t"type": "AzureKeyVaultSecret",\n\t\t\t\t"store": {\n'
    '\t\t\t\t\t"referenceName": "KV",\n\t\t\t\t\t"type": "LinkedServiceReference"\n\t\t\t\t},\n'
    '\t\t\t\t"secretName": "spark"\n\t\t\t},\n\t\t\t"httpPath": "/sparkhive2",\n'
    '\t\t\t"enableSsl": true\n\t\t},\n\t\t"connectVia": {\n'
    '\t\t\t"referenceName": "SelfHostedIR",\n\t\t\t"type": "IntegrationRuntimeReference"\n'
    '\t\t},\n\t\t"parameters": {\n\t\t\t"db": {\n\t\t\t\t"type": "String",\n'
    '\t\t\t\t"defaultValue": "default"\n\t\t\t}\n\t\t}\n\t}\n}'
)


def real_values(raw: str) -> str:
    return (
        raw.replace('"<port>"', "443")
        .replace("<cluster>", "mycluster")
        .replace("<username>", "admin")
        .replace("<password>", SECRET)
    )


def paste(client: Client, text: str, **extra: str) -> Any:
    return client.post("/factories/default/import/", {"pasted": text, **extra})


@pytest.mark.parametrize("example", SPARK_EXAMPLES, ids=lambda p: p.name)
def test_documentation_placeholders_are_refused_naming_the_property(
    editor_client: Client, example: Path
) -> None:
    response = paste(editor_client, example.read_text())
    html = response.content.decode()
    assert response.status_code == 400
    for path in (
        "typeProperties.port",
        "typeProperties.host",
        "typeProperties.username",
        "typeProperties.password.value",
    ):
        assert f"$.properties.{path}</code>" in html, path
    assert "documentation placeholder" in html
    assert not Resource.objects.exists()


@pytest.mark.parametrize("example", SPARK_EXAMPLES, ids=lambda p: p.name)
def test_examples_with_real_values_import_and_export_with_the_same_content(
    editor_client: Client, example: Path
) -> None:
    original = json.loads(real_values(example.read_text()))
    response = paste(editor_client, real_values(example.read_text()))
    assert response.status_code == 302, response.content.decode()
    service = Resource.objects.get()
    exported = editor_client.get(url_of(service, "export"))
    assert SECRET.encode() not in exported.content
    back = json.loads(exported.content)
    # Unedited: the file as it was pasted, its secret masked (issue 20, point 7).
    original["properties"]["typeProperties"]["password"]["value"] = "**********"
    assert back == original


def test_git_format_file_round_trips_byte_for_byte(editor_client: Client) -> None:
    assert paste(editor_client, GIT_FORMAT).status_code == 302
    service = Resource.objects.get()
    exported = editor_client.get(url_of(service, "export")).content.decode()
    assert exported == GIT_FORMAT


def test_secure_string_round_trip_keeps_the_secret_on_replace(editor_client: Client) -> None:
    source = real_values((EXAMPLES / "docs_connector-spark_linkedservice_v2.json").read_text())
    paste(editor_client, source)
    service = Resource.objects.get()
    exported = editor_client.get(url_of(service, "export")).content.decode()
    assert '"value": "**********"' in exported
    again = paste(editor_client, exported, replace="on")
    assert again.status_code == 302, again.content.decode()
    service.refresh_from_db()
    assert service.revision == 2
    secret_id = service.properties["typeProperties"]["password"]["secretId"]
    assert SecretValue.objects.get(pk=secret_id).reveal() == SECRET
    assert editor_client.get(url_of(service, "export")).content.decode() == exported


def test_masked_secret_cannot_create_a_new_linked_service(editor_client: Client) -> None:
    source = real_values((EXAMPLES / "docs_connector-spark_linkedservice_v2.json").read_text())
    response = paste(editor_client, source.replace(SECRET, "**********"))
    assert response.status_code == 400
    assert "holds the mask" in response.content.decode()


def test_existing_name_needs_replace(editor_client: Client, saved_service: Any) -> None:
    text = dump_linked_service("sparkPROD", saved_service.properties)
    response = paste(editor_client, text)
    assert response.status_code == 400
    assert "exists already; choose replace" in response.content.decode()


def test_http_with_trailing_space_and_exported_leftovers_are_kept_as_written_with_warnings(
    editor_client: Client,
) -> None:
    text = json.dumps(
        {
            "name": "Legacy",
            "properties": {
                "type": "Spark",
                "typeProperties": {
                    "host": "h.example.com",
                    "port": 10001,
                    "thriftTransportProtocol": "HTTP ",
                    "authenticationType": "Anonymous",
                    "password": False,
                    "encryptedCredential": "ew0KICAiVmVyc2lvbiI6ICIyMDE3LTExLTMwIiwNCn0=",
                },
            },
        }
    )
    response = paste(editor_client, text)
    assert response.status_code == 302
    tp = Resource.objects.get().properties["typeProperties"]
    assert tp == {
        "host": "h.example.com",
        "port": 10001,
        "thriftTransportProtocol": "HTTP ",
        "authenticationType": "Anonymous",
        "password": False,
        "encryptedCredential": "ew0KICAiVmVyc2lvbiI6ICIyMDE3LTExLTMwIiwNCn0=",
    }
    shown = editor_client.get(response["Location"]).content.decode()
    assert "password is false where object is expected; ADF ignores it" in shown
    assert "has stray spaces; ADF reads it as &quot;HTTP&quot;" in shown


def test_invalid_json_reports_line_and_column(editor_client: Client) -> None:
    response = paste(editor_client, '{\n  "name": "x",\n  "properties": {,\n}')
    assert "Not valid JSON at line 3, column 18" in response.content.decode()


def test_upload_of_several_files_is_all_or_nothing(editor_client: Client, spark_v2: Any) -> None:
    good = dump_linked_service(
        "Good",
        {
            **spark_v2,
            "typeProperties": {
                **spark_v2["typeProperties"],
                "password": {"type": "SecureString", "value": SECRET},
            },
        },
    )
    bad = good.replace('"Good"', '"Bad"').replace("443", "0")
    files = [io.BytesIO(good.encode()), io.BytesIO(bad.encode())]
    files[0].name, files[1].name = "Good.json", "Bad.json"
    response = editor_client.post("/factories/default/import/", {"files": files})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Bad.json</strong> <code>$.properties.typeProperties.port</code>" in html
    assert not Resource.objects.exists() and not SecretValue.objects.exists()


def test_export_all_is_a_zip_in_git_layout(editor_client: Client, saved_service: Any) -> None:
    response = editor_client.get("/factories/default/export/")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    assert archive.namelist() == ["linkedService/SparkProd.json"]
    body = archive.read("linkedService/SparkProd.json").decode()
    assert body == dump_linked_service("SparkProd", saved_service.properties)
    assert not body.endswith("\n") and body.startswith('{\n\t"name": "SparkProd",\n\t"type"')
    assert SECRET not in body


def test_cli_import_and_export(tmp_path: Path, editor: Any) -> None:
    repo = tmp_path / "repo" / "linkedService"
    repo.mkdir(parents=True)
    (repo / "SparkGit.json").write_text(GIT_FORMAT, encoding="utf-8")
    out = io.StringIO()
    call_command("import_adf", str(tmp_path / "repo"), "--user", "eddie", stdout=out)
    assert "linkedService/SparkGit.json: imported: linkedService 'SparkGit'" in out.getvalue()
    assert Resource.objects.get().created_by == editor
    call_command("export_adf", str(tmp_path / "out"), stdout=io.StringIO())
    assert (tmp_path / "out" / "linkedService" / "SparkGit.json").read_text("utf-8") == GIT_FORMAT


def test_cli_import_reports_each_problem_and_imports_nothing(tmp_path: Path, db: Any) -> None:
    (tmp_path / "ok.json").write_text(GIT_FORMAT, encoding="utf-8")
    placeholder = real_values((EXAMPLES / "docs_connector-spark_linkedservice_v1.json").read_text())
    (tmp_path / "bad.json").write_text(placeholder.replace("443", '"<port>"'), encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command(
            "import_adf", str(tmp_path / "ok.json"), str(tmp_path / "bad.json"), stdout=out
        )
    assert exit_status.value.code == 1
    lines = out.getvalue().splitlines()  # one line a problem, the summary last (issue 20)
    assert (
        f"{tmp_path / 'bad.json'}: error: $.properties.typeProperties.port: This looks like a "
        "documentation placeholder (<...>): put in the real value, or an ADF expression." in lines
    )
    assert lines[-1] == "Nothing imported (1 problem(s))."
    assert not Resource.objects.exists()


def test_cli_exit_status_is_non_zero_on_problems(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "bad.json").write_text("{nope", encoding="utf-8")
    env = {"LINKWRIGHT_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    root = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=root, env=env, check=True)
    result = subprocess.run(
        [sys.executable, "manage.py", "import_adf", str(tmp_path / "bad.json")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "bad.json: error: $: Not valid JSON at line 1, column 2" in result.stdout
