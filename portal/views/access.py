"""View decorators for the three roles, in the factory of the URL.

Every page of a factory's resources is under ``factories/<factory>/``: the role needed is
the user's role in that factory. A user with no role in it gets 404 (it is not theirs to
know of); one whose role is too low gets 403. Site pages (users, audit log) need the site
Admin role. A refusal is recorded by :func:`portal.services.refusals.denied`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from portal.log_records import LoggedRefusal
from portal.models import Factory
from portal.roles import Role, factory_named_for, has_role, has_site_role, role_of
from portal.services import refusals
from portal.services.actor import Actor

log = logging.getLogger("portal.access")


def factory_for(user: Any, name: str | None) -> Factory:
    """The factory ``name`` (None: the default one), 404 unless ``user`` has a role in it."""
    factory = factory_named_for(user, Factory.DEFAULT_NAME if name is None else name)
    if factory is None and name is None:
        factory = Factory.default()  # made on first use
    if factory is None or (name is not None and role_of(user, factory) is None):
        raise Http404(f"No factory named '{name}'.")
    return factory


CURRENT_FACTORY = "factory"
"""The session key of the factory the user was last in (the navigation acts in it)."""


def factory_of_request(request: HttpRequest, kwargs: dict[str, Any]) -> Factory:
    """The factory of the URL (404 when the user has no role in it); routes without one
    act on the default factory."""
    return factory_for(request.user, kwargs.get("factory"))


VERBS = {Role.EDITOR: "edit", Role.ADMIN: "administer this factory"}


def why_denied(current: Role | None, needed: Role, *, site: bool = False) -> str:
    """One sentence for the 403 page: "Readers can't edit: ..."."""
    if site:
        return "Only site Admins can open this page."
    who = f"{current.value}s" if current else "Users without a role here"
    verb = VERBS.get(needed, "do this")
    return f"{who} can't {verb}: this needs the {needed.value} role."


def deny(request: HttpRequest, role: Role, why: str = "") -> None:
    """Refuse the request (403), recorded once: the log line and the audit row."""
    refusals.denied(
        Actor.of(request),
        f"{request.method} {request.path} needs {role.value}",
        needs=role.value,
        path=request.path,
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
                if "factory" in kwargs and request.session.get(CURRENT_FACTORY) != factory.name:
                    request.session[CURRENT_FACTORY] = factory.name
                why = "" if allowed else why_denied(role_of(request.user, factory), role)
            if not allowed:
                deny(request, role, why)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


reader_required = role_required(Role.READER)
editor_required = role_required(Role.EDITOR)
admin_required = role_required(Role.ADMIN)
site_admin_required = role_required(Role.ADMIN, site=True)


def live_route(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A route whose only work is a call to a user's server (a test, a catalog read, a
    preview): Editor (404 without a role in the factory, 403 below Editor), then POST only
    (405 otherwise; CSRF-checked by the middleware)."""
    return editor_required(require_POST(view))
