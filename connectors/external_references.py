"""References ADF and Synapse resolve outside the repository, and the files they write
themselves.

A factory's repository does not hold everything its resources name: a Synapse notebook or
Spark job definition runs on an Apache Spark pool of the workspace, a linked service may
connect through ADF's built-in ``AutoResolveIntegrationRuntime``, a Synapse workspace has
its own default linked services (``<workspace>-WorkspaceDefaultSqlServer`` and
``<workspace>-WorkspaceDefaultStorage``), Spark configurations and managed private
endpoints. A reference to one of them that the repository does not hold is an external
reference, not a broken one.

The workspace default linked services' files, when a repository holds them, are written
by Synapse itself: their layout is Synapse's, and no advice about it is given.
"""

from __future__ import annotations

from connectors.kinds import LINKED_SERVICE

AUTO_RESOLVE_RUNTIME = "AutoResolveIntegrationRuntime"
WORKSPACE_DEFAULT_SUFFIXES = ("-WorkspaceDefaultSqlServer", "-WorkspaceDefaultStorage")

_OUTSIDE_KINDS = {
    "bigDataPool": "an Apache Spark pool of the Synapse workspace",
    "sparkConfiguration": "a Spark configuration of the Synapse workspace",
    "managedVirtualNetwork": "the managed virtual network of the workspace",
    "managedPrivateEndpoint": "a managed private endpoint of the workspace",
}
"""Kinds of resource the service resolves outside the repository, and what each one is."""


def is_service_generated(kind: str, name: str) -> bool:
    """A file the service writes itself (a Synapse workspace's default linked services)."""
    folded = name.casefold()
    return kind == LINKED_SERVICE.name and any(
        folded.endswith(suffix.casefold()) for suffix in WORKSPACE_DEFAULT_SUFFIXES
    )


def resolved_outside(kind: str, name: str) -> str | None:
    """Why the service resolves a reference to ``kind`` ``name`` outside the repository
    (what it is), or None for a reference the repository must hold."""
    if kind == "integrationRuntime" and name.casefold() == AUTO_RESOLVE_RUNTIME.casefold():
        return "ADF's built-in integration runtime"
    if is_service_generated(kind, name):
        return "a default linked service of the Synapse workspace"
    return _OUTSIDE_KINDS.get(kind)


__all__ = [
    "AUTO_RESOLVE_RUNTIME",
    "WORKSPACE_DEFAULT_SUFFIXES",
    "is_service_generated",
    "resolved_outside",
]
