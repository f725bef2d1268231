"""The shapes every connector package fills in."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from connectors.schema_store import compile_validator

if TYPE_CHECKING:
    from connectors.lifecycle import Lifecycle
    from connectors.upgrade import UpgradePath


Placeholders = tuple[tuple[str, str], ...]
"""``(("connector", "Hive"), ...)``: each ``{{connector}}`` in a shared schema file becomes
``Hive`` (one file, written once, serves several connectors)."""


def read_json(path: Path, placeholders: Placeholders = ()) -> dict[str, Any]:
    """A JSON file, with each ``{{name}}`` of ``placeholders`` replaced by its value."""
    text = path.read_text(encoding="utf-8")
    for name, value in placeholders:
        text = text.replace("{{" + name + "}}", value)
    return dict(json.loads(text))


class SchemaFiles:
    """A JSON Schema file and its UI hints file, read once (``schema_path``, ``ui_path``)."""

    schema_path: Path
    ui_path: Path
    placeholders: Placeholders = ()

    @cached_property
    def schema(self) -> dict[str, Any]:
        return read_json(self.schema_path, self.placeholders)

    @cached_property
    def ui(self) -> dict[str, Any]:
        return read_json(self.ui_path, self.placeholders)

    @cached_property
    def validator(self) -> Any:
        return compile_validator(self.schema)


@dataclass(frozen=True)
class ConnectorVersion(SchemaFiles):
    """One version of a connector: its JSON Schema (the contract) and UI hints."""

    connector_type: str
    version: str
    schema_path: Path
    ui_path: Path
    explicit: bool
    """Whether ADF writes the version into ``properties.version`` (Spark 1.0 has none)."""
    support_note: str = ""
    """Empty when supported; otherwise a sentence shown next to the version."""
    support_badge: str = "end of support"
    """The words shown beside the version's name (and as its badge) when ``support_note``
    is set: "end of support" for a retired version, "legacy" for an older shape."""
    lifecycle: Lifecycle | None = None
    """Where Microsoft's connector lifecycle puts this version (None: supported)."""

    @property
    def label(self) -> str:
        if not self.support_note or self.support_badge in self.version:
            return self.version
        return f"{self.version} ({self.support_badge})"

    @property
    def type_properties_schema(self) -> dict[str, Any]:
        return self.schema["properties"]["typeProperties"]


@dataclass(frozen=True)
class PastedConnection:
    """What a pasted connection URL (or JDBC string) says, in a connector version's terms:
    ``values`` for its typeProperties, ``notes`` for what was not taken and why."""

    values: dict[str, Any]
    notes: list[str]


@dataclass(frozen=True)
class ActivityPart(SchemaFiles):
    """The part of a pipeline activity a connector authors (a Copy activity's source, a
    Lookup's dataset and query): one JSON Schema whose properties are the editor's fields,
    each naming where ADF keeps it in the activity (``x-adf-path``), and UI hints."""

    name: str
    title: str
    schema_path: Path
    ui_path: Path
    placeholders: Placeholders = ()

    @property
    def type_properties_schema(self) -> dict[str, Any]:
        """The schema of the fields (named as a connector version's, for the form code)."""
        return self.schema

    @property
    def activity_type(self) -> str:
        return str(self.schema["x-activity-type"])

    @property
    def source_type(self) -> str | None:
        return self.schema.get("x-source-type")

    @property
    def dataset_type(self) -> str | None:
        return self.schema.get("x-dataset-type")


@dataclass(frozen=True)
class TestOptions:
    """How a connection test may behave: where it may connect, and how long it may take."""

    __test__ = False  # not a pytest class

    address_policy: Callable[[Any], str | None]
    """Called with each resolved IP address; returns None to allow it, or why not."""
    connect_timeout_s: float = 10.0
    deadline_s: float = 30.0
    ca_certificate: str | None = None
    """CA certificates (PEM text, checked by ``connectors.ca_certificates``) uploaded for
    this one test; they stand in for a CA file the integration runtime would read."""


@dataclass(frozen=True)
class DatasetType:
    """A dataset type a connector owns (``SparkObject``): its JSON Schema is the contract of
    the dataset's ``properties``, the form is generated from it."""

    type: str
    title: str
    schema_path: Path
    linked_service_type: str
    """The ``properties.type`` of the linked services such a dataset may use."""
    picker_fields: tuple[str, str] = ("schema", "table")
    """The typeProperties a table picked from the server fills: (schema, table)."""
    placeholders: Placeholders = ()

    @cached_property
    def schema(self) -> dict[str, Any]:
        return read_json(self.schema_path, self.placeholders)

    @cached_property
    def validator(self) -> Any:
        return compile_validator(self.schema)


@dataclass(frozen=True)
class LiveCatalog:
    """What a connector reads from a live server for its datasets. Every call takes
    (linked service version, its typeProperties with secrets in clear, TestOptions, ...) and
    returns the connection test's report dict (never raises): ``ok``, ``stages`` and, when
    it succeeded, ``result``; a request refused before any network has ``refused``."""

    schemas: Callable[..., dict[str, Any]]
    """(version, tp, options) -> result ``{"schemas": [...]}``"""
    tables: Callable[..., dict[str, Any]]
    """(version, tp, options, *, schema, search, offset, limit) -> result ``{"tables":
    [{"schema", "name", "view"}], "total", "more"}``"""
    columns: Callable[..., dict[str, Any]]
    """(version, tp, options, *, table) -> result ``{"columns": [{"name", "server_type",
    "source_type", "interim_type", "supported"}], "schema": [ADF schema entries],
    "type_label"}``: ``source_type`` is the type in the connector's own words (the first
    column of its type-mapping table), ``type_label`` what that column is called."""
    preview: Callable[..., dict[str, Any]]
    """(version, tp, options, request) -> result ``{"columns", "rows", "cut", "version",
    "type_label"}``"""
    table_of: Callable[[dict[str, Any]], Any]
    """dataset typeProperties -> the table it names (raises ValueError saying why not)."""
    preview_request: Callable[..., Any]
    """(table=None, query=None, rows=N) -> the request ``preview`` takes."""
    type_of: Callable[[str, str], dict[str, Any]]
    """(server type, connector version) -> ``{"source_type", "interim_type", "supported"}``"""
    move_legacy_table: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    """typeProperties with an older table property moved to the current ones (raises
    ValueError saying why it cannot be)."""
    default_rows: int = 100
    max_rows: int = 1000


ConnectionTester = Callable[[ConnectorVersion, dict[str, Any], TestOptions], dict[str, Any]]
"""(version, typeProperties with secret values in clear, options) -> report dict:
``{"ok": bool, "stages": [{"name", "status", "duration_ms", "detail", "observed",
"change"}], ...facts}``. It must never raise, and never put a secret in the report."""


@dataclass(frozen=True)
class Connector:
    """A connector: the ADF ``properties.type`` it owns and its versions."""

    type: str
    title: str
    summary: str
    category: str
    versions: dict[str, ConnectorVersion]
    default_version: str
    keywords: tuple[str, ...] = field(default_factory=tuple)
    test_connection: ConnectionTester | None = None
    load_upgrade: Callable[[], UpgradePath] | None = None
    """Returns how definitions of an old version move to a newer one (None: no upgrade);
    called on first use of :attr:`upgrade`, so that what only tests a connection or shows a
    form does not import the upgrade rules and engine."""
    example_path: Path | None = None
    """A valid ADF document (``{"name", "properties"}``) of this connector, for the API
    docs' examples ("Try it out")."""
    parse_connection_url: Callable[[ConnectorVersion, str], PastedConnection] | None = None
    """(version, a pasted URL or JDBC string) -> the values it gives (None: the connector
    offers no paste; the portal then shows no paste field)."""
    secret_target: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    """properties -> the effective value of each property that decides where or how the
    connector's secrets are sent (see :mod:`connectors.secret_targets`)."""
    activity_parts: tuple[ActivityPart, ...] = ()
    """Parts of pipeline activities the connector authors (see connectors.activity_parts)."""
    query_tools: Any = None
    """Checks and previews of an activity's query against a linked service (a module or
    object with ``check_query``, ``preview_query`` and ``place_values``: test values put
    into the query as literals, see :func:`connectors.activity_parts.evaluate_query`),
    None when the connector has none."""
    datasets: dict[str, DatasetType] = field(default_factory=dict)
    """Dataset types this connector owns, by ``properties.type``."""
    live: LiveCatalog | None = None
    """Catalog, Import schema and preview on a live server (None: not offered)."""

    shape_of: Callable[[dict[str, Any]], str | None] | None = None
    """For a connector whose versions ADF tells apart by their properties' shape, not by a
    ``version`` property (AzureSqlDW: a connection string, or server/database): properties
    -> the version they are written for. None: the ``version`` property decides."""

    staging_store: bool = False
    """Whether a Copy activity may stage its data through a linked service of this
    connector (``stagingSettings.linkedServiceName``): ADF's staged copy takes an Azure Blob
    Storage or an Azure Data Lake Storage Gen2 linked service only."""

    untested_because: str = ""
    """For a connector without ``test_connection``: why its linked services have no
    "Test connection" here, said on their pages where the button would be."""

    transfer_plan: Callable[..., dict[str, Any]] | None = None
    """A designer for moving data between this connector's store and Spark (AzureSqlDW:
    Spark to a dedicated SQL pool), called with keyword arguments ``pool``,
    ``pool_properties``, ``table``, ``direction``, ``lookup`` ((kind, name) -> properties),
    ``spark_pool``, ``spark_linked_service``, ``source``, ``staging_types`` (the
    ``properties.type`` of the linked services a staged copy may use, each with its
    connector's title: those whose connector is a ``staging_store``) and optional request
    fields (``columns``: the Spark columns as (name, Spark type) pairs, typed or read live,
    which win over a source dataset's ``schema``), and,
    when the store's connection test passed and the caller asked for live reads,
    ``live_type_properties`` (secrets in clear) and ``run_live``, which runs a call to the
    store (``work(options) -> report dict`` with ``ok``) through the caller's live path and
    returns its redacted report; returns the plan as JSON (``blocked``,
    ``problems``, ``outputs``, ``copy_activity``...).
    None: the connector has no designer."""

    @cached_property
    def upgrade(self) -> UpgradePath | None:
        """How definitions of an old version move to a newer one (None: no upgrade)."""
        return self.load_upgrade() if self.load_upgrade is not None else None

    def version(self, version: str) -> ConnectorVersion:
        return self.versions[version]

    @property
    def example(self) -> dict[str, Any] | None:
        """The example document (see ``example_path``), or None."""
        if self.example_path is None:
            return None
        return dict(json.loads(self.example_path.read_text(encoding="utf-8")))

    def version_of(self, properties: dict[str, Any]) -> str | None:
        """The connector version an ADF ``properties`` object is written for.

        Returns None when it names a version this connector does not have.
        """
        if self.shape_of is not None:
            return self.shape_of(properties)
        declared = properties.get("version")
        if declared is None:
            implicit = [v.version for v in self.versions.values() if not v.explicit]
            return implicit[0] if implicit else None
        for v in self.versions.values():
            if v.explicit and v.version == declared:
                return v.version
        return None

    def version_problem(self, properties: dict[str, Any]) -> str:
        """Why :meth:`version_of` found no version for these properties."""
        declared = properties.get("version")
        for v in self.versions.values():
            if not v.explicit and v.version == declared:
                return (
                    f"{self.title} {v.version} definitions have no version property "
                    f"(ADF writes none): remove it."
                )
        known = ", ".join(self.versions)
        if not isinstance(declared, str):
            return f'A version is text, for example "{self.default_version}" (versions: {known}).'
        return f"{self.title} has no version {declared!r} (versions: {known})."

    def matches(self, query: str) -> bool:
        words = " ".join((self.type, self.title, self.summary, self.category, *self.keywords))
        return query.strip().lower() in words.lower()
