"""python manage.py transfer_plan --pool NAME --table DB.SCHEMA.TABLE --direction read|write
(--spark-pool WORKSPACE/POOL | --spark LINKED_SERVICE) [--source TABLE_OR_QUERY]
[--staging LINKED_SERVICE [--staging-path PATH]] [--column "NAME TYPE" ...] [--factory F]
[--json]: plan a move between Spark and a dedicated SQL pool."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.management.factory_option import add_factory_option, factory_from

TITLES = {
    "scala_sqlanalytics": "Scala, sqlanalytics API (the seed's)",
    "scala_synapsesql": "Scala, synapsesql API",
    "pyspark_sqlanalytics": "PySpark, temp view + %%spark cell (sqlanalytics)",
    "pyspark_synapsesql": "PySpark, synapsesql API",
    "prerequisites_tsql": "Prerequisite T-SQL",
    "storage_acl_plan": "Storage permissions",
}


class Command(BaseCommand):
    help = (
        "Plans moving data between Spark and a dedicated SQL pool: with --spark-pool the "
        "notebook route (Synapse Spark pool code), with --spark the Copy activity route. Exit "
        "status 1 when the plan has a blocking problem."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pool", required=True, help="the SQL pool's linked service")
        parser.add_argument("--table", required=True, help="DATABASE.SCHEMA.TABLE")
        parser.add_argument("--direction", required=True, choices=("read", "write"))
        spark = parser.add_mutually_exclusive_group(required=True)
        spark.add_argument("--spark-pool", help="WORKSPACE/POOL: a Synapse Spark pool")
        spark.add_argument("--spark", help="a Spark linked service (Copy activity route)")
        parser.add_argument("--source", default="", help="Spark table, dataset or query")
        parser.add_argument(
            "--staging",
            default="",
            help="the Copy route's staging linked service (Azure Blob Storage or ADLS Gen2)",
        )
        parser.add_argument(
            "--staging-path",
            default="",
            help="the folder the Copy route stages in (container/folder; default: the plan's)",
        )
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            help='a Spark column as "NAME TYPE" (repeat it); when none is given the columns '
            "are read from the Spark server, else the dataset's imported schema",
        )
        parser.add_argument("--json", action="store_true", help="print the plan as JSON")
        add_factory_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        from portal.services.actor import Actor
        from portal.transfers import TransferUnavailable, plan, typed_columns

        typed = typed_columns("\n".join(options["column"]))
        extra: dict[str, Any] = {"columns": typed} if typed else {}
        for name, option in (
            ("staging_linked_service", "staging"),
            ("staging_path", "staging_path"),
        ):
            if options[option]:
                extra[name] = options[option]
        try:
            result = plan(
                factory_from(options),
                pool=options["pool"],
                table=options["table"],
                direction=options["direction"],
                spark_pool=options.get("spark_pool") or "",
                spark_linked_service=options.get("spark") or "",
                source=options["source"],
                actor=Actor.cli(),
                **extra,
            )
        except TransferUnavailable as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
        else:
            self._print(result)
        if result["blocked"]:
            raise SystemExit(1)

    def _print(self, result: dict[str, Any]) -> None:
        write = self.stdout.write
        if result.get("route_reason"):
            write(result["route_reason"])
        for problem in result["problems"]:
            write(f"BLOCKING [{problem['field']}] {problem['message']}")
        for note in result["notes"]:
            write(f"note: {note}")
        origin = result.get("columns_origin")
        if origin:
            write(f"Spark columns from: {origin['origin']} ({origin['detail']})")
        if result["columns"]:
            write("Columns (Spark type -> SQL pool type):")
            for column in result["columns"]:
                pool_type = column["pool_type"] or "cannot be written"
                flag = f"  ({column['note']})" if column["note"] else ""
                write(f"  {column['column']}: {column['spark_type']} -> {pool_type}{flag}")
        if result.get("secrets"):
            write(f"Secrets: {result['secrets']}")
        if result.get("target_check"):
            write(f"Whether the target exists: {result['target_check']}")
        for name, text in result["outputs"].items():
            write(f"\n== {TITLES.get(name, name)} ==\n{text.rstrip()}")
        if result.get("copy_activity"):
            write("\n== Copy activity ==")
            write(json.dumps(result["copy_activity"], indent=2))
        write(
            "\nBLOCKED: fix the problems above." if result["blocked"] else "\nNo blocking problem."
        )
