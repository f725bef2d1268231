"""Input Linkwright refuses at the door, with a 400 naming the rule, never a 500:
JSON nested deeper than MAX_JSON_DEPTH, control characters, out-of-range integers."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.test import Client

from connectors.json_limits import MAX_JSON_DEPTH
from portal.models import Resource, Revision
from tests.conftest import SPARK_V2, api_for, form_data
from tests.helpers import NEW_SPARK, url_of

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
    response = editor_client.post("/factories/default/import/", {"pasted": body_text(DEPTH)})
    assert response.status_code == 400
    assert f"more than {MAX_JSON_DEPTH} levels deep" in response.content.decode()
    assert not Resource.objects.exists()


def test_an_uploaded_file_nested_too_deep_is_refused_on_the_page(editor_client: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("Deep.json", body_text(DEPTH).encode())
    response = editor_client.post("/factories/default/import/", {"files": [upload]})
    assert response.status_code == 400
    assert f"more than {MAX_JSON_DEPTH} levels deep" in response.content.decode()


def test_the_forms_annotations_nested_too_deep_are_a_field_error(editor_client: Client) -> None:
    response = editor_client.post(NEW_SPARK, form_data(annotations=deep_text(DEPTH)))
    assert response.status_code == 400
    assert f"more than {MAX_JSON_DEPTH} levels deep" in response.content.decode()
    assert not Resource.objects.exists()


def test_a_parameter_default_nested_too_deep_is_a_field_error(editor_client: Client) -> None:
    data = form_data(
        **{"param-0-name": "p", "param-0-type": "Object", "param-0-default": deep_text(DEPTH)}
    )
    response = editor_client.post(NEW_SPARK, data)
    assert response.status_code == 400
    assert f"more than {MAX_JSON_DEPTH} levels deep" in response.content.decode()


NUL = "\x00"


@pytest.mark.parametrize("name", ["Line\nBreak", "Windows\r\nBreak", "Trailing\n", f"N{NUL}UL"])
def test_names_with_line_breaks_or_control_characters_break_the_name_rule(
    editor: Any, name: str
) -> None:
    response = api_for(editor).post(
        "/api/v1/linkedservices/", {"name": name, "properties": SPARK_V2}, format="json"
    )
    assert response.status_code == 400
    assert {
        "path": "$.name",
        "message": "A name may not contain control characters (line breaks, tabs, U+0000 "
        "and the like).",
    } in response.json()["errors"]
    assert not Resource.objects.exists()


def test_an_imported_name_with_a_line_break_is_refused(editor: Any) -> None:
    response = api_for(editor).post(
        "/api/v1/import", {"name": "Two\nLines", "properties": SPARK_V2}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["results"][0]["errors"][0]["path"] == "$.name"


def test_a_description_with_nul_is_refused_but_line_breaks_are_kept(editor: Any) -> None:
    api = api_for(editor)
    refused = api.post(
        "/api/v1/linkedservices/",
        {"name": "Described", "properties": {**SPARK_V2, "description": f"a{NUL}b"}},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["path"] == "$.properties.description"
    kept = api.post(
        "/api/v1/linkedservices/",
        {"name": "Described", "properties": {**SPARK_V2, "description": "line 1\nline\t2"}},
        format="json",
    )
    assert kept.status_code == 201
    assert Resource.objects.get().description == "line 1\nline\t2"


@pytest.mark.parametrize(
    ("method", "url", "field"),
    [
        ("get", f"/api/v1/linkedservices/?name=a{NUL}", "?name"),
        ("get", f"/api/v1/linkedservices/Spark{NUL}Prod", "URL path"),
        ("get", f"/api/v1/linkedservices/SparkProd/revisions?x{NUL}=1", f"?x{NUL}"),
        ("delete", f"/api/v1/deleted/a{NUL}b", "URL path"),
        ("post", f"/api/v1/linkedservices/?comment=why{NUL}", "?comment"),
        ("put", f"/api/v1/linkedservices/SparkProd?comment=why{NUL}", "?comment"),
    ],
)
def test_control_characters_in_the_url_are_refused_naming_the_field(
    admin_user: Any, saved_service: Any, method: str, url: str, field: str
) -> None:
    body = {"name": "Other", "properties": SPARK_V2} if method in ("post", "put") else None
    response = getattr(api_for(admin_user), method)(url, body, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert error["path"] == field and "U+0000" in error["message"]
    assert Revision.objects.count() == 1


def test_a_comment_may_hold_line_breaks(editor: Any) -> None:
    response = api_for(editor).post(
        "/api/v1/linkedservices/?comment=first%0Asecond",
        {"name": "Commented", "properties": SPARK_V2},
        format="json",
    )
    assert response.status_code == 201
    assert Revision.objects.get().comment == "first\nsecond"


def test_bulk_upgrade_names_with_control_characters_are_refused(editor: Any) -> None:
    response = api_for(editor).post(
        "/api/v1/upgrade", {"names": ["Fine", f"Bad{NUL}"], "dryRun": True}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "$.names[1]"


def test_an_unsaved_test_with_a_nul_in_its_name_is_refused(editor: Any) -> None:
    response = api_for(editor).post(
        "/api/v1/test-connection", {"name": f"T{NUL}", "properties": SPARK_V2}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "$.name"


@pytest.mark.parametrize(
    "url",
    [
        f"/factories/default/?q=a{NUL}",
        f"/audit/?object=a{NUL}",
        f"/factories/default/new/linkedService/Sp{NUL}/",
    ],
)
def test_pages_refuse_control_characters_in_the_url_with_a_400_page(
    admin_client: Client, url: str
) -> None:
    response = admin_client.get(url)
    assert response.status_code == 400
    assert "U+0000" in response.content.decode()


def test_the_form_refuses_a_nul_in_a_field_with_a_400_page(editor_client: Client) -> None:
    response = editor_client.post(NEW_SPARK, form_data(description=f"a{NUL}b", comment="ok"))
    assert response.status_code == 400
    assert "description" in response.content.decode() and "U+0000" in response.content.decode()
    assert not Resource.objects.exists()


def test_the_form_gives_a_field_error_for_a_name_with_a_line_break(editor_client: Client) -> None:
    response = editor_client.post(NEW_SPARK, form_data(name="Two\r\nLines"))
    assert response.status_code == 400
    assert "may not contain control characters" in response.content.decode()
    assert not Resource.objects.exists()


HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"/api/v1/linkedservices/SparkProd/diff?from=1&to={HUGE}", "?to"),
        ("/api/v1/linkedservices/SparkProd/diff?from=-1&to=1", "?from"),
        ("/api/v1/linkedservices/SparkProd/diff?from=%C2%B2&to=1", "?from"),
        ("/api/v1/linkedservices/SparkProd/diff?to=1", "?from"),
        (f"/api/v1/linkedservices/SparkProd/revisions/{HUGE}", "{number}"),
        (f"/api/v1/connection-tests/{HUGE}", "{pk}"),
    ],
)
def test_integer_parameters_out_of_range_are_refused_naming_the_field(
    editor: Any, saved_service: Any, url: str, field: str
) -> None:
    response = api_for(editor).get(url)
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == [
        {"path": field, "message": "A whole number from 0 to 9223372036854775807."}
    ]


def test_restoring_a_revision_number_too_large_is_refused(editor: Any, saved_service: Any) -> None:
    response = api_for(editor).post(
        f"/api/v1/linkedservices/SparkProd/revisions/{HUGE}/restore", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "{number}"


@pytest.mark.parametrize(
    "url",
    [f"/linkedservices/{HUGE}/", f"/factories/default/linkedService/X/revisions/{HUGE}/restore/"],
)
def test_pages_with_ids_too_large_are_not_found(editor_client: Client, url: str) -> None:
    assert editor_client.get(url).status_code == 404


@pytest.mark.parametrize("based_on", [HUGE, "²"])
def test_a_form_based_on_an_impossible_revision_is_not_a_server_error(
    editor_client: Client, saved_service: Any, based_on: str
) -> None:
    response = editor_client.post(url_of(saved_service, "delete"), {"based_on": based_on})
    assert response.status_code == 302


@pytest.mark.parametrize("etag", [f'"{HUGE}"', '"²"'])
def test_an_if_match_that_is_no_revision_is_a_stale_precondition(
    editor: Any, saved_service: Any, etag: str
) -> None:
    response = api_for(editor).delete("/api/v1/linkedservices/SparkProd", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response.json()["currentRevision"] == 1


def test_a_name_with_spaces_and_accents_makes_a_valid_location_header(editor: Any) -> None:
    response = api_for(editor).post(
        "/api/v1/linkedservices/", {"name": "Spark Prod é", "properties": SPARK_V2}, format="json"
    )
    assert response.status_code == 201
    assert response["Location"] == "/api/v1/linkedservices/Spark%20Prod%20%C3%A9"
    assert api_for(editor).get(response["Location"]).status_code == 200
