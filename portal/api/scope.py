"""The factory and kind an API request is about, taken from its URL.

``/api/v1/factories/{factory}/{kind}/...`` names both; the routes from before factories
(``/api/v1/linkedservices/...``) act on linked services of the default factory. A factory
the user has no role in does not exist for them (404), like an unknown kind.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from rest_framework.request import Request
from rest_framework.views import APIView

from connectors.kinds import KINDS, LINKED_SERVICE, ResourceKind
from portal.api.permissions import RolePermission
from portal.models import Factory, Resource
from portal.views.access import factory_for


class ScopedView(APIView):
    """An API view over the resources of one kind in one factory."""

    permission_classes = [RolePermission]
    factory: Factory
    kind: ResourceKind

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # DRF hands the handler this same dict: the scope is not passed on as arguments.
        factory_name = self.kwargs.pop("factory", None)
        kind_name = self.kwargs.pop("kind", LINKED_SERVICE.name)
        super().initial(request, *args, **kwargs)  # authentication first
        self.factory = factory_for(request.user, factory_name)
        if kind_name not in KINDS:
            raise Http404(f"No resource kind '{kind_name}'.")
        self.kind = KINDS[kind_name]
        self.check_permissions(request)  # again, now with the factory known

    def check_permissions(self, request: Request) -> None:
        if hasattr(self, "factory"):
            super().check_permissions(request)

    def resources(self) -> QuerySet[Resource]:
        return Resource.objects.filter(factory=self.factory, kind=self.kind.name)

    def find(self, name: str, queryset: QuerySet[Resource] | None = None) -> Resource:
        if queryset is None:
            resource = Resource.live_named(self.factory, self.kind.name, name)
        else:
            resource = queryset.filter(name_key=Resource.key_for(name)).first()
        if resource is None:
            raise Http404(f"No {self.kind.title.lower()} named '{name}'.")
        resource.factory = self.factory  # as filtered: saves reading it again
        return resource

    def scope(self) -> dict[str, Any]:
        """Where a new resource goes: what the save service takes as factory and kind."""
        return {"factory": self.factory, "kind": self.kind.name}


def resource_url(resource: Resource) -> str:
    """The API address of a resource (the short one for the default factory's linked
    services, which were there before factories)."""
    from django.urls import reverse

    if resource.kind == LINKED_SERVICE.name and resource.factory.name == Factory.DEFAULT_NAME:
        return reverse("api-linkedservice", args=[resource.name])
    return reverse(
        "api-factory-resource", args=[resource.factory.name, resource.kind, resource.name]
    )
