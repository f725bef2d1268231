"""How values reach PostgreSQL: array literals written at C speed on Python 3.11, and
values sent as parameters where a large one would otherwise be quoted into the SQL.

Django's ``bulk_create`` on PostgreSQL sends each column as one array (``UNNEST``), and
Django's psycopg cursor writes parameters into the query text: psycopg's text array dumper
escapes each quote and backslash of each element with ``re.sub`` and a ``\\1`` template,
which Python 3.11 expands in Python once per match. A definition's JSON text has hundreds
of quotes, so that expansion was a quarter of a large import's time. :class:`ArrayDumper`
is psycopg's own dumper but for that one step, done by ``bytes.replace`` (in C), with the
same output; it is registered on each new PostgreSQL connection (never globally).

Many new rows at once (an import's resources, revisions and list-filter terms) are written
by ``COPY ... FROM STDIN`` (:func:`create_all`, :func:`insert_rows`): Django's bulk INSERT
builds one statement of all their values, which psycopg then searches for its parameter
placeholders in Python (``_split_query``), and the server parses; COPY sends the rows as
they are. SQLite keeps bulk_create and multi-row INSERTs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

from django.db.backends.signals import connection_created

if TYPE_CHECKING:
    from django.db.models import Model

_TEMPLATE = rb"\\\1"
"""The replacement psycopg's array dumper passes for its escape (a backslash before the
matched quote or backslash): any other, and psycopg's own regular expression is used."""


class _Escape:
    """Stands for psycopg's ``re.compile(rb'(["\\\\])')`` where it escapes an element."""

    def __init__(self, pattern: Any) -> None:
        self.pattern = pattern

    def sub(self, template: bytes, data: Any) -> bytes:
        if template != _TEMPLATE:
            return bytes(self.pattern.sub(template, data))
        return bytes(data).replace(b"\\", b"\\\\").replace(b'"', b'\\"')


@cache
def array_dumper() -> type:
    """psycopg's text ``ListDumper`` with the element escape done in C."""
    from psycopg.types.array import ListDumper

    class ArrayDumper(ListDumper):
        _re_esc = _Escape(ListDumper._re_esc)  # type: ignore[assignment]  # its sub() only

    return ArrayDumper


def _register(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor != "postgresql":
        return
    connection.connection.adapters.register_dumper(list, array_dumper())


def connect() -> None:
    """Register :class:`ArrayDumper` on every PostgreSQL connection Django opens."""
    connection_created.connect(_register, dispatch_uid="portal.postgres_values")


@contextmanager
def values_as_parameters() -> Iterator[None]:
    """The simple writes inside (an UPDATE of a row's columns, an INSERT of one row) send
    their values apart from the SQL text, as PostgreSQL's parameters, instead of quoted
    into it (Django's default on psycopg 3, for queries whose SQL it cannot prepare): a
    revision of a large file then costs no escaping and parsing of its text and bytes
    (bytes quoted are twice as long). Elsewhere, and on SQLite, nothing changes."""
    with _cursors(binary_results=False):
        yield


@contextmanager
def results_in_binary() -> Iterator[None]:
    """The queries inside send their values as :func:`values_as_parameters` does, and
    PostgreSQL sends their results in its binary format: a large ``bytea`` value comes as
    its bytes, not as hexadecimal text twice as long that the server writes and the client
    reads back. For plain queries of a few columns (no server-side cursor: ``iterator()``
    keeps its own). Elsewhere, and on SQLite, nothing changes."""
    with _cursors(binary_results=True):
        yield


@contextmanager
def _cursors(*, binary_results: bool) -> Iterator[None]:
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    try:
        from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
            ServerBindingCursor,
        )
    except ImportError:  # pragma: no cover - psycopg 2 binds on the client only
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    previous = raw.cursor_factory
    raw.cursor_factory = _binary_results_cursor() if binary_results else ServerBindingCursor
    try:
        yield
    finally:
        raw.cursor_factory = previous


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (values as the database takes them, in ``columns``' order) into
    ``table``: on PostgreSQL by ``COPY ... FROM STDIN`` (psycopg writes each row at C speed:
    no SQL text is built, quoted or parsed for them), elsewhere by INSERTs of many rows.
    A refused row (a unique key taken) raises Django's IntegrityError either way."""
    from django.db import connection

    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            statement = f"COPY {quote(table)} ({names}) FROM STDIN"
            with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        per_statement = max(1, INSERT_PARAMETERS // len(columns))
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {quote(table)} ({names}) VALUES " + ", ".join([one] * len(chunk)),
                [value for row in chunk for value in row],
            )


INSERT_PARAMETERS = 1500
"""Parameters of one multi-row INSERT where COPY is not used (well within SQLite's limit)."""


def create_all(model: type[Model], objects: Sequence[Model]) -> None:
    """``model.objects.bulk_create(objects)`` for new objects (no primary key yet), each
    given its primary key: on PostgreSQL the keys are drawn from the table's sequence in
    one query and the rows written by :func:`insert_rows` (COPY), with the values Django
    would write (each field's ``pre_save`` and ``get_db_prep_save``, as bulk_create);
    elsewhere by bulk_create itself. Like bulk_create, no signal is sent."""
    from django.db import connection

    if connection.vendor != "postgresql" or not objects:
        model._default_manager.bulk_create(objects)
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    for instance in objects:
        instance._prepare_related_fields_for_save(operation_name="bulk_create")
        if instance.pk is not None:
            raise ValueError("create_all() takes new objects only (no primary key yet).")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(objects)],
        )
        keys = sorted(row[0] for row in cursor.fetchall())
    for instance, key in zip(objects, keys, strict=True):
        setattr(instance, pk.attname, key)
    fields = meta.concrete_fields
    rows = [
        [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
        for instance in objects
    ]
    insert_rows(meta.db_table, [field.column for field in fields], rows)
    for instance in objects:
        instance._state.adding = False
        instance._state.db = connection.alias


@cache
def _binary_results_cursor() -> type:
    """Django's server-binding cursor, its results in PostgreSQL's binary format."""
    from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
        ServerBindingCursor,
    )
    from psycopg.pq import Format

    class BinaryResultsCursor(ServerBindingCursor):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.format = Format.BINARY

    return BinaryResultsCursor
