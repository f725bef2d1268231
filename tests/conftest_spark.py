"""pytest plugin: session-scoped real Spark Thrift Servers.

Register it with ``-p tests.conftest_spark`` (or ``pytest_plugins`` in the
root conftest.py). Tests that need a server carry ``@pytest.mark.spark`` with
the server modes they use, e.g. ``@pytest.mark.spark("http-custom")``, and
ask the ``spark_pool`` fixture for them::

    server = spark_pool.get("http-custom")

Servers start lazily on first use, in the order the selected tests need them,
at most two at a time (2-core machines), and all stop when the session ends.
Run without Spark tests: ``-m "not spark"``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from tests.spark_server import MODES, ServerPool, server_pool

_MODES_KEY = pytest.StashKey[list[str]]()
_POOL_KEY = pytest.StashKey[ServerPool]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "spark(*modes): needs real Spark Thrift Servers (JVM) in the given modes",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted: list[str] = []
    for item in items:
        for marker in item.iter_markers("spark"):
            for name in marker.args:
                if name not in MODES:
                    raise pytest.UsageError(f"{item.nodeid}: unknown Spark server mode {name!r}")
                if name not in wanted:
                    wanted.append(name)
    config.stash[_MODES_KEY] = wanted


def _missing_tools() -> str | None:
    if shutil.which("java") is None:
        return "java is not installed (scripts/install_spark.sh)"
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (scripts/install_spark.sh)"
    return None


@pytest.fixture(scope="session")
def spark_pool(request: pytest.FixtureRequest) -> Iterator[ServerPool]:
    missing = _missing_tools()
    if missing:
        # The project's test command installs both: there a missing tool is a failure.
        if os.environ.get("LINKWRIGHT_REQUIRE_SPARK") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    with server_pool() as pool:
        request.config.stash[_POOL_KEY] = pool
        pool.prefetch(request.config.stash.get(_MODES_KEY, []))
        yield pool


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    pool = terminalreporter.config.stash.get(_POOL_KEY, None)
    if pool is None:
        return
    times = pool.startup_times()
    if times:
        text = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in times.items())
        terminalreporter.write_line(f"Spark Thrift Server start-up times: {text}")
