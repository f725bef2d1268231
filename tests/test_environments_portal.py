"""A repository's override files become the factory's environments, export writes them back
byte for byte, and ``manage.py environments list|show|validate`` reads and checks them."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from connectors.adf_repository import Status, read_folder
from portal.environments import check_factory, ensure_repository_environment, keep_files
from portal.imports import export_repository, import_repository
from portal.models import Environment, EnvironmentFile, Factory, RepositoryFile
from tests.connectors.environments_data import ROOT, TEST_VARIABLES


@pytest.fixture
def contoso(db: Any, editor: Any) -> Factory:
    factory = Factory.objects.create(name="contoso")
    result = import_repository(ROOT, user=editor, factory=factory)
    assert result.ok, [str(line) for line in result.report if line.status is Status.ERROR]
    return factory


def _run(*args: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        call_command("environments", *args, stdout=out)
    return out.getvalue()


def test_an_imported_repository_s_override_files_become_its_environments_in_stage_order(
    contoso: Factory,
) -> None:
    environments = list(Environment.objects.filter(factory=contoso))
    assert [(e.name, e.position, e.is_repository) for e in environments] == [
        ("dev", 0, True),
        ("test", 1, False),
        ("uat", 2, False),
        ("prod", 3, False),
        ("bad", 4, False),
    ]
    files = {f.path: (f.environment.name, f.format) for f in EnvironmentFile.objects.all()}
    assert files == {
        "deployment/config-test.csv": ("test", "adftools-csv"),
        "deployment/ARMTemplateParametersForFactory.uat.json": ("uat", "arm-parameters"),
        "deployment/config-prod.json": ("prod", "adftools-json"),
        "deployment/config-bad.csv": ("bad", "adftools-csv"),
    }
    assert not RepositoryFile.objects.filter(path__startswith="deployment/").exists()
    assert RepositoryFile.objects.filter(factory=contoso, path="README.md").exists()


def test_the_import_report_names_each_override_file_s_environment(db: Any, editor: Any) -> None:
    factory = Factory.objects.create(name="reported")
    result = import_repository(ROOT, user=editor, factory=factory)
    lines = {line.path: line for line in result.report}
    line = lines["deployment/config-test.csv"]
    assert (line.status, line.message) == (
        Status.IMPORTED,
        "environment 'test': azure.datafactory.tools config (CSV)",
    )


def test_export_writes_every_file_back_byte_for_byte_environments_included(
    contoso: Factory,
) -> None:
    exported, original = dict(export_repository(contoso)), dict(read_folder(ROOT))
    bad = "deployment/config-bad.csv"
    assert {p: d for p, d in exported.items() if p != bad} == {
        p: d for p, d in original.items() if p != bad
    }
    # The two rows that wrote a secret in clear are kept as the mask, those rows alone.
    changed = [
        (n, line)
        for n, (line, before) in enumerate(
            zip(exported[bad].split(b"\n"), original[bad].split(b"\n"), strict=True), 1
        )
        if line != before
    ]
    assert changed == [
        (
            10,
            b"linkedService,LS_Spark,typeProperties.password,"
            b'"{""type"": ""SecureString"", ""value"": ""**********""}"',
        ),
        (
            11,
            b"linkedService,LS_Blob,typeProperties.connectionString,"
            b'"DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey=**********;"',
        ),
    ]


def test_a_secret_in_clear_in_an_override_file_is_never_kept_and_the_import_says_so(
    db: Any, editor: Any
) -> None:
    factory = Factory.objects.create(name="secrets")
    result = import_repository(ROOT, user=editor, factory=factory)
    warnings = [
        line.message
        for line in result.report
        if line.path == "deployment/config-bad.csv" and line.status is Status.WARNING
    ]
    assert [w.split(":")[0] for w in warnings] == ["line 10", "line 11"]
    stored = b"".join(bytes(f.data) for f in EnvironmentFile.objects.filter(factory=factory))
    assert b"hunter2" not in stored
    assert b"abc123" not in stored


def test_importing_again_replaces_an_environment_s_file_and_keeps_the_environments(
    contoso: Factory, editor: Any
) -> None:
    files = dict(read_folder(ROOT))
    files["deployment/config-test.csv"] += b"\r\ntrigger,TR_Daily,runtimeState,Stopped"
    keep_files(contoso, [(p, d) for p, d in files.items() if p.startswith("deployment/")])
    assert Environment.objects.filter(factory=contoso).count() == 5
    kept = EnvironmentFile.objects.get(factory=contoso, path="deployment/config-test.csv")
    assert bytes(kept.data) == files["deployment/config-test.csv"]


def test_a_factory_has_one_repository_environment_and_names_are_unique(contoso: Factory) -> None:
    assert ensure_repository_environment(contoso).name == "dev"
    with pytest.raises(IntegrityError), transaction.atomic():
        Environment.objects.create(factory=contoso, name="other", is_repository=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Environment.objects.create(factory=contoso, name="test")


def test_the_repository_environment_is_not_named_after_a_stage_with_its_own_files(
    db: Any,
) -> None:
    factory = Factory.objects.create(name="devfiles")
    keep_files(factory, [("deployment/config-dev.csv", b"type,name,path,value\n")])
    assert list(
        Environment.objects.filter(factory=factory).values_list("name", "is_repository")
    ) == [
        ("repository", True),
        ("dev", False),
    ]


def test_checking_the_factory_checks_each_environment_against_its_resources(
    contoso: Factory,
) -> None:
    test = Environment.objects.get(factory=contoso, name="test")
    test.variables = json.dumps(TEST_VARIABLES)
    test.save()
    checked = check_factory(contoso)
    assert [(r.name, r.ok) for r in checked.results] == [
        ("dev", True),
        ("test", True),
        ("uat", True),
        ("prod", True),
        ("bad", False),
    ]
    assert len(checked.base) == 8


def test_the_command_lists_environments_with_their_files(contoso: Factory) -> None:
    out = _run("list", "--factory", "contoso")
    assert out.splitlines()[0] == "dev: the repository's own values"
    assert "test: overrides: deployment/config-test.csv (adftools-csv)" in out
    document = json.loads(_run("list", "--factory", "contoso", "--json"))
    assert [e["name"] for e in document["environments"]] == ["dev", "test", "uat", "prod", "bad"]


def test_the_command_shows_an_environment_s_changes_without_secret_values(
    contoso: Factory,
) -> None:
    document = json.loads(_run("show", "--factory", "contoso", "--environment", "prod", "--json"))
    (prod,) = document["environments"]
    changes = {(c["resource"], c["path"]): c for c in prod["changes"]}
    vault = changes[("linkedService 'LS_KeyVault'", "$.properties.typeProperties.baseUrl")]
    assert vault["value"] == "https://kv-contoso-prod.vault.azure.net/"
    assert (vault["file"], vault["line"]) == ("deployment/config-prod.json", 5)
    password = changes[("linkedService 'LS_Spark'", "$.properties.typeProperties.password")]
    assert password["value"] == "(secret, not shown)"
    text = _run("show", "--factory", "contoso", "--environment", "prod")
    assert text.startswith("prod: 4 change(s)\n")


def test_validate_exits_1_and_says_where_when_an_environment_has_an_error(
    contoso: Factory,
) -> None:
    with pytest.raises(CommandError) as failed:
        _run("validate", "--factory", "contoso", "--environment", "bad")
    assert failed.value.returncode == 1
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "environments", "validate", "--factory", "contoso", "--environment", "bad",
            "--json", stdout=out,
        )  # fmt: skip
    document = json.loads(out.getvalue())
    assert document["ok"] is False
    findings = document["environments"][0]["findings"]
    assert {
        "severity": "error",
        "code": "ADFT0007",
        "file": "deployment/config-bad.csv",
        "line": 3,
        "column": 15,
        "field": "name",
        "resource": "",
        "path": "",
        "message": "Could not find object: linkedService.LS_Nowhere.",
    } in findings
    assert "hunter2" not in out.getvalue()


def test_validate_passes_for_a_good_environment_and_names_a_token_without_a_value(
    contoso: Factory,
) -> None:
    out = _run("validate", "--factory", "contoso", "--environment", "test")
    assert out.splitlines()[0] == "ok   test: 8 resource(s), 7 changed, 0 error(s)"
    assert "$($Env:Stage) has no value in environment 'test'" in out


def test_the_command_refuses_an_environment_the_factory_does_not_have(contoso: Factory) -> None:
    with pytest.raises(CommandError, match="has no environment 'staging'"):
        _run("list", "--factory", "contoso", "--environment", "staging")
