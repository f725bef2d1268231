"""Queries the ORM compiles once per process and then runs with each call's values.

Building and compiling a queryset costs Django 0.3 to 0.8 ms here: for the few queries
every connection test through the API makes (the token, the factory and the role, the
linked service, the rate count, the verdict), more than the rest of the portal's work on
a short test (issue 10, point 20). Each of them is still written once, as a queryset;
this module compiles it with stand-in values, learns where each value goes among the
SQL's parameters, and then runs the same SQL with the real values. Rows become model
instances through ``Model.from_db`` after the converters the ORM itself would apply.

A query may take ``int``, ``str`` and aware ``datetime`` values: their SQL never depends
on the value (``None`` would, as ``IS NULL``, and is refused). Constants in the queryset
(a ``status__in`` tuple, say) stay in the parameters as compiled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.sql import InsertQuery, UpdateQuery

M = TypeVar("M", bound=Model)
Value = int | str | datetime
ALIAS = DEFAULT_DB_ALIAS

# A parameter is ("value", the call's value by position or name) or ("constant", value).
Slot = tuple[str, Any]


@dataclass(frozen=True)
class _Compiled:
    model: type[Model]
    sql: str
    slots: list[Slot]
    attnames: list[str]  # the model's fields, in the order the SQL selects them
    converters: list[tuple[int, list[Any], Any]]  # position, converters, expression


def _kind(value: Any) -> type:
    if isinstance(value, bool) or value is None:
        raise TypeError(f"A compiled query does not take {value!r}: its SQL depends on it.")
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise TypeError("A compiled query takes aware datetimes only.")
        return datetime
    for kind in (int, str):
        if isinstance(value, kind):
            return kind
    raise TypeError(f"A compiled query takes int, str or datetime values, not {value!r}.")


def _stand_in(index: int, kind: type) -> Value:
    """A value no call passes, distinct from every other stand-in of the query."""
    if kind is int:
        return -7_340_001 - index
    if kind is str:
        return f"\x1fcompiled-query-value-{index}\x1f"
    return datetime(1901, 2, 3, tzinfo=UTC) + timedelta(seconds=index)


def _db_value(value: Value) -> Any:
    """The value as the ORM puts it among a query's parameters."""
    if isinstance(value, datetime):
        return connections[ALIAS].ops.adapt_datetimefield_value(value)
    return value


class CompiledQuery(Generic[M]):
    """``build(*values)`` returns the queryset for those values; it is called once per
    database and kinds of values, with stand-ins, and is never sent to the database."""

    def __init__(self, build: Callable[..., QuerySet[M]]) -> None:
        self._build = build
        self._cache: dict[tuple[Any, ...], _Compiled] = {}

    def _compiled(
        self, operation: str, values: tuple[Value, ...], changes: dict[str, Value]
    ) -> _Compiled:
        kinds = tuple(_kind(value) for value in values)
        change_kinds = tuple((name, _kind(value)) for name, value in changes.items())
        key = (operation, connections[ALIAS].vendor, kinds, change_kinds)
        compiled = self._cache.get(key)
        if compiled is None:
            compiled = self._compile(operation, kinds, change_kinds)
            self._cache[key] = compiled  # two threads may both compile: the same result
        return compiled

    def _compile(
        self, operation: str, kinds: tuple[type, ...], change_kinds: tuple[tuple[str, type], ...]
    ) -> _Compiled:
        stand_ins: dict[int | str, Value] = {
            index: _stand_in(index, kind) for index, kind in enumerate(kinds)
        }
        for offset, (name, kind) in enumerate(change_kinds, start=len(kinds)):
            stand_ins[name] = _stand_in(offset, kind)
        queryset = self._build(*(stand_ins[index] for index in range(len(kinds))))
        if operation == "update":
            query = queryset.query.chain(UpdateQuery)
            query.add_update_values({name: stand_ins[name] for name, _ in change_kinds})
            query.clear_select_clause()
            compiler = query.get_compiler(ALIAS)
        else:
            compiler = queryset.query.get_compiler(ALIAS)
        sql, params = compiler.as_sql()
        wanted = {key: _db_value(value) for key, value in stand_ins.items()}
        slots: list[Slot] = []
        for param in params:
            found = [key for key, value in wanted.items() if value == param]
            slots.append(("value", found[0]) if found else ("constant", param))
        if {key for how, key in slots if how == "value"} != set(wanted):
            raise TypeError("Each value of a compiled query must reach its SQL exactly.")
        attnames: list[str] = []
        converters: list[tuple[int, list[Any], Any]] = []
        if operation == "rows":
            info = compiler.klass_info or {}
            columns = [column for column, _, _ in compiler.select]
            if info.get("related_klass_infos") or info.get("select_fields") != list(
                range(len(columns))
            ):
                raise TypeError("rows() reads one model's own columns (no select_related).")
            attnames = [column.target.attname for column in columns]
            converters = [
                (position, functions, expression)
                for position, (functions, expression) in compiler.get_converters(columns).items()
            ]
        return _Compiled(queryset.model, sql, slots, attnames, converters)

    @staticmethod
    def _params(
        compiled: _Compiled, values: tuple[Value, ...], changes: dict[str, Value]
    ) -> list[Any]:
        given: dict[int | str, Value] = dict(enumerate(values))
        given.update(changes)
        return [_db_value(given[what]) if how == "value" else what for how, what in compiled.slots]

    def rows(self, *values: Value) -> list[M]:
        """The model instances the queryset gives (one model's columns, nothing joined)."""
        compiled = self._compiled("rows", values, {})
        connection = connections[ALIAS]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, self._params(compiled, values, {}))
            rows = [list(row) for row in cursor.fetchall()]
        for row in rows:
            for position, functions, expression in compiled.converters:
                for function in functions:
                    row[position] = function(row[position], expression, connection)
        model: Any = compiled.model
        return [model.from_db(ALIAS, compiled.attnames, row) for row in rows]

    def first(self, *values: Value) -> M | None:
        rows = self.rows(*values)
        return rows[0] if rows else None

    def scalar(self, *values: Value) -> Any:
        """The first column of the first row (None without a row): for a count."""
        compiled = self._compiled("scalar", values, {})
        with connections[ALIAS].cursor() as cursor:
            cursor.execute(compiled.sql, self._params(compiled, values, {}))
            row = cursor.fetchone()
        return None if row is None else row[0]

    def update(self, *values: Value, **changes: Value) -> int:
        """``queryset.update(**changes)``; the number of rows it changed."""
        compiled = self._compiled("update", values, changes)
        with connections[ALIAS].cursor() as cursor:
            cursor.execute(compiled.sql, self._params(compiled, values, changes))
            return int(cursor.rowcount)


class CompiledInsert(Generic[M]):
    """``model.objects.create(**values)`` with its INSERT compiled once: each field's value
    is prepared as ``Model.save`` prepares it (``pre_save``, then ``get_db_prep_save``).
    For models with no ``save()`` of their own and no pre/post-save receivers."""

    def __init__(self, model: type[M]) -> None:
        self.model = model
        self._cache: dict[str, tuple[str, list[Any], bool]] = {}

    def _compiled(self) -> tuple[str, list[Any], bool]:
        connection = connections[ALIAS]
        compiled = self._cache.get(connection.vendor)
        if compiled is None:
            meta = self.model._meta
            fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
            if any(f.has_db_default() or f.generated for f in fields):
                raise TypeError("A compiled insert takes models without database defaults.")
            query = InsertQuery(self.model)
            query.insert_values(fields, [self.model()])
            compiler = query.get_compiler(ALIAS)
            returning = bool(connection.features.can_return_columns_from_insert)
            compiler.returning_fields = [meta.pk] if returning else None
            [(sql, params)] = compiler.as_sql()
            if len(params) != len(fields):
                raise TypeError("A compiled insert takes one plain value per field.")
            compiled = (sql, fields, returning)
            self._cache[connection.vendor] = compiled
        return compiled

    def create(self, **values: Any) -> M:
        sql, fields, returning = self._compiled()
        connection = connections[ALIAS]
        instance = self.model(**values)
        params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if returning:
                pk = cursor.fetchone()[0]
            else:  # pragma: no cover - SQLite 3.35+ and PostgreSQL both return it
                meta = self.model._meta
                pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
        instance.pk = pk
        instance._state.adding = False
        instance._state.db = ALIAS
        return instance
