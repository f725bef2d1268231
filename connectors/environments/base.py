"""The repository's own values: every resource of a factory as git holds it, by kind and
name, and one change an override makes to one of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from connectors.environments.findings import Where
from connectors.environments.paths import Action
from connectors.kinds import KINDS


@dataclass(frozen=True)
class BaseResource:
    kind: str
    name: str
    properties: Any
    """The resource's ``properties`` (secrets as the repository holds them: masked)."""
    file: str = ""
    """Its path in the repository (``linkedService/LS.json``)."""

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.name.casefold())

    @property
    def label(self) -> str:
        return f"{self.kind} '{self.name}'"

    @property
    def where(self) -> Where:
        return Where(self.file or KINDS[self.kind].git_path(self.name))


class Base:
    """The resources overrides apply to, looked up by kind and name (names ignore case)."""

    def __init__(self, resources: Iterable[BaseResource], factory_name: str = "") -> None:
        self.resources = list(resources)
        self.factory_name = factory_name
        self._by_key = {r.key: r for r in self.resources}
        self._by_kind: dict[str, list[BaseResource]] = {}
        for resource in self.resources:
            self._by_kind.setdefault(resource.kind, []).append(resource)

    def get(self, kind: str, name: str) -> BaseResource | None:
        return self._by_key.get((kind, name.casefold()))

    def of_kind(self, kind: str) -> list[BaseResource]:
        return self._by_kind.get(kind, [])

    def __len__(self) -> int:
        return len(self.resources)


@dataclass(frozen=True)
class Change:
    """One value an environment sets, adds or removes in one resource."""

    resource: BaseResource
    keys: tuple[str | int, ...]
    """The actual keys under ``properties`` (for an added property, the new ones too)."""
    action: Action
    value: Any
    where: Where
    """The override's row (its value field)."""
    unresolved: bool = False
    """The value holds a token with no value in this environment: kept as written."""
    previous: Any = None
    """The value it replaced (to name the override that left a reference dangling)."""


__all__ = ["Base", "BaseResource", "Change"]
