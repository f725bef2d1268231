"""Every address in every factory answers by the role the user has there (issue 19): walked
with a site Admin, a Reader of the factory and an Editor of another factory, across two
factories. Never a 500; 404 without a role in the factory; 403 with too low a role; a
Reader changes nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from portal.definitions import delete_definition, save_definition
from portal.imports import import_repository
from portal.models import ApiToken, AuditEvent, Factory, Resource, Revision
from portal.roles import Role, grant
from tests.conftest import SPARK_V2, make_user
from tests.connectors.repository_builders import as_zip
from tests.test_live_path import _routes
from tests.test_pipeline_activities_portal import repository_files

pytestmark = pytest.mark.django_db

SAMPLES = {
    "connector_type": "Spark",
    "type_name": "Spark",
    "dataset_type_name": "SparkObject",
    "key": "properties.activities.1",
    "number": "1",
    "rest": "edit/",
}
NAMES = {"linkedService": "SparkLS", "dataset": "SparkSales", "pipeline": "Spark to SQL"}


@pytest.fixture
def two_factories(admin_user: Any) -> tuple[Factory, Factory]:
    sales = Factory.objects.create(name="sales")
    hr = Factory.objects.create(name="hr")
    for home in (sales, hr):
        result = import_repository(as_zip(repository_files()), user=admin_user, factory=home)
        assert result.ok
        gone = save_definition(
            user=admin_user, name="Gone", properties=SPARK_V2, action="create", factory=home
        )
        delete_definition(user=admin_user, instance=gone.resource)
    return sales, hr


def _paths(route: str, factory: str) -> list[str]:
    """The route in ``factory`` with every parameter filled, once per kind it may name."""
    import re

    if "<str:factory>" not in route:
        return []
    kinds = list(NAMES) if "<str:kind>" in route else [""]
    out = []
    for kind in kinds:
        path = route
        for name in re.findall(r"<(?:\w+:)?(\w+)>", route):
            if name == "factory":
                value = factory
            elif name == "kind":
                value = kind
            elif name == "name":
                value = "Gone" if "deleted" in route else NAMES.get(kind, "SparkLS")
            elif name == "pk":
                value = str(Resource.objects.filter(factory__name=factory).first().pk)  # type: ignore[union-attr]
            else:
                value = SAMPLES.get(name, "1")
            path = re.sub(rf"<(?:\w+:)?{name}>", value, path, count=1)
        out.append("/" + path)
    return out


def _clients(user: Any) -> tuple[Client, APIClient]:
    browser = Client()
    browser.force_login(user)
    api = APIClient()
    _, key = ApiToken.issue(user, "walk")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return browser, api


def _walk(user: Any, factory: str) -> list[tuple[str, str, int]]:
    browser, api = _clients(user)
    answers = []
    for _, route in _routes():
        for path in _paths(route, factory):
            client = api if path.startswith("/api/") else browser
            for method in ("get", "post"):
                response = getattr(client, method)(path)
                answers.append((method, path, response.status_code))
    return answers


def test_every_address_answers_by_role_in_every_factory(
    two_factories: tuple[Factory, Factory], admin_user: Any
) -> None:
    sales, hr = two_factories
    reader = make_user("rita", Role.READER)
    grant(reader, sales, Role.READER)
    outsider = make_user("otto", Role.READER)
    grant(outsider, hr, Role.EDITOR)

    admin_answers = _walk(admin_user, sales.name)
    assert len(admin_answers) > 150
    assert all(code < 500 for _, _, code in admin_answers), [
        a for a in admin_answers if a[2] >= 500
    ]

    revisions, events = Revision.objects.count(), AuditEvent.objects.count()
    wrong = [
        (method, path, code)
        for method, path, code in _walk(reader, sales.name)
        if code >= 500 or (method == "post" and code not in (403, 404, 405))
    ]
    assert not wrong, "\n".join(map(str, wrong))
    assert Revision.objects.count() == revisions
    assert (
        not AuditEvent.objects.filter(pk__gt=events)
        .exclude(action__in=[AuditEvent.Action.PERMISSION_DENIED, AuditEvent.Action.EXPORT])
        .exists()
    )

    for method, path, code in _walk(outsider, sales.name):
        assert code == 404, (method, path, code)


WRITE_LINK = re.compile(
    r'href="[^"]*/(?:edit|json|clone|delete|new|import|upgrade|restore|undelete|purge)/"'
)
OVERVIEW = re.compile(r'href="(?:/factories/[^/"]+)?/upgrade/"')
POST_FORM = re.compile(r'<form[^>]*method="post"[^>]*>', re.I)


def test_a_reader_sees_no_write_control_on_any_page_and_read_only_pages_say_so(
    two_factories: tuple[Factory, Factory],
) -> None:
    sales, _ = two_factories
    reader = make_user("rita", Role.READER)
    grant(reader, sales, Role.READER)
    browser, _ = _clients(reader)
    pages = 0
    for _, route in _routes():
        for path in _paths(route, sales.name):
            if path.startswith("/api/"):
                continue
            response = browser.get(path)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            pages += 1
            html = response.content.decode()
            forms = [f for f in POST_FORM.findall(html) if "/accounts/logout/" not in f]
            assert not forms, (path, forms)
            links = [
                link
                for link in WRITE_LINK.findall(html)
                if not OVERVIEW.fullmatch(link)  # the upgrade overviews only read
            ]
            assert not links, (path, links)
            assert 'id="nav_new"' not in html and 'id="nav_import"' not in html, path
    assert pages > 10
    for resource in ("linkedService/SparkLS/", "dataset/SparkSales/", ""):
        html = browser.get(f"/factories/sales/{resource}").content.decode()
        assert 'id="read_only_note"' in html, resource
