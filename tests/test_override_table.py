"""An Editor edits an environment's azure.datafactory.tools config as a table (issue 22,
point 3): a wrong path put right, rows added and deleted, each save a new revision of the
file with its audit row, only the edited lines rewritten; a secret in clear refused with
the reason; the name and path cells complete from the factory's resources and their
schemas. A Reader sees the file read-only; a user with no role in the factory, nothing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from connectors.environments.config_csv import parse_config_csv
from connectors.environments.files import Format
from connectors.environments.row_edits import RowEdit, TableRow, fingerprint, rows_of, table_rows
from portal.imports import import_repository
from portal.models import AuditEvent, EnvironmentFile, Factory
from portal.roles import Role, grant
from portal.services.actor import Actor
from portal.services.environments import STALE, RowsRefused, save_rows
from tests.conftest import make_user, signed_in
from tests.environment_factory import WRONG_PATH_LINE, repository, shop

PAGE = "/factories/shop/environments/test/"
ROWS = "/factories/shop/environments/test/rows/"
LISTS = "/factories/shop/environments/test/row-lists/"
TEST_CONFIG = "deployment/config-test.csv"


@pytest.fixture
def factory(tmp_path: Path, editor: Any, reader: Any) -> Factory:
    return shop(tmp_path / "repo", editor, 10000, 10443, readers=[reader])


def config_file() -> EnvironmentFile:
    return EnvironmentFile.objects.get(path=TEST_CONFIG)


def table_form(file: EnvironmentFile, **changes: dict[str, str]) -> dict[str, str]:
    """The table's form as the page posts it, with ``changes`` by row key."""
    raw = bytes(file.data)
    form = {"file": file.path, "read_from": fingerprint(raw)}
    rows = {f"row-{r.index}": r.cells for r in table_rows(parse_config_csv(file.path, raw))}
    rows["new-0"] = {"type": "", "name": "", "path": "", "value": ""}
    for key, cells in rows.items():
        for column, value in {**cells, **changes.get(key, {})}.items():
            form[f"{key}-{column}"] = value
    return form


def table_rows_of(file: EnvironmentFile) -> list[TableRow]:
    return rows_of(Format(file.format), file.path, bytes(file.data))[0]


def wrong_row_key(file: EnvironmentFile) -> str:
    rows = table_rows(parse_config_csv(file.path, bytes(file.data)))
    return next(f"row-{r.index}" for r in rows if r.line == WRONG_PATH_LINE)


def row_html(page: str, line: int) -> str:
    found = re.search(rf'<tr data-row="row-\d+" data-line="{line}"[^>]*>(.*?)</tr>', page, re.S)
    assert found is not None, page
    return found.group(1)


def test_an_editor_puts_a_wrong_path_right_and_only_that_line_changes(
    factory: Factory, editor: Any, editor_client: Client
) -> None:
    file = config_file()
    before = bytes(file.data)
    page = editor_client.get(PAGE).content.decode()
    wrong = row_html(page, WRONG_PATH_LINE)
    assert 'value="typeProperties.prot"' in wrong and "ADFT0010" in wrong
    key = wrong_row_key(file)
    form = table_form(file, **{key: {"path": "typeProperties.port"}})
    response = editor_client.post(ROWS, form, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "Saved deployment/config-test.csv as revision 2: 1 row changed (line 2)." in fragment
    assert "azure.datafactory.tools config (CSV), revision 2</span>" in fragment
    assert "has-finding" not in fragment and "ADFT0010" not in fragment
    file.refresh_from_db()
    after = bytes(file.data)
    assert after == before.replace(b"typeProperties.prot", b"typeProperties.port")
    assert file.revision == 2
    assert [(r.number, bytes(r.data)) for r in file.revisions.order_by("number")] == [
        (1, before),
        (2, after),
    ]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EDIT, object_name=TEST_CONFIG)
    assert event.user == editor and event.revision == 2 and event.factory == factory
    assert event.detail == "environment test, deployment/config-test.csv: 1 row changed (line 2)"
    # The matrix reads the new file: test is valid now.
    matrix = editor_client.get("/factories/shop/environments/").content.decode()
    assert "not valid" not in matrix


def test_a_path_put_wrong_is_flagged_at_its_row_with_the_existing_message(
    factory: Factory, editor_client: Client
) -> None:
    file = EnvironmentFile.objects.get(path="deployment/config-prod.csv")
    key = next(
        f"row-{r.index}"
        for r in table_rows(parse_config_csv(file.path, bytes(file.data)))
        if r.cells["name"] == "LS_KeyVault"
    )
    form = table_form(file, **{key: {"path": "typeProperties:baseUrl"}})
    response = editor_client.post(
        "/factories/shop/environments/prod/rows/", form, HTTP_HX_REQUEST="true"
    )
    row = row_html(response.content.decode(), 3)
    assert "ADFT0010" in row and "cannot follow a name here" in row


def test_rows_are_added_and_deleted_through_the_table(
    factory: Factory, editor_client: Client
) -> None:
    file = config_file()
    key = wrong_row_key(file)
    form = table_form(
        file,
        **{
            key: {"path": "typeProperties.port"},
            "new-0": {
                "type": "linkedService",
                "name": "LS_Spark",
                "path": "typeProperties.username",
                "value": "etl_test",
            },
        },
    )
    response = editor_client.post(ROWS, form)
    assert response.status_code == 302
    file.refresh_from_db()
    assert bytes(file.data) == (
        b"type,name,path,value\nlinkedService,LS_Spark,typeProperties.port,10000\n"
        b"linkedService,LS_Spark,typeProperties.username,etl_test\n"
    )
    form = table_form(file, **{key: {"delete": "1"}})
    editor_client.post(ROWS, form)
    file.refresh_from_db()
    assert bytes(file.data) == (
        b"type,name,path,value\nlinkedService,LS_Spark,typeProperties.username,etl_test\n"
    )
    assert file.revision == 3
    page = editor_client.get(PAGE).content.decode()
    assert "1 row removed (line 2)" in page  # the message after the redirect


def test_a_secret_in_clear_is_refused_with_the_reason_and_nothing_is_written(
    factory: Factory, editor_client: Client
) -> None:
    file = config_file()
    before = bytes(file.data)
    new = {
        "type": "linkedService",
        "name": "LS_Spark",
        "path": "typeProperties.password",
        "value": '{"type": "SecureString", "value": "hunter2"}',
    }
    response = editor_client.post(ROWS, table_form(file, **{"new-0": new}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "hunter2" not in page
    assert "never a clear value" in page
    new_row = re.search(r'<tr data-row="new-0"[^>]*>(.*?)</tr>', page, re.S)
    assert new_row is not None and "row-finding" in new_row.group(1)
    file.refresh_from_db()
    assert bytes(file.data) == before and file.revision == 1
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EDIT).exists()


def test_a_key_vault_reference_or_a_token_for_a_secret_is_saved(
    factory: Factory, editor: Any
) -> None:
    file = config_file()
    edits = [
        RowEdit(
            None,
            {
                "type": "linkedService",
                "name": "LS_Spark",
                "path": "typeProperties.password.secretName",
                "value": "spark-password-test",
            },
        ),
        RowEdit(
            None,
            {
                "type": "linkedService",
                "name": "LS_Spark",
                "path": "typeProperties.username",
                "value": "$($Env:SPARK_USER)",
            },
        ),
    ]
    saved = save_rows(Actor.cli(editor), file, edits, read_from=fingerprint(bytes(file.data)))
    assert saved.revision == 2 and saved.applied.added == 2
    secret = RowEdit(
        None,
        {
            "type": "linkedService",
            "name": "LS_Spark",
            "path": "typeProperties.password",
            "value": '{"type": "SecureString", "value": "$($Env:SPARK_PASSWORD)"}',
        },
    )
    file.refresh_from_db()
    again = save_rows(Actor.cli(editor), file, [secret], read_from=fingerprint(bytes(file.data)))
    assert again.revision == 3


def test_an_edit_of_a_file_changed_meanwhile_is_refused(factory: Factory, editor: Any) -> None:
    file = config_file()
    read_from = fingerprint(bytes(file.data))
    edit = RowEdit(None, {"type": "linkedService", "name": "LS_Spark", "path": "a", "value": "1"})
    save_rows(Actor.cli(editor), file, [edit], read_from=read_from)
    with pytest.raises(RowsRefused) as refused:
        save_rows(Actor.cli(editor), file, [edit], read_from=read_from)
    assert refused.value.message == STALE


def test_the_name_and_path_cells_complete_from_the_resources_and_their_schema(
    factory: Factory, editor_client: Client
) -> None:
    page = editor_client.get(PAGE).content.decode()
    key = wrong_row_key(config_file())
    names = re.search(rf'<datalist id="names_{key}">(.*?)</datalist>', page, re.S)
    paths = re.search(rf'<datalist id="paths_{key}">(.*?)</datalist>', page, re.S)
    assert names is not None and paths is not None
    assert re.findall(r'value="([^"]+)"', names.group(1)) == ["LS_KeyVault", "LS_Spark"]
    assert '<option value="typeProperties.port">' in paths.group(1)
    assert '<option value="typeProperties.thriftTransportProtocol">' in paths.group(1)
    lists = editor_client.get(
        LISTS, {"row": "new-0", "new-0-type": "linkedService", "new-0-name": "LS_Key*"}
    ).content.decode()
    assert '<datalist id="paths_new-0">' in lists
    assert '<option value="typeProperties.baseUrl">' in lists
    added = editor_client.get(
        LISTS, {"add": "1", "file": TEST_CONFIG, "new-0-type": ""}
    ).content.decode()
    assert 'data-row="new-1"' in added and 'name="new-1-path"' in added


def test_a_reader_sees_the_file_read_only_and_cannot_save(
    factory: Factory, reader_client: Client
) -> None:
    page = reader_client.get(PAGE).content.decode()
    assert "rows-form" not in page and f'data-line="{WRONG_PATH_LINE}"' in page
    form = table_form(config_file(), **{wrong_row_key(config_file()): {"path": "x"}})
    assert reader_client.post(ROWS, form).status_code == 403
    assert reader_client.get(LISTS, {"row": "new-0"}).status_code == 403
    assert config_file().revision == 1


def test_a_user_with_no_role_in_the_factory_gets_404(factory: Factory) -> None:
    outsider = signed_in(make_user("otto", Role.EDITOR))
    form = table_form(config_file(), **{wrong_row_key(config_file()): {"path": "x"}})
    assert outsider.get(PAGE).status_code == 404
    assert outsider.post(ROWS, form).status_code == 404
    assert config_file().revision == 1


UAT_CONFIG = "deployment/config-uat.json"
UAT = (
    b'{\n  "LS_Spark": [\n    {"name": "typeProperties.prot", "value": "10443"}\n  ],\n'
    b'  "LS_KeyVault": [\n    {"name": "typeProperties.baseUrl", "value": "https://kv-uat/"}\n'
    b"  ]\n}\n"
)


@pytest.fixture
def uat(tmp_path: Path, editor: Any) -> Factory:
    """The shop with a ``uat`` stage kept in the JSON form (a wrong path in it)."""
    root = repository(tmp_path / "uat", 10000, 10443)
    (root / UAT_CONFIG).write_bytes(UAT)
    factory = Factory.objects.create(name="shop")
    grant(editor, factory, Role.EDITOR)
    assert import_repository(root, user=editor, factory=factory).ok
    return factory


def test_an_editor_edits_a_json_config_s_entries_as_rows(
    uat: Factory, editor_client: Client
) -> None:
    page = editor_client.get("/factories/shop/environments/uat/").content.decode()
    wrong = row_html(page, 3)
    assert "ADFT0010" in wrong and 'aria-label="Action"' in wrong
    paths = re.search(r'<datalist id="paths_row-0">(.*?)</datalist>', page, re.S)
    assert paths is not None and '<option value="typeProperties.port">' in paths.group(1)
    file = EnvironmentFile.objects.get(path=UAT_CONFIG)
    form = {"file": UAT_CONFIG, "read_from": fingerprint(UAT)}
    rows = table_rows_of(file)
    for row in rows:
        for column, value in row.cells.items():
            form[f"row-{row.index}-{column}"] = value
    form["row-0-path"] = "typeProperties.port"
    response = editor_client.post(
        "/factories/shop/environments/uat/rows/", form, HTTP_HX_REQUEST="true"
    )
    assert "1 row changed (line 3)" in response.content.decode()
    assert "has-finding" not in response.content.decode()
    file.refresh_from_db()
    assert bytes(file.data) == UAT.replace(b"typeProperties.prot", b"typeProperties.port")


QA_CONFIG = "deployment/config-qa.csv"
QA = b"\xef\xbb\xbf" + (
    b"Type,Name,Path,Value\r\n"
    b"# qa: the second server\r\n"
    b"linkedService,LS_Spark,typeProperties.port,10443\r\n"
    b"\r\n"
    b'linkedService,LS_KeyVault,"typeProperties.baseUrl","https://kv-qa.vault.azure.net/"\r\n'
    b'linkedService,LS_Spark,typeProperties.username,"$($Env:SPARK_USER)"\r\n'
)


@pytest.fixture
def qa(tmp_path: Path, editor: Any) -> Factory:
    """The shop with a ``qa`` stage whose config has a BOM, CRLF, a comment, a blank line
    and quoted cells."""
    root = repository(tmp_path / "qa", 10000, 10443)
    (root / QA_CONFIG).write_bytes(QA)
    factory = Factory.objects.create(name="shop")
    grant(editor, factory, Role.EDITOR)
    assert import_repository(root, user=editor, factory=factory).ok
    return factory


def test_saving_keeps_every_untouched_line_of_the_stored_file_byte_for_byte(
    qa: Factory, editor: Any
) -> None:
    file = EnvironmentFile.objects.get(path=QA_CONFIG)
    assert bytes(file.data) == QA
    vault = next(r for r in table_rows_of(file) if r.cells["name"] == "LS_KeyVault")
    edit = RowEdit(vault.index, {**vault.cells, "value": "https://kv-qa2.vault.azure.net/"})
    save_rows(Actor.cli(editor), file, [edit], read_from=fingerprint(QA))
    file.refresh_from_db()
    after = bytes(file.data)
    assert after == QA.replace(b"kv-qa.vault", b"kv-qa2.vault")
    changed = [
        n
        for n, (a, b) in enumerate(zip(QA.split(b"\r\n"), after.split(b"\r\n"), strict=True))
        if a != b
    ]
    assert changed == [4]


def test_the_header_and_comments_show_as_written_at_their_lines(
    qa: Factory, editor_client: Client
) -> None:
    page = editor_client.get("/factories/shop/environments/qa/").content.decode()
    header = re.search(r'<tr data-line="1" class="kept-line">(.*?)</tr>', page, re.S)
    comment = re.search(r'<tr data-line="2" class="kept-line">(.*?)</tr>', page, re.S)
    assert header is not None and "<code>Type,Name,Path,Value</code>" in header.group(1)
    assert comment is not None and "# qa: the second server" in comment.group(1)
    assert 'name="row-4-value" value="https://kv-qa.vault.azure.net/"' in page


ARM_FILE = "deployment/ARMTemplateParametersForFactory.uat.json"


def test_an_arm_parameter_file_stays_read_only_line_by_line(
    tmp_path: Path, editor: Any, editor_client: Client
) -> None:
    root = repository(tmp_path / "arm", 10000, 10443)
    (root / ARM_FILE).write_text(
        '{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/'
        'deploymentParameters.json#",\n  "contentVersion": "1.0.0.0",\n  "parameters": {}\n}\n'
    )
    factory = Factory.objects.create(name="shop")
    grant(editor, factory, Role.EDITOR)
    assert import_repository(root, user=editor, factory=factory).ok
    page = editor_client.get("/factories/shop/environments/uat/").content.decode()
    assert f'data-path="{ARM_FILE}"' in page and "rows-form" not in page
    response = editor_client.post("/factories/shop/environments/uat/rows/", {"file": ARM_FILE})
    assert response.status_code == 404
