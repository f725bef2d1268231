"""The editor never changes or loses what the user typed (issue 10, points 1-4)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from connectors.formdata import form_from_properties
from connectors.registry import get_version
from portal.models import Resource, SecretValue
from tests.conftest import form_data
from tests.helpers import NEW_SPARK, url_of

pytestmark = pytest.mark.django_db

CREATE_URL = NEW_SPARK


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
    html = editor_client.get(url_of(service, "edit")).content.decode()
    assert "Param-Secret-51f" not in html
    assert 'placeholder="Stored — leave empty to keep it"' in param_default_input(html)


def test_a_secure_string_parameter_without_a_stored_default_does_not_claim_one(
    editor_client: Client,
) -> None:
    data = form_data(**{"param-0-name": "token", "param-0-type": "SecureString"})
    assert editor_client.post(CREATE_URL, data).status_code == 302
    service = Resource.objects.get()
    assert "defaultValue" not in service.properties["parameters"]["token"]
    html = editor_client.get(url_of(service, "edit")).content.decode()
    assert "leave empty to keep" not in param_default_input(html)
    assert 'placeholder="Stored encrypted, never shown again"' in param_default_input(html)


HTMX_FIELDS = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "form_fields"}
V1_FORM = {
    "name": "Switched",
    "version": "1.0",
    "tp-host": "spark.example.com",
    "tp-port": "10000",
    "tp-thriftTransportProtocol": "Binary",
    "tp-authenticationType": "Username",
    "tp-username": "etl",
    "param-0-name": "",
    "param-0-type": "String",
    "param-0-default": "",
}


def shown_fields(html: str) -> list[str]:
    return re.findall(r'data-field="([^"]+)"', html)


def removed_items(html: str) -> list[str]:
    notice = re.search(r'<div class="notice removed-notice".*?</div>', html, re.S)
    return (
        [re.sub(r"<[^>]+>", "", li) for li in re.findall(r"<li>(.*?)</li>", notice.group(0))]
        if notice
        else []
    )


def test_switching_to_version_2_asks_again_shows_its_fields_and_lists_what_it_removed(
    editor_client: Client,
) -> None:
    html = editor_client.post(
        CREATE_URL, {**V1_FORM, "version": "2.0"}, **HTMX_FIELDS
    ).content.decode()
    auth = re.search(r'<select id="id_tp-authenticationType".*?</select>', html, re.S).group(0)
    assert '<option value="">Select…</option>' in auth
    assert " selected" not in auth  # no silent default: it must be answered
    # Fields of the new version at once: HTTP is 2.0's only transport, so HTTP path shows.
    assert "httpPath" in shown_fields(html)
    removed = removed_items(html)
    assert any(r.startswith("Thrift transport protocol (Binary)") for r in removed), removed
    assert any(r.startswith("Authentication type (Username)") for r in removed), removed
    assert any(r.startswith("User name (etl)") for r in removed), removed
    # Saving without answering is refused at the field, nothing stored.
    response = editor_client.post(CREATE_URL, {**V1_FORM, "version": "2.0", "tp-port": "443"})
    assert response.status_code == 400
    assert not Resource.objects.exists()


def test_a_field_hidden_by_a_change_is_listed_as_removed(editor_client: Client) -> None:
    data = form_data(**{"tp-authenticationType": "Anonymous", "tp-username": "alice"})
    html = editor_client.post(CREATE_URL, data, **HTMX_FIELDS).content.decode()
    removed = removed_items(html)
    assert any(r.startswith("User name (alice): does not apply") for r in removed), removed
    assert any(r.startswith("Password: does not apply") for r in removed), removed
    assert "S3cret" not in " ".join(removed)


HIDDEN_HOLDER = {
    "type": "Spark",
    "version": "2.0",
    "typeProperties": {
        "host": "spark.example.com",
        "port": 443,
        "authenticationType": "Anonymous",
        "username": "etl",
        "httpPath": "cliservice",
        "enableSsl": False,
        "enableServerCertificateValidation": True,
    },
}


def test_stored_values_the_form_hides_are_shown_with_a_note_and_kept_on_save(
    editor_client: Client, editor: Any
) -> None:
    from portal.definitions import save_definition

    service = save_definition(
        user=editor, name="FromApi", properties=HIDDEN_HOLDER, action="create"
    ).resource
    url = url_of(service, "edit")
    html = editor_client.get(url).content.decode()
    kept = re.search(r'<div class="kept-fields".*?</fieldset>', html, re.S).group(0)
    assert "do not apply" in kept
    assert set(shown_fields(kept)) == {"username", "enableServerCertificateValidation"}
    assert 'value="etl"' in kept
    # Saved without a change (the values the edit page holds): nothing dropped.
    form = form_from_properties(get_version("Spark", "2.0"), service.properties)
    form.update({"name": "FromApi", "based_on": "1"})
    form["version"] = "2.0"
    response = editor_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    service.refresh_from_db()
    assert service.properties["typeProperties"] == HIDDEN_HOLDER["typeProperties"]
    # Cleared by the user: then it goes.
    form["tp-username"] = ""
    form["based_on"] = str(service.revision)
    assert editor_client.post(url, form).status_code == 302
    service.refresh_from_db()
    assert "username" not in service.properties["typeProperties"]
