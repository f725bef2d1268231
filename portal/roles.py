"""Reader, Editor and Admin: what a signed-in user may do, in each factory.

A role is granted per factory (:class:`portal.models.FactoryRole`); a user sees only the
factories they have a role in, and a superuser is Admin everywhere. The site role (the
Admin group) says who manages users and reads the audit log. Routes without a factory in
them act on the default factory.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Role(StrEnum):
    READER = "Reader"
    EDITOR = "Editor"
    ADMIN = "Admin"


RANK = {Role.READER: 0, Role.EDITOR: 1, Role.ADMIN: 2}


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def site_role(user: Any) -> Role | None:
    """The role from the user's groups: Admin manages users for the whole portal."""
    if not _active(user):
        return None
    if user.is_superuser:
        return Role.ADMIN
    names = {g.name for g in user.groups.all()}
    for role in (Role.ADMIN, Role.EDITOR):
        if role.value in names:
            return role
    return Role.READER


def role_of(user: Any, factory: Any = None) -> Role | None:
    """The user's role in ``factory`` (default: the default factory); None: no access."""
    from portal.models import Factory, FactoryRole

    if not _active(user):
        return None
    if user.is_superuser:
        return Role.ADMIN
    factory = factory or Factory.default()
    cache = user.__dict__.setdefault("_factory_roles", {})
    if factory.pk not in cache:
        name = FactoryRole.role_name(user.pk, factory.pk)
        cache[factory.pk] = Role(name) if name else None
    return cache[factory.pk]


def factory_named_for(user: Any, name: str) -> Any:
    """The factory ``name`` (None: there is none), with ``user``'s role in it remembered
    for :func:`role_of`: one query when the user has a role there (a request's scope and
    its permission check, read together)."""
    from portal.models import Factory, FactoryRole, unique_row

    if not _active(user) or user.is_superuser:
        return Factory.named(name)
    cache = user.__dict__.setdefault("_factory_roles", {})
    found = unique_row(
        FactoryRole.objects.filter(user_id=user.pk, factory__name=name).select_related("factory")
    )
    if found is not None:
        cache[found.factory_id] = Role(found.role) if found.role else None
        return found.factory
    factory = Factory.named(name)
    if factory is not None:
        cache[factory.pk] = None  # no role there: just read
    return factory


def has_role(user: Any, needed: Role, factory: Any = None) -> bool:
    role = role_of(user, factory)
    return role is not None and RANK[role] >= RANK[needed]


def has_site_role(user: Any, needed: Role) -> bool:
    role = site_role(user)
    return role is not None and RANK[role] >= RANK[needed]


def visible_factories(user: Any) -> Any:
    """The factories ``user`` has a role in (all of them for a superuser)."""
    from portal.models import Factory

    if not _active(user):
        return Factory.objects.none()
    if user.is_superuser:
        return Factory.objects.all()
    _remember_roles(user)
    return Factory.objects.filter(roles__user=user)


def _remember_roles(user: Any) -> None:
    """Every role of ``user`` in one query, for :func:`role_of` to answer a list of
    factories without one query each."""
    from portal.models import FactoryRole

    cache = user.__dict__.setdefault("_factory_roles", {})
    for factory_id, name in FactoryRole.objects.filter(user=user).values_list("factory_id", "role"):
        cache.setdefault(factory_id, Role(name))


def grant(user: Any, factory: Any, role: Role | None) -> None:
    """Give ``user`` ``role`` in ``factory`` (None: take their access away)."""
    from portal.models import FactoryRole

    user.__dict__.pop("_factory_roles", None)
    if role is None:
        FactoryRole.objects.filter(user=user, factory=factory).delete()
        return
    FactoryRole.objects.update_or_create(user=user, factory=factory, defaults={"role": role})


def set_role(user: Any, role: Role) -> None:
    """The site role, which is also the user's role in the default factory."""
    from django.contrib.auth.models import Group

    from portal.models import Factory

    user.groups.remove(*user.groups.filter(name__in=[r.value for r in Role]))
    if role != Role.READER:
        group, _ = Group.objects.get_or_create(name=role.value)
        user.groups.add(group)
    grant(user, Factory.default(), role)


def test_visible(user: Any, test: Any) -> bool:
    """A connection test is seen by whoever may read its resource's factory; an unsaved
    one only by the user who ran it."""
    if test.unsaved or test.resource is None:
        return bool(test.user_id == getattr(user, "pk", None)) or not test.unsaved
    return role_of(user, test.resource.factory) is not None
