"""Statements compiled once (portal.compiled_statements) give what the ORM gives: the same
instances, the same rows written, the same counts, on SQLite and in the PostgreSQL pass of
scripts/test.sh."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.compiled_statements import Lookup, insert, update_row
from portal.definitions import save_definition
from portal.models import (
    ROLE_IN_FACTORY_NAMED,
    ApiToken,
    AuditEvent,
    ConnectionTest,
    Factory,
    LiveCall,
    Resource,
    Revision,
)
from portal.roles import Role, grant

pytestmark = pytest.mark.django_db(transaction=True)


def _fields(row: Any) -> dict[str, Any]:
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}


def _spark(port: int) -> dict[str, Any]:
    return {
        "type": "Spark",
        "typeProperties": {"host": "127.0.0.1", "port": port, "authenticationType": "Anonymous"},
    }


def test_a_token_found_by_its_key_is_the_orm_s_with_its_user_and_a_revoked_one_is_not_found(
    editor: Any,
) -> None:
    token, key = ApiToken.issue(editor, "script", expires_at=timezone.now() + timedelta(days=3))
    _, other_key = ApiToken.issue(editor, "other")
    for _ in range(2):  # compiled by the first call, run again by the second
        found = ApiToken.active(key)
        assert found is not None
        expected = ApiToken.objects.select_related("user").get(pk=token.pk)
        assert _fields(found) == _fields(expected)
        assert found.expires_at == expected.expires_at and found.expires_at.tzinfo is not None
        with CaptureQueriesContext(connection) as captured:
            assert found.user.username == editor.username  # read with it
            assert _fields(found.user) == _fields(expected.user)
        assert captured.captured_queries == []
        assert found._state.adding is False and found._state.db == "default"
    assert ApiToken.active(other_key).name == "other"  # type: ignore[union-attr]
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert ApiToken.active(key) is None
    assert ApiToken.active("lw_no_such_key") is None


def test_a_role_is_found_by_user_and_factory_name_with_its_factory(editor: Any) -> None:
    other = Factory.objects.create(name="other-factory")
    grant(editor, other, Role.READER)
    for name, factory in (("default", Factory.named("default")), ("other-factory", other)):
        found = ROLE_IN_FACTORY_NAMED.get(editor.pk, name)
        assert found is not None and factory is not None
        assert found.factory == factory and found.factory.name == name
        assert found.user_id == editor.pk
    assert found.role == Role.READER
    assert ROLE_IN_FACTORY_NAMED.get(editor.pk, "no-such-factory") is None
    outsider = get_user_model().objects.create_user("outsider")
    assert ROLE_IN_FACTORY_NAMED.get(outsider.pk, "other-factory") is None


def test_a_live_resource_is_found_by_name_in_any_case_and_a_deleted_one_is_not(
    editor: Any,
) -> None:
    save_definition(user=editor, name="SparkOne", properties=_spark(10000), action="create")
    factory = Factory.named("default")
    assert factory is not None
    found = Resource.live_named(factory, "linkedService", "sparkone")
    assert found is not None and found.name == "SparkOne"
    assert _fields(found) == _fields(Resource.objects.get(pk=found.pk))
    assert found.factory is factory
    assert Resource.live_named(factory, "dataset", "SparkOne") is None
    Resource.objects.filter(pk=found.pk).update(deleted_at=timezone.now())
    assert Resource.live_named(factory, "linkedService", "SparkOne") is None


def test_a_lookup_by_something_other_than_one_exact_match_is_refused_when_compiled() -> None:
    by_range: Lookup[LiveCall] = Lookup(lambda: LiveCall.objects.all(), "started_at__gte")
    with pytest.raises(AssertionError, match="lookup by"):
        by_range.get(timezone.now())
    with pytest.raises(TypeError):
        Lookup(lambda: Factory.objects.all(), "name").get()


def test_an_insert_writes_the_row_create_writes(editor: Any) -> None:
    test = insert(ConnectionTest(name="A", connector="Spark", connector_version="1.0", user=editor))
    assert test.pk is not None and test.created_at is not None  # auto_now_add, as save sets it
    assert test._state.adding is False
    made = ConnectionTest.objects.create(
        name="A", connector="Spark", connector_version="1.0", user=editor
    )
    stored, expected = _fields(ConnectionTest.objects.get(pk=test.pk)), _fields(made)
    for differs in ("id", "created_at"):
        stored.pop(differs), expected.pop(differs)
    assert stored == expected
    call = insert(LiveCall(operation=LiveCall.Operation.TEST, test=test, user=editor))
    assert LiveCall.objects.get(pk=call.pk).test_id == test.pk
    assert LiveCall.objects.get(pk=call.pk).verdict == LiveCall.Verdict.RUNNING  # default
    event = AuditEvent.append(action="test", user=editor, object_name="A", detail="x")
    assert AuditEvent.objects.get(pk=event.pk).detail == "x"
    with pytest.raises(ValueError, match="new row"):
        insert(test)


def test_a_model_with_its_own_save_is_saved_by_it(editor: Any) -> None:
    save_definition(user=editor, name="SparkOne", properties=_spark(10000), action="create")
    revision = Revision.objects.first()
    assert revision is not None
    from portal.models import ImmutableError

    with pytest.raises(ImmutableError):  # Revision.save refuses: insert does not go around it
        revision.pk = None
        revision._state.adding = False
        insert(revision)


def test_an_update_by_key_changes_that_row_only(editor: Any) -> None:
    first, second = (
        ConnectionTest.objects.create(name=n, connector="Spark", connector_version="1.0")
        for n in "AB"
    )
    finished = timezone.now()
    changed = update_row(
        ConnectionTest, first.pk, status=ConnectionTest.Status.PASSED, finished_at=finished
    )
    assert changed == 1
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, first.finished_at) == (ConnectionTest.Status.PASSED, finished)
    assert second.finished_at is None
    assert update_row(ConnectionTest, 10**9, status=ConnectionTest.Status.FAILED) == 0


def test_the_rate_count_in_fixed_sql_counts_what_the_orm_counts(editor: Any) -> None:
    now = timezone.now()
    ages = {5: "running", 20: "running", 40: "failed", 70: "running", 200: "passed"}  # seconds
    for age, verdict in ages.items():
        for user in (editor, None):
            call = LiveCall.objects.create(operation=LiveCall.Operation.TEST, user=user)
            LiveCall.objects.filter(pk=call.pk).update(
                started_at=now - timedelta(seconds=age), verdict=verdict
            )
    for user in (editor, None):
        for window in (10, 60, 300):
            since = now - timedelta(seconds=window)
            recent = LiveCall.objects.filter(user=user, started_at__gte=since)
            pk = user.pk if user is not None else None
            assert LiveCall.started_since(pk, since) == recent.count() > 0
            for cutoff_age in (10, 30):
                cutoff = now - timedelta(seconds=cutoff_age)
                expected = recent.exclude(verdict="running", started_at__lt=cutoff).count()
                assert LiveCall.started_since(pk, since, interrupted_before=cutoff) == expected
