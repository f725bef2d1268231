"""A whole factory (or Synapse workspace) as plain data, for checks and publishing.

Both ``connectors.factory_checks`` (Validate all) and ``connectors.arm`` (Publish) read a
factory as this: each resource's kind, name, parsed document and exact bytes, and the
files kept as is (``arm-template-parameters-definition.json`` among them). The portal
builds one from its models, a test or a benchmark from a repository folder.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from connectors.adf_repository import Repository

PARAMETERISATION_FILE = "arm-template-parameters-definition.json"
"""The repository's own ARM parameterisation template (ADF's name, at the root)."""


@dataclass(frozen=True)
class FactoryResource:
    kind: str
    name: str
    document: dict[str, Any]
    """The whole file: ``{"name": ..., "properties": {...}}`` (a factory file has more)."""
    raw: bytes = b""
    path: str = ""
    """Where the resource lives in git (``pipeline/Load.json``), for messages."""

    @property
    def properties(self) -> dict[str, Any]:
        value = self.document.get("properties")
        return value if isinstance(value, dict) else {}


@dataclass
class FactorySnapshot:
    name: str
    resources: list[FactoryResource]
    kept_files: dict[str, bytes] = field(default_factory=dict)
    workspace: bool = False
    """A Synapse workspace rather than a data factory."""

    def of_kind(self, kind: str) -> list[FactoryResource]:
        return [r for r in self.resources if r.kind == kind]

    @classmethod
    def from_repository(
        cls, name: str, repository: Repository, workspace: bool = False
    ) -> FactorySnapshot:
        """A snapshot of a repository as read (files that did not parse are left out)."""
        return cls(
            name,
            [
                FactoryResource(f.kind, f.name, f.document, f.raw, f.path)
                for f in repository.resources
                if f.kind and f.name and isinstance(f.document, dict)
            ],
            {f.path: f.raw for f in repository.files if not f.is_resource},
            workspace,
        )

    @classmethod
    def of(
        cls,
        name: str,
        resources: Iterable[tuple[str, str, dict[str, Any]]],
        kept_files: dict[str, bytes] | None = None,
    ) -> FactorySnapshot:
        """A snapshot from ``(kind, name, document)`` triples (tests, benchmarks)."""
        return cls(name, [FactoryResource(k, n, d) for k, n, d in resources], kept_files or {})
