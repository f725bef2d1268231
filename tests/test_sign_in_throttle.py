"""Sign-in throttling: failed passwords lock the account (from any address) and the address."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from portal.models import AuditEvent
from tests.conftest import PASSWORD, api_for

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
FAILED = AuditEvent.Action.SIGN_IN_FAILED
LOCKED = AuditEvent.Action.SIGN_IN_LOCKED


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def sign_in(client: Client, password: str, username: str = "eddie") -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def let_the_cool_off_pass(settings: Any) -> None:
    past = timezone.now() - timedelta(seconds=settings.SIGN_IN_COOL_OFF_SECONDS + 1)
    AuditEvent.objects.filter(action=FAILED).update(at=past)


def test_five_wrong_passwords_lock_the_account_and_the_page_says_so(editor: Any) -> None:
    client = from_address("127.0.0.2")
    for _ in range(4):
        response = sign_in(client, "wrong")
        assert response.status_code == 200
        assert "did not match" in response.content.decode()
    response = sign_in(client, "wrong")
    assert response.status_code == 429
    page = response.content.decode()
    assert (
        "Sign-in is locked for this account after 5 failed attempts. Try again in 15 minutes."
        in page
    )
    assert "did not match" not in page
    lock = AuditEvent.objects.get(action=LOCKED)
    assert lock.object_name == "eddie" and lock.remote_addr == "127.0.0.2"
    assert "this account locked for 15 minutes after 5 failed sign-ins" in lock.detail


def test_the_right_password_is_refused_until_the_cool_off_passes(
    editor: Any, settings: Any
) -> None:
    client = from_address("127.0.0.2")
    for _ in range(5):
        sign_in(client, "wrong")
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429 and not signed_in(client)
    refused = AuditEvent.objects.filter(action=LOCKED).latest("pk")
    assert "sign-in refused: this account is locked" in refused.detail
    let_the_cool_off_pass(settings)
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_another_address_is_refused_for_a_locked_account(editor: Any) -> None:
    attacker = from_address("127.0.0.2")
    for _ in range(5):
        sign_in(attacker, "wrong")
    owner = from_address("127.0.0.3")
    response = sign_in(owner, PASSWORD)
    assert response.status_code == 429 and not signed_in(owner)
    assert "locked for this account" in response.content.decode()


def test_thirty_quick_wrong_passwords_check_only_five(editor: Any) -> None:
    client = from_address("127.0.0.2")
    statuses = [sign_in(client, f"guess-{n}").status_code for n in range(30)]
    assert statuses == [200] * 4 + [429] * 26
    assert AuditEvent.objects.filter(action=FAILED).count() == 5
    assert AuditEvent.objects.filter(action=LOCKED).count() == 1 + 25


def test_one_address_trying_many_accounts_is_locked(
    editor: Any, reader: Any, settings: Any
) -> None:
    settings.SIGN_IN_MAX_FAILURES_PER_ADDRESS = 3
    client = from_address("127.0.0.4")
    for username in ("alice", "bob", "carol"):
        assert sign_in(client, "wrong", username).status_code in (200, 429)
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429
    assert "locked for your address" in response.content.decode()
    elsewhere = from_address("127.0.0.5")
    assert sign_in(elsewhere, PASSWORD).status_code == 302 and signed_in(elsewhere)


def test_api_tokens_still_work_for_a_locked_account(editor: Any) -> None:
    for _ in range(5):
        sign_in(from_address("127.0.0.2"), "wrong")
    assert sign_in(from_address("127.0.0.2"), PASSWORD).status_code == 429
    assert api_for(editor).get("/api/v1/linkedservices/").status_code == 200


def test_the_audit_log_page_shows_the_lockout(editor: Any, admin_client: Client) -> None:
    for _ in range(5):
        sign_in(from_address("127.0.0.2"), "wrong")
    page = admin_client.get("/audit/?action=sign-in+locked").content.decode()
    assert "this account locked for 15 minutes after 5 failed sign-ins" in page
    assert "127.0.0.2" in page
