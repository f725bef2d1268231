"""Statements that are written together, in one transaction, in one round trip where the
database allows it.

Each statement is compiled by Django (typed, parametrised, quoted for the database in
use): :func:`update` from a queryset, :func:`insert` from an unsaved row. :func:`run` sends
them: on PostgreSQL as one message (Django's cursor binds values on the client, and a
message of several statements is one transaction there: all or none of them), elsewhere
one by one inside ``transaction.atomic``. A connection test's writes are a few of these
on every test (issue 21): one round trip where there were four or five.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models.expressions import RawSQL
from django.db.models.sql import InsertQuery, UpdateQuery


@dataclass(frozen=True)
class Statement:
    sql: str
    params: tuple[Any, ...]
    returns: bool = False
    """True: it has a RETURNING clause, and :func:`run` gives its first row."""


def update(queryset: models.QuerySet[Any], **changes: Any) -> Statement:
    """``queryset.update(**changes)`` as a statement (a filter on the table's own columns)."""
    query = queryset.query.chain(UpdateQuery)
    query.add_update_values(changes)
    query.annotations = {}
    compiler = query.get_compiler(queryset.db)
    compiler.pre_sql_setup()
    sql, params = compiler.as_sql()
    return Statement(sql, tuple(params))


def update_row(model: type[models.Model], pk: Any, **changes: Any) -> Statement:
    """``model.objects.filter(pk=pk).update(**changes)`` as a statement, its SQL written
    once per model and set of fields (the queryset's clone and compile cost about 0.1 ms
    a statement; a test's verdict writes two), each value bound by its field as ``update``
    binds it."""
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    names = tuple(changes)
    fields = [meta.get_field(name) for name in names]
    key = (model, names, connection.vendor)
    sql = _update_sql.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        assert meta.pk is not None
        assigned = ", ".join(f"{quote(f.column)} = %s" for f in fields)  # type: ignore[union-attr]
        sql = f"UPDATE {quote(meta.db_table)} SET {assigned} WHERE {quote(meta.pk.column)} = %s"
        _update_sql[key] = sql
    params = [f.get_db_prep_save(changes[f.name], connection) for f in fields]  # type: ignore[union-attr]
    assert meta.pk is not None
    params.append(meta.pk.get_db_prep_value(pk, connection))
    return Statement(sql, tuple(params))


_update_sql: dict[tuple[Any, ...], str] = {}


def insert(row: models.Model, **expressions: RawSQL) -> Statement:
    """``row``'s INSERT, returning its primary key (its ``auto_now_add`` fields are set on
    ``row`` as ``save`` sets them). ``expressions`` give columns (by attribute name) as
    SQL instead of values, e.g. :func:`last_id`."""
    meta = row._meta
    for attname, expression in expressions.items():
        setattr(row, attname, expression)
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
    query = InsertQuery(type(row))
    query.insert_values(fields, [row])
    compiler = query.get_compiler(router.db_for_write(type(row)))
    compiler.returning_fields = [meta.pk]
    ((sql, params),) = compiler.as_sql()
    return Statement(sql, tuple(params), returns=True)


def inserted(row: models.Model, pk: Any, using: str = "default") -> None:
    """Mark ``row`` saved, with the key its :func:`insert` returned (as ``save`` does)."""
    row.pk = pk
    row._state.adding = False
    row._state.db = using


def last_id(model: type[models.Model], using: str = "default") -> RawSQL:
    """The key the previous INSERT of ``model``'s row in this transaction gave it (for a
    row inserted with it that refers to it). By the table's own sequence on PostgreSQL:
    ``lastval()`` could be the referring row's own key, drawn before it is evaluated."""
    if connections[using].vendor == "postgresql":
        pk = model._meta.pk
        assert pk is not None
        return RawSQL("currval(pg_get_serial_sequence(%s, %s))", (model._meta.db_table, pk.column))
    return RawSQL("last_insert_rowid()", ())


def run(statements: Sequence[Statement], using: str = "default") -> list[Any]:
    """Run ``statements`` in one transaction; for each, its first row's first value if it
    returns one, else how many rows it changed."""
    connection = connections[using]
    results: list[Any] = []
    if connection.vendor == "postgresql":
        sql = ";\n".join(s.sql for s in statements)
        params = tuple(p for s in statements for p in s.params)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            raw = cursor.cursor
            for position, statement in enumerate(statements):
                if position:
                    raw.nextset()
                results.append(raw.fetchone()[0] if statement.returns else raw.rowcount)
        return results
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement.sql, statement.params)
            results.append(cursor.fetchone()[0] if statement.returns else cursor.rowcount)
    return results
