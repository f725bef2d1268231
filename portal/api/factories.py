"""The factories a user may see, and the references of a resource, in the API."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.permissions import RolePermission
from portal.api.scope import ScopedView, resource_url
from portal.references import Link, incoming, outgoing
from portal.roles import role_of, visible_factories


class FactoryList(APIView):
    """Any signed-in user lists the factories they have a role in (read-only)."""

    permission_classes = [RolePermission]
    needs_factory_role = False

    @extend_schema(summary="The factories you have a role in, with your role")
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "name": f.name,
                    "kind": f.kind,
                    "description": f.description,
                    "role": role_of(request.user, f),
                }
                for f in visible_factories(request.user)
            ]
        )


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
