"""Factories in the API: the ones a user may see; create, change and delete (site Admins);
and the references of a resource."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from connectors.problems import Problem
from portal.api import openapi
from portal.api.documents import Invalid
from portal.api.permissions import RolePermission, denied
from portal.api.scope import ScopedView, resource_url
from portal.models import Factory
from portal.references import Link, incoming, outgoing
from portal.roles import Role, has_site_role, role_of, visible_factories
from portal.services import factories
from portal.services.actor import Actor


def factory_document(factory: Factory, user: Any) -> dict[str, Any]:
    return {
        "name": factory.name,
        "kind": factory.kind,
        "description": factory.description,
        "role": role_of(user, factory),
    }


def _site_admin(request: Request) -> None:
    if not has_site_role(request.user, Role.ADMIN):
        denied(request, f"API {request.method} {request.path}: needs site Admin", "site Admin")
        raise PermissionDenied(
            "Creating, changing or deleting a factory needs the site Admin role."
        )


def _text(data: Any, name: str, *, required: bool = False) -> str | None:
    value = data.get(name) if isinstance(data, dict) else None
    if value is None:
        if required:
            raise Invalid([Problem(f"$.{name}", "Required.")])
        return None
    if not isinstance(value, str):
        raise Invalid([Problem(f"$.{name}", "Text.")])
    return value


class FactoryList(APIView):
    """Any signed-in user lists the factories they have a role in; site Admins create one."""

    permission_classes = [RolePermission]
    needs_factory_role = False

    @extend_schema(summary="The factories you have a role in, with your role")
    def get(self, request: Request) -> Response:
        return Response(
            [factory_document(f, request.user) for f in visible_factories(request.user)]
        )

    @extend_schema(
        summary="Create a factory (site Admin; you become its Admin)",
        request={"application/json": openapi.FACTORY_BODY},
        responses={201: None, 400: None, 403: None},
    )
    def post(self, request: Request) -> Response:
        _site_admin(request)
        name = _text(request.data, "name", required=True)
        try:
            factory = factories.create(
                Actor.of(request),
                str(name),
                kind=_text(request.data, "kind") or "adf",
                description=_text(request.data, "description") or "",
            )
        except factories.FactoryRefused as exc:
            raise Invalid([Problem(f"$.{exc.field}", exc.message)]) from None
        return Response(factory_document(factory, request.user), status=status.HTTP_201_CREATED)


class FactoryDetail(APIView):
    """One factory: read (a role in it), change or delete (site Admin)."""

    permission_classes = [RolePermission]
    needs_factory_role = False

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication first
        self._factory(request, str(kwargs.get("factory", "")))  # 404 before 405

    def _factory(self, request: Request, factory: str) -> Factory:
        found = Factory.named(factory)
        if found is None or role_of(request.user, found) is None:
            raise Http404(f"No factory named '{factory}'.")
        return found

    @extend_schema(summary="A factory and your role in it")
    def get(self, request: Request, factory: str) -> Response:
        return Response(factory_document(self._factory(request, factory), request.user))

    @extend_schema(
        summary="Change a factory's description or kind (site Admin)",
        request={"application/json": openapi.FACTORY_CHANGE},
    )
    def patch(self, request: Request, factory: str) -> Response:
        found = self._factory(request, factory)
        _site_admin(request)
        try:
            changed = factories.update(
                Actor.of(request),
                found,
                description=_text(request.data, "description"),
                kind=_text(request.data, "kind"),
            )
        except factories.FactoryRefused as exc:
            raise Invalid([Problem(f"$.{exc.field}", exc.message)]) from None
        return Response(factory_document(changed, request.user))

    @extend_schema(summary="Delete an empty factory (site Admin)", responses={204: None})
    def delete(self, request: Request, factory: str) -> Response:
        found = self._factory(request, factory)
        _site_admin(request)
        try:
            factories.delete(Actor.of(request), found)
        except factories.FactoryRefused as exc:
            raise Invalid([Problem("$", exc.message)]) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


def _link(link: Link, end: Any) -> dict[str, Any]:
    return {
        "path": link.reference.path,
        "kind": link.reference.kind.name if end is None else end.kind,
        "name": link.reference.name if end is None else end.name,
        "broken": end is None,
        "url": resource_url(end) if end is not None else None,
    }


class ReferenceList(ScopedView):
    @extend_schema(summary="What a resource references, and what references it")
    def get(self, request: Request, name: str) -> Response:
        resource = self.find(name)
        return Response(
            {
                "references": [_link(link, link.target) for link in outgoing(resource)],
                "referencedBy": [_link(link, link.source) for link in incoming(resource)],
            }
        )
