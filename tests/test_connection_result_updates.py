"""A connection test's result fragment (issue 10, point 9): it asks again after 100 ms,
backing off to a second, and on the linked service's page it brings "Last connection tests"
along (an htmx out-of-band swap) when the test starts and when it ends, so the table never
says "Not tested yet" under a finished test."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from portal.models import ConnectionTest
from tests.helpers import url_of
from tests.test_connection_test_portal import wait_for

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def loopback_service(editor: Any, spark_v2: dict[str, Any], settings: Any) -> Any:
    """A saved definition whose test the address policy refuses at once (loopback not
    allowed): a quick verdict, and no network."""
    from portal.definitions import save_definition

    settings.CONNECTION_TEST_ALLOW_LOOPBACK = False
    spark_v2["typeProperties"]["host"] = "127.0.0.1"
    return save_definition(
        user=editor, name="Loopback", properties=spark_v2, action="create"
    ).resource


def poll_of(fragment: str) -> tuple[str, int] | None:
    """The URL and delay the fragment asks again with, or None when it does not."""
    url = re.search(r'hx-get="([^"]+)"', fragment)
    delay = re.search(r'hx-trigger="load delay:(\d+)ms"', fragment)
    if not url:
        return None
    assert delay, fragment
    return url.group(1).replace("&amp;", "&"), int(delay.group(1))


@pytest.mark.django_db
def test_an_unfinished_result_asks_again_quickly_then_backs_off_to_a_second(
    editor_client: Client, saved_service: Any, editor: Any
) -> None:
    test = ConnectionTest.objects.create(
        resource=saved_service,
        revision=1,
        name=saved_service.name,
        connector="Spark",
        connector_version="2.0",
        user=editor,
    )
    url = f"/connection-tests/{test.pk}/"
    delays = []
    for _ in range(7):
        fragment = editor_client.get(url, **HTMX).content.decode()
        found = poll_of(fragment)
        assert found is not None
        url, delay = found
        delays.append(delay)
    assert delays == [100, 200, 400, 800, 1000, 1000, 1000]
    assert "history" not in url, "only the linked service's page asks for its history"
    # A tampered counter is read within bounds.
    fragment = editor_client.get(f"/connection-tests/{test.pk}/?poll=x", **HTMX).content
    assert poll_of(fragment.decode())[1] == 100  # type: ignore[index]
    fragment = editor_client.get(f"/connection-tests/{test.pk}/?poll=99999", **HTMX).content
    assert poll_of(fragment.decode())[1] == 1000  # type: ignore[index]


@pytest.mark.django_db(transaction=True)
def test_the_detail_pages_test_brings_its_history_along_when_it_starts_and_ends(
    editor_client: Client, loopback_service: Any
) -> None:
    saved_service = loopback_service
    page = editor_client.get(url_of(saved_service)).content.decode()
    assert '<div id="test_history" class="test-history">' in page
    assert "Not tested yet." in page

    started = editor_client.post(url_of(saved_service, "test"), **HTMX)
    fragment = started.content.decode()
    assert "data-first" in fragment and 'tabindex="-1"' in fragment
    url, delay = poll_of(fragment) or ("", 0)
    assert delay == 100 and "history=1" in url
    history = fragment.split('id="test_history"')[1]
    assert 'hx-swap-oob="true"' in fragment.split('id="test_history"')[0][-60:] + history[:40]
    assert "Not tested yet." not in history

    test = wait_for(ConnectionTest.objects.latest("pk").pk)
    done = editor_client.get(url, **HTMX).content.decode()
    assert poll_of(done) is None
    assert "data-done" in done
    history = done.split('id="test_history"')[1]
    assert test.get_status_display() in history
    assert f'href="/connection-tests/{test.pk}/"' in history

    # Without the flag (the edit form, which shows no history) the fragment brings none.
    alone = editor_client.get(f"/connection-tests/{test.pk}/", **HTMX).content.decode()
    assert "test_history" not in alone


@pytest.mark.django_db
def test_the_edit_forms_test_brings_no_history(
    editor_client: Client, loopback_service: Any
) -> None:
    from tests.conftest import form_data

    response = editor_client.post(
        url_of(loopback_service, "test-form"),
        form_data(**{"tp-host": "127.0.0.1"}),
        **HTMX,
    )
    fragment = response.content.decode()
    assert "data-first" in fragment
    assert "test_history" not in fragment
