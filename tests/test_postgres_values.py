"""PostgreSQL array literals written at C speed (portal.postgres_values): the same text as
psycopg's own dumper for every element, and what is stored reads back the same; rows
written by COPY (create_all, insert_rows) are the rows bulk_create writes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

psycopg = pytest.importorskip("psycopg")

from psycopg.adapt import PyFormat, Transformer  # noqa: E402
from psycopg.types.array import ListDumper  # noqa: E402

from portal.imports import export_entry  # noqa: E402
from portal.models import Factory, Resource, ResourceTerm, Revision  # noqa: E402
from portal.postgres_values import (  # noqa: E402
    array_dumper,
    create_all,
    insert_rows,
    results_in_binary,
)

ELEMENTS: list[Any] = [
    ['{"name": "a\\"b", "path": "C:\\\\data\\\\x"}', "plain", "", "NULL", "null", None],
    ['"', "\\", '\\"', '""', "\\\\", "a b", "{x}", "a,b", "tab\there", "line\nbreak"],
    ["naïve – 売上", "\u2003em space", "\u3000", "\u1680"],
    [["nested", 'q"uote'], ["back\\slash", None]],
    [b'bytes \\ and " quote'.decode()],
    [],
]


def _dumped(dumper_class: type, value: list[Any]) -> bytes:
    dumper = dumper_class(list, Transformer())
    return bytes(dumper.upgrade(value, PyFormat.TEXT).dump(value))


@pytest.mark.parametrize("value", ELEMENTS, ids=range(len(ELEMENTS)))
def test_an_array_literal_is_the_same_as_psycopg_writes_it(value: list[Any]) -> None:
    assert _dumped(array_dumper(), value) == _dumped(ListDumper, value)


def test_a_long_json_text_with_many_quotes_is_escaped_as_psycopg_escapes_it() -> None:
    text = json.dumps({f"key{i}": f'va"lue\\{i}' for i in range(500)}, ensure_ascii=False)
    assert _dumped(array_dumper(), [text, text]) == _dumped(ListDumper, [text, text])


@pytest.mark.django_db
def test_rows_written_in_bulk_read_back_the_same(editor: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (the PostgreSQL pass of scripts/test.sh)")
    factory = Factory.objects.create(name="arrays")
    texts = [value for row in ELEMENTS[:3] for value in row if isinstance(value, str)]
    resources = Resource.objects.bulk_create(
        Resource(factory=factory, kind="dataset", name=f"R{i}", name_key=f"r{i}",
                 description=text, definition="{}", created_by=editor, updated_by=editor)
        for i, text in enumerate(texts)
    )  # fmt: skip
    Revision.objects.bulk_create(
        Revision(resource=r, number=1, name=r.name, definition="{}", comment=r.description,
                 action="import", author=editor, source_bytes=r.description.encode())
        for r in resources
    )  # fmt: skip
    stored = dict(Resource.objects.filter(factory=factory).values_list("name", "description"))
    assert stored == {f"R{i}": text for i, text in enumerate(texts)}
    comments = Revision.objects.filter(resource__factory=factory).values_list("comment", flat=True)
    assert sorted(comments) == sorted(texts)
    # And the connection writes them with the dumper (registered on connection_created).
    assert connection.connection.adapters.get_dumper(list, PyFormat.TEXT) is array_dumper()


def _new_rows(factory: Factory, editor: Any, texts: list[str]) -> list[Resource]:
    return [
        Resource(factory=factory, kind="dataset", name=f"R{i}", name_key=f"r{i}",
                 description=text, definition=json.dumps({"d": text}), created_by=editor,
                 updated_by=editor, revision=1)
        for i, text in enumerate(texts)
    ]  # fmt: skip


def _stored(factory: Factory) -> list[tuple[Any, ...]]:
    rows = Resource.objects.filter(factory=factory).order_by("name")
    resources = list(rows.values_list("name", "name_key", "description", "definition", "revision"))
    revisions = Revision.objects.filter(resource__factory=factory).order_by("name")
    history = [
        (*row[:-1], bytes(row[-1]) if row[-1] is not None else None)
        for row in revisions.values_list("name", "number", "comment", "source_path", "source_bytes")
    ]
    return [*resources, *history]


def _revisions(resources: list[Resource], editor: Any) -> list[Revision]:
    return [
        Revision(resource=r, number=1, name=r.name, definition=r.definition, action="import",
                 comment=r.description, author=editor, source_path=f"dataset/{r.name}.json",
                 source_bytes=(r.description + '\\ "x" \x00').encode() if i % 2 else None)
        for i, r in enumerate(resources)
    ]  # fmt: skip


@pytest.mark.django_db
def test_create_all_writes_what_bulk_create_writes(editor: Any) -> None:
    """On PostgreSQL by COPY with keys drawn from the sequence, elsewhere by bulk_create:
    the same rows either way, each object given its key and marked saved."""
    texts = [value for row in ELEMENTS[:3] for value in row if isinstance(value, str)]
    texts += ["tab\tand\\back\\slash\r\n", "\\N", "\\.", ""]
    by_bulk, by_copy = Factory.objects.create(name="bulk"), Factory.objects.create(name="copy")
    resources = _new_rows(by_bulk, editor, texts)
    Resource.objects.bulk_create(resources)
    Revision.objects.bulk_create(_revisions(resources, editor))
    resources = _new_rows(by_copy, editor, texts)
    create_all(Resource, resources)
    revisions = _revisions(resources, editor)
    create_all(Revision, revisions)
    assert all(r.pk is not None and not r._state.adding for r in [*resources, *revisions])
    assert [r.pk for r in resources] == sorted(r.pk for r in resources)
    assert _stored(by_copy) == _stored(by_bulk)
    copied = Resource.objects.get(pk=resources[0].pk)
    assert copied.created_at is not None and copied.updated_at is not None


@pytest.mark.django_db(transaction=True)
def test_create_all_refuses_a_taken_name_as_bulk_create_does_and_writes_none(editor: Any) -> None:
    factory = Factory.objects.create(name="taken")
    create_all(Resource, _new_rows(factory, editor, ["first"]))
    with pytest.raises(IntegrityError), transaction.atomic():
        create_all(Resource, _new_rows(factory, editor, ["again", "and a new one"]))
    assert Resource.objects.filter(factory=factory).count() == 1


@pytest.mark.django_db
def test_insert_rows_writes_every_row_in_as_many_statements_as_needed(editor: Any) -> None:
    factory = Factory.objects.create(name="terms")
    (resource,) = _new_rows(factory, editor, ["x"])
    create_all(Resource, [resource])
    ResourceTerm.objects.filter(resource=resource).delete()
    rows = [(resource.pk, ResourceTerm.NAME, f'k{i}\\"\t') for i in range(1200)]
    insert_rows(ResourceTerm._meta.db_table, ("resource_id", "field", "key"), rows)
    stored = ResourceTerm.objects.filter(resource=resource).values_list(
        "resource_id", "field", "key"
    )
    assert sorted(stored) == sorted(rows)


@pytest.mark.django_db
def test_results_in_binary_read_back_what_text_results_read(editor: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (the PostgreSQL pass of scripts/test.sh)")
    factory = Factory.objects.create(name="binary")
    data = bytes(range(256)) * 64 + 'naïve – 売上 \\ " {x}'.encode()
    resource = Resource.objects.create(
        factory=factory, kind="pipeline", name="P", name_key="p", definition='{"a": 1}', revision=1,
        created_by=editor, updated_by=editor,
    )  # fmt: skip
    Revision.objects.create(
        resource=resource, number=1, name="P", definition='{"a": 1}', action="import",
        author=editor, source_path="pipeline/P.json", source_bytes=data,
    )  # fmt: skip
    rows = Revision.objects.filter(resource=resource).values_list(
        "number", "name", "source_path", "source_bytes", "created_at"
    )
    as_text = list(rows)
    with results_in_binary():
        as_binary = list(rows.all())
    assert [(*r[:3], bytes(r[3]), r[4]) for r in as_binary] == [
        (*r[:3], bytes(r[3]), r[4]) for r in as_text
    ]
    assert bytes(as_binary[0][3]) == data
    # What reads one resource's file so (an export of one resource, an activity's save).
    assert export_entry(resource) == ("pipeline/P.json", data)
