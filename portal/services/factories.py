"""Factory actions: create, change and delete a factory, grant a role in it. Each audited in
the transaction of its write."""

from __future__ import annotations

import re

from django.db import transaction

from portal import audit
from portal.models import AuditEvent, Factory, Resource
from portal.roles import Role, grant
from portal.services.actor import Actor

__all__ = ["FactoryRefused", "create", "delete", "set_role", "update"]

NAME_RULE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
NAME_HELP = (
    "A factory name has 1 to 63 letters, digits and hyphens, and starts and ends with a "
    "letter or a digit (Azure's rule for data factories and Synapse workspaces)."
)


class FactoryRefused(ValueError):
    """The factory action was not done; ``field`` is what was wrong (name, kind...)."""

    def __init__(self, message: str, field: str = "name") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def name_problem(name: str) -> str | None:
    if not NAME_RULE.match(name):
        return NAME_HELP
    if Factory.objects.filter(name__iexact=name).exists():
        return f"A factory named '{name}' exists already."
    return None


def kind_of(text: str) -> str:
    """``adf``/``dataFactory`` or ``synapse`` as the model's kind (FactoryRefused if neither)."""
    kinds: dict[str, str] = {
        "adf": "dataFactory",
        "datafactory": "dataFactory",
        "synapse": "synapse",
    }
    found = kinds.get(text.strip().lower())
    if found is None:
        raise FactoryRefused(f"The kind is adf or synapse, not {text!r}.", "kind")
    return found


def create(actor: Actor, name: str, *, kind: str = "adf", description: str = "") -> Factory:
    """A new factory; its creator (when a user) becomes its Admin."""
    problem = name_problem(name)
    if problem:
        raise FactoryRefused(problem)
    with transaction.atomic():
        factory = Factory.objects.create(name=name, kind=kind_of(kind), description=description)
        if actor.signed_in:
            grant(actor.user, factory, Role.ADMIN)
        audit.record(
            AuditEvent.Action.CREATE,
            actor=actor,
            factory=factory,
            name=factory.name,
            detail=f"factory ({factory.get_kind_display()})",
        )
    return factory


def update(
    actor: Actor, factory: Factory, *, description: str | None = None, kind: str | None = None
) -> Factory:
    """Change a factory's description or kind (its name is its address: it stays)."""
    changed = []
    if description is not None:
        factory.description = description
        changed.append("description")
    if kind is not None:
        factory.kind = kind_of(kind)
        changed.append("kind")
    with transaction.atomic():
        factory.save(update_fields=changed or None)
        audit.record(
            AuditEvent.Action.EDIT,
            actor=actor,
            factory=factory,
            name=factory.name,
            detail=f"factory: {', '.join(changed) or 'nothing'} changed",
        )
    return factory


def delete(actor: Actor, factory: Factory) -> None:
    """Delete an empty factory (a factory that holds resources, even deleted ones whose
    history stays, is refused; the default factory too)."""
    if factory.name == Factory.DEFAULT_NAME:
        raise FactoryRefused("The default factory cannot be deleted.")
    held = Resource.objects.filter(factory=factory).count()
    if held:
        raise FactoryRefused(
            f"Factory '{factory.name}' holds {held} resource(s) (deleted ones keep their "
            "history): it cannot be deleted."
        )
    with transaction.atomic():
        audit.record(
            AuditEvent.Action.DELETE,
            actor=actor,
            name=factory.name,
            detail=f"factory ({factory.get_kind_display()})",
        )
        factory.delete()


def set_role(actor: Actor, factory: Factory, user: object, role: Role | None) -> None:
    """Give ``user`` a role in ``factory`` (None: no access)."""
    with transaction.atomic():
        grant(user, factory, role)
        audit.record(
            AuditEvent.Action.USER_CHANGED,
            actor=actor,
            factory=factory,
            name=str(getattr(user, "username", "")),
            detail=f"role in {factory.name}: {role.value if role else 'none'}",
        )
