"""No secret is ever kept in clear (issue 18, point 4). An imported resource file that held
one (a linked service's password, a pipeline Web activity's, a SecureString parameter's
default) keeps its bytes with each such value masked and every other byte as it was -- the
secret itself is sealed with the definition -- so exports stay byte for byte. A file kept
as is (no resource) is bytes in, bytes out, always (issue 20, point 3): sealed at rest when
it holds a secret in clear. An expression standing for a secret (an ARM template's
``[parameters('x_password')]``, ADF's ``@...``) is no secret in clear: never masked. Rows
kept before are masked or sealed by migration 0017. Last, the database itself -- the SQLite
file, a pg_dump of the PostgreSQL database -- is searched for every secret the tests use
(tests/fixture_secrets.py) after definitions holding them went through every route that
stores one."""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client

from connectors.file_style import detect_style, render
from connectors.secrets import MASK
from portal.imports import export_repository, import_repository
from portal.models import Factory, RepositoryFile, Resource, Revision, unseal
from tests.conftest import SPARK_V2, api_for, form_data, signed_in
from tests.connectors.repository_builders import STYLES, as_zip, repository, web_pipeline
from tests.fixture_secrets import (
    ALL_SECRETS,
    BLOB_SECRET,
    CONNECTION_STRING_SECRET,
    DOCUMENT_SECRET,
    IMPORTED_SECRET,
    OTHER_SECRET,
    PARAM_SECRET,
    READY_SECRET,
    RECORDED_SECRET,
    SECRET,
    SQL_POOL_PASSWORD,
    STORED_SECRET,
    UPGRADE_SECRET,
    V1_SECRET,
)
from tests.helpers import NEW_SPARK, url_of
from tests.migrations import migrate_to


def spark_file(name: str, password: str, style_index: int = 1) -> bytes:
    properties = copy.deepcopy(SPARK_V2)
    properties["typeProperties"]["password"]["value"] = password
    return render({"name": name, "properties": properties}, STYLES[style_index])


def masked(raw: bytes, *secrets: str) -> bytes:
    """``raw`` with each secret's JSON text replaced by the mask's."""
    ascii_only = detect_style(raw).ascii_only
    for secret in secrets:
        raw = raw.replace(json.dumps(secret, ensure_ascii=ascii_only)[1:-1].encode(), b"*" * 10)
    return raw


def clear_repository() -> dict[str, bytes]:
    files = repository()
    files["linkedService/SparkClear.json"] = spark_file("SparkClear", SQL_POOL_PASSWORD)
    files["pipeline/Calls.json"] = render(web_pipeline(DOCUMENT_SECRET), STYLES[3])
    files["sqlPool/Pool.json"] = json.dumps(
        {"name": "Pool", "properties": {"key": {"type": "SecureString", "value": BLOB_SECRET}}}
    ).encode()
    return files


@pytest.mark.django_db
def test_an_imported_file_keeps_its_bytes_with_only_the_clear_secrets_masked(editor: Any) -> None:
    files = clear_repository()
    factory = Factory.objects.create(name="contoso")
    assert import_repository(as_zip(files), user=editor, factory=factory).ok
    spark = Resource.objects.get(name="SparkClear")
    [revision] = spark.revisions.all()
    assert bytes(revision.source_bytes) == masked(
        files["linkedService/SparkClear.json"], SQL_POOL_PASSWORD
    )
    password = unseal(spark.properties)["typeProperties"]["password"]["value"]
    assert password == SQL_POOL_PASSWORD  # the secret itself is sealed with the definition
    calls = Revision.objects.get(resource__name="Calls")
    assert bytes(calls.source_bytes) == masked(
        files["pipeline/Calls.json"], DOCUMENT_SECRET, PARAM_SECRET
    )
    kept = RepositoryFile.objects.get(path="sqlPool/Pool.json")
    assert bytes(kept.data) == files["sqlPool/Pool.json"]  # kept as is: exactly
    assert BLOB_SECRET.encode() not in stored_data("sqlPool/Pool.json")  # sealed at rest
    exported = dict(export_repository(factory))
    clear = {"linkedService/SparkClear.json", "pipeline/Calls.json"}
    assert {p: exported[p] for p in files if p not in clear} == {
        p: b for p, b in files.items() if p not in clear
    }
    for path in clear:
        assert exported[path] == masked(
            files[path], SQL_POOL_PASSWORD, DOCUMENT_SECRET, PARAM_SECRET, BLOB_SECRET
        )


def stored_data(path: str) -> bytes:
    """A kept file's bytes as the database holds them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM portal_repositoryfile WHERE path = %s", [path])
        [(data,)] = cursor.fetchall()
    return bytes(data)


def arm_template(*secrets: str) -> dict[str, Any]:
    """An ARMTemplateForFactory.json as ADF's publish writes it: each linked service's
    password a SecureString whose value is the template's parameter of it."""
    return {
        "$schema": "http://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {
            "factoryName": {"type": "string", "defaultValue": "contoso"},
            **{f"{s}_password": {"type": "secureString"} for s in secrets},
        },
        "resources": [
            {
                "name": f"[concat(parameters('factoryName'), '/{s}')]",
                "type": "Microsoft.DataFactory/factories/linkedServices",
                "apiVersion": "2018-06-01",
                "properties": {
                    "type": "AzureSqlDW",
                    "typeProperties": {
                        "connectionString": "Server=tcp:x.database.windows.net,1433;",
                        "password": {
                            "type": "SecureString",
                            "value": f"[parameters('{s}_password')]",
                        },
                    },
                },
                "dependsOn": [],
            }
            for s in secrets
        ],
    }


@pytest.mark.django_db
def test_a_root_arm_template_and_a_kept_file_with_a_secret_export_byte_identical(
    editor: Any,
) -> None:
    files = repository()
    template = render(arm_template("SqlDw", "Pool_Dw"), STYLES[1])
    files["ARMTemplateForFactory.json"] = template
    secret_file = render(
        {"name": "Pool", "properties": {"key": {"type": "SecureString", "value": BLOB_SECRET}}},
        STYLES[0],
    )
    files["sqlPool/Pool.json"] = secret_file
    factory = Factory.objects.create(name="contoso")
    assert import_repository(as_zip(files), user=editor, factory=factory).ok
    assert dict(export_repository(factory)) == files
    # The template's parameters are no secret in clear: it is kept as it is, in plain.
    assert stored_data("ARMTemplateForFactory.json") == template
    assert BLOB_SECRET.encode() not in stored_data("sqlPool/Pool.json")


@pytest.mark.django_db
def test_a_restored_revision_brings_back_bytes_without_the_secret(editor_client: Client) -> None:
    raw = spark_file("SparkProd", OTHER_SECRET)
    upload = SimpleUploadedFile("SparkProd.json", raw)
    assert editor_client.post("/factories/default/import/", {"files": [upload]}).status_code == 302
    service = Resource.objects.get()
    edited = export_repository(service.factory)[0][1].replace(
        b'"annotations": []', b'"annotations": ["edited"]'
    )
    upload = SimpleUploadedFile("SparkProd.json", edited)
    editor_client.post("/factories/default/import/", {"files": [upload], "replace": "on"})
    editor_client.post(url_of(service, "restore", 1), {"based_on": "2"})
    assert [bytes(r.source_bytes) for r in Revision.objects.order_by("number")] == [
        masked(raw, OTHER_SECRET),
        edited,
        masked(raw, OTHER_SECRET),
    ]


BEFORE = [("portal", "0016_environments")]
AFTER = [("portal", "0017_source_bytes_without_clear_secrets")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_the_migration_masks_revisions_and_seals_kept_files_with_a_secret() -> None:
    old = migrate_to(BEFORE)
    user = old.get_model("auth", "User").objects.create(username="eddie")
    factory = old.get_model("portal", "Factory").objects.create(name="legacy")
    resource = old.get_model("portal", "Resource").objects.create(
        factory=factory, kind="linkedService", name="SparkProd", name_key="sparkprod",
        definition="{}", revision=2, created_by=user,
    )  # fmt: skip
    clear = spark_file("SparkProd", STORED_SECRET, style_index=2)
    plain = spark_file("SparkProd", MASK, style_index=0)
    revisions = old.get_model("portal", "Revision").objects
    for number, data in ((1, clear), (2, plain)):
        revisions.create(
            resource=resource, number=number, name="SparkProd", connector="Spark",
            connector_version="2.0", definition="{}", action="import", author=user,
            source_path="linkedService/SparkProd.json", source_bytes=data,
        )  # fmt: skip
    kept = json.dumps({"properties": {"k": {"type": "SecureString", "value": STORED_SECRET}}})
    old.get_model("portal", "RepositoryFile").objects.create(
        factory=factory, path="sqlPool/K.json", data=kept.encode()
    )

    new = migrate_to(AFTER)
    stored = new.get_model("portal", "Revision").objects.order_by("number")
    assert [bytes(r.source_bytes) for r in stored] == [masked(clear, STORED_SECRET), plain]
    [file] = new.get_model("portal", "RepositoryFile").objects.all()
    assert bytes(file.data) == kept.encode()  # a file kept as is: exactly, sealed at rest
    assert STORED_SECRET.encode() not in stored_data("sqlPool/K.json")


# --- The database itself ------------------------------------------------------------------


def _pg_dump() -> bytes:
    found = (
        shutil.which("pg_dump")
        or sorted(
            Path("/usr/lib/postgresql").glob("*/bin/pg_dump"), key=lambda p: int(p.parts[-3])
        )[-1]
    )
    settings = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
    command = [str(found), "--data-only", "-h", settings["HOST"], "-p", str(settings["PORT"])]
    command += ["-U", settings["USER"], settings["NAME"]]
    return subprocess.run(command, env=env, check=True, capture_output=True).stdout


def _sqlite_files() -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(connection.settings_dict["NAME"])
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def _spellings(secret: str) -> list[bytes]:
    """The secret as it could be written: UTF-8, JSON-escaped, and bytea's hex of both."""
    forms = {secret.encode(), json.dumps(secret)[1:-1].encode()}
    return [*forms, *(f.hex().encode() for f in forms)]


def _write_every_way(tmp_path: Path) -> None:
    from django.contrib.auth import get_user_model

    from portal.roles import Role, grant, set_role

    editor = get_user_model().objects.create_user("eddie", password=None)
    set_role(editor, Role.EDITOR)
    api, client = api_for(editor), signed_in(editor)

    def spark(name: str, password: str) -> dict[str, Any]:
        return json.loads(spark_file(name, password))

    # The API (a body), the form, the JSON editor, the API's JSON import.
    created = api.post("/api/v1/linkedservices/", spark("ByApi", SECRET), format="json")
    assert created.status_code == 201
    form = form_data(name="ByForm", **{"tp-password": READY_SECRET})
    assert client.post(NEW_SPARK, form).status_code == 302
    text = json.dumps(spark("ByJson", V1_SECRET))
    saved = client.post(NEW_SPARK + "json/", {"text": text, "save": "1"})
    assert saved.status_code == 302
    imported = api.post("/api/v1/import", [spark("ByImport", RECORDED_SECRET)], format="json")
    assert imported.status_code == 201
    # Pasted and uploaded files, a zip through the page and the API, the command line.
    pasted = render(web_pipeline(UPGRADE_SECRET) | {"name": "Pasted"}, STYLES[0]).decode()
    assert client.post("/factories/default/import/", {"pasted": pasted}).status_code == 302
    upload = SimpleUploadedFile("Up.json", spark_file("Up", CONNECTION_STRING_SECRET))
    assert client.post("/factories/default/import/", {"files": [upload]}).status_code == 302
    contoso = Factory.objects.create(name="contoso")
    grant(editor, contoso, Role.EDITOR)
    api_zip = api.post(
        "/api/v1/factories/contoso/import", as_zip(clear_repository()),
        content_type="application/zip",
    )  # fmt: skip
    assert api_zip.status_code == 201, api_zip.content
    every = render(web_pipeline(*ALL_SECRETS) | {"name": "Every"}, STYLES[1])
    page_zip = SimpleUploadedFile("repo.zip", as_zip({"pipeline/Every.json": every}))
    assert client.post("/factories/default/import/", {"repository": page_zip}).status_code == 200
    (tmp_path / "Cli.json").write_bytes(spark_file("Cli", IMPORTED_SECRET))
    call_command("import_adf", str(tmp_path / "Cli.json"), "--user", "eddie", stdout=io.StringIO())
    assert Resource.objects.filter(factory=contoso).exists()
    assert Resource.objects.filter(name__in=["Every", "Cli", "Up", "Pasted"]).count() == 4


@pytest.mark.django_db(transaction=True)
def test_no_secret_the_tests_use_is_in_the_database(tmp_path: Path) -> None:
    _write_every_way(tmp_path)
    assert Revision.objects.filter(source_bytes__isnull=False).count() >= 10
    stored = _pg_dump() if connection.vendor == "postgresql" else _sqlite_files()
    assert b"Every" in stored and b"SparkClear" in stored  # what was written is there
    found = [s for s in ALL_SECRETS if any(form in stored for form in _spellings(s))]
    assert found == []
