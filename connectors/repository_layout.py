"""Where ADF and Synapse git integration put each kind of resource.

A resource is ``<folder>/<name>.json``; managed private endpoints sit one level deeper,
``managedVirtualNetwork/<network>/managedPrivateEndpoint/<name>.json``. Anything else in a
repository (``publish_config.json``, a README, ARM template parameter files, files in
folders ADF does not write) is not a resource: it is kept as is.
"""

from __future__ import annotations

from dataclasses import dataclass

RESOURCE_FOLDERS: dict[str, str] = {
    # Data Factory and Synapse
    "linkedService": "linkedService",
    "dataset": "dataset",
    "pipeline": "pipeline",
    "trigger": "trigger",
    "dataflow": "dataflow",
    "integrationRuntime": "integrationRuntime",
    "credential": "credential",
    "managedVirtualNetwork": "managedVirtualNetwork",
    "factory": "factory",
    "globalParameters": "globalParameters",
    "changeDataCapture": "changeDataCapture",
    # Synapse only
    "notebook": "notebook",
    "sqlscript": "sqlscript",
    "sparkJobDefinition": "sparkJobDefinition",
    "bigDataPool": "bigDataPool",
    "sqlPool": "sqlPool",
    "kqlScript": "kqlScript",
    "sparkConfiguration": "sparkConfiguration",
    "database": "database",
}
"""Git folder -> kind (the folder's own name, as ADF spells it)."""

MANAGED_PRIVATE_ENDPOINT = "managedPrivateEndpoint"
SYNAPSE_ONLY = frozenset(
    {"notebook", "sqlscript", "sparkJobDefinition", "bigDataPool", "sqlPool", "kqlScript"}
    | {"sparkConfiguration", "database"}
)


@dataclass(frozen=True)
class Placement:
    kind: str | None
    """``None`` when the file is not a resource and is kept as is."""
    name_from_path: str | None = None
    why_kept: str = ""


def place(path: str) -> Placement:
    """The kind and expected resource name of a repository file, from its clean posix path
    (``repository_source.safe_relative_path``) alone."""
    parts = path.split("/")
    if len(parts) == 1:
        return Placement(None, why_kept="a file beside the resource folders")
    folder, file_name = parts[0], parts[-1]
    if folder not in RESOURCE_FOLDERS:
        return Placement(None, why_kept=f"'{folder}/' is not a folder ADF writes resources to")
    if not file_name.endswith(".json"):
        return Placement(None, why_kept="not a .json file")
    stem = file_name[: -len(".json")]
    if len(parts) == 2:
        return Placement(RESOURCE_FOLDERS[folder], stem)
    if (
        folder == "managedVirtualNetwork"
        and len(parts) == 4
        and parts[2] == MANAGED_PRIVATE_ENDPOINT
    ):
        return Placement(MANAGED_PRIVATE_ENDPOINT, stem)
    return Placement(None, why_kept=f"nested deeper than ADF writes '{folder}/' resources")


def resource_path(kind: str, name: str, network: str = "default") -> str:
    """Where a new resource of ``kind`` goes (ADF's layout)."""
    if kind == MANAGED_PRIVATE_ENDPOINT:
        return f"managedVirtualNetwork/{network}/{MANAGED_PRIVATE_ENDPOINT}/{name}.json"
    folder = next((f for f, k in RESOURCE_FOLDERS.items() if k == kind), kind)
    return f"{folder}/{name}.json"


__all__ = [
    "MANAGED_PRIVATE_ENDPOINT",
    "RESOURCE_FOLDERS",
    "SYNAPSE_ONLY",
    "Placement",
    "place",
    "resource_path",
]
