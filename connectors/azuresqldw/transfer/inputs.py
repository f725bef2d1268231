"""A :class:`TransferRequest` from stored definitions: the pool's linked service, a Spark
linked service or a Synapse workspace/pool, datasets (their ``schema`` arrays give the Spark
columns unless the caller passes ``columns``: typed, or read live by the portal) and the Key
Vault linked service a password points at.

Plain Python on ADF ``properties`` dicts; the portal hands them over through a lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urlparse

from connectors.azuresqldw.connection_string import ConnectionStringError, parse, server_address
from connectors.azuresqldw.transfer.design import (
    COPY,
    ENTRA,
    NOTEBOOK,
    SQL,
    KeyVaultSecret,
    TransferRequest,
)

Lookup = Callable[[str, str], Mapping[str, Any] | None]
"""(kind, name) -> that resource's ADF ``properties``, or None."""


class InputError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _literal(value: Any) -> str:
    if isinstance(value, dict) and value.get("type") == "Expression":
        return str(value.get("value", ""))
    return value if isinstance(value, str) else ""


def pool_side(properties: Mapping[str, Any], lookup: Lookup) -> dict[str, Any]:
    """server, authentication, user and password (a Key Vault secret) of a pool's
    linked service, in either shape."""
    tp = properties.get("typeProperties") or {}
    if "connectionString" in tp:
        raw = tp["connectionString"]
        if isinstance(raw, dict) and raw.get("type") == "AzureKeyVaultSecret":
            raise InputError(
                "connectionString",
                "The connection string is an Azure Key Vault secret, which the designer "
                "cannot read: convert the linked service to the recommended shape (server, "
                "database) or keep a plain connection string without the password.",
            )
        text = raw if isinstance(raw, str) else ""
        try:
            read = parse(text) if text and not text.startswith("@") else {}
        except ConnectionStringError as exc:
            raise InputError("connectionString", str(exc)) from exc
        server_text = read.get("server", "")
        user = read.get("user", "")
        auth = SQL if user and not tp.get("servicePrincipalId") else ENTRA
    else:
        server_text = _literal(tp.get("server"))
        user = _literal(tp.get("userName"))
        auth = SQL if (tp.get("authenticationType") or "SQL") == "SQL" else ENTRA
    if server_text.startswith("@"):
        raise InputError(
            "server",
            f"The server is the expression {server_text!r}: the notebook code needs the "
            "host itself.",
        )
    host = ""
    if server_text:
        try:
            host = server_address(server_text).host
        except ConnectionStringError as exc:
            raise InputError("server", str(exc)) from exc
    password = tp.get("password")
    secret: KeyVaultSecret | None = None
    if isinstance(password, dict) and password.get("type") == "AzureKeyVaultSecret":
        store = str((password.get("store") or {}).get("referenceName", ""))
        name = password.get("secretName")
        secret_name = name if isinstance(name, str) else _literal(name) or "@"
        vault = ""
        vault_properties = lookup("linkedService", store)
        if vault_properties:
            url = _literal((vault_properties.get("typeProperties") or {}).get("baseUrl"))
            vault = (urlparse(url).hostname or "").split(".", 1)[0]
        secret = KeyVaultSecret(store, secret_name, vault)
    return {"server": host, "authentication": auth, "user": user, "password": secret}


def _columns(dataset: Mapping[str, Any] | None) -> tuple[tuple[str, str], ...]:
    schema = (dataset or {}).get("schema")
    if not isinstance(schema, list):
        return ()
    out = []
    for column in schema:
        if isinstance(column, dict) and isinstance(column.get("name"), str):
            out.append((column["name"], str(column.get("type") or "string")))
    return tuple(out)


def request_from_definitions(
    *,
    pool: str,
    pool_properties: Mapping[str, Any],
    table: str,
    direction: str,
    lookup: Lookup,
    spark_pool: str = "",
    spark_linked_service: str = "",
    source: str = "",
    staging_types: Mapping[str, str] | None = None,
    **extra: Any,
) -> TransferRequest:
    """The request for the CLI (and the page's defaults): the route follows from whether a
    Synapse Spark pool (``WORKSPACE/POOL``) or a Spark linked service is named. With
    ``staging_types`` (type -> title of the linked services a staged copy may use), the
    staging linked service's own type is looked up to be checked against them."""
    side = pool_side(pool_properties, lookup)
    workspace, _, pool_name = spark_pool.partition("/")
    if spark_pool and (not workspace or not pool_name):
        raise InputError("spark_pool", "Name the Spark pool as WORKSPACE/POOL.")
    host = side["server"].lower()
    inside = bool(workspace) and host == f"{workspace.lower()}.sql.azuresynapse.net"
    source_kind = "query" if source.strip().lower().startswith(("select ", "with ")) else "table"
    columns: tuple[tuple[str, str], ...] = ()
    spark_dataset = ""
    if source_kind == "table" and source and lookup("dataset", source) is not None:
        dataset = lookup("dataset", source)
        columns = _columns(dataset)
        spark_dataset = source
        tp = (dataset or {}).get("typeProperties") or {}
        parts = [_literal(tp.get("schema")), _literal(tp.get("table"))]
        source = ".".join(p for p in parts if p) or _literal(tp.get("tableName")) or source
        source_kind = "dataset"
    request = TransferRequest(
        direction=direction,
        table=table,
        route=COPY if spark_linked_service else NOTEBOOK,
        source_kind=source_kind if source else "none",
        source=source,
        columns=columns,
        spark_linked_service=spark_linked_service,
        workspace=workspace,
        spark_pool=pool_name,
        pool_linked_service=pool,
        server=side["server"],
        authentication=side["authentication"],
        user=side["user"],
        password=side["password"],
        inside_workspace=inside if workspace else not spark_linked_service,
        spark_dataset=spark_dataset,
    )
    staging = str(extra.get("staging_linked_service") or "")
    if staging and staging_types is not None:
        found = lookup("linkedService", staging)
        extra["staging_type"] = str(found.get("type") or "") if found else ""
        extra["staging_types"] = tuple(staging_types.items())
    return replace(request, **extra) if extra else request


def plan_transfer(**arguments: Any) -> dict[str, Any]:
    """The connector's transfer hook (``Connector.transfer_plan``): stored definitions in,
    the plan as JSON out; a problem with the definitions is a blocking problem at its field."""
    from connectors.azuresqldw.transfer.design import Problem as PlanProblem
    from connectors.azuresqldw.transfer.design import TransferPlan, design

    live = arguments.pop("live_type_properties", None)
    run_live = arguments.pop("run_live", None)
    try:
        request = request_from_definitions(**arguments)
    except InputError as exc:
        plan = TransferPlan(route="", route_reason="")
        plan.problems.append(PlanProblem(exc.field, str(exc)))
        return plan.as_dict()
    checked = ""
    if live is not None and run_live is not None and request.direction == "write":
        exists, checked = _probe(live, run_live, request.table)
        if exists is not None:
            request = replace(request, target_exists=exists)
    result = design(request).as_dict()
    result["target_check"] = checked or "not checked live (no passing connection test)"
    result["request"] = {
        "direction": request.direction,
        "table": request.table,
        "route": request.route,
        "workspace": request.workspace,
        "spark_pool": request.spark_pool,
        "spark_linked_service": request.spark_linked_service,
        "server": request.server,
        "authentication": request.authentication,
        "inside_workspace": request.inside_workspace,
        "source": request.source,
        "source_kind": request.source_kind,
    }
    return result


def _probe(type_properties: dict[str, Any], run_live: Any, table: str) -> tuple[bool | None, str]:
    """Whether the write target exists, asked of the pool itself (SQL authentication), through
    the caller's live path."""
    from connectors.azuresqldw.diagnostics import Limits, table_exists
    from connectors.azuresqldw.settings import SettingsError, settings_from_type_properties
    from connectors.azuresqldw.transfer.names import NameError_, parse_table

    try:
        parse_table(table)
        settings = settings_from_type_properties(type_properties)
    except (NameError_, SettingsError) as exc:
        return None, f"not checked: {exc}"

    def work(options: Any) -> dict[str, Any]:
        exists, checked = table_exists(
            settings,
            table,
            address_policy=options.address_policy,
            limits=Limits(
                connect_timeout_s=options.connect_timeout_s, deadline_s=options.deadline_s
            ),
            ca_certificate=options.ca_certificate,
        )
        return {"ok": exists is not None, "exists": exists, "checked": checked}

    report = run_live(work)
    exists = report.get("exists")
    checked = report.get("checked") or _failure(report)
    return (exists if isinstance(exists, bool) else None), str(checked)


def _failure(report: dict[str, Any]) -> str:
    stage = next((s for s in report.get("stages", []) if s.get("status") == "failed"), None)
    return f"not checked: {stage.get('detail')}" if stage else "not checked"
