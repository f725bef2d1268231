from typing import Any

from django.http import HttpRequest

from portal.models import Factory
from portal.roles import Role, has_role, has_site_role, role_of, visible_factories


def roles(request: HttpRequest) -> dict[str, Any]:
    """The factory the page is in (else the one the user was last in, else the default):
    the navigation names it and acts in it, with the user's role there."""
    user = getattr(request, "user", None)
    current = getattr(request, "factory", None)
    if current is None and user is not None and getattr(user, "is_authenticated", False):
        from portal.views.access import CURRENT_FACTORY

        last = request.session.get(CURRENT_FACTORY) if hasattr(request, "session") else None
        found = Factory.named(last) if last else None
        current = found if found is not None and role_of(user, found) is not None else None
        if current is None and role_of(user, Factory.default()) is not None:
            current = Factory.default()
    return {
        "current_factory": current,
        "user_role": role_of(user, current) if current is not None else None,
        "can_edit": has_role(user, Role.EDITOR, current) if current is not None else False,
        "is_admin": has_role(user, Role.ADMIN, current) if current is not None else False,
        "is_site_admin": has_site_role(user, Role.ADMIN),
        "user_factories": visible_factories(user) if user is not None else [],
    }
