"""PostgreSQL array literals written at C speed (portal.postgres_values): the same text as
psycopg's own dumper for every element, and what is stored reads back the same."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection

psycopg = pytest.importorskip("psycopg")

from psycopg.adapt import PyFormat, Transformer  # noqa: E402
from psycopg.types.array import ListDumper  # noqa: E402

from portal.models import Factory, Resource, Revision  # noqa: E402
from portal.postgres_values import array_dumper  # noqa: E402

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
