"""Every API error has the documented shape: {"errors": [{"path", "message"}]}."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.conftest import SPARK_V2, api_for

pytestmark = pytest.mark.django_db


def error_of(response: Any, status: int) -> dict[str, str]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= {"errors"} and body["errors"]
    for error in body["errors"]:
        assert set(error) == {"path", "message"} and error["message"]
    return body["errors"][0]


def test_a_body_that_is_not_json_is_a_400_in_the_error_shape(editor: Any) -> None:
    error = error_of(
        api_for(editor).post("/api/v1/linkedservices/", "{nope", content_type="application/json"),
        400,
    )
    assert error == {
        "path": "$",
        "message": "Not valid JSON at line 1, column 2: Expecting property name enclosed in "
        "double quotes.",
    }


def test_a_body_over_the_size_limit_is_a_413_in_the_error_shape(editor: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = '{"name": "Big", "properties": {"description": "' + "x" * 2048 + '"}}'
    error = error_of(
        api_for(editor).post("/api/v1/linkedservices/", body, content_type="application/json"),
        413,
    )
    assert "larger than 1 KiB" in error["message"]


def test_an_unknown_endpoint_is_a_404_in_the_error_shape(editor: Any) -> None:
    error_of(api_for(editor).get("/api/v1/no-such-thing"), 404)


def test_an_unknown_linked_service_is_a_404_in_the_error_shape(editor: Any) -> None:
    error = error_of(api_for(editor).get("/api/v1/linkedservices/Nobody"), 404)
    assert "Nobody" in error["message"]


def test_a_wrong_method_is_a_405_in_the_error_shape(editor: Any) -> None:
    error_of(api_for(editor).patch("/api/v1/linkedservices/", {}, format="json"), 405)


def test_a_body_that_is_not_json_by_type_is_a_415_in_the_error_shape(editor: Any) -> None:
    error_of(api_for(editor).post("/api/v1/linkedservices/", "a=b", content_type="text/plain"), 415)


def test_no_token_is_a_401_naming_the_authorization_header() -> None:
    error = error_of(APIClient().get("/api/v1/linkedservices/"), 401)
    assert error["path"] == "Authorization"


def test_a_reader_writing_is_a_403_in_the_error_shape(reader: Any) -> None:
    response = api_for(reader).post(
        "/api/v1/linkedservices/", {"name": "R", "properties": SPARK_V2}, format="json"
    )
    assert "Editor" in error_of(response, 403)["message"]


def test_a_stale_if_match_is_a_412_in_the_error_shape_with_the_current_revision(
    editor: Any, saved_service: Any
) -> None:
    response = api_for(editor).delete("/api/v1/linkedservices/SparkProd", HTTP_IF_MATCH='"7"')
    assert error_of(response, 412)["path"] == "If-Match"
    assert response.json()["currentRevision"] == 1 and response["ETag"] == '"1"'
