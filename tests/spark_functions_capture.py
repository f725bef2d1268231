"""Capture the built-in function list of pyspark's Spark Thrift Server into the package.

``connectors/spark/spark-functions.json`` is the answer of ``SHOW SYSTEM FUNCTIONS`` on the
Spark Thrift Server that the pinned pyspark starts (the tests' server). The plan check
(:mod:`connectors.spark.plan_check`) derives its allowed functions from it. Regenerate after
changing the pinned pyspark::

    python -m tests.spark_functions_capture

The test ``test_the_function_list_is_what_the_server_answers`` compares the file with the
server's answer.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from connectors.hiveserver2.client import FetchLimits, HiveClient
from connectors.spark.plan_check import FUNCTIONS_FILE
from tests.helpers import direct_client
from tests.spark_server import pyspark_home, server_pool

STATEMENT = "SHOW SYSTEM FUNCTIONS"


def system_functions(client: HiveClient) -> list[str]:
    got = client.query(STATEMENT, limits=FetchLimits(max_rows=10_000))
    return sorted(str(row[0]) for row in got.rows)


def document(names: list[str], version: str) -> dict[str, Any]:
    return {
        "source": f"{STATEMENT} on the Spark Thrift Server of pyspark {version}",
        "regenerate": "python -m tests.spark_functions_capture",
        "spark_version": version,
        "functions": names,
    }


def _main() -> int:
    import pyspark

    with server_pool() as pool:
        server = pool.get("binary-nosasl")
        with direct_client(server.port) as client:
            names = system_functions(client)
    text = json.dumps(document(names, pyspark.__version__), indent=1) + "\n"
    FUNCTIONS_FILE.write_text(text, encoding="utf-8")
    print(f"{len(names)} functions from {pyspark_home()} written to {FUNCTIONS_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(_main())
