"""A dataset (SparkObject, HiveObject, ImpalaObject) on a live HiveServer2 server: schemas,
tables, columns and a data preview, for any connector :class:`Flavour`.

Each call runs the connection test's stages (same checks, deadline, connect timeout,
frame cap and address policy) with the catalog call or the preview query in place of
``SELECT 1``; it returns the test's report dict with a ``result`` when it succeeded,
so a failure shows the same staged diagnosis as the test. Nothing here raises for a
server's or a user's fault.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from typing import Any

from connectors.base import ConnectorVersion, TestOptions
from connectors.expressions import is_expression
from connectors.hiveserver2.client import FetchLimits, HiveClient
from connectors.hiveserver2.connection_test import run_on_server
from connectors.hiveserver2.diagnostics import Operation
from connectors.hiveserver2.dialect import Dialect, PlanRefused
from connectors.hiveserver2.errors import ExplainedProblem
from connectors.hiveserver2.flavour import Flavour
from connectors.hiveserver2.results import ResultSet
from connectors.hiveserver2.types import NOT_SUPPORTED, ColumnType
from connectors.net.deadline import Deadline

CATALOG_LIMITS = FetchLimits(max_rows=100_000, max_bytes=8 * 1024 * 1024, batch_rows=10_000)
PREVIEW_DEFAULT_ROWS = 100
PREVIEW_MAX_ROWS = 1000
PREVIEW_MAX_BYTES = 4 * 1024 * 1024
TABLE_PAGE = 50


@dataclass(frozen=True)
class TableRef:
    schema: str
    table: str

    @property
    def label(self) -> str:
        return f"{self.schema}.{self.table}" if self.schema else self.table

    def sql(self) -> str:
        parts = [self.schema, self.table] if self.schema else [self.table]
        return ".".join(quote_identifier(p) for p in parts)


def quote_identifier(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


class DatasetProblem(ValueError):
    """The dataset does not name a table this portal can read (said in plain words)."""


def table_of(type_properties: dict[str, Any]) -> TableRef:
    """The table a dataset names (``schema`` + ``table``, else ``tableName``)."""
    tp = type_properties or {}
    for key in ("schema", "table", "tableName"):
        if is_expression(tp.get(key)):
            raise DatasetProblem(
                f"{key} is an ADF expression, which only Data Factory can evaluate: pick or "
                "type a table to import its schema or preview it."
            )
    table = tp.get("table")
    if isinstance(table, str) and table.strip():
        schema = tp.get("schema")
        return TableRef(schema.strip() if isinstance(schema, str) else "", table.strip())
    name = tp.get("tableName")
    if isinstance(name, str) and name.strip():
        return split_table_name(name)
    raise DatasetProblem(
        "The dataset names no table; a copy or lookup activity that uses it must give a query."
    )


def split_table_name(name: str) -> TableRef:
    """``db.t``, ```my db`.`my t```, or ``t`` -> TableRef (backticks respected)."""
    parts: list[str] = []
    current, quoted, i = "", False, 0
    text = name.strip()
    while i < len(text):
        c = text[i]
        if c == "`":
            if quoted and text[i + 1 : i + 2] == "`":
                current += "`"
                i += 2
                continue
            quoted = not quoted
        elif c == "." and not quoted:
            parts.append(current)
            current = ""
        else:
            current += c
        i += 1
    parts.append(current)
    if quoted or len(parts) > 2 or not all(p.strip() for p in parts):
        raise DatasetProblem(f"tableName {name!r} is not 'schema.table' or 'table'.")
    return (
        TableRef(parts[0].strip(), parts[1].strip())
        if len(parts) == 2
        else TableRef("", parts[0].strip())
    )


def move_table_name(type_properties: dict[str, Any]) -> dict[str, Any]:
    """``tableName`` split into ``schema`` + ``table`` (expressions are not split)."""
    tp = dict(type_properties)
    name = tp.get("tableName")
    if not isinstance(name, str) or not name.strip():
        raise DatasetProblem("There is no tableName to move.")
    if name.strip().startswith("@"):
        raise DatasetProblem(
            "tableName is an ADF expression: write schema and table yourself (an expression "
            "cannot be split here)."
        )
    tp.pop("tableName")
    ref = split_table_name(name)
    if ref.schema:
        tp["schema"] = ref.schema
    tp["table"] = ref.table
    return tp


# -- calls -------------------------------------------------------------------------
def _run(
    flavour: Flavour,
    version: ConnectorVersion,
    type_properties: dict[str, Any],
    options: TestOptions,
    stage: str,
    work: Any,
    *,
    session_configuration: dict[str, str] | None = None,
) -> dict[str, Any]:
    operation = Operation(stage, work, session_configuration=session_configuration)
    report = run_on_server(flavour.read_settings, version, type_properties, options, operation)
    if isinstance(report, dict):
        return report
    data = report.to_dict()
    if report.ok:
        data["result"] = report.result
    return data


def schemas(
    flavour: Flavour,
    version: ConnectorVersion,
    type_properties: dict[str, Any],
    options: TestOptions,
) -> dict[str, Any]:
    def work(client: HiveClient, deadline: Deadline) -> dict[str, Any]:
        got = client.schemas(limits=CATALOG_LIMITS)
        names = sorted({str(row[0]) for row in got.rows if row and row[0] is not None})
        return {"schemas": names, "cut": got.cut}

    return _run(flavour, version, type_properties, options, "GetSchemas", work)


def tables(
    flavour: Flavour,
    version: ConnectorVersion,
    type_properties: dict[str, Any],
    options: TestOptions,
    *,
    schema: str,
    search: str = "",
    offset: int = 0,
    limit: int = TABLE_PAGE,
) -> dict[str, Any]:
    """One page of the schema's tables whose name contains ``search`` (case-insensitive);
    views are marked. GetTables gets the pattern ``%search%``; names are matched again here
    so that ``_`` and ``%`` in the search are literal."""
    offset, limit = max(0, offset), max(1, min(limit, 500))
    needle = search.strip().lower()

    def work(client: HiveClient, deadline: Deadline) -> dict[str, Any]:
        pattern = "%" + _like_text(needle) + "%" if needle else "%"
        got = client.tables(_like_text(schema), pattern, limits=CATALOG_LIMITS)
        return page_of_tables(got, schema=schema, search=search, offset=offset, limit=limit)

    return _run(flavour, version, type_properties, options, "GetTables", work)


def page_of_tables(
    got: ResultSet, *, schema: str, search: str, offset: int, limit: int
) -> dict[str, Any]:
    """One page of a GetTables result: names containing ``search`` (any case), sorted."""
    needle = search.strip().lower()
    index = {c.name.upper(): i for i, c in enumerate(got.columns)}
    at_schema, at_name = index.get("TABLE_SCHEM", 1), index.get("TABLE_NAME", 2)
    at_type = index.get("TABLE_TYPE", 3)
    found = [
        (str(row[at_name]), row)
        for row in got.rows
        if row[at_name] is not None and needle in str(row[at_name]).lower()
    ]
    found.sort(key=lambda pair: pair[0].lower())
    return {
        "schema": schema,
        "search": search,
        "offset": offset,
        "tables": [
            {
                "schema": str(row[at_schema]),
                "name": name,
                "view": "VIEW" in str(row[at_type]).upper(),
            }
            for name, row in found[offset : offset + limit]
        ],
        "total": len(found),
        "more": len(found) > offset + limit,
        "cut": got.cut,
    }


def _like_text(text: str) -> str:
    # Servers turn LIKE patterns into regular expressions (Spark, Hive); keep only characters
    # that mean themselves there and let the exact match above do the rest.
    return "".join(c if (c.isalnum() and c.isascii()) else "_" for c in text) or "%"


def _column_types(got: ResultSet, version: str, dialect: Dialect) -> list[tuple[str, ColumnType]]:
    index = {c.name.upper(): i for i, c in enumerate(got.columns)}
    name_at, type_at = index.get("COLUMN_NAME", 3), index.get("TYPE_NAME", 5)
    out = []
    for row in got.rows:
        server_type = str(row[type_at] or "")
        out.append((str(row[name_at]), dialect.column_type(server_type, version)))
    return out


def columns(
    flavour: Flavour,
    version: ConnectorVersion,
    type_properties: dict[str, Any],
    options: TestOptions,
    *,
    table: TableRef,
) -> dict[str, Any]:
    """The table's columns with their types, and the dataset ``schema`` array ADF writes."""

    def work(client: HiveClient, deadline: Deadline) -> dict[str, Any]:
        got = client.columns(table.schema or "default", table.table, limits=CATALOG_LIMITS)
        cols = _column_types(got, version.version, flavour.dialect)
        if not cols:
            raise TableNotFound(table)
        return {
            "table": table.label,
            "version": version.version,
            "columns": [{"name": name, **col.to_dict()} for name, col in cols],
            "schema": [schema_entry(name, col) for name, col in cols],
            "type_label": flavour.dialect.type_label,
        }

    return _run(flavour, version, type_properties, options, "GetColumns", work)


class TableNotFound(ExplainedProblem):
    def __init__(self, table: TableRef) -> None:
        super().__init__(
            f"Table {table.label} does not exist on the server, or has no columns.",
            change="Pick the table from the list, or check the schema and table names.",
        )


def schema_entry(name: str, col: ColumnType) -> dict[str, Any]:
    """One entry of a dataset's ``schema`` array, as ADF's Import schema writes it."""
    entry: dict[str, Any] = {"name": name, "type": col.adf_type}
    if col.precision is not None:
        entry["precision"] = col.precision
        entry["scale"] = col.scale or 0
    return entry


@dataclass(frozen=True)
class PreviewRequest:
    table: TableRef | None = None
    query: str | None = None
    rows: int = PREVIEW_DEFAULT_ROWS
    max_bytes: int = PREVIEW_MAX_BYTES


def preview_statement(request: PreviewRequest, dialect: Dialect) -> str:
    """The statement a preview sends (raises the dialect's guard refusal / DatasetProblem
    before any network)."""
    rows = max(1, min(request.rows, PREVIEW_MAX_ROWS))
    if request.query is not None and request.query.strip():
        inner = dialect.check_read_only(request.query)
        return f"SELECT * FROM (\n{inner}\n) AS linkwright_preview LIMIT {rows + 1}"
    if request.table is None:
        raise DatasetProblem("Give a table or a query to preview.")
    return f"SELECT * FROM {request.table.sql()} LIMIT {rows + 1}"


def preview(
    flavour: Flavour,
    version: ConnectorVersion,
    type_properties: dict[str, Any],
    options: TestOptions,
    request: PreviewRequest,
) -> dict[str, Any]:
    """The first rows of the table or query, values as the interim types carry them.

    The statement runs only after the server's plan of it was judged a read by the reader
    for that server (:meth:`Dialect.check_plan`, same session): a refusal comes back as
    ``{"ok": False, "refused": message, "stages": [...]}``, nothing run."""
    dialect = flavour.dialect
    rows = max(1, min(request.rows, PREVIEW_MAX_ROWS))
    try:
        statement = preview_statement(request, dialect)
    except (dialect.refused, DatasetProblem) as exc:
        return {"ok": False, "refused": str(exc), "stages": [], "total_ms": 0.0}
    limits = FetchLimits(max_rows=rows, max_bytes=request.max_bytes, batch_rows=rows + 1)

    def work(client: HiveClient, deadline: Deadline) -> dict[str, Any]:
        timeout = max(1, int(deadline.remaining()))
        try:
            plan = dialect.check_plan(client, statement, timeout)
        except PlanRefused as exc:
            return {"refused": str(exc)}
        # Read to its end or cut: CloseSession closes the operation (one round trip less).
        got = client.query(statement, limits=limits, timeout_seconds=timeout, close_operation=False)
        server_types = [c.type_name for c in got.columns]
        if request.table is not None and not request.query:
            server_types = _table_types(client, dialect, plan, got, request.table)
        types = [dialect.column_type(name, version.version) for name in server_types]
        return {
            "source": request.query.strip() if request.query else request.table.label,  # type: ignore[union-attr]
            "version": version.version,
            "columns": [
                {"name": c.name, **t.to_dict()} for c, t in zip(got.columns, types, strict=True)
            ],
            "rows": carry_rows(got.rows, types),
            "cut": got.cut,
            "row_count": len(got.rows),
            "type_label": dialect.type_label,
        }

    report = _run(
        flavour,
        version,
        type_properties,
        options,
        "Preview query",
        work,
        session_configuration=dialect.session_configuration,
    )
    refused = (report.get("result") or {}).get("refused")
    if refused:
        stages, total_ms = report["stages"], report.get("total_ms", 0.0)
        return {"ok": False, "refused": refused, "stages": stages, "total_ms": total_ms}
    return report


def _table_types(
    client: HiveClient, dialect: Dialect, plan: Any, got: ResultSet, table: TableRef
) -> list[str]:
    """The server types of a table's columns as GetColumns names them (``TIMESTAMP_NTZ``,
    ``ARRAY<INT>``, where the result set metadata says ``TIMESTAMP``, ``ARRAY``): read from
    the plan the check judged when its reader can (no round trip), else asked (GetColumns)."""
    from_plan = dialect.output_types(client, plan, got.columns)
    if from_plan is not None:
        return from_plan
    described = client.columns(table.schema or "default", table.table, limits=CATALOG_LIMITS)
    exact = {name: col.server_type for name, col in _column_types(described, "", dialect)}
    return [exact.get(c.name, c.type_name) for c in got.columns]


def carry_rows(rows: list[tuple[Any, ...]], types: list[ColumnType]) -> list[list[Any]]:
    """Rows with each value as its column's interim service type carries it (JSON-safe).

    Column by column: one converter is chosen per column and most columns (numbers, text,
    decimals as the server's exact text, nested types as the server's JSON text) need none.
    """
    if not rows:
        return []
    columns: list[Any] = list(zip(*rows, strict=True))
    for index, col in enumerate(types):
        convert = _converter(col)
        values = columns[index]
        if convert is None or (convert in _UNCHANGED and _UNCHANGED[convert](values)):
            continue  # nothing in this column to change: no call per value
        columns[index] = [None if v is None else convert(v) for v in values]
    return [list(row) for row in zip(*columns, strict=True)]


def carry(value: Any, col: ColumnType) -> Any:
    """One value as the interim service type carries it (see :func:`carry_rows`)."""
    convert = _converter(col)
    return value if value is None or convert is None else convert(value)


def _converter(col: ColumnType) -> Any:
    interim = col.interim_type
    if interim == NOT_SUPPORTED:
        return lambda _v: None
    if interim == "Byte[]":
        return lambda v: "0x" + v.hex().upper() if isinstance(v, bytes) else str(v)
    if interim == "DateTime":
        return lambda v: v.replace(" ", "T", 1) if " " in v else v + "T00:00:00"
    if interim == "DateTimeOffset":
        return lambda v: v.replace(" ", "T", 1) + "+00:00"
    if interim in ("Double", "Single"):
        return _finite
    return _plain


def _finite(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return str(value)
    return value


def _plain(value: Any) -> Any:
    return _text(value) if isinstance(value, bytes) else value


def _all_finite(values: tuple[Any, ...]) -> bool:
    # A NaN or an infinity makes the sum one too (a sum that overflows only costs the
    # conversion it would have saved). filter(None, ...) drops the NULLs (and zeros).
    return math.isfinite(sum(filter(None, values)))


def _no_bytes(values: tuple[Any, ...]) -> bool:
    return bytes not in set(map(type, values))


# Converters that change only some values, each with a test (at C speed) that the column
# holds none of them: such a column is left as it is.
_UNCHANGED: dict[Any, Any] = {_finite: _all_finite, _plain: _no_bytes}


def _text(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return base64.b64encode(value).decode("ascii")
