"""ADF / Synapse git-integration file format for linked services: read and write.

ADF Studio writes ``{"name", "type", "properties"}`` with tab indentation, no trailing
newline, and ``properties`` keys in the order description, annotations, type, version,
typeProperties, connectVia, parameters. Everything inside keeps the order it has.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors import json_limits
from connectors.base import Connector, ConnectorVersion
from connectors.problems import Problem, json_path
from connectors.registry import UnknownConnector, get_connector
from connectors.schema_store import resolve
from connectors.secrets import MASK, masked, masked_secret_paths
from connectors.validation import validate_envelope, validate_properties

DOCUMENT_TYPE = "Microsoft.DataFactory/factories/linkedservices"
PROPERTIES_ORDER = (
    "description",
    "annotations",
    "type",
    "version",
    "typeProperties",
    "connectVia",
    "parameters",
)


def canonical_properties(properties: Mapping[str, Any]) -> dict[str, Any]:
    ordered: dict[str, Any] = {}
    for key in PROPERTIES_ORDER:
        if key == "annotations":
            ordered[key] = properties.get("annotations", [])
        elif key in properties:
            ordered[key] = properties[key]
    for key, value in properties.items():
        ordered.setdefault(key, value)
    return ordered


def dump_linked_service(name: str, properties: Mapping[str, Any]) -> str:
    """One linked service exactly as ADF Studio's git integration writes it.

    Secure string values are always replaced by the mask: an export never holds a secret.
    """
    document = {
        "name": name,
        "type": DOCUMENT_TYPE,
        "properties": canonical_properties(masked(properties)),
    }
    return json.dumps(document, indent="\t", ensure_ascii=False)


def git_path(name: str) -> str:
    return f"linkedService/{name}.json"


def git_archive(services: Iterable[tuple[str, Mapping[str, Any]]]) -> bytes:
    """A zip of ``(name, properties)`` pairs in ADF's git layout (secrets masked)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, properties in services:
            archive.writestr(git_path(name), dump_linked_service(name, properties).encode())
    return buffer.getvalue()


@dataclass
class ParsedLinkedService:
    """An ADF linked-service file read and checked against its connector's schema."""

    source: str
    name: str | None = None
    connector: Connector | None = None
    version: ConnectorVersion | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    masked_secrets: list[str] = field(default_factory=list)
    """JSON paths of secure strings that hold the export mask instead of a value."""

    @property
    def ok(self) -> bool:
        return not self.problems


def _decode(raw: bytes | str) -> str:
    if isinstance(raw, bytes):
        return raw.decode("utf-8-sig")
    return raw.removeprefix("\ufeff")


def parse_linked_service(raw: bytes | str, source: str = "<input>") -> ParsedLinkedService:
    result = ParsedLinkedService(source=source)
    try:
        document = json_limits.loads(_decode(raw))
    except UnicodeDecodeError as exc:
        result.problems.append(Problem("$", f"The file is not UTF-8 text ({exc.reason})."))
        return result
    except json_limits.TooDeep as exc:
        result.problems.append(Problem("$", str(exc)))
        return result
    except json.JSONDecodeError as exc:
        result.problems.append(
            Problem("$", f"Not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}.")
        )
        return result
    return check_document(document, source)


def check_document(document: Any, source: str = "<input>") -> ParsedLinkedService:
    """Check an already-parsed ``{"name", "properties"}`` document."""
    result = ParsedLinkedService(source=source)
    if not isinstance(document, dict):
        result.problems.append(
            Problem("$", "A linked-service file holds one JSON object with name and properties.")
        )
        return result
    result.problems.extend(validate_envelope(document))
    name = document.get("name")
    result.name = name if isinstance(name, str) else None
    properties = document.get("properties")
    if not isinstance(properties, dict):
        return result
    try:
        connector = get_connector(str(properties.get("type")))
    except UnknownConnector as exc:
        result.problems.append(Problem("$.properties.type", str(exc)))
        return result
    version_id = connector.version_of(properties)
    if version_id is None:
        result.problems.append(
            Problem("$.properties.version", connector.version_problem(properties))
        )
        return result
    version = connector.version(version_id)
    result.connector, result.version = connector, version
    properties = _normalise(version, properties)
    properties, dropped = _drop_exported_leftovers(version, properties)
    result.warnings.extend(dropped)
    result.masked_secrets = masked_secret_paths(properties)
    result.problems.extend(validate_properties(version, properties))
    result.properties = canonical_properties(properties)
    return result


def _normalise(version: ConnectorVersion, properties: dict[str, Any]) -> dict[str, Any]:
    """Accept enum values with stray spaces, as in ADF's REST spec (``"HTTP "``)."""
    tp = properties.get("typeProperties")
    if not isinstance(tp, dict):
        return properties
    schemas = version.type_properties_schema["properties"]
    fixed = {}
    for key, value in tp.items():
        enum = resolve(schemas.get(key, {})).get("enum")
        if enum and isinstance(value, str) and value not in enum and value.strip() in enum:
            value = value.strip()
        fixed[key] = value
    return {**properties, "typeProperties": fixed}


_JSON_TYPES = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
    type(None): "null",
}


def _accepted_types(schema: dict[str, Any]) -> set[str]:
    schema = resolve(schema)
    types: set[str] = set()
    for branch in (resolve(b) for b in schema.get("anyOf", [])):
        types |= _accepted_types(branch)
    if "type" in schema:
        declared = schema["type"]
        types |= set(declared if isinstance(declared, list) else [declared])
    for key in ("enum",):
        types |= {_JSON_TYPES[type(v)] for v in schema.get(key, [])}
    if "const" in schema:
        types.add(_JSON_TYPES[type(schema["const"])])
    if "integer" in types:
        types.add("number")
    return types


def _drop_exported_leftovers(
    version: ConnectorVersion, properties: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Remove optional values real exports contain but the contract does not allow.

    Only properties the contract does not know, and known optional ones whose JSON type
    cannot be right (``"password": false``), are dropped; each drop is reported.
    A wrong value of the right type (a typo in an enum, a placeholder) stays an error.
    """
    tp = properties.get("typeProperties")
    if not isinstance(tp, dict):
        return properties, []
    schema = version.type_properties_schema
    known = schema["properties"]
    required = set(schema.get("required", []))
    kept: dict[str, Any] = {}
    warnings: list[str] = []
    for key, value in tp.items():
        path = json_path(("properties", "typeProperties", key))
        if key not in known:
            warnings.append(
                f"{path}: dropped '{key}', which {version.connector_type} {version.version} "
                f"does not have (value {json.dumps(value)[:60]})."
            )
            continue
        value_type = _JSON_TYPES.get(type(value), "unknown")
        if key not in required and value_type not in _accepted_types(known[key]):
            warnings.append(
                f"{path}: dropped {json.dumps(value)[:60]}, a {value_type} where "
                f"{' or '.join(sorted(_accepted_types(known[key])))} is expected."
            )
            continue
        kept[key] = value
    return {**properties, "typeProperties": kept}, warnings


__all__ = [
    "DOCUMENT_TYPE",
    "MASK",
    "ParsedLinkedService",
    "canonical_properties",
    "check_document",
    "dump_linked_service",
    "git_archive",
    "git_path",
    "parse_linked_service",
]
