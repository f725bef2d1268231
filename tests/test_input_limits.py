"""Input Linkwright refuses at the door, with a 400 naming the rule, never a 500:
JSON nested deeper than MAX_JSON_DEPTH, control characters, out-of-range integers."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.test import Client

from connectors.json_limits import MAX_JSON_DEPTH
from portal.models import LinkedService, Revision
from tests.conftest import SPARK_V2, api_for, form_data

pytestmark = pytest.mark.django_db

DEPTH = 480  # what answered 500 before: past the walkers' recursion limit


def deep_text(depth: int) -> str:
    return '{"k": [' * (depth // 2) + "1" + "]}" * (depth // 2)


def body_text(depth: int) -> str:
    properties = copy.deepcopy(SPARK_V2)
    properties["annotations"] = ["@@DEEP@@"]
    return json.dumps({"name": "Deep", "properties": properties}).replace(
        '"@@DEEP@@"', deep_text(depth)
    )


def refused_for_depth(response: Any) -> None:
    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert error["path"] == "$"
    assert f"more than {MAX_JSON_DEPTH} levels deep" in error["message"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/linkedservices/"),
        ("put", "/api/v1/linkedservices/SparkProd"),
        ("post", "/api/v1/import?replace=true"),
        ("post", "/api/v1/test-connection"),
        ("post", "/api/v1/linkedservices/SparkProd/upgrade"),
        ("post", "/api/v1/linkedservices/SparkProd/upgrade/apply"),
        ("post", "/api/v1/upgrade"),
    ],
)
def test_api_bodies_nested_too_deep_are_refused_naming_the_limit(
    editor: Any, saved_service: Any, method: str, url: str
) -> None:
    response = getattr(api_for(editor), method)(
        url, body_text(DEPTH), content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    refused_for_depth(response)
    assert Revision.objects.count() == 1


def test_a_body_at_the_depth_limit_is_parsed_and_one_level_more_is_not(editor: Any) -> None:
    api = api_for(editor)
    envelope = 4  # the body, properties, annotations and the annotation's own level
    fits = api.post(
        "/api/v1/linkedservices/",
        body_text(MAX_JSON_DEPTH - envelope + 1),
        content_type="application/json",
    )
    assert fits.status_code == 201, fits.content
    refused_for_depth(
        api.post(
            "/api/v1/linkedservices/",
            body_text(MAX_JSON_DEPTH - envelope + 3),
            content_type="application/json",
        )
    )


def test_deep_json_far_past_the_parser_limit_is_refused_too(editor: Any) -> None:
    response = api_for(editor).post(
        "/api/v1/linkedservices/", "[" * 100_000, content_type="application/json"
    )
    refused_for_depth(response)


def test_a_pasted_import_nested_too_deep_is_refused_on_the_page(editor_client: Client) -> None:
    response = editor_client.post("/linkedservices/import/", {"pasted": body_text(DEPTH)})
    assert response.status_code == 400
    assert f"more than {MAX_JSON_DEPTH} levels deep" in response.content.decode()
    assert not LinkedService.objects.exists()


def test_an_uploaded_file_nested_too_deep_is_refused_on_the_page(editor_client: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("Deep.json", body_text(DEPTH).encode())
    response = editor_client.post("/linkedservices/import/", {"files": [upload]})
    assert response.status_code == 400
    assert f"more than {MAX_JSON_DEPTH} levels deep" in response.content.decode()


def test_the_forms_annotations_nested_too_deep_are_a_field_error(editor_client: Client) -> None:
    response = editor_client.post(
        "/linkedservices/new/Spark/", form_data(annotations=deep_text(DEPTH))
    )
    assert response.status_code == 400
    assert f"more than {MAX_JSON_DEPTH} levels deep" in response.content.decode()
    assert not LinkedService.objects.exists()


def test_a_parameter_default_nested_too_deep_is_a_field_error(editor_client: Client) -> None:
    data = form_data(
        **{"param-0-name": "p", "param-0-type": "Object", "param-0-default": deep_text(DEPTH)}
    )
    response = editor_client.post("/linkedservices/new/Spark/", data)
    assert response.status_code == 400
    assert f"more than {MAX_JSON_DEPTH} levels deep" in response.content.decode()
