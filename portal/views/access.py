"""View decorators for the three roles, in the factory a page is about.

A page under ``factories/<factory>/`` acts on that factory; a page of one resource (a
``pk`` in a ``linkedservice-*`` or ``resource-*`` route) on the resource's factory; any
other on the default one. A user with no role in the factory gets 404 (it is not theirs
to know of); one whose role is too low gets 403. Site pages (users, audit log) need the
site Admin role.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from portal import audit
from portal.log_records import LoggedRefusal
from portal.models import AuditEvent, Factory, Resource
from portal.roles import Role, has_role, has_site_role, role_of

log = logging.getLogger("portal.access")


def factory_for(user: Any, name: str | None) -> Factory:
    """The factory ``name`` (None: the default one), 404 unless ``user`` has a role in it."""
    factory = Factory.default() if name is None else Factory.named(name)
    if factory is None or (name is not None and role_of(user, factory) is None):
        raise Http404(f"No factory named '{name}'.")
    return factory


RESOURCE_ROUTES = ("linkedservice-", "resource-", "upgrade-wizard")


def factory_of_request(request: HttpRequest, kwargs: dict[str, Any]) -> Factory:
    """The factory a page acts on (404 when the user has no role in it)."""
    match = request.resolver_match
    route = match.url_name or "" if match is not None else ""
    if "pk" in kwargs and route.startswith(RESOURCE_ROUTES):
        resource = Resource.objects.filter(pk=kwargs["pk"]).select_related("factory").first()
        if resource is None or role_of(request.user, resource.factory) is None:
            raise Http404("No such resource.")
        return resource.factory
    return factory_for(request.user, kwargs.get("factory"))


VERBS = {Role.EDITOR: "edit", Role.ADMIN: "administer this factory"}


def why_denied(current: Role | None, needed: Role, *, site: bool = False) -> str:
    """One sentence for the 403 page: "Readers can't edit: ..."."""
    if site:
        return "Only site Admins can open this page."
    who = f"{current.value}s" if current else "Users without a role here"
    verb = VERBS.get(needed, "do this")
    return f"{who} can't {verb}: this needs the {needed.value} role."


def _deny(request: HttpRequest, role: Role, why: str = "") -> None:
    log.warning(
        "permission denied: user=%s needs=%s path=%s",
        request.user.get_username(),
        role.value,
        request.path,
    )
    audit.record(
        AuditEvent.Action.PERMISSION_DENIED,
        request=request,
        detail=f"{request.method} {request.path} needs {role.value}",
    )
    raise LoggedRefusal(why or f"This needs the {role.value} role.")


def role_required(
    role: Role, *, site: bool = False
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if site:
                allowed = has_site_role(request.user, role)
                why = why_denied(None, role, site=True)
            else:
                factory = factory_of_request(request, kwargs)
                allowed = has_role(request.user, role, factory)
                request.factory = factory  # type: ignore[attr-defined]
                why = "" if allowed else why_denied(role_of(request.user, factory), role)
            if not allowed:
                _deny(request, role, why)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


reader_required = role_required(Role.READER)
editor_required = role_required(Role.EDITOR)
admin_required = role_required(Role.ADMIN)
site_admin_required = role_required(Role.ADMIN, site=True)
