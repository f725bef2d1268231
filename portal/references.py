"""What a resource references and what references it, within its factory.

References are found by walking the documents (:mod:`connectors.references`), so they
work for every kind; nothing is stored beside the definitions.
"""

from __future__ import annotations

from dataclasses import dataclass

from connectors.kinds import KINDS
from connectors.problems import Problem
from connectors.references import Reference, references_in
from portal.models import Resource


@dataclass(frozen=True)
class Link:
    """One reference, with the resource at its other end (None: it is broken)."""

    reference: Reference
    source: Resource
    target: Resource | None

    @property
    def broken(self) -> bool:
        return self.target is None


def outgoing(resource: Resource) -> list[Link]:
    """What ``resource`` references, each with its target in the factory or broken."""
    found = references_in(resource.properties)
    keys = {Resource.key_for(r.name) for r in found}
    targets = {
        (t.kind, t.name_key): t
        for t in Resource.objects.live().filter(factory=resource.factory_id, name_key__in=keys)
    }
    return [Link(r, resource, targets.get((r.kind.name, Resource.key_for(r.name)))) for r in found]


def incoming(resource: Resource) -> list[Link]:
    """Every reference to ``resource`` from the live resources of its factory."""
    links = []
    others = Resource.objects.live().filter(factory=resource.factory_id).exclude(pk=resource.pk)
    for other in others.filter(definition__icontains=resource.name):
        for reference in references_in(other.properties):
            if reference.kind.name == resource.kind and (
                Resource.key_for(reference.name) == resource.name_key
            ):
                links.append(Link(reference, other, resource))
    return links


def still_referenced(resource: Resource, action: str) -> list[Problem]:
    """Why ``resource`` may not be deleted or renamed: one problem per resource using it."""
    users = {(link.source.kind, link.source.name): link.source for link in incoming(resource)}
    if not users:
        return []
    names = ", ".join(f"{KINDS[kind].title.lower()} '{name}'" for kind, name in sorted(users))
    return [
        Problem(
            "$.name",
            f"'{resource.name}' is referenced by {names}: it cannot be {action} while they use it.",
        )
    ]
