"""A refused request (403) is logged as one line, never a traceback (issue 18, point 5):
a page's or an API request's refusal by the line saying who needed which role (Django's
own record of it is dropped); the audit trail records both."""

from __future__ import annotations

import logging
import sys
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from portal.log_records import RefusalsInOneLine
from tests.conftest import api_for

pytestmark = pytest.mark.django_db


def warnings_of(caplog: Any) -> list[str]:
    assert not [r for r in caplog.records if r.exc_info or r.exc_text], "a traceback was logged"
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_page_refused_for_a_role_is_one_line(reader_client: Client, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    assert reader_client.get("/factories/default/new/").status_code == 403
    assert warnings_of(caplog) == [
        "permission denied: user=rita needs=Editor path=/factories/default/new/"
    ]


def test_an_api_request_refused_for_a_role_is_one_line(reader: Any, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    response = api_for(reader).post("/api/v1/linkedservices/", {}, format="json")
    assert response.status_code == 403
    assert warnings_of(caplog) == [
        "permission denied: user=rita needs=Editor path=/api/v1/linkedservices/"
    ]


def test_a_refusal_the_portal_did_not_log_keeps_djangos_line(reader: Any, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    response = client.post("/api/v1/linkedservices/", {}, content_type="application/json")
    assert response.status_code == 403  # CSRF: no role was checked
    assert warnings_of(caplog) == ["Forbidden: /api/v1/linkedservices/"]


def test_any_other_refusal_keeps_its_line_without_the_traceback() -> None:
    try:
        raise PermissionDenied("not yours")
    except PermissionDenied:
        record = logging.LogRecord(
            "django.request", logging.WARNING, __file__, 1, "Forbidden (Permission denied): %s",
            ("/x",), sys.exc_info(),
        )  # fmt: skip
    assert RefusalsInOneLine().filter(record)
    assert record.exc_info is None
    assert logging.Formatter().format(record) == "Forbidden (Permission denied): /x"
