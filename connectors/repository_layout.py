"""Which files of an ADF or Synapse git repository are resources, and of which kind.

A resource is ``<kind folder>/<name>.json``, the folders being those ``connectors.kinds``
declares; managed private endpoints sit one level deeper,
``managedVirtualNetwork/<network>/managedPrivateEndpoint/<name>.json``. Anything else in a
repository (``publish_config.json``, a README, ARM template parameter files, files in
folders of kinds the portal does not keep) is not a resource: it is kept as is.
"""

from __future__ import annotations

from dataclasses import dataclass

from connectors.kinds import KINDS, kind_for_folder

MANAGED_PRIVATE_ENDPOINT = "managedPrivateEndpoint"


@dataclass(frozen=True)
class Placement:
    kind: str | None
    """``None`` when the file is not a resource and is kept as is."""
    name_from_path: str | None = None
    why_kept: str = ""


def _kind_of_folder(folder: str) -> str | None:
    kind = kind_for_folder(folder)
    if kind is not None:
        return kind.name
    parts = folder.split("/")
    if (
        len(parts) == 3
        and parts[0] == "managedVirtualNetwork"
        and parts[2] == MANAGED_PRIVATE_ENDPOINT
    ):
        return MANAGED_PRIVATE_ENDPOINT
    return None


def place(path: str) -> Placement:
    """The kind and expected resource name of a repository file, from its clean posix path
    (``repository_source.safe_relative_path``) alone."""
    folder, _, file_name = path.rpartition("/")
    if not folder:
        return Placement(None, why_kept="a file beside the resource folders")
    kind = _kind_of_folder(folder)
    if kind is None:
        return Placement(None, why_kept=f"'{folder}/' is not the folder of a kind the portal keeps")
    if not file_name.endswith(".json"):
        return Placement(None, why_kept="not a .json file")
    return Placement(kind, file_name[: -len(".json")])


def resource_path(kind: str, name: str) -> str:
    """Where a new resource of ``kind`` goes (ADF's layout)."""
    return KINDS[kind].git_path(name)


def has_properties(kind: str) -> bool:
    """Whether every document of ``kind`` has a ``properties`` object (a factory may not)."""
    return "properties" in KINDS[kind].envelope


__all__ = ["MANAGED_PRIVATE_ENDPOINT", "Placement", "has_properties", "place", "resource_path"]
