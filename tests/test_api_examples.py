"""The API docs' examples work (issue 10, point 15): every operation has them, each JSON
body validates against its own schema, and sent as "Try it out" sends them, the API
accepts them; the docs link back to the portal."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from portal.services import connection_tests
from tests.conftest import api_for

pytestmark = pytest.mark.django_db


def spec(client: Any) -> dict[str, Any]:
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return dict(response.json())


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def test_every_operation_has_examples_for_its_path_parameters_and_json_body(
    client: Any,
) -> None:
    document = spec(client)
    for method, path, operation in operations(document):
        for parameter in operation.get("parameters", []):
            if parameter["in"] in ("path", "header"):
                assert "example" in parameter, (method, path, parameter["name"])
        media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if media is not None:
            assert "example" in media, (method, path)


def test_every_example_body_validates_against_its_schema(client: Any) -> None:
    document = spec(client)
    registry = Registry().with_resource("urn:spec", Resource.from_contents(
        {**document, "$schema": "https://json-schema.org/draft/2020-12/schema"}
    ))  # fmt: skip
    checked = 0
    for method, path, operation in operations(document):
        media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if media is None:
            continue
        validator = Draft202012Validator(_rebase(media["schema"]), registry=registry)
        errors = [e.message for e in validator.iter_errors(media["example"])]
        assert not errors, (method, path, errors)
        checked += 1
    assert checked >= 10


def _rebase(node: Any) -> Any:
    """Local ``#/components/...`` references, resolved in the whole document."""
    if isinstance(node, dict):
        return {
            k: ("urn:spec" + v if k == "$ref" and v.startswith("#/") else _rebase(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rebase(v) for v in node]
    return node


def test_try_it_out_of_test_connection_sends_a_body_the_api_accepts(
    client: Any, editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = spec(client)
    operation = document["paths"]["/api/v1/test-connection"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["example"]
    reached: list[dict[str, Any]] = []

    def start(**kwargs: Any) -> Any:
        # Past every check of the body: stop here, no connection is made.
        reached.append(kwargs["properties"])
        raise connection_tests.TestRefused("stopped by the test before connecting", status=429)

    # Every view imported first: one that imports start by name must keep the real one.
    import_module(settings.ROOT_URLCONF)
    monkeypatch.setattr(connection_tests, "start", start)
    response = api_for(editor).post("/api/v1/test-connection", body, format="json")
    assert reached, response.json()
    assert response.status_code == 429  # the refusal above, not a 400 about the body


def test_the_create_example_creates_and_the_put_example_replaces(client: Any, editor: Any) -> None:
    document = spec(client)
    api = api_for(editor)
    create = document["paths"]["/api/v1/linkedservices/"]["post"]
    body = create["requestBody"]["content"]["application/json"]["example"]
    assert api.post("/api/v1/linkedservices/", body, format="json").status_code == 201
    put = document["paths"]["/api/v1/linkedservices/{name}"]["put"]
    name = next(p["example"] for p in put["parameters"] if p["name"] == "name")
    if_match = next(p["example"] for p in put["parameters"] if p["name"] == "If-Match")
    body = put["requestBody"]["content"]["application/json"]["example"]
    response = api.put(
        f"/api/v1/linkedservices/{name}", body, format="json", HTTP_IF_MATCH=if_match
    )
    assert response.status_code == 200, response.json()


def test_the_docs_link_back_to_the_portal(client: Any) -> None:
    info = spec(client)["info"]
    assert "[← Back to the Linkwright portal](/)" in info["description"]
