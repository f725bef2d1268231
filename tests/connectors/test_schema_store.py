"""The validators compiled by connectors.schema_store look each ``$ref`` up once: they must
find exactly what jsonschema's own Draft 2020-12 validator finds."""

from __future__ import annotations

import copy
from typing import Any

from jsonschema import Draft202012Validator

from connectors.registry import connectors
from connectors.schema_store import compile_validator, schema_registry
from connectors.validation import validate_with

BAD_VALUES: list[Any] = [
    None,
    5,
    -1,
    "",
    "<host>",
    "two\nlines",
    [],
    {},
    {"type": "Expression", "value": "@linkedService().x"},
    {"type": "Expression"},
    {"type": "SecureString", "value": "s"},
    {"type": "AzureKeyVaultSecret", "store": {}, "secretName": 1},
]


def _instances(example: dict[str, Any], schema: dict[str, Any]) -> list[Any]:
    """The example, and the example with each property its schema names under
    typeProperties made wrong each way."""
    found: list[Any] = [example, {}, {"typeProperties": {}}, {**example, "unknown": 1}]
    named = schema.get("properties", {}).get("typeProperties", {}).get("properties", {})
    for key in named:
        for value in BAD_VALUES:
            changed = copy.deepcopy(example)
            changed.setdefault("typeProperties", {})[key] = value
            found.append(changed)
    return found


def _errors(validator: Any, instance: Any) -> list[tuple[Any, ...]]:
    return sorted(
        (
            [str(p) for p in e.absolute_path],
            [str(p) for p in e.absolute_schema_path],
            e.validator,
            e.message,
        )
        for e in validator.iter_errors(instance)
    )


def test_a_compiled_validator_finds_exactly_the_errors_jsonschema_finds() -> None:
    compared, errors = 0, 0
    for connector in connectors():
        document = connector.example or {}
        example = document.get("properties", {"type": connector.type, "typeProperties": {}})
        schemas = [v.schema for v in connector.versions.values()]
        schemas += [d.schema for d in connector.datasets.values()]
        for schema in schemas:
            remembering = compile_validator(schema)
            assert type(remembering) is not Draft202012Validator  # the one under test
            plain = Draft202012Validator(schema, registry=schema_registry())
            for instance in _instances(example, schema):
                found = _errors(remembering, instance)
                assert found == _errors(plain, instance)
                errors += len(found)
                assert validate_with(remembering, instance) == validate_with(plain, instance)
                compared += 1
    assert compared > 1000 and errors > 1000, (compared, errors)
