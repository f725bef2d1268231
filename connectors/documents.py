"""The envelope of a resource document of any kind: what is checked when a resource is kept
as a document (no connector schema for it), and the document as ADF's git files hold it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.adf_format import canonical_properties
from connectors.kinds import LINKED_SERVICE, ResourceKind, kind_for_document_type
from connectors.problems import Problem
from connectors.secrets import masked
from connectors.validation import validate_name


def envelope_problems(
    kind: ResourceKind, document: Any, *, workspace: bool = False
) -> list[Problem]:
    """Problems with the outer shape of a document of ``kind``: a JSON object with a valid
    name, an object ``properties`` where the kind has one, and no ``type`` of another kind."""
    if not isinstance(document, dict):
        return [
            Problem("$", f"A {kind.title.lower()} is one JSON object with name and properties.")
        ]
    problems = validate_name(document.get("name"))
    for key in kind.envelope:
        if key != "name" and key not in document:
            problems.append(Problem(f"$.{key}", f"A {kind.title.lower()} has '{key}'."))
    if "properties" in document and not isinstance(document["properties"], dict):
        problems.append(Problem("$.properties", "Must be a JSON object."))
    if "type" in document and kind_for_document_type(document["type"]) is not kind:
        problems.append(
            Problem("$.type", f"A {kind.title.lower()} has type '{kind.document_type(workspace)}'.")
        )
    return problems


def document_of(
    kind: ResourceKind, name: str, properties: Mapping[str, Any], *, workspace: bool = False
) -> dict[str, Any]:
    """``{"name", "type", "properties"}`` with secure strings masked, properties of a linked
    service in ADF Studio's key order and every other kind's in the order they came."""
    shown = masked(properties)
    if kind is LINKED_SERVICE:
        shown = canonical_properties(shown)
    return {"name": name, "type": kind.document_type(workspace), "properties": shown}
