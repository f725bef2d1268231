"""An environment's config file read and edited row by row through the API (issue 22,
point 3), as the overrides page does: the rows with their findings, a wrong path put
right as a new revision, a secret in clear refused, an edit of an older state answered
409, the completions of a row's name and path; a Reader reads and cannot write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from portal.models import AuditEvent, EnvironmentFile, Factory
from tests.conftest import api_for
from tests.environment_factory import WRONG_PATH_LINE, shop

ROWS = "/api/v1/factories/shop/environments/test/rows"
TEST_CONFIG = "deployment/config-test.csv"


@pytest.fixture
def factory(tmp_path: Path, editor: Any, reader: Any) -> Factory:
    return shop(tmp_path / "repo", editor, 10000, 10443, readers=[reader])


def test_the_api_gives_the_rows_with_their_findings_and_saves_an_edit(
    factory: Factory, editor: Any
) -> None:
    api = api_for(editor)
    state = api.get(ROWS, {"file": TEST_CONFIG}).json()
    [row] = state["rows"]
    assert (row["line"], row["path"]) == (WRONG_PATH_LINE, "typeProperties.prot")
    assert [f["code"] for f in row["findings"]] == ["ADFT0010"]
    body = {
        "file": TEST_CONFIG,
        "read_from": state["read_from"],
        "rows": [{"row": row["row"], "path": "typeProperties.port"}],
    }
    saved = api.post(ROWS, body, format="json")
    assert saved.status_code == 200, saved.content
    after = saved.json()
    assert after["revision"] == 2 and after["summary"] == "1 row changed (line 2)"
    assert after["rows"][0]["findings"] == []
    data = bytes(EnvironmentFile.objects.get(path=TEST_CONFIG).data)
    assert data == b"type,name,path,value\nlinkedService,LS_Spark,typeProperties.port,10000\n"
    event = AuditEvent.objects.get(action=AuditEvent.Action.EDIT)
    assert event.detail.startswith("API, environment test")
    stale = api.post(ROWS, body, format="json")
    assert stale.status_code == 409


def test_the_api_refuses_a_secret_in_clear_without_repeating_it(
    factory: Factory, editor: Any
) -> None:
    api = api_for(editor)
    state = api.get(ROWS, {"file": TEST_CONFIG}).json()
    new = {
        "row": None,
        "type": "linkedService",
        "name": "LS_Spark",
        "path": "typeProperties.password",
        "value": '{"type": "SecureString", "value": "hunter2"}',
    }
    body = {"file": TEST_CONFIG, "read_from": state["read_from"], "rows": [new]}
    refused = api.post(ROWS, body, format="json")
    assert refused.status_code == 400
    assert "hunter2" not in refused.content.decode()
    assert refused.json()["refused"][0]["edit"] == 0
    assert EnvironmentFile.objects.get(path=TEST_CONFIG).revision == 1


def test_the_api_completes_a_row_s_name_and_path(factory: Factory, reader: Any) -> None:
    found = api_for(reader).get(
        "/api/v1/factories/shop/environments/test/completion",
        {"type": "linkedService", "name": "LS_Spark"},
    )
    assert found.json()["names"] == ["LS_KeyVault", "LS_Spark"]
    assert "typeProperties.port" in found.json()["paths"]


def test_a_reader_reads_the_rows_through_the_api_and_cannot_edit_them(
    factory: Factory, reader: Any
) -> None:
    api = api_for(reader)
    state = api.get(ROWS, {"file": TEST_CONFIG}).json()
    body = {"file": TEST_CONFIG, "read_from": state["read_from"], "rows": []}
    assert api.post(ROWS, body, format="json").status_code == 403
