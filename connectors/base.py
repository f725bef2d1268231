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
    from connectors.upgrade import Plan, UpgradePath


@dataclass(frozen=True)
class ConnectorVersion:
    """One version of a connector: its JSON Schema (the contract) and UI hints."""

    connector_type: str
    version: str
    schema_path: Path
    ui_path: Path
    explicit: bool
    """Whether ADF writes the version into ``properties.version`` (Spark 1.0 has none)."""
    support_note: str = ""
    """Empty when supported; otherwise a sentence shown next to the version."""

    @cached_property
    def schema(self) -> dict[str, Any]:
        return json.loads(self.schema_path.read_text(encoding="utf-8"))

    @cached_property
    def ui(self) -> dict[str, Any]:
        return json.loads(self.ui_path.read_text(encoding="utf-8"))

    @cached_property
    def validator(self) -> Any:
        return compile_validator(self.schema)

    @property
    def label(self) -> str:
        return f"{self.version} (end of support)" if self.support_note else self.version

    @property
    def type_properties_schema(self) -> dict[str, Any]:
        return self.schema["properties"]["typeProperties"]


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
    secret_target: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    """properties -> the effective value of each property that decides where or how the
    connector's secrets are sent (see :mod:`connectors.secret_targets`)."""

    @cached_property
    def upgrade(self) -> UpgradePath | None:
        """How definitions of an old version move to a newer one (None: no upgrade)."""
        return self.load_upgrade() if self.load_upgrade is not None else None

    def version(self, version: str) -> ConnectorVersion:
        return self.versions[version]

    def version_of(self, properties: dict[str, Any]) -> str | None:
        """The connector version an ADF ``properties`` object is written for.

        Returns None when it names a version this connector does not have.
        """
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

    def upgrade_plan(
        self, properties: dict[str, Any], answers: dict[str, Any] | None = None
    ) -> Plan:
        """The upgrade of ``properties`` (a definition of ``upgrade.from_version``)."""
        from connectors.upgrade import plan_upgrade

        if self.upgrade is None:
            raise LookupError(f"{self.title} definitions have no upgrade.")
        from connectors.upgrade import Plan

        title = self.upgrade.title or (
            f"Upgrade {self.title} {self.upgrade.from_version} → {self.upgrade.to_version}"
        )
        if not isinstance(properties, dict) or properties.get("type") != self.type:
            return Plan.refused(f"This is not a {self.title} definition.", title=title)
        if self.version_of(properties) != self.upgrade.from_version:
            return Plan.refused(
                f"Only {self.title} {self.upgrade.from_version} definitions are upgraded; "
                f"this one is {properties.get('version')!r}.",
                title=title,
            )
        return plan_upgrade(
            self.upgrade.rules,
            properties,
            answers,
            target=self.version(self.upgrade.to_version),
            type_changes=self.upgrade.type_changes,
            title=title,
        )

    def matches(self, query: str) -> bool:
        words = " ".join((self.type, self.title, self.summary, self.category, *self.keywords))
        return query.strip().lower() in words.lower()
