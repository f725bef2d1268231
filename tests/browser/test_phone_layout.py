"""Every page of the portal at a phone's width (390 px): no sideways scrolling.

The ``page`` fixture checks each page visited here again at 390 px wide; this test visits
the pages the other browser tests do not (history, deleted, upgrade, import, tokens with a
new key, audit log, users, a connection test), filled with long values.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.definitions import delete_definition, save_definition
from portal.models import ConnectionTest
from portal.roles import Role, set_role
from tests.browser.conftest import assert_fits_phone
from tests.fixture_secrets import PHONE_LOGIN_PASSWORD
from tests.helpers import url_of

pytestmark = pytest.mark.browser

ADMIN = "phone-admin"
ADMIN_PASSWORD = PHONE_LOGIN_PASSWORD
LONG_HOST = "spark-thrift-server-with-a-rather-long-name.westeurope.cloudapp.example.com"


def v1(host: str, **tp: Any) -> dict[str, Any]:
    return {
        "type": "Spark",
        "description": "A definition with a long description " * 4,
        "typeProperties": {
            "host": host,
            "port": 10000,
            "thriftTransportProtocol": "SASL",
            "authenticationType": "Username",
            "username": "etl",
            **tp,
        },
    }


def test_every_page_fits_a_phone_screen(
    page: Page, live_server: Any, transactional_db: None, django_user_model: Any
) -> None:
    admin = django_user_model.objects.create_user(ADMIN, password=ADMIN_PASSWORD)
    set_role(admin, Role.ADMIN)
    first = save_definition(
        user=admin, name="PhoneSpark", properties=v1(LONG_HOST), action="create"
    )
    service = first.resource
    save_definition(
        user=admin,
        name="PhoneSpark",
        properties=v1(LONG_HOST, port=10001),
        action="edit",
        instance=service,
    )
    gone = save_definition(user=admin, name="PhoneGone", properties=v1("gone"), action="create")
    delete_definition(user=admin, instance=gone.resource)
    test = ConnectionTest.objects.create(
        resource=service,
        revision=2,
        name="PhoneSpark",
        connector="Spark",
        connector_version="1.0",
        user=admin,
        status="failed",
        report=(
            '{"ok": false, "stages": [{"name": "TCP connect", "status": "failed", '
            '"duration_ms": 1.0, "detail": "' + LONG_HOST + ' refused", '
            '"observed": "refused", "change": "Check the port"}]}'
        ),
    )

    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(ADMIN)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/factories/default/(\?kind=linkedService)?$"))

    base = url_of(service).rstrip("/")
    for path in (
        f"{base}/",
        f"{base}/history/?old=1&new=2",
        f"{base}/edit/",
        f"{base}/delete/",
        f"{base}/upgrade/",
        f"/connection-tests/{test.pk}/",
        "/factories/default/deleted/",
        "/factories/default/import/",
        "/upgrade/",
        "/audit/",
        "/users/",
        f"/users/{admin.pk}/",
    ):
        response = page.goto(path)
        assert response is not None and response.ok, path

    # The tokens page right after creating one, with its long key and copy button.
    page.goto("/tokens/")
    page.get_by_label("New token name").fill("a token for the nightly deployment pipeline")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#new-token")).to_be_visible()
    expect(page.get_by_role("button", name="Copy")).to_be_visible()
    assert_fits_phone(page, "the tokens page with a new key")
