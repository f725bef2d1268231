"""What judges a query on a HiveServer2 endpoint, and how a connector's columns are typed.

The server's own parser and analyser decide what a query does (``EXPLAIN``), never our text
filter alone: before a typed or generated statement runs, its ``EXPLAIN`` is asked on the same
session and read by a :class:`PlanReader`. Which reader reads it depends on the server that
answers, not on the connector: the server says what it is (GetInfo ``CLI_SERVER_NAME``, asked
in the test's "Server name and version" stage), and only a reader written and verified for
that server's plan output may judge it. A server no reader knows is refused (fail closed):
a plan we cannot read is a plan we cannot judge.

A :class:`Dialect` is a connector's part of it: the read-only guard run before any network
(a fast first filter; the plan decides), the readers it may use, how test values are put
into its queries as literals, and its type-mapping table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from connectors.hiveserver2.client import HiveClient
from connectors.hiveserver2.errors import HiveStatusError
from connectors.hiveserver2.results import ResultColumn
from connectors.hiveserver2.types import ColumnType

PREFIX_WORDS = "Refused by the server's plan: "


class PlanRefused(ValueError):
    """The server's plan shows something other than a read, or cannot be read (the message
    says what)."""

    def __init__(self, what: str) -> None:
        super().__init__(PREFIX_WORDS + what)


class PlanAnalysisError(HiveStatusError):
    """EXPLAIN answered the server's parse or analysis error: the statement is not run."""


class GuardRefusal(Protocol):
    """The read-only guard's refusal (its message, and where in the text: 1-based)."""

    line: int
    column: int


@dataclass(frozen=True)
class PlanReader:
    """Reads one server family's ``EXPLAIN`` answer."""

    name: str
    """What it reads, e.g. "Spark SQL's EXPLAIN EXTENDED"."""
    server_names: frozenset[str]
    """The GetInfo ``CLI_SERVER_NAME`` values of the servers whose plans it reads."""
    explain_prefix: str
    """What goes before the statement (server positions count it): "EXPLAIN EXTENDED "."""
    check: Callable[[HiveClient, str, int], Any]
    """(client, statement, timeout seconds) -> the judged plan (``.physical``: the plan
    shown); raises :class:`PlanRefused` or :class:`PlanAnalysisError`."""
    session_configuration: Mapping[str, str]
    """OpenSession settings the reader needs (e.g. plans not shortened)."""
    verified: str
    """Against what this reader was verified (said in refusals and the README)."""
    output_types: Callable[[Any, Sequence[ResultColumn]], list[str] | None] | None = None
    """(judged plan, the statement's result columns) -> each column's server type as
    GetColumns names it, or None when the plan does not say them all (None: never)."""


@dataclass(frozen=True)
class Dialect:
    """A connector's SQL as the shared catalog, preview and query checks need it."""

    type_label: str
    """What the connector calls its data types: "Spark type", "Hive type"."""
    column_type: Callable[[str, str], ColumnType]
    """(server type name, connector version) -> the column's types."""
    check_read_only: Callable[[str], str]
    """The guard before any network: the statement to send, or raises ``refused``."""
    refused: type[Exception]
    """The guard's exception (with ``line`` and ``column``)."""
    place_values: Callable[[str, Any], str]
    """Test values put into a query as literals (see ``connectors.activity_parts``)."""
    readers: tuple[PlanReader, ...]
    upgrade: tuple[str, str] | None = None
    """(from, to): the versions whose interim types a checked query compares."""

    @property
    def session_configuration(self) -> dict[str, str]:
        """OpenSession settings of a session whose statements are judged (every reader's:
        the server is known only once the session is open)."""
        merged: dict[str, str] = {}
        for reader in self.readers:
            merged.update(reader.session_configuration)
        return merged

    def reader_for(self, client: HiveClient) -> PlanReader:
        """The reader of the server this session talks to; PlanRefused when none reads it."""
        name, version = client.identify()
        for reader in self.readers:
            if name in reader.server_names:
                return reader
        known = "; ".join(
            f"{', '.join(sorted(r.server_names))} ({r.name}, verified {r.verified})"
            for r in self.readers
        )
        shown = "".join(c if c.isprintable() else "?" for c in f"{name} {version}".strip())[:80]
        raise PlanRefused(
            f"the server identifies itself as '{shown or 'nothing'}' (GetInfo), and no reader "
            f"of that server's EXPLAIN output is verified here, so nothing is run (a plan that "
            f"cannot be read cannot be judged). Servers whose plans are read: {known}."
        )

    def check_plan(self, client: HiveClient, statement: str, timeout_seconds: int) -> Any:
        """The server's plan of ``statement``, judged by the reader for that server."""
        return self.reader_for(client).check(client, statement, timeout_seconds)

    def output_types(
        self, client: HiveClient, plan: Any, columns: Sequence[ResultColumn]
    ) -> list[str] | None:
        """The result columns' server types as GetColumns names them, read from the plan
        :meth:`check_plan` judged (no round trip), or None when its reader cannot say."""
        read = self.reader_for(client).output_types
        return None if read is None else read(plan, columns)

    def type_changes(self, columns: list[tuple[str, str]]) -> list[dict[str, str]]:
        """The columns whose interim type differs between the versions of :attr:`upgrade`
        (what an upgrade of the linked service changes): ``{"name", "source_type",
        "before", "after"}``."""
        if self.upgrade is None:
            return []
        old, new = self.upgrade
        changes = []
        for name, server_type in columns:
            before, after = self.column_type(server_type, old), self.column_type(server_type, new)
            if after.source_type and before.interim_type != after.interim_type:
                changes.append(
                    {
                        "name": name,
                        "source_type": after.source_type,
                        "before": before.interim_type,
                        "after": after.interim_type,
                    }
                )
        return changes


__all__ = [
    "PREFIX_WORDS",
    "Dialect",
    "GuardRefusal",
    "PlanAnalysisError",
    "PlanReader",
    "PlanRefused",
]
