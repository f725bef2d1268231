"""Queries compiled once from their queryset (portal.compiled_query) give what the ORM gives:
the same rows with the same typed values, the same counts, the same updates; and refuse
the values whose SQL would differ. Runs on SQLite and again on PostgreSQL (scripts/test.sh).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.compiled_query import CompiledQuery
from portal.definitions import save_definition
from portal.models import ApiToken, AuditEvent, ConnectionTest, Factory, FactoryRole, Resource
from portal.roles import Role, grant, role_of

pytestmark = pytest.mark.django_db


def spark(host: str = "spark.example.com") -> dict[str, Any]:
    return {
        "type": "Spark",
        "typeProperties": {
            "host": host,
            "port": 443,
            "thriftTransportProtocol": "HTTP",
            "authenticationType": "Anonymous",
            "httpPath": "cliservice",
        },
    }


def field_values(instance: Any) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


BY_NAME: CompiledQuery[Resource] = CompiledQuery(
    lambda factory, key: Resource.objects.filter(factory_id=factory, name_key=key)
)


def test_rows_are_the_instances_the_orm_gives_with_every_field_typed_alike(editor: Any) -> None:
    saved = save_definition(user=editor, name="Lake", properties=spark(), action="create")
    factory = saved.resource.factory
    [compiled] = BY_NAME.rows(factory.pk, "lake")
    orm = Resource.objects.get(factory=factory, name_key="lake")
    assert type(compiled) is Resource and compiled.pk == orm.pk
    assert field_values(compiled) == field_values(orm)
    assert compiled.properties == orm.properties  # JSON read back alike
    assert compiled._state.adding is False and compiled._state.db == "default"
    assert BY_NAME.rows(factory.pk, "nothing") == []


def test_the_same_compiled_sql_runs_with_each_calls_values(editor: Any) -> None:
    for name in ("One", "Two", "Three"):
        save_definition(user=editor, name=name, properties=spark(), action="create")
    factory = Factory.default()
    keys = ("two", "one", "three")
    with CaptureQueriesContext(connection) as queries:
        found = [BY_NAME.first(factory.pk, key) for key in keys]
    assert [r.name for r in found if r is not None] == ["Two", "One", "Three"]
    templates = {q["sql"].replace(f"'{key}'", "?") for q, key in zip(queries, keys, strict=True)}
    assert len(templates) == 1
    # The SQL is the ORM's own: nothing here is written by hand.
    orm_sql, _ = Resource.objects.filter(factory_id=1, name_key="x").query.sql_with_params()
    assert queries.captured_queries[0]["sql"].split(" WHERE ")[0] == orm_sql.split(" WHERE ")[0]


def test_live_named_finds_a_live_resource_in_its_factory_only(editor: Any) -> None:
    save_definition(user=editor, name="Lake", properties=spark(), action="create")
    default = Factory.default()
    other = Factory.objects.create(name="other")
    found = Resource.live_named(default, "linkedService", "LAKE")
    assert found is not None and found.name == "Lake" and found.factory is default
    assert Resource.live_named(other, "linkedService", "Lake") is None
    assert Resource.live_named(default, "dataset", "Lake") is None
    Resource.objects.filter(name="Lake").update(deleted_at=timezone.now())
    assert Resource.live_named(default, "linkedService", "Lake") is None


def test_a_token_is_found_with_its_user_until_it_is_revoked(editor: Any) -> None:
    token, key = ApiToken.issue(editor, "ci")
    found = ApiToken.active(key)
    assert found is not None and found.pk == token.pk
    assert found.user == editor and found.user.username == editor.username
    assert field_values(found) == field_values(ApiToken.objects.get(pk=token.pk))
    assert ApiToken.active(key + "x") is None
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert ApiToken.active(key) is None


def test_a_role_and_a_factory_are_read_as_the_orm_reads_them(editor: Any, reader: Any) -> None:
    other = Factory.objects.create(name="other")
    grant(reader, other, Role.EDITOR)
    assert Factory.named("other") == other and Factory.named("absent") is None
    assert FactoryRole.role_name(reader.pk, other.pk) == "Editor"
    assert FactoryRole.role_name(editor.pk, other.pk) is None
    assert role_of(reader, other) is Role.EDITOR


def test_a_count_over_a_datetime_window_agrees_with_the_orm(editor: Any, reader: Any) -> None:
    now = timezone.now()
    for minutes, user in [(0, editor), (2, editor), (5, editor), (1, reader)]:
        test = ConnectionTest.objects.create(user=user, name="t", connector="Spark")
        ConnectionTest.objects.filter(pk=test.pk).update(
            created_at=now - timedelta(minutes=minutes)
        )
    for window in (0.5, 1.5, 3, 10):
        since = now - timedelta(minutes=window)
        for user in (editor, reader):
            expected = ConnectionTest.objects.filter(user=user, created_at__gte=since).count()
            assert ConnectionTest.started_since(user, since) == expected


def test_an_update_writes_the_fields_and_says_whether_a_row_changed(editor: Any) -> None:
    test = ConnectionTest.objects.create(user=editor, name="t", connector="Spark")
    finished = datetime(2026, 12, 2, 14, 30, 1, 123456, tzinfo=UTC)
    assert ConnectionTest.store(
        test.pk, status=ConnectionTest.Status.PASSED, finished_at=finished, report='{"ok": true}'
    )
    test.refresh_from_db()
    assert test.status == "passed" and test.finished_at == finished
    assert test.report == '{"ok": true}'
    assert not ConnectionTest.store(test.pk + 1000, status=ConnectionTest.Status.FAILED)


def test_constants_of_the_queryset_stay_in_its_parameters(editor: Any) -> None:
    unfinished: CompiledQuery[ConnectionTest] = CompiledQuery(
        lambda user: ConnectionTest.objects.filter(
            user_id=user, status__in=ConnectionTest.UNFINISHED
        ).order_by("id")
    )
    made = [
        ConnectionTest.objects.create(user=editor, name=str(n), connector="Spark", status=s)
        for n, s in enumerate(["queued", "passed", "running", "failed"])
    ]
    assert [t.pk for t in unfinished.rows(editor.pk)] == [made[0].pk, made[2].pk]


@pytest.mark.parametrize(
    "value",
    [None, True, 1.5, datetime(2026, 1, 1), [1, 2]],
    ids=["None", "bool", "float", "naive datetime", "list"],
)
def test_values_whose_sql_would_differ_are_refused(value: Any) -> None:
    with pytest.raises(TypeError):
        BY_NAME.rows(1, value)


def test_a_query_that_drops_a_value_or_joins_a_model_is_refused() -> None:
    ignores: CompiledQuery[Resource] = CompiledQuery(lambda key: Resource.objects.all())
    with pytest.raises(TypeError, match="must reach its SQL"):
        ignores.rows("x")
    joined: CompiledQuery[Resource] = CompiledQuery(
        lambda key: Resource.objects.select_related("factory").filter(name_key=key)
    )
    with pytest.raises(TypeError, match="select_related"):
        joined.rows("x")


def test_a_compiled_insert_stores_what_objects_create_would(editor: Any) -> None:
    saved = save_definition(user=editor, name="Lake", properties=spark(), action="create")
    fields = {
        "resource": saved.resource,
        "revision": 1,
        "unsaved": False,
        "name": "Lake",
        "connector": "Spark",
        "connector_version": "2.0",
        "user": editor,
        "status": ConnectionTest.Status.RUNNING,
    }
    before = timezone.now()
    compiled = ConnectionTest.begin(**fields)
    orm = ConnectionTest.objects.create(**fields)
    assert compiled.pk is not None and compiled.pk != orm.pk
    assert compiled._state.adding is False
    stored = ConnectionTest.objects.get(pk=compiled.pk)
    assert before <= stored.created_at <= timezone.now()
    assert stored.created_at == compiled.created_at
    same = {k: v for k, v in field_values(stored).items() if k not in ("id", "created_at")}
    assert same == {
        k: v
        for k, v in field_values(ConnectionTest.objects.get(pk=orm.pk)).items()
        if k not in ("id", "created_at")
    }
    assert stored.report == "" and stored.finished_at is None


def test_an_audit_event_appended_keeps_nulls_and_text_alike(editor: Any) -> None:
    event = AuditEvent.append(
        user=None,
        username="",
        action=AuditEvent.Action.TEST,
        object_name="(unsaved)",
        resource=None,
        factory=None,
        revision=None,
        detail='to host="h"',
        remote_addr=None,
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.user_id, stored.resource_id, stored.revision, stored.remote_addr) == (
        None,
        None,
        None,
        None,
    )
    assert stored.detail == 'to host="h"' and stored.action == "test connection"
    with_address = AuditEvent.append(
        user=editor,
        username=editor.username,
        action=AuditEvent.Action.TEST,
        object_name="x",
        resource=None,
        factory=Factory.default(),
        revision=3,
        detail="",
        remote_addr="127.0.0.1",
    )
    stored = AuditEvent.objects.get(pk=with_address.pk)
    assert stored.user == editor and stored.remote_addr == "127.0.0.1" and stored.revision == 3
