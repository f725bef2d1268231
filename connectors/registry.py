"""The one explicit list of connectors. The portal looks connectors up here only."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping

from connectors.base import Connector, ConnectorVersion, DatasetType
from connectors.kinds import KINDS, LINKED_SERVICE

PACKAGES: dict[str, str] = {
    "Spark": "connectors.spark",
    "AzureSqlDW": "connectors.azuresqldw",
    "AzureBlobStorage": "connectors.azureblobstorage",
    "AzureBlobFS": "connectors.azureblobfs",
    "Hive": "connectors.hive",
    "Impala": "connectors.impala",
}
"""Each connector's type and the package that declares it (its ``CONNECTOR``)."""


class _Registry(MutableMapping[str, Connector]):
    """Type -> connector, each connector's package imported when it is first looked up.

    Whether a type is known (``in``, ``len``, iterating the types) imports nothing: a
    command that tests one Spark linked service loads the Spark connector only."""

    def __init__(self, packages: dict[str, str]) -> None:
        self._packages = dict(packages)
        self._loaded: dict[str, Connector] = {}

    def __getitem__(self, connector_type: str) -> Connector:
        found = self._loaded.get(connector_type)
        if found is None:
            package = self._packages[connector_type]  # KeyError: not a connector
            found = importlib.import_module(package).CONNECTOR
            if found.type != connector_type:
                raise RuntimeError(f"{package} declares {found.type!r}, not {connector_type!r}")
            self._loaded[connector_type] = found
        return found

    def __setitem__(self, connector_type: str, connector: Connector) -> None:
        self._packages.setdefault(connector_type, "")
        self._loaded[connector_type] = connector

    def __delitem__(self, connector_type: str) -> None:
        del self._packages[connector_type]
        self._loaded.pop(connector_type, None)

    def __contains__(self, connector_type: object) -> bool:
        return connector_type in self._packages

    def __iter__(self) -> Iterator[str]:
        return iter(self._packages)

    def __len__(self) -> int:
        return len(self._packages)


REGISTRY: MutableMapping[str, Connector] = _Registry(PACKAGES)


class UnknownConnector(LookupError):
    pass


def connectors() -> list[Connector]:
    return list(REGISTRY.values())


def get_connector(connector_type: str) -> Connector:
    try:
        return REGISTRY[connector_type]
    except KeyError:
        known = ", ".join(sorted(REGISTRY)) or "none"
        raise UnknownConnector(
            f"Linked services of type '{connector_type}' are not supported (supported: {known})."
        ) from None


def get_version(connector_type: str, version: str) -> ConnectorVersion:
    connector = get_connector(connector_type)
    try:
        return connector.version(version)
    except KeyError:
        known = ", ".join(connector.versions)
        raise UnknownConnector(
            f"{connector.title} has no version '{version}' (versions: {known})."
        ) from None


def has_form(kind: str, connector_type: object) -> bool:
    """Whether resources of this kind and type are authored with a schema-driven form (and
    validated by the connector's JSON Schema); anything else is kept as a document."""
    return (
        kind == LINKED_SERVICE.name
        and isinstance(connector_type, str)
        and (connector_type in REGISTRY)
    )


DATASET = KINDS["dataset"]


def schema_validated_kind(kind: str) -> bool:
    """Whether a resource of this kind may be validated whole by a connector's schema (by
    :func:`has_form` or :func:`dataset_type`, the only kinds either says yes for): a
    resource of any other kind is kept as a document whatever its type."""
    return kind in (LINKED_SERVICE.name, DATASET.name)


def dataset_type(kind: str, dataset_type_name: object) -> DatasetType | None:
    """The connector-declared dataset type of a resource, or None (kept as a document).

    Resources it returns are authored with a form generated from the type's JSON Schema
    and validated by it; linked services keep :func:`has_form`."""
    if kind != DATASET.name or not isinstance(dataset_type_name, str):
        return None
    for connector in REGISTRY.values():
        found = connector.datasets.get(dataset_type_name)
        if found is not None:
            return found
    return None


def connector_of_dataset(dataset: DatasetType) -> Connector:
    """The connector whose linked services a dataset type uses."""
    return get_connector(dataset.linked_service_type)


def live_dataset_type(linked_service_type: str) -> DatasetType | None:
    """A dataset type over linked services of ``linked_service_type`` whose connector reads
    columns from a live server (None when there is none)."""
    for connector in REGISTRY.values():
        for declared in connector.datasets.values():
            if declared.linked_service_type != linked_service_type:
                continue
            if connector_of_dataset(declared).live is not None:
                return declared
    return None
