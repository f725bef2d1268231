"""What a change of the form takes out or keeps (connectors.formdata), and where a JSON
path sits in a text (connectors.json_lines): plain Python, no Django."""

from __future__ import annotations

import json

from connectors.formdata import applicable_data, kept_hidden, type_properties_from_form
from connectors.json_lines import line_of
from connectors.registry import get_version

V2 = get_version("Spark", "2.0")


def test_a_choice_the_version_does_not_offer_is_taken_out_and_listed() -> None:
    data = {"tp-authenticationType": "Username", "tp-thriftTransportProtocol": "Binary"}
    cleaned, removed = applicable_data(V2, data)
    assert cleaned["tp-authenticationType"] == "" and cleaned["tp-thriftTransportProtocol"] == ""
    assert [(r.name, r.value) for r in removed] == [
        ("authenticationType", "Username"),
        ("thriftTransportProtocol", "Binary"),
    ]


def test_a_property_the_version_lacks_is_taken_out_and_listed() -> None:
    cleaned, removed = applicable_data(V2, {"tp-trustedCertPath": "/etc/ca.pem"})
    assert "tp-trustedCertPath" not in cleaned
    assert removed[0].reason == "version 2.0 has no trustedCertPath"


def test_a_hidden_value_is_kept_only_while_it_is_the_stored_one() -> None:
    stored = {"authenticationType": "Anonymous", "username": "etl", "host": "h", "port": 443}
    data = {"tp-authenticationType": "Anonymous", "tp-username": "etl", "tp-host": "h"}
    assert kept_hidden(V2, data, stored) == {"username"}
    assert type_properties_from_form(V2, data, stored)["username"] == "etl"
    typed = {**data, "tp-username": "someone-else"}
    assert kept_hidden(V2, typed, stored) == set()
    assert "username" not in type_properties_from_form(V2, typed, stored)


def test_line_of_finds_the_key_or_its_nearest_written_ancestor() -> None:
    text = json.dumps({"name": "x", "properties": {"typeProperties": {"port": "a"}}}, indent="\t")
    assert line_of(text, "$.properties.typeProperties.port") == 5
    assert line_of(text, "$.properties.typeProperties.host") == 4
    assert line_of(text, "$.name") == 2
    assert line_of(text, "$") is None
