"""The one explicit list of connectors. The portal looks connectors up here only."""

from __future__ import annotations

from connectors import azureblobfs, azureblobstorage, azuresqldw, hive, impala, spark
from connectors.base import Connector, ConnectorVersion, DatasetType
from connectors.kinds import KINDS, LINKED_SERVICE

REGISTRY: dict[str, Connector] = {
    spark.CONNECTOR.type: spark.CONNECTOR,
    azuresqldw.CONNECTOR.type: azuresqldw.CONNECTOR,
    azureblobstorage.CONNECTOR.type: azureblobstorage.CONNECTOR,
    azureblobfs.CONNECTOR.type: azureblobfs.CONNECTOR,
    hive.CONNECTOR.type: hive.CONNECTOR,
    impala.CONNECTOR.type: impala.CONNECTOR,
}


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
