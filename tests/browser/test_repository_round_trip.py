"""An Editor imports a repository zip in a real browser, follows a dataset's reference to
its Spark linked service, opens a Spark linked service whose password ADF holds encrypted
(``encryptedCredential``, a parameterised host), exports the factory's zip, and gets the
same files back."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from connectors.file_style import FileStyle, render
from tests.browser.test_connection_button import sign_in
from tests.connectors.repository_builders import as_zip, documents, repository

pytestmark = pytest.mark.browser

CREDENTIAL = "ew0KICAiVmVyc2lvbiI6ICIyMDE3LTExLTMwIiwNCiAgIlByb3RlY3Rpb25Nb2RlIjogIktleSJ9"
ENCRYPTED_PATH = "linkedService/SparkEncrypted.json"
ENCRYPTED = {
    "name": "SparkEncrypted",
    "type": "Microsoft.DataFactory/factories/linkedservices",
    "properties": {
        "annotations": [],
        "type": "Spark",
        "typeProperties": {
            "host": "@{linkedService().hostName}",
            "port": 443,
            "serverType": "SparkThriftServer",
            "thriftTransportProtocol": "SASL",
            "authenticationType": "UsernameAndPassword",
            "username": "analyst",
            "encryptedCredential": CREDENTIAL,
        },
        "parameters": {"hostName": {"type": "String", "defaultValue": "spark.example.com"}},
    },
}
"""A Spark 1.0 linked service as ADF Studio writes it when ADF holds the password
encrypted: no password, an ``encryptedCredential``, and a host taken from a parameter."""


def test_a_repository_zip_round_trips_byte_for_byte_through_the_browser(
    page: Page, live_server: Any, editor_login: dict[str, str], tmp_path: Path
) -> None:
    files = repository()
    files[ENCRYPTED_PATH] = render(ENCRYPTED, FileStyle(indent="    ", newline="\r\n"))
    sign_in(page, live_server, editor_login)

    page.goto(f"{live_server.url}/factories/default/import/")
    page.set_input_files(
        "#id_repository",
        files=[{"name": "contoso.zip", "mimeType": "application/zip", "buffer": as_zip(files)}],
    )
    page.get_by_role("button", name="Import").click()
    report = page.locator("#repository-report")
    expect(report).to_contain_text(
        f"{len(documents()) + 1} resource(s) imported, 5 file(s) kept as is."
    )
    expect(report.locator("tr", has_text="publish_config.json")).to_contain_text("kept as is")

    page.get_by_role("link", name="Open default").click()
    page.get_by_role("link", name="SparkProd", exact=True).click()
    expect(page).to_have_url(re.compile(r"/factories/default/linkedService/SparkProd/$"))
    expect(page.locator("body")).to_contain_text("spark.example.com")

    page.goto(f"{live_server.url}/factories/default/")
    page.get_by_role("link", name="SparkEncrypted", exact=True).click()
    expect(page).to_have_url(re.compile(r"/factories/default/linkedService/SparkEncrypted/$"))
    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.locator("body")).to_contain_text(
        "held encrypted by Data Factory (encryptedCredential) and cannot be read here"
    )

    page.goto(f"{live_server.url}/factories/default/")
    page.get_by_role("link", name="Sales Ünïcode 売上").click()
    expect(page.locator("h1")).to_contain_text("Sales Ünïcode 売上")
    page.locator("pre a", has_text="SparkProd").first.click()
    expect(page).to_have_url(re.compile(r"/factories/default/linkedService/SparkProd/$"))

    page.goto(f"{live_server.url}/factories/default/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export zip").click()
    saved = tmp_path / "export.zip"
    download_info.value.save_as(saved)
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
        exported = {info.filename: archive.read(info) for info in archive.infolist()}
    assert exported == files
