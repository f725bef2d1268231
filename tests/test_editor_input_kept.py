"""The editor never changes or loses what the user typed (issue 10, points 1-4)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from portal.models import Resource, SecretValue
from tests.conftest import form_data

pytestmark = pytest.mark.django_db

CREATE_URL = "/linkedservices/new/Spark/"


def name_errors(html: str) -> list[str]:
    return re.findall(r'<p class="error" id="error_name[^"]*">([^<]+)</p>', html)


def param_default_input(html: str, index: int = 0) -> str:
    found = re.search(rf'<input name="param-{index}-default"[^>]*>', html)
    assert found, "no default value input"
    return found.group(0)


def summary_links(html: str) -> list[tuple[str, str]]:
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary, "no error summary"
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary.group(0))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("", ["A name is required."]),
        ("-dash", ["A name starts with a letter, digit or underscore."]),
        ("a.b", ["A name may not contain . + ? / &lt; &gt; * % &amp; : \\ or #."]),
        ("trail ", ["A name may not end with a space."]),
        (
            "-a.b ",
            [
                "A name starts with a letter, digit or underscore.",
                "A name may not contain . + ? / &lt; &gt; * % &amp; : \\ or #.",
                "A name may not end with a space.",
            ],
        ),
    ],
)
def test_each_broken_name_rule_gets_its_own_single_message(
    editor_client: Client, name: str, expected: list[str]
) -> None:
    html = editor_client.post(CREATE_URL, form_data(name=name)).content.decode()
    assert name_errors(html) == expected
    assert not Resource.objects.exists()


def test_failed_save_summary_links_every_error_to_its_field(editor_client: Client) -> None:
    response = editor_client.post(CREATE_URL, form_data(name="", **{"tp-port": "x"}))
    assert response.status_code == 400
    html = response.content.decode()
    links = summary_links(html)
    assert ("id_name", "Name") in links
    assert ("id_tp-port", "Port") in links
    for anchor, _ in links:
        assert f'id="{anchor}"' in html, f"summary links to #{anchor}, which is not on the page"
    # The page asks the script to move focus to the summary (static/linkwright.js).
    assert re.search(r'class="error-summary"[^>]*tabindex="-1"[^>]*data-focus', html)


def test_refreshing_the_form_does_not_steal_focus_to_the_summary(editor_client: Client) -> None:
    html = editor_client.get(CREATE_URL).content.decode()
    assert "data-focus" not in html


def test_a_secure_string_parameter_default_typed_in_the_form_is_stored_encrypted(
    editor_client: Client,
) -> None:
    data = form_data(
        **{
            "param-0-name": "token",
            "param-0-type": "SecureString",
            "param-0-default": "Param-Secret-51f",
        }
    )
    assert editor_client.post(CREATE_URL, data).status_code == 302
    service = Resource.objects.get()
    default = service.properties["parameters"]["token"]["defaultValue"]
    assert default["type"] == "SecureString" and "secretId" in default
    assert "Param-Secret-51f" not in service.definition
    assert SecretValue.objects.filter(pk=default["secretId"]).exists()
    html = editor_client.get(f"/linkedservices/{service.pk}/edit/").content.decode()
    assert "Param-Secret-51f" not in html
    assert 'placeholder="Stored — leave empty to keep it"' in param_default_input(html)


def test_a_secure_string_parameter_without_a_stored_default_does_not_claim_one(
    editor_client: Client,
) -> None:
    data = form_data(**{"param-0-name": "token", "param-0-type": "SecureString"})
    assert editor_client.post(CREATE_URL, data).status_code == 302
    service = Resource.objects.get()
    assert "defaultValue" not in service.properties["parameters"]["token"]
    html = editor_client.get(f"/linkedservices/{service.pk}/edit/").content.decode()
    assert "leave empty to keep" not in param_default_input(html)
    assert 'placeholder="Stored encrypted, never shown again"' in param_default_input(html)
