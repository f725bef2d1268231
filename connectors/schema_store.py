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


DYNAMIC_KEYWORDS = ("$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor")
"""Keywords whose resolution depends on the path taken to a schema, not only on where the
schema is: a validator whose schemas use one looks each reference up every time."""


def compile_validator(schema: dict[str, Any]) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema)
    texts = [json.dumps(s) for s in (schema, common_schema())]
    if any(keyword in text for text in texts for keyword in DYNAMIC_KEYWORDS):
        return Draft202012Validator(schema, registry=schema_registry())
    return _remembering_references()(schema, registry=schema_registry())


def _remembering_references() -> type[Draft202012Validator]:
    """Draft 2020-12 whose ``$ref`` keyword looks each reference up once per validator (a
    new class each time: the cache holds one root schema's references). Looking a
    reference up (``referencing``) is about 40% of validating a definition otherwise;
    what is validated and every error stay those of jsonschema's own keyword, which is
    used for any reference it cannot resolve (its own error) or if its internals moved."""
    from jsonschema import Draft202012Validator
    from jsonschema.validators import extend
    from referencing.exceptions import Unresolvable

    plain = Draft202012Validator.VALIDATORS["$ref"]
    found: dict[tuple[str, str], Any] = {}

    def ref(validator: Any, ref: str, instance: Any, schema: dict[str, Any]) -> Any:
        resolver = getattr(validator, "_resolver", None)
        base = getattr(resolver, "_base_uri", None)
        if resolver is None or not isinstance(base, str):
            yield from plain(validator, ref, instance, schema)
            return
        resolved = found.get((base, ref))
        if resolved is None:
            try:
                resolved = found[(base, ref)] = resolver.lookup(ref)
            except Unresolvable:
                yield from plain(validator, ref, instance, schema)
                return
        yield from validator.descend(instance, resolved.contents, resolver=resolved.resolver)

    return extend(Draft202012Validator, {"$ref": ref})


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
