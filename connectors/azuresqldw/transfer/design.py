"""The transfer designer: Spark to a dedicated SQL pool (or back), two routes.

* The notebook route: the Azure Synapse Dedicated SQL Pool Connector for Apache Spark
  (``sqlanalytics`` in the seed, ``synapsesql`` since), which runs only inside a Synapse
  Spark pool. Outputs: Scala and PySpark code for both APIs, the prerequisite T-SQL, the
  storage ACL plan.
* The Copy route: an ADF Copy activity from a SparkSource (a Spark reached through a Spark
  linked service: HDInsight, Databricks, a Thrift server) to a SqlDWSink, staged.

Every output is rendered from a template in ``templates/`` (the Copy activity is built as
JSON); nothing here reads the network: whether the target exists is an input, checked live
by the caller when the pool's connection test works.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Any

from connectors.azuresqldw.transfer.names import NameError_, TableName, check_part, parse_table
from connectors.azuresqldw.transfer.types import Mapping, map_column

TEMPLATES = Path(__file__).parent / "templates"
READ, WRITE = "read", "write"
NOTEBOOK, COPY = "notebook", "copy"
INTERNAL, EXTERNAL = "INTERNAL", "EXTERNAL"
ENTRA, SQL = "entra", "sql"
TRANSFER_VIEW = "linkwright_transfer"
OUTPUTS = (
    "scala_sqlanalytics",
    "scala_synapsesql",
    "pyspark_sqlanalytics",
    "pyspark_synapsesql",
    "prerequisites_tsql",
    "storage_acl_plan",
)


@dataclass(frozen=True)
class KeyVaultSecret:
    linked_service: str
    secret_name: str
    vault_name: str = ""


@dataclass(frozen=True)
class TransferRequest:
    """What the user picked. Field names are the form's and the API's."""

    direction: str = WRITE
    table: str = ""
    route: str = NOTEBOOK
    # Spark side
    source_kind: str = "table"
    """table, query, dataset or none (read: where the rows land)."""
    source: str = ""
    columns: tuple[tuple[str, str], ...] = ()
    spark_linked_service: str = ""
    workspace: str = ""
    spark_pool: str = ""
    # pool side
    pool_linked_service: str = ""
    server: str = ""
    authentication: str = ENTRA
    user: str = ""
    password: KeyVaultSecret | None = None
    inside_workspace: bool = True
    table_type: str = INTERNAL
    data_source: str = ""
    data_source_location: str = ""
    file_format: str = ""
    temp_folder: str = ""
    principal: str = ""
    """The Entra ID identity that runs the notebook (the workspace's managed identity for a
    pipeline run); the workspace name when empty."""
    target_exists: bool | None = None
    # Copy route
    staging_linked_service: str = ""
    staging_type: str | None = None
    """The ``properties.type`` of the staging linked service: "" when the factory has none
    of that name, None when it was not looked up (nothing is checked then)."""
    staging_types: tuple[tuple[str, str], ...] = ()
    """(type, title) of the linked services a staged copy may use."""
    staging_path: str = ""
    copy_method: str = "copy"
    """copy (the COPY statement), polybase or bulkinsert."""
    table_option: str = "none"
    pre_copy_script: str = ""
    reject_type: str = "value"
    reject_value: float = 0
    reject_sample_value: int | None = None
    spark_dataset: str = ""
    pool_dataset: str = ""


@dataclass(frozen=True)
class Problem:
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


@dataclass
class TransferPlan:
    route: str
    route_reason: str
    problems: list[Problem] = field(default_factory=list)
    """Blocking problems: nothing should run while there is one."""
    notes: list[str] = field(default_factory=list)
    columns: list[Mapping] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    copy_activity: dict[str, Any] | None = None
    datasets: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The datasets the Copy activity reads and writes: name -> ADF ``properties``, to
    create beside the pipeline when they do not exist yet."""
    secrets: str = ""
    """How the code gets the password (Key Vault call, or a placeholder to replace)."""

    @property
    def blocked(self) -> bool:
        return bool(self.problems)

    def as_dict(self) -> dict[str, Any]:
        return {
            "route": self.route,
            "route_reason": self.route_reason,
            "blocked": self.blocked,
            "problems": [p.as_dict() for p in self.problems],
            "notes": list(self.notes),
            "columns": [c.as_dict() for c in self.columns],
            "outputs": dict(self.outputs),
            "copy_activity": self.copy_activity,
            "datasets": dict(self.datasets),
            "secrets": self.secrets,
        }


def _template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def scala_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def python_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def bracket(name: str) -> str:
    """A T-SQL delimited identifier: ``]`` doubled inside."""
    return "[" + name.replace("]", "]]") + "]"


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


SYNAPSE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,49}$")


def _is_serverless(host: str) -> bool:
    return "-ondemand." in host.lower()


def design(request: TransferRequest) -> TransferPlan:
    """The plan for ``request``: blocking problems, column mapping and every output."""
    r = request
    problems: list[Problem] = []
    table: TableName | None = None
    try:
        table = parse_table(r.table)
    except NameError_ as exc:
        problems.append(Problem("table", str(exc)))
    if r.direction not in (READ, WRITE):
        problems.append(Problem("direction", "The direction is read or write."))
    route, reason = _route(r, problems)
    plan = TransferPlan(route=route, route_reason=reason)
    plan.problems = problems
    _common_checks(r, plan)
    plan.columns = [map_column(name, kind) for name, kind in r.columns]
    if r.direction == WRITE:
        for mapping in plan.columns:
            if not mapping.writable:
                plan.problems.append(
                    Problem(
                        f"column:{mapping.column}",
                        f"Column {mapping.column} ({mapping.spark_type}) cannot be written to "
                        f"the SQL pool: {mapping.note}.",
                    )
                )
    if table is None:
        return plan
    if route == NOTEBOOK:
        _notebook(r, table, plan)
    else:
        _copy(r, table, plan)
    return plan


def _route(r: TransferRequest, problems: list[Problem]) -> tuple[str, str]:
    if r.route == NOTEBOOK:
        if r.spark_linked_service:
            problems.append(
                Problem(
                    "route",
                    f"The notebook connector runs only inside a Synapse Spark pool; "
                    f"{r.spark_linked_service} is a Spark reached through a linked service "
                    "(HDInsight, Databricks, a Thrift server), which only an ADF Copy "
                    "activity can move: choose the Copy activity route.",
                )
            )
        for name, value in (("workspace", r.workspace), ("spark_pool", r.spark_pool)):
            if not value:
                problems.append(
                    Problem(name, f"Name the Synapse {name.replace('_', ' ')} that runs it.")
                )
            elif not SYNAPSE_NAME.match(value):
                problems.append(
                    Problem(
                        name,
                        f"{value!r} is not a Synapse {name.replace('_', ' ')} name (letters, "
                        "digits and hyphens, at most 50).",
                    )
                )
        return NOTEBOOK, (
            "Notebook route: the Dedicated SQL Pool Connector for Apache Spark, inside "
            f"Synapse Spark pool {r.spark_pool or '?'} of workspace {r.workspace or '?'}."
        )
    if r.route != COPY:
        problems.append(Problem("route", "The route is notebook or copy."))
    return COPY, (
        "Copy activity route: ADF copies from the Spark linked service "
        f"{r.spark_linked_service or '?'} into the SQL pool, staged through storage "
        "(the notebook connector cannot reach a Spark outside Synapse)."
    )


def _common_checks(r: TransferRequest, plan: TransferPlan) -> None:
    host = r.server
    if host and _is_serverless(host):
        plan.problems.append(
            Problem(
                "server",
                f"{host} is a serverless SQL pool endpoint (-ondemand): the connector and "
                "PolyBase/COPY loads need a dedicated SQL pool.",
            )
        )
    if r.password is not None and (
        r.password.secret_name.startswith("@") or r.password.linked_service.startswith("@")
    ):
        plan.problems.append(
            Problem(
                "password",
                "The password's Key Vault reference is an expression, which the notebook "
                "cannot resolve: reference a fixed secret.",
            )
        )
    if r.direction == WRITE and r.target_exists:
        plan.problems.append(
            Problem(
                "table",
                f"{r.table} already exists in the SQL pool: the connector creates the table "
                "and fails on an existing one (the seed's API has no save mode). Choose a new "
                "name or drop the table.",
            )
        )


# -- the notebook route -------------------------------------------------------------------


def _notebook(r: TransferRequest, table: TableName, plan: TransferPlan) -> None:
    if not r.inside_workspace and r.authentication != SQL:
        plan.problems.append(
            Problem(
                "authentication",
                "The SQL pool is outside the workspace: the connector cannot use an Entra ID "
                "token there; use SQL authentication (user and password).",
            )
        )
    if r.authentication == SQL and not r.user:
        plan.problems.append(Problem("user", "SQL authentication needs a user name."))
    if r.direction == WRITE and r.table_type == EXTERNAL:
        for name, value in (("data_source", r.data_source), ("file_format", r.file_format)):
            if not value:
                plan.problems.append(
                    Problem(
                        name,
                        f"An EXTERNAL table needs an existing EXTERNAL "
                        f"{'DATA SOURCE' if name == 'data_source' else 'FILE FORMAT'} in the "
                        "SQL pool: name it (the prerequisite T-SQL creates it).",
                    )
                )
    if r.direction == READ and r.authentication == SQL and not r.data_source:
        plan.problems.append(
            Problem(
                "data_source",
                "A read with SQL authentication stages through an EXTERNAL DATA SOURCE "
                "(Constants.DATA_SOURCE): name one.",
            )
        )
    for name in ("data_source", "file_format"):
        value = getattr(r, name)
        if value:
            try:
                check_part(value, name.replace("_", " "))
            except NameError_ as exc:
                plan.problems.append(Problem(name, str(exc)))
    if r.source_kind == "query" and r.direction == READ:
        plan.notes.append(
            "A query read (Constants.QUERY) exists only in the synapsesql API (Spark 3.1 and "
            "3.2); the sqlanalytics code reads the whole table."
        )
    secret_scala, secret_python = _secret_lines(r, plan)
    direction_line = " ".join(_direction_line(r, table).split())  # one comment line
    values = {
        "workspace": r.workspace or "?",
        "spark_pool": r.spark_pool or "?",
        "direction_line": direction_line,
    }
    plan.outputs["scala_sqlanalytics"] = _template("scala_sqlanalytics.scala.tmpl").substitute(
        values, secret_block=secret_scala, body=_scala_body(r, table, new_api=False)
    )
    plan.outputs["scala_synapsesql"] = _template("scala_synapsesql.scala.tmpl").substitute(
        values, secret_block=secret_scala, body=_scala_body(r, table, new_api=True)
    )
    python_cell, spark_cell = _pyspark_old(r, table, secret_scala)
    plan.outputs["pyspark_sqlanalytics"] = _template("pyspark_sqlanalytics.py.tmpl").substitute(
        values, python_cell=python_cell, spark_cell=spark_cell
    )
    plan.outputs["pyspark_synapsesql"] = _template("pyspark_synapsesql.py.tmpl").substitute(
        values, secret_block=secret_python, body=_python_body(r, table)
    )
    plan.outputs["prerequisites_tsql"] = prerequisites(r, table)
    plan.outputs["storage_acl_plan"] = acl_plan(r)


def _direction_line(r: TransferRequest, table: TableName) -> str:
    spark = _spark_side_words(r)
    if r.direction == READ:
        return f"Reads {table} from the SQL pool into {spark}."
    return f"Writes {spark} into {table} ({r.table_type} table)."


def _spark_side_words(r: TransferRequest) -> str:
    if r.source_kind == "query":
        return "the rows of a Spark SQL query"
    if r.source_kind == "dataset":
        return f"the Spark table of dataset {r.spark_dataset or r.source}"
    if r.source:
        return f"Spark table {r.source}"
    return "a DataFrame"


def _secret_lines(r: TransferRequest, plan: TransferPlan) -> tuple[str, str]:
    if r.authentication != SQL:
        plan.secrets = (
            "Microsoft Entra ID: the notebook signs in with the identity running it; no "
            "password appears in the code."
        )
        return "", ""
    if r.password is not None:
        kv = r.password
        vault = kv.vault_name or "<key vault name>"
        scala_call = "mssparkutils.credentials.getSecret({}, {}, {})".format(
            *map(scala_string, (vault, kv.secret_name, kv.linked_service))
        )
        python_call = "mssparkutils.credentials.getSecret({}, {}, {})".format(
            *map(python_string, (vault, kv.secret_name, kv.linked_service))
        )
        plan.secrets = (
            f"The password is read at run time from Azure Key Vault secret {kv.secret_name!r} "
            f"(linked service {kv.linked_service})"
            + ("." if kv.vault_name else "; put the vault's name where the code says so.")
        )
        return "val password = " + scala_call, "password = " + python_call
    plan.secrets = (
        "The password is not in the definition as a Key Vault secret: the code holds the "
        'placeholder "<password>"; replace it (better: store it in Key Vault and call '
        "mssparkutils.credentials.getSecret)."
    )
    return 'val password = "<password>"', 'password = "<password>"'


def _scala_options(r: TransferRequest, *, new_api: bool) -> list[tuple[str, str]]:
    options: list[tuple[str, str]] = []
    if r.server and (not r.inside_workspace or r.authentication == SQL or new_api):
        options.append(("Constants.SERVER", scala_string(r.server)))
    if r.authentication == SQL:
        options.append(("Constants.USER", scala_string(r.user)))
        options.append(("Constants.PASSWORD", "password"))
    external = r.direction == WRITE and r.table_type == EXTERNAL
    if r.data_source and (external or r.direction == READ or not r.temp_folder):
        options.append(("Constants.DATA_SOURCE", scala_string(r.data_source)))
    if external and not new_api and r.file_format:
        options.append(("Constants.FILE_FORMAT", scala_string(r.file_format)))
    if new_api and r.direction == WRITE and not external and r.temp_folder:
        options.append(("Constants.TEMP_FOLDER", scala_string(r.temp_folder)))
    if new_api and r.direction == WRITE and r.authentication == SQL:
        options.append(("Constants.STAGING_STORAGE_ACCOUNT_KEY", "stagingAccountKey"))
    return options


def _scala_body(r: TransferRequest, table: TableName, *, new_api: bool) -> str:
    options = _scala_options(r, new_api=new_api)
    lines: list[str] = []
    if new_api and r.direction == WRITE and r.authentication == SQL:
        lines.append('val stagingAccountKey = "<storage account key of the staging folder>"')
    name = scala_string(str(table))
    method = "synapsesql" if new_api else "sqlanalytics"
    if r.direction == READ:
        lines.append("val df = spark.read.")
        lines += [f"  option({k}, {v})." for k, v in options]
        if new_api and r.source_kind == "query" and r.source:
            lines.append(f"  option(Constants.DATABASE, {scala_string(table.database)}).")
            lines.append(f"  option(Constants.QUERY, {scala_string(r.source)}).")
            lines.append("  synapsesql()")
        else:
            lines.append(f"  {method}({name})")
        if r.source and r.source_kind != "query":
            lines.append(f'df.write.mode("errorifexists").saveAsTable({scala_string(r.source)})')
        else:
            lines.append("df.show(10)")
        return "\n".join(lines)
    lines.append(f"val df = {_scala_spark_source(r)}")
    lines.append("df.write.")
    lines += [f"  option({k}, {v})." for k, v in options]
    if new_api:
        lines.append('  mode("errorifexists").')
    kind = "Constants.EXTERNAL" if r.table_type == EXTERNAL else "Constants.INTERNAL"
    lines.append(f"  {method}({name}, {kind})")
    return "\n".join(lines)


def _scala_spark_source(r: TransferRequest) -> str:
    if r.source_kind == "query":
        return f"spark.sql({scala_string(r.source)})"
    return f"spark.table({scala_string(r.source or '<spark table>')})"


def _pyspark_old(r: TransferRequest, table: TableName, secret_scala: str) -> tuple[str, str]:
    old = _scala_body(r, table, new_api=False)
    header = "%%spark\nimport com.microsoft.spark.sqlanalytics.utils.Constants\n"
    header += "import org.apache.spark.sql.SqlAnalyticsConnector._\n"
    if secret_scala:
        header += secret_scala + "\n"
    view = python_string(TRANSFER_VIEW)
    if r.direction == WRITE:
        if r.source_kind == "query":
            source = f"spark.sql({python_string(r.source)})"
        else:
            source = f"spark.table({python_string(r.source or '<spark table>')})"
        python_cell = f"pyspark_df = {source}\npyspark_df.createOrReplaceTempView({view})"
        scala = old.replace(
            old.splitlines()[0], f'val df = spark.sqlContext.sql("select * from {TRANSFER_VIEW}")'
        )
        return python_cell, header + scala
    scala_lines = [
        line for line in old.splitlines() if not line.startswith(("df.write", "df.show"))
    ]
    scala_lines.append(f"df.createOrReplaceTempView({scala_string(TRANSFER_VIEW)})")
    python_cell = (
        "# Run cell 2 first: it reads the SQL pool into a temporary view.\n"
        f"pyspark_df = spark.table({view})"
    )
    if r.source and r.source_kind != "query":
        python_cell += (
            f'\npyspark_df.write.mode("errorifexists").saveAsTable({python_string(r.source)})'
        )
    return python_cell, header + "\n".join(scala_lines)


def _python_body(r: TransferRequest, table: TableName) -> str:
    options = [
        (k, v.replace("stagingAccountKey", "staging_account_key"))
        for k, v in _scala_options(r, new_api=True)
    ]
    lines: list[str] = []
    if r.direction == WRITE and r.authentication == SQL:
        lines.append('staging_account_key = "<storage account key of the staging folder>"')
    name = python_string(str(table))
    if r.direction == READ:
        lines.append("df = (spark.read")
        lines += [f"    .option({k}, {v})" for k, v in options]
        if r.source_kind == "query" and r.source:
            lines.append(f"    .option(Constants.DATABASE, {python_string(table.database)})")
            lines.append(f"    .option(Constants.QUERY, {python_string(r.source)})")
            lines.append("    .synapsesql())")
        else:
            lines.append(f"    .synapsesql({name}))")
        if r.source and r.source_kind != "query":
            lines.append(f'df.write.mode("errorifexists").saveAsTable({python_string(r.source)})')
        else:
            lines.append("df.show(10)")
        return "\n".join(lines)
    if r.source_kind == "query":
        lines.append(f"df = spark.sql({python_string(r.source)})")
    else:
        lines.append(f"df = spark.table({python_string(r.source or '<spark table>')})")
    lines.append("(df.write")
    lines += [f"    .option({k}, {v})" for k, v in options]
    lines.append('    .mode("errorifexists")')
    kind = "Constants.EXTERNAL" if r.table_type == EXTERNAL else "Constants.INTERNAL"
    lines.append(f"    .synapsesql({name}, {kind}))")
    return "\n".join(lines)


def _principal(r: TransferRequest) -> str:
    return r.principal or r.workspace or "<workspace name>"


def prerequisites(r: TransferRequest, table: TableName) -> str:
    statements: list[str] = []
    if r.authentication == SQL:
        who = r.user
        statements.append("-- The login exists in master (CREATE LOGIN).")
        statements.append(f"CREATE USER {bracket(who)} FROM LOGIN {bracket(who)};")
    else:
        who = _principal(r)
        statements.append(f"CREATE USER {bracket(who)} FROM EXTERNAL PROVIDER;")
    statements.append(f"EXEC sp_addrolemember 'db_exporter', {sql_literal(who)};")
    if r.direction == WRITE:
        if table.schema.lower() != "dbo":
            statements.append(
                f"-- If the schema does not exist yet:\nCREATE SCHEMA [{table.schema}];"
            )
        statements += [
            f"GRANT CREATE TABLE TO {bracket(who)};",
            f"GRANT ALTER ON SCHEMA::[{table.schema}] TO {bracket(who)};",
            f"GRANT ADMINISTER DATABASE BULK OPERATIONS TO {bracket(who)};",
            f"GRANT INSERT ON SCHEMA::[{table.schema}] TO {bracket(who)};",
        ]
    needs_source = (r.direction == WRITE and r.table_type == EXTERNAL) or (
        r.direction == READ and r.authentication == SQL
    )
    if needs_source and r.data_source:
        location = r.data_source_location or (
            "abfss://<container>@<storage account>.dfs.core.windows.net/<folder>"
        )
        statements.append(
            f"CREATE EXTERNAL DATA SOURCE [{r.data_source}]\n"
            f"WITH (LOCATION = {sql_literal(location)}, TYPE = HADOOP);"
        )
    if r.direction == WRITE and r.table_type == EXTERNAL and r.file_format:
        statements.append(
            f"CREATE EXTERNAL FILE FORMAT [{r.file_format}]\n"
            "WITH (FORMAT_TYPE = PARQUET,\n"
            "      DATA_COMPRESSION = 'org.apache.hadoop.io.compress.SnappyCodec');"
        )
    shown_who = " ".join(who.split())  # on one comment line, whatever it holds
    auth_words = (
        f"SQL authentication as {shown_who}"
        if r.authentication == SQL
        else f"Microsoft Entra ID as {shown_who}"
    )
    return _template("prerequisites.sql.tmpl").substitute(
        database=table.database,
        direction_words="reads of" if r.direction == READ else "writes into",
        table=str(table),
        auth_words=auth_words,
        statements="\n".join(statements),
    )


ACL_FOLDERS = (
    ("/", "--X"),
    ("synapse", "--X"),
    ("workspaces", "--X"),
    ("{workspace}", "--X"),
    ("sparkpools", "--X"),
    ("{spark_pool}", "--X"),
    ("sparkpoolinstances", "-WX"),
)


def acl_plan(r: TransferRequest) -> str:
    rows = []
    path = ""
    for folder, access in ACL_FOLDERS:
        name = folder.format(workspace=r.workspace or "?", spark_pool=r.spark_pool or "?")
        path = "/" if name == "/" else f"{path.rstrip('/')}/{name}"
        rows.append(f"| {path} | {access} | --- |")
    return _template("storage_acl_plan.md.tmpl").substitute(
        principal=_principal(r),
        spark_pool=r.spark_pool or "?",
        workspace=r.workspace or "?",
        rows="\n".join(rows),
    )


# -- the Copy route -----------------------------------------------------------------------


def _copy(r: TransferRequest, table: TableName, plan: TransferPlan) -> None:
    if r.direction == READ:
        plan.problems.append(
            Problem(
                "direction",
                "ADF's Spark connector is a Copy source only: a Copy activity cannot write "
                "into Spark. Read with the notebook route inside Synapse instead.",
            )
        )
        return
    if not r.spark_linked_service:
        plan.problems.append(Problem("spark_linked_service", "Name the Spark linked service."))
    if not r.staging_linked_service:
        plan.problems.append(
            Problem(
                "staging_linked_service",
                "A Spark source is not one PolyBase or COPY reads directly: the copy must be "
                "staged (enableStaging) through an Azure Blob or ADLS Gen2 linked service.",
            )
        )
    else:
        staging = _staging_problem(r)
        if staging:
            plan.problems.append(Problem("staging_linked_service", staging))
    if r.copy_method not in ("copy", "polybase", "bulkinsert"):
        plan.problems.append(Problem("copy_method", "Use copy, polybase or bulkinsert."))
    if r.table_option not in ("none", "autoCreate"):
        plan.problems.append(Problem("table_option", "tableOption is none or autoCreate."))
    if r.copy_method == "polybase":
        if r.reject_type not in ("value", "percentage"):
            plan.problems.append(Problem("reject_type", "rejectType is value or percentage."))
        if r.reject_type == "percentage" and r.reject_sample_value is None:
            plan.problems.append(
                Problem(
                    "reject_sample_value",
                    "rejectSampleValue is required when rejectType is percentage.",
                )
            )
        if r.reject_type == "percentage" and not 0 <= r.reject_value <= 100:
            plan.problems.append(Problem("reject_value", "A percentage is from 0 to 100."))
    spark_name, pool_name = dataset_names(r, table)
    plan.copy_activity = copy_activity(r, table, spark_name, pool_name)
    plan.datasets = datasets(r, table, spark_name, pool_name)
    from connectors.azuresqldw.copy_sink import check_copy_activity

    known = {p.field for p in plan.problems}
    for problem in check_copy_activity(plan.copy_activity):
        if not ({"staging_linked_service", "reject_sample_value"} & known):
            plan.problems.append(Problem(problem.path, problem.message))
    plan.notes.append(
        "Staging is required: the Spark source is neither Blob nor ADLS Gen2 in a format "
        "PolyBase or COPY reads directly."
    )
    if r.copy_method == "polybase":
        plan.notes.append(
            "PolyBase: rows under 1 MB, no VARCHAR(MAX)/NVARCHAR(MAX)/VARBINARY(MAX), as many "
            "input columns as the table has; the load needs CONTROL on the database."
        )


def _staging_problem(r: TransferRequest) -> str | None:
    """Why the named staging linked service cannot stage the copy (None: it can, or its
    type was not looked up)."""
    if r.staging_type is None or not r.staging_types:
        return None
    accepted = dict(r.staging_types)
    if r.staging_type in accepted:
        return None
    kinds = " or ".join(accepted.values())
    if r.staging_type == "":
        return (
            f"This factory has no linked service named {r.staging_linked_service!r}: stage "
            f"the copy through an existing {kinds} linked service."
        )
    return (
        f"{r.staging_linked_service} is a {r.staging_type} linked service: a staged copy "
        f"stages its data in {kinds} only. Choose a linked service of one of those types "
        f"(or create one)."
    )


def _adf_name(text: str) -> str:
    """A resource or activity name ADF accepts: letters, digits, space, - and _ only."""
    cleaned = "".join(c if c.isalnum() or c in " -_" else "_" for c in text).strip(" _")
    return cleaned[:55] or "Transfer"


def dataset_names(r: TransferRequest, table: TableName) -> tuple[str, str]:
    spark_table = r.source if r.source_kind in ("table", "dataset") and r.source else "query"
    spark = r.spark_dataset or _adf_name(f"{r.spark_linked_service}_{spark_table}")
    pool = r.pool_dataset or _adf_name(
        f"{r.pool_linked_service or 'SqlPool'}_{table.schema}_{table.table}"
    )
    return spark.replace(" ", "_"), pool.replace(" ", "_")


def datasets(
    r: TransferRequest, table: TableName, spark_name: str, pool_name: str
) -> dict[str, dict[str, Any]]:
    """A SparkObject dataset for the source and an AzureSqlDWTable dataset for the sink."""
    out: dict[str, dict[str, Any]] = {}
    if not r.spark_dataset:
        spark_tp: dict[str, Any] = {}
        if r.source_kind == "table" and r.source:
            schema, _, name = r.source.rpartition(".")
            spark_tp = {"schema": schema, "table": name} if schema else {"table": name}
        out[spark_name] = {
            "linkedServiceName": {
                "referenceName": r.spark_linked_service,
                "type": "LinkedServiceReference",
            },
            "annotations": [],
            "type": "SparkObject",
            "schema": [],
            "typeProperties": spark_tp,
        }
    if not r.pool_dataset:
        out[pool_name] = {
            "linkedServiceName": {
                "referenceName": r.pool_linked_service,
                "type": "LinkedServiceReference",
            },
            "annotations": [],
            "type": "AzureSqlDWTable",
            "schema": [],
            "typeProperties": {"schema": table.schema, "table": table.table},
        }
    return out


def copy_activity(
    r: TransferRequest, table: TableName, spark_name: str = "", pool_name: str = ""
) -> dict[str, Any]:
    sink: dict[str, Any] = {"type": "SqlDWSink"}
    if r.copy_method == "polybase":
        settings: dict[str, Any] = {"rejectType": r.reject_type, "rejectValue": r.reject_value}
        if r.reject_sample_value is not None:
            settings["rejectSampleValue"] = r.reject_sample_value
        settings["useTypeDefault"] = True
        sink["allowPolyBase"] = True
        sink["polyBaseSettings"] = settings
    elif r.copy_method == "copy":
        sink["allowCopyCommand"] = True
    if r.pre_copy_script:
        sink["preCopyScript"] = r.pre_copy_script
    sink["tableOption"] = r.table_option
    staging: dict[str, Any] = {
        "linkedServiceName": {
            "referenceName": r.staging_linked_service,
            "type": "LinkedServiceReference",
        }
    }
    if r.staging_path:
        staging["path"] = r.staging_path
    source: dict[str, Any] = {"type": "SparkSource"}
    if r.source_kind == "query" and r.source:
        source["query"] = r.source
    return {
        "name": _adf_name(
            f"Copy {r.source if r.source_kind != 'query' else 'query'} to {table.table}"
        ),
        "type": "Copy",
        "dependsOn": [],
        "policy": {"timeout": "0.12:00:00", "retry": 0, "retryIntervalInSeconds": 30},
        "userProperties": [],
        "typeProperties": {
            "source": source,
            "sink": sink,
            "enableStaging": True,
            "stagingSettings": staging,
        },
        "inputs": [{"referenceName": spark_name or r.spark_dataset, "type": "DatasetReference"}],
        "outputs": [{"referenceName": pool_name or r.pool_dataset, "type": "DatasetReference"}],
    }
