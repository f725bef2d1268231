"""Statements on the path of every live call, compiled once instead of on each call.

Django builds a statement anew each time it runs one: the queryset's clones, its filters
resolved against the models, the SQL compiled. That is 0.2-0.4 ms of CPU a statement, and
a connection test through the API runs nine of them (issue 21: the API's cost over the
client's own call). Here a few fixed shapes keep their SQL:

* :class:`Lookup`: a queryset filtered by a unique key, compiled by Django once per
  database connection with the first values it is given; afterwards the same SQL runs
  with the new values, bound by the filtered fields as Django binds them (checked against
  Django's own binding when compiled), and its row becomes an instance through the
  compiler's converters and related populators, as ``QuerySet.__iter__`` makes it.
* :func:`insert`: a new row's INSERT, its SQL written once per model and database from the
  model's columns; each value as ``save`` prepares it (``pre_save``, ``get_db_prep_save``).
  A model with its own ``save``, or save signals listened to, is saved by ``save``.
* :func:`update_row`: ``filter(pk=...).update(...)``, its SQL written once per model and
  fields, each value bound as ``update`` binds it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, models, router
from django.db.models import signals
from django.db.models.query import get_related_populators

_M = TypeVar("_M", bound=models.Model)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    fixed_params: tuple[Any, ...]
    compiler: Any
    converters: dict[int, Any]
    model: type[models.Model]
    init_list: list[str]
    start: int
    end: int
    populators: list[Any]


class Lookup(Generic[_M]):
    """``base().filter(path=value, ...)``'s one row (None: none), ``paths`` each an exact
    match on a field (``"key_hash"``, ``"user_id"``, ``"factory__name"``), read without
    building the queryset again. ``base`` gives the queryset's constant part (its manager,
    constant filters, ``select_related``); it is called once per database connection."""

    def __init__(self, base: Callable[[], models.QuerySet[_M]], *paths: str) -> None:
        self.base = base
        self.paths = paths
        self._compiled: weakref.WeakKeyDictionary[Any, _Compiled] = weakref.WeakKeyDictionary()
        self._model: type[models.Model] | None = None

    def get(self, *values: Any) -> _M | None:
        if self._model is None:
            self._model = self.base().model
        using = router.db_for_read(self._model)
        connection = connections[using]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compile(connection, using, values)
            self._compiled[connection] = compiled
        params = (*compiled.fixed_params, *self._bound(connection, compiled.model, values))
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if compiled.converters:
            (row,) = compiled.compiler.apply_converters([row], compiled.converters)
        found = compiled.model.from_db(
            using, compiled.init_list, row[compiled.start : compiled.end]
        )
        for populator in compiled.populators:
            populator.populate(row, found)
        return found  # type: ignore[return-value]

    def _compile(self, connection: Any, using: str, values: tuple[Any, ...]) -> _Compiled:
        if len(values) != len(self.paths):
            raise TypeError(f"{len(self.paths)} values expected, {len(values)} given.")
        queryset = self.base()
        for path, value in zip(self.paths, values, strict=True):
            queryset = queryset.filter(**{path: value})
        query = queryset.order_by()[:1].query
        compiler = query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        model = queryset.model
        bound = self._bound(connection, model, values)
        split = len(params) - len(bound)
        if split < 0 or tuple(params[split:]) != bound:
            raise AssertionError(  # a path that is not one exact match on a field
                f"{model.__name__} lookup by {self.paths}: Django binds {tuple(params)}, "
                f"this lookup {bound}."
            )
        if compiler.annotation_col_map or queryset._known_related_objects:
            raise AssertionError("A lookup reads a model's row and its related rows only.")
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return _Compiled(
            sql=sql,
            fixed_params=tuple(params[:split]),
            compiler=compiler,
            converters=compiler.get_converters([s[0] for s in select[: compiler.col_count]]),
            model=klass_info["model"],
            init_list=[s[0].target.attname for s in select[start:end]],
            start=start,
            end=end,
            populators=get_related_populators(klass_info, select, using),
        )

    def _bound(
        self, connection: Any, model: type[models.Model], values: tuple[Any, ...]
    ) -> tuple[Any, ...]:
        return tuple(
            _field(model, path).get_db_prep_value(
                value.pk if isinstance(value, models.Model) else value, connection
            )
            for path, value in zip(self.paths, values, strict=True)
        )


def _field(model: type[models.Model], path: str) -> Any:
    """The field a lookup path ends on (``factory__name``: the factory's name)."""
    *through, last = path.split("__")
    for name in through:
        related = model._meta.get_field(name).related_model
        if related is None:  # a lookup (``__gte``), not a field of a related model
            raise AssertionError(f"{model.__name__} lookup by {path}: not a field.")
        model = related  # type: ignore[assignment]
    field = model._meta.get_field(last)
    if field.is_relation:
        return field.target_field  # type: ignore[union-attr]
    return field


_insert_sql: dict[tuple[type[models.Model], str], tuple[str, list[Any], bool]] = {}


def insert(row: _M) -> _M:
    """Save new ``row`` (no primary key yet) as ``row.save()`` does, its INSERT written once
    per model and database; returns it with its key."""
    model = type(row)
    if (
        model.save is not models.Model.save  # its own save decides
        or signals.pre_save.has_listeners(model)
        or signals.post_save.has_listeners(model)
    ):
        row.save(force_insert=True)
        return row
    using = router.db_for_write(model, instance=row)
    connection = connections[using]
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    key = (model, connection.vendor)
    written = _insert_sql.get(key)
    if written is None:
        quote = connection.ops.quote_name
        fields = [f for f in meta.local_concrete_fields if not f.generated and f is not pk]
        returns = bool(connection.features.can_return_columns_from_insert)
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        if returns:
            sql += f" RETURNING {quote(pk.column)}"
        written = _insert_sql[key] = (sql, fields, returns)
    sql, fields, returns = written
    if row.pk is not None:
        raise ValueError("insert() takes a new row (no primary key yet).")
    row._prepare_related_fields_for_save(operation_name="save")
    params = [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returns:
            new_key = cursor.fetchone()[0]
        else:
            new_key = connection.ops.last_insert_id(cursor, meta.db_table, pk.column)
    setattr(row, pk.attname, new_key)
    row._state.adding = False
    row._state.db = using
    return row


_update_sql: dict[tuple[Any, ...], str] = {}


def update_row(model: type[models.Model], pk: Any, **changes: Any) -> int:
    """``model.objects.filter(pk=pk).update(**changes)`` (how many rows changed: 0 or 1),
    its SQL written once per model, fields and database."""
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    key_field = meta.pk
    assert key_field is not None
    fields = [meta.get_field(name) for name in changes]
    key = (model, tuple(changes), connection.vendor)
    sql = _update_sql.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        assigned = ", ".join(f"{quote(f.column)} = %s" for f in fields)  # type: ignore[union-attr]
        sql = _update_sql[key] = (
            f"UPDATE {quote(meta.db_table)} SET {assigned} WHERE {quote(key_field.column)} = %s"
        )
    params = [f.get_db_prep_save(changes[f.name], connection) for f in fields]  # type: ignore[union-attr]
    params.append(key_field.get_db_prep_value(pk, connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)
