"""The upgrade pages list decisions cleanly, keep the history's comment short with the
plan one link away, and show readers no selection they cannot act on (issue 10, point 13
and part of 12)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from portal.models import Revision
from portal.upgrades import apply_upgrade
from tests.helpers import url_of
from tests.test_upgrade_portal import READY, SASL_USERNAME, create

pytestmark = pytest.mark.django_db


def test_needs_decisions_lists_each_pending_decision_without_an_empty_item(
    editor_client: Client, editor: Any
) -> None:
    service = create(editor, "Old", SASL_USERNAME)
    html = editor_client.get(url_of(service, "upgrade")).content.decode()
    line = re.search(r"<p>Needs decisions: (.*?)</p>", html, re.S)
    assert line, "no 'Needs decisions' line"
    items = re.findall(r"<strong>([^<]*)</strong>", line.group(1))
    assert items and all(item.strip() for item in items)
    assert re.sub(r"<[^>]+>", "", line.group(1)).endswith(items[-1] + ".")
    assert ", ." not in line.group(1)
    overview = editor_client.get("/upgrade/").content.decode()
    row = re.search(r'<tr data-name="Old">(.*?)</tr>', overview, re.S).group(1)
    listed = re.search(r"needs decisions</span>([^<]*)</td>", row).group(1).strip()
    assert listed and not listed.endswith(";") and ";;" not in listed
    assert [x.strip() for x in listed.split(";")] == items


def test_an_upgrade_revision_has_a_one_line_comment_and_the_plan_on_its_own_page(
    editor_client: Client, editor: Any
) -> None:
    service = create(editor, "Ready", READY)
    apply_upgrade(user=editor, service=service)
    revision = Revision.objects.get(resource=service, number=2)
    assert "\n" not in revision.comment and len(revision.comment) < 120
    assert "see the plan" in revision.comment
    assert "thriftTransportProtocol" in revision.detail or "version" in revision.detail
    assert len(revision.detail.splitlines()) > 1
    history = editor_client.get(url_of(service, "history")).content.decode()
    link = url_of(service, "revision", 2)
    assert f'href="{link}"' in history
    assert escape(revision.detail.splitlines()[1]) not in history
    page = editor_client.get(link)
    assert page.status_code == 200
    assert escape(revision.detail.splitlines()[1]) in page.content.decode()


def test_readers_see_no_selection_checkboxes_on_the_upgrade_page(
    reader_client: Client, editor_client: Client, editor: Any
) -> None:
    create(editor, "Ready", READY)
    reader_html = reader_client.get("/upgrade/").content.decode()
    assert 'type="checkbox"' not in reader_html
    assert 'type="checkbox"' in editor_client.get("/upgrade/").content.decode()
