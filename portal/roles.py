"""Reader, Editor and Admin: what a signed-in user may do."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Role(StrEnum):
    READER = "Reader"
    EDITOR = "Editor"
    ADMIN = "Admin"


RANK = {Role.READER: 0, Role.EDITOR: 1, Role.ADMIN: 2}


def role_of(user: Any) -> Role | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    names = {g.name for g in user.groups.all()}
    for role in (Role.ADMIN, Role.EDITOR):
        if role.value in names:
            return role
    return Role.READER


def has_role(user: Any, needed: Role) -> bool:
    role = role_of(user)
    return role is not None and RANK[role] >= RANK[needed]


def set_role(user: Any, role: Role) -> None:
    from django.contrib.auth.models import Group

    user.groups.remove(*user.groups.filter(name__in=[r.value for r in Role]))
    if role != Role.READER:
        group, _ = Group.objects.get_or_create(name=role.value)
        user.groups.add(group)
