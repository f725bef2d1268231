"""encryptedCredential (issue 9, point 4): ADF Studio writes the password encrypted and
omits it. Valid in 1.0 and 2.0, kept verbatim, never a secret to type; a typed password
replaces it; a connection test needs the password typed for that test only."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from spark_contract import SPARK, VERSIONS

from connectors.adf_format import dump_linked_service, parse_linked_service
from connectors.base import TestOptions
from connectors.encrypted_credentials import held_credentials, one_off_needed, with_one_off_secret
from connectors.formdata import form_from_properties, properties_from_form
from connectors.formspec import conditionally_required, field_specs
from connectors.secret_targets import target_of
from connectors.secrets import masked, secure_strings
from connectors.spark import test_connection as spark_test

CREDENTIAL = "ew0KICAiVmVyc2lvbiI6ICIyMDE3LTExLTMwIiwNCiAgIlByb3RlY3Rpb25Nb2RlIjogIktleSJ9"
TP = "$.properties.typeProperties"


def held(version: str, **changes: Any) -> dict[str, Any]:
    properties: dict[str, Any] = {"annotations": [], "type": "Spark"}
    if version == "2.0":
        properties["version"] = "2.0"
    properties["typeProperties"] = {
        "host": "spark.example.com",
        "port": 443,
        "authenticationType": "UsernameAndPassword",
        "username": "etl",
        "encryptedCredential": CREDENTIAL,
        **changes,
    }
    return properties


def studio_text(properties: dict[str, Any]) -> str:
    return json.dumps(
        {
            "name": "SparkEncrypted",
            "type": "Microsoft.DataFactory/factories/linkedservices",
            "properties": properties,
        },
        indent="\t",
    )


VERSIONS_IDS = ["2.0", "1.0"]


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_an_encrypted_credential_satisfies_the_password_requirement(version: str) -> None:
    text = studio_text(held(version))
    parsed = parse_linked_service(text.encode(), "linkedService/SparkEncrypted.json")
    assert parsed.problems == []
    assert parsed.warnings == []
    assert parsed.properties["typeProperties"]["encryptedCredential"] == CREDENTIAL
    assert dump_linked_service("SparkEncrypted", parsed.properties) == text


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_without_password_or_encrypted_credential_the_password_is_required(version: str) -> None:
    parsed = parse_linked_service(studio_text(held(version, encryptedCredential=None)))
    # "encryptedCredential": null is no credential
    assert [p.path for p in parsed.problems] == [f"{TP}.encryptedCredential"]
    tp = held(version)["typeProperties"]
    del tp["encryptedCredential"]
    parsed = parse_linked_service(studio_text({**held(version), "typeProperties": tp}))
    assert [(p.path, p.message) for p in parsed.problems] == [
        (
            f"{TP}.password",
            "Required when authenticationType is UsernameAndPassword or "
            "WindowsAzureHDInsightService.",
        )
    ]


@pytest.mark.parametrize("version", VERSIONS_IDS)
@pytest.mark.parametrize("value", ["", "not base64!", 5])
def test_an_encrypted_credential_that_is_not_base64_text_is_an_error(
    version: str, value: Any
) -> None:
    parsed = parse_linked_service(studio_text(held(version, encryptedCredential=value)))
    assert [p.path for p in parsed.problems] == [f"{TP}.encryptedCredential"]


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_an_encrypted_credential_is_no_secret_to_mask_and_no_part_of_the_secret_target(
    version: str,
) -> None:
    properties = held(version)
    assert list(secure_strings(properties)) == []
    assert masked(properties) == properties
    without = copy.deepcopy(properties)
    del without["typeProperties"]["encryptedCredential"]
    assert target_of(properties) == target_of(without)


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_the_schema_says_which_secret_the_encrypted_credential_holds(version: str) -> None:
    assert held_credentials(VERSIONS[version]) == {"encryptedCredential": "password"}
    spec = {s.name: s for s in field_specs(VERSIONS[version])}["encryptedCredential"]
    assert spec.widget == "held" and spec.held_for == "password"


# --- the form ------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_the_form_never_holds_the_encrypted_credential_and_keeps_it_untouched(
    version: str,
) -> None:
    properties = held(version)
    form = form_from_properties(VERSIONS[version], properties)
    assert CREDENTIAL not in form.values()
    assert not any("encryptedCredential" in key for key in form)
    back = properties_from_form(SPARK, VERSIONS[version], form, stored=properties)
    assert back == properties
    assert "password" not in conditionally_required(VERSIONS[version], back["typeProperties"])


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_typing_a_password_replaces_the_encrypted_credential_with_a_secure_string(
    version: str,
) -> None:
    properties = held(version)
    form = form_from_properties(VERSIONS[version], properties)
    back = properties_from_form(
        SPARK, VERSIONS[version], {**form, "tp-password": "typed"}, stored=properties
    )
    assert "encryptedCredential" not in back["typeProperties"]
    assert back["typeProperties"]["password"] == {"type": "SecureString", "value": "typed"}


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_choosing_a_key_vault_secret_replaces_the_encrypted_credential(version: str) -> None:
    properties = held(version)
    form = {
        **form_from_properties(VERSIONS[version], properties),
        "tp-password__kind": "AzureKeyVaultSecret",
        "tp-password__store": "KeyVault1",
        "tp-password__secretName": "spark",
    }
    back = properties_from_form(SPARK, VERSIONS[version], form, stored=properties)
    assert "encryptedCredential" not in back["typeProperties"]
    assert back["typeProperties"]["password"]["type"] == "AzureKeyVaultSecret"


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_a_new_form_cannot_invent_an_encrypted_credential(version: str) -> None:
    form = {**form_from_properties(VERSIONS[version], held(version)), "tp-encryptedCredential": "x"}
    back = properties_from_form(SPARK, VERSIONS[version], form)
    assert "encryptedCredential" not in back["typeProperties"]


# --- the connection test -----------------------------------------------------------------


def _refuse_every_address(_address: Any) -> str:
    return "no network in this test"


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_a_test_without_the_password_says_it_needs_it_typed_for_this_test(version: str) -> None:
    properties = held(version)
    report = spark_test(
        VERSIONS[version], properties["typeProperties"], TestOptions(_refuse_every_address)
    )
    assert report["ok"] is False
    first = report["stages"][0]
    assert first["status"] == "failed"
    assert "held encrypted by Data Factory (encryptedCredential)" in first["observed"]
    assert "for this test only and never stored" in first["observed"]
    assert one_off_needed(VERSIONS[version], properties["typeProperties"]) == first["observed"]


@pytest.mark.parametrize("version", VERSIONS_IDS)
def test_a_one_off_password_stands_in_for_the_encrypted_one_in_a_copy(version: str) -> None:
    properties = held(version, password=False)
    filled = with_one_off_secret(VERSIONS[version], properties, "typed")
    assert filled["typeProperties"]["password"] == {"type": "SecureString", "value": "typed"}
    assert properties == held(version, password=False), "the definition itself is unchanged"
    assert one_off_needed(VERSIONS[version], filled["typeProperties"]) is None
    # A definition with its own password needs none, and takes none.
    own = held(version, password={"type": "SecureString", "value": "own"})
    assert with_one_off_secret(VERSIONS[version], own, "typed") == own
