"""The kinds of resource an ADF factory or a Synapse workspace keeps in git, as plain data.

Each kind is declared once here: its name (ADF's git folder, used in URLs too), the document
``type`` each service writes at the top of the file, the folder it lives in, and the
reference type (``{"referenceName": ..., "type": "LinkedServiceReference"}``) by which
other resources point at it. The portal asks this module, never a list of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

FACTORY_SERVICE = "Microsoft.DataFactory/factories"
WORKSPACE_SERVICE = "Microsoft.Synapse/workspaces"


@dataclass(frozen=True)
class ResourceKind:
    """One kind of resource: ``linkedService``, ``dataset``, ``pipeline``..."""

    name: str
    """ADF's name for the kind, which is also its git folder and its URL segment."""
    title: str
    plural: str
    collection: str
    """The last segment of the document type: ``linkedservices`` in ``.../linkedservices``."""
    folder: str
    reference_type: str | None = None
    envelope: tuple[str, ...] = ("name", "properties")
    """Top-level keys every document of the kind has."""
    synapse_only: bool = False
    arm_collection: str = ""
    """The child-resource segment of the kind's ARM type, as ADF's Publish writes it
    (``linkedServices`` in ``Microsoft.DataFactory/factories/linkedServices``)."""

    def document_type(self, workspace: bool = False) -> str:
        service = WORKSPACE_SERVICE if workspace else FACTORY_SERVICE
        if self.name == "factory":
            return service
        return f"{service}/{self.collection}"

    def git_path(self, name: str) -> str:
        return f"{self.folder}/{name}.json"


_KINDS = (
    ResourceKind(
        "linkedService", "Linked service", "Linked services", "linkedservices",
        "linkedService", "LinkedServiceReference", arm_collection="linkedServices",
    ),
    ResourceKind("dataset", "Dataset", "Datasets", "datasets", "dataset", "DatasetReference",
        arm_collection="datasets",
    ),
    ResourceKind(
        "pipeline", "Pipeline", "Pipelines", "pipelines", "pipeline", "PipelineReference",
        arm_collection="pipelines",
    ),
    ResourceKind("trigger", "Trigger", "Triggers", "triggers", "trigger", "TriggerReference",
        arm_collection="triggers",
    ),
    ResourceKind(
        "dataflow", "Data flow", "Data flows", "dataflows", "dataflow", "DataFlowReference",
        arm_collection="dataflows",
    ),
    ResourceKind(
        "integrationRuntime", "Integration runtime", "Integration runtimes",
        "integrationruntimes", "integrationRuntime", "IntegrationRuntimeReference",
        arm_collection="integrationRuntimes",
    ),
    ResourceKind(
        "credential", "Credential", "Credentials", "credentials", "credential",
        "CredentialReference", arm_collection="credentials",
    ),
    ResourceKind(
        "managedVirtualNetwork", "Managed virtual network", "Managed virtual networks",
        "managedVirtualNetworks", "managedVirtualNetwork", "ManagedVirtualNetworkReference",
        envelope=("name",), arm_collection="managedVirtualNetworks",
    ),  # ADF writes its own managedVirtualNetwork/default.json without properties
    ResourceKind(
        "managedPrivateEndpoint", "Managed private endpoint", "Managed private endpoints",
        "managedVirtualNetworks/default/managedPrivateEndpoints",
        "managedVirtualNetwork/default/managedPrivateEndpoint",
        arm_collection="managedVirtualNetworks/managedPrivateEndpoints",
    ),
    ResourceKind("factory", "Factory", "Factory settings", "", "factory", envelope=("name",)),
    ResourceKind(
        "globalParameter", "Global parameters", "Global parameters", "globalparameters",
        "globalParameters", arm_collection="globalParameters",
    ),
    ResourceKind(
        "notebook", "Notebook", "Notebooks", "notebooks", "notebook", "NotebookReference",
        synapse_only=True, arm_collection="notebooks",
    ),
    ResourceKind(
        "sqlscript", "SQL script", "SQL scripts", "sqlscripts", "sqlscript",
        "SqlScriptReference", synapse_only=True, arm_collection="sqlscripts",
    ),
    ResourceKind(
        "sparkJobDefinition", "Spark job definition", "Spark job definitions",
        "sparkJobDefinitions", "sparkJobDefinition", "SparkJobDefinitionReference",
        synapse_only=True, arm_collection="sparkJobDefinitions",
    ),
    ResourceKind(
        "bigDataPool", "Apache Spark pool", "Apache Spark pools", "bigDataPools",
        "bigDataPool", "BigDataPoolReference", synapse_only=True, arm_collection="bigDataPools",
    ),
    ResourceKind(
        "sparkConfiguration", "Spark configuration", "Spark configurations",
        "sparkconfigurations", "sparkConfiguration", "SparkConfigurationReference",
        synapse_only=True, arm_collection="sparkconfigurations",
    ),
    ResourceKind(
        "kqlScript", "KQL script", "KQL scripts", "kqlscripts", "kqlscript", synapse_only=True,
        arm_collection="kqlScripts",
    ),
)  # fmt: skip

KINDS: MappingProxyType[str, ResourceKind] = MappingProxyType({k.name: k for k in _KINDS})
"""Every kind, by name (frozen: nothing is added at run time)."""

LINKED_SERVICE = KINDS["linkedService"]

_BY_REFERENCE = {k.reference_type: k for k in _KINDS if k.reference_type}
_BY_FOLDER = {k.folder: k for k in _KINDS}


class UnknownKind(LookupError):
    pass


def get_kind(name: str) -> ResourceKind:
    try:
        return KINDS[name]
    except KeyError:
        known = ", ".join(KINDS)
        raise UnknownKind(f"No resource kind '{name}' (kinds: {known}).") from None


def kind_for_reference(reference_type: Any) -> ResourceKind | None:
    """The kind a ``"...Reference"`` type points at, or None for one we don't know."""
    return _BY_REFERENCE.get(reference_type) if isinstance(reference_type, str) else None


def kind_for_folder(folder: str) -> ResourceKind | None:
    return _BY_FOLDER.get(folder)


def kind_for_document_type(document_type: Any) -> ResourceKind | None:
    """The kind of a document by its top-level ``type`` (either service's spelling)."""
    if not isinstance(document_type, str):
        return None
    lowered = document_type.casefold()
    for service in (FACTORY_SERVICE, WORKSPACE_SERVICE):
        prefix = service.casefold()
        if lowered == prefix:
            return KINDS["factory"]
        if lowered.startswith(prefix + "/"):
            collection = lowered[len(prefix) + 1 :]
            for kind in _KINDS:
                if kind.collection and kind.collection.casefold() == collection:
                    return kind
    return None
