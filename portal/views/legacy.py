"""Addresses from before every resource had one address in its factory: each answers 301
with the same page at ``factories/<factory>/...`` (the default factory for the routes that
had none). Kept for one release."""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django.views.decorators.http import require_safe

from connectors.kinds import KINDS, LINKED_SERVICE
from connectors.registry import DATASET
from portal.addresses import deleted_url, resource_url
from portal.models import Factory, Resource
from portal.views.access import factory_for, reader_required

ACTIONS = {
    "": "",
    "edit/": "edit",
    "edit/test/": "test-form",
    "history/": "history",
    "test/": "test",
    "upgrade/": "upgrade",
    "clone/": "clone",
    "clone/json/": "clone-json",
    "delete/": "delete",
    "export/": "export",
}
REVISION = re.compile(r"^revisions/(\d+)/(restore/)?$")


def _moved(request: HttpRequest, url: str) -> HttpResponse:
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(url + (f"?{query}" if query else ""))


@reader_required
@require_safe
def linked_services(request: HttpRequest) -> HttpResponse:
    """The default factory's linked services: its page, filtered to that kind."""
    url = reverse("resource-list", args=[Factory.DEFAULT_NAME])
    query = request.GET.copy()
    query.setdefault("kind", LINKED_SERVICE.name)
    return HttpResponsePermanentRedirect(f"{url}?{query.urlencode()}")


@reader_required
@require_safe
def to_factory(request: HttpRequest, page: str) -> HttpResponse:
    return _moved(request, reverse("resource-list", args=[Factory.DEFAULT_NAME]) + page)


@reader_required
@require_safe
def new_linked_service(request: HttpRequest, type_name: str) -> HttpResponse:
    url = reverse("resource-new", args=[Factory.DEFAULT_NAME, LINKED_SERVICE.name, type_name])
    return _moved(request, url)


@reader_required
@require_safe
def new_dataset(request: HttpRequest, factory: str, type_name: str) -> HttpResponse:
    return _moved(request, reverse("resource-new", args=[factory, DATASET.name, type_name]))


@reader_required
@require_safe
def new_of_type(request: HttpRequest, factory: str, kind: str) -> HttpResponse:
    """``new/<connector type>/`` was a linked service's form: the type is now after the
    kind. A kind without a type goes to the gallery."""
    if kind in KINDS:
        return _moved(request, reverse("resource-gallery", args=[factory]) + f"?kind={kind}")
    return _moved(request, reverse("resource-new", args=[factory, LINKED_SERVICE.name, kind]))


@reader_required
@require_safe
def to_action(
    request: HttpRequest, factory: str, kind: str, name: str, action: str
) -> HttpResponse:
    url = reverse(f"resource-{action}", args=[factory, kind, name])
    return _moved(request, url)


@require_safe
def by_pk(request: HttpRequest, pk: int, rest: str = "") -> HttpResponse:
    """A linked service's page by its number: the same page at its address (404 for a
    factory the user has no role in, as there)."""
    resource = Resource.objects.filter(pk=pk, purged_at__isnull=True).select_related("factory")
    found = resource.first()
    if found is None:
        raise Http404("No such resource.")
    factory_for(request.user, found.factory.name)  # 404 without a role in its factory
    if rest in ("undelete/", "purge/"):
        return _moved(request, deleted_url(found, rest.rstrip("/")))
    revision = REVISION.match(rest)
    if revision:
        action = "restore" if revision.group(2) else "revision"
        return _moved(request, resource_url(found, action, int(revision.group(1))))
    if rest not in ACTIONS:
        raise Http404("No such page.")
    return _moved(request, resource_url(found, ACTIONS[rest]))
