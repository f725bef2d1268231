"""Loads the shared JSON Schemas and compiles validators that can resolve them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when first used: jsonschema costs ~0.1 s at start-up
    from jsonschema import Draft202012Validator
    from referencing import Registry

COMMON_SCHEMA_PATH = Path(__file__).parent / "common" / "linkedservice.schema.json"
COMMON_DATASET_SCHEMA_PATH = Path(__file__).parent / "common" / "dataset.schema.json"


@cache
def common_schema() -> dict[str, Any]:
    return json.loads(COMMON_SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def schema_registry() -> Registry:
    from referencing import Registry, Resource

    dataset = json.loads(COMMON_DATASET_SCHEMA_PATH.read_text(encoding="utf-8"))
    # Crawled once: each $ref is then looked up among known anchors and subresources instead
    # of being searched for at every validation (about 15% of a validation's time).
    return (
        Registry()
        .with_resources(
            (schema["$id"], Resource.from_contents(schema)) for schema in (common_schema(), dataset)
        )
        .crawl()
    )


def compile_validator(schema: dict[str, Any]) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=schema_registry())


def common_def(name: str) -> dict[str, Any]:
    return common_schema()["$defs"][name]


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """Follow a ``$ref`` into the common schema, keeping sibling keywords."""
    ref = schema.get("$ref")
    if not ref:
        return schema
    target = ref.split("#/$defs/")[-1]
    merged = dict(common_def(target))
    merged.update({k: v for k, v in schema.items() if k != "$ref"})
    return resolve(merged) if "$ref" in merged else merged
