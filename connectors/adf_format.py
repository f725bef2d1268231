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
from connectors.external_references import is_service_generated
from connectors.kinds import LINKED_SERVICE
from connectors.problems import Problem, json_path
from connectors.registry import UnknownConnector, get_connector
from connectors.secrets import MASK, masked, masked_secret_paths
from connectors.validation import check_properties, validate_envelope

DOCUMENT_TYPE = "Microsoft.DataFactory/factories/linkedservices"
SYNAPSE_DOCUMENT_TYPE = "Microsoft.Synapse/workspaces/linkedservices"
"""How a Synapse workspace's git files spell a linked service's top-level ``type``."""
PROPERTIES_ORDER = (
    "description",
    "annotations",
    "type",
    "version",
    "typeProperties",
    "connectVia",
    "parameters",
)


def canonical_properties(
    properties: Mapping[str, Any], *, add_annotations: bool = True
) -> dict[str, Any]:
    """``properties`` in ADF Studio's key order, with the ``annotations`` Studio always
    writes (unless not ``add_annotations``: then only what ``properties`` has)."""
    ordered: dict[str, Any] = {}
    for key in PROPERTIES_ORDER:
        if key == "annotations" and add_annotations:
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


def parse_linked_service(
    raw: bytes | str, source: str = "<input>", *, pedantic: bool = False
) -> ParsedLinkedService:
    """Read and check a linked-service file. ``pedantic``: also say where its keys are in
    another order than ADF Studio's (never for a file the service writes itself)."""
    result = ParsedLinkedService(source=source)
    try:
        document = json_limits.loads(_decode(raw))
    except UnicodeDecodeError as exc:
        result.problems.append(Problem("$", f"The file is not UTF-8 text ({exc.reason})."))
        return result
    except json_limits.JsonRefused as exc:
        result.problems.append(Problem("$", str(exc)))
        return result
    return check_document(document, source, pedantic=pedantic)


def check_document(
    document: Any, source: str = "<input>", *, pedantic: bool = False
) -> ParsedLinkedService:
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
    key_order = pedantic and not is_service_generated(LINKED_SERVICE.name, str(name))
    result.warnings.extend(str(w) for w in layout_warnings(document, key_order=key_order))
    checked = check_properties(version, properties)
    result.warnings.extend(str(w) for w in checked.warnings)
    result.masked_secrets = masked_secret_paths(properties)
    result.problems.extend(checked.problems)
    # Kept as written: the values ADF accepts are stored as the file has them.
    result.properties = properties
    return result


_DOCUMENT_ORDER = ("name", "type", "properties")


def _order_warnings(
    keys: list[str], order: tuple[str, ...], where: tuple[str, ...]
) -> list[Problem]:
    warnings = []
    latest: str | None = None
    for key in (k for k in keys if k in order):
        if latest is not None and order.index(key) < order.index(latest):
            warnings.append(
                Problem(
                    json_path((*where, key)),
                    f"'{key}' is written after '{latest}'; ADF Studio writes "
                    f"{', '.join(order)} in that order.",
                )
            )
        else:
            latest = key
    return warnings


def layout_warnings(document: dict[str, Any], *, key_order: bool = True) -> list[Problem]:
    """How a file's layout differs from ADF Studio's: a missing top-level ``type``, and
    with ``key_order`` keys in another order. None of it is an error: ADF reads such
    files."""
    warnings: list[Problem] = []
    if "type" not in document:
        warnings.append(
            Problem(
                "$.type",
                f"The file has no type; it is read as a linked service ({DOCUMENT_TYPE}).",
            )
        )
    if not key_order:
        return warnings
    warnings.extend(_order_warnings(list(document), _DOCUMENT_ORDER, ()))
    properties = document.get("properties")
    if isinstance(properties, dict):
        warnings.extend(_order_warnings(list(properties), PROPERTIES_ORDER, ("properties",)))
    return warnings


__all__ = [
    "DOCUMENT_TYPE",
    "MASK",
    "SYNAPSE_DOCUMENT_TYPE",
    "ParsedLinkedService",
    "canonical_properties",
    "check_document",
    "dump_linked_service",
    "git_archive",
    "git_path",
    "layout_warnings",
    "parse_linked_service",
]
