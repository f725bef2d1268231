from typing import Any

from django.http import HttpRequest

from portal.roles import Role, has_role, has_site_role, role_of, visible_factories


def roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "user_role": role_of(user),
        "can_edit": has_role(user, Role.EDITOR),
        "is_admin": has_role(user, Role.ADMIN),
        "is_site_admin": has_site_role(user, Role.ADMIN),
        "user_factories": visible_factories(user) if user is not None else [],
    }
