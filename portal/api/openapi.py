"""OpenAPI pieces: ADF payloads are described by the connectors' own JSON Schemas.

The schemas are copied into ``components/schemas`` (OpenAPI 3.1 speaks JSON Schema
2020-12) by :func:`add_connector_schemas`, a drf-spectacular post-processing hook, and
the views refer to them by ``$ref``. Nothing here repeats a connector property.
"""

from __future__ import annotations

import copy
from typing import Any

from drf_spectacular.utils import OpenApiParameter

from connectors.adf_format import DOCUMENT_TYPE, SYNAPSE_DOCUMENT_TYPE
from connectors.ca_certificates import MAX_PEM_CHARS
from connectors.registry import connectors
from connectors.schema_store import common_schema

COMMON_PREFIX = "/schemas/common/linkedservice.json#/$defs/"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def list_of(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


def page_of(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["count", "results"],
        "properties": {
            "count": {"type": "integer"},
            "next": {"type": ["string", "null"]},
            "previous": {"type": ["string", "null"]},
            "results": list_of(item),
        },
    }


DOCUMENT = ref("LinkedServiceDocument")
ERRORS = ref("ValidationErrors")
STALE = ref("StaleRevision")
REVISION = ref("Revision")
DIFF = ref("RevisionDiff")
IMPORT_BODY = {"oneOf": [DOCUMENT, list_of(DOCUMENT)]}
IMPORT_RESULT = ref("ImportResult")
ZIP = {"type": "string", "format": "binary", "description": "a zip of a repository's root"}
REPOSITORY_UPLOAD = {"type": "object", "properties": {"repository": ZIP}}
CONNECTION_TEST = ref("ConnectionTest")
CA_CERTIFICATE = {
    "type": "string",
    "maxLength": MAX_PEM_CHARS,
    "description": "CA certificates (PEM) for this test only, never stored: they stand in "
    "for a 1.0 trustedCertPath, a file on the integration runtime this portal never reads.",
}
TEST_PASSWORD = {
    "type": "string",
    "writeOnly": True,
    "description": "The password, for this call only (a connection test, a catalog read, a "
    "preview, a query check), of a definition whose password ADF holds encrypted "
    "(encryptedCredential): never stored, never logged.",
}
TEST_PARAMETERS = {
    "type": "object",
    "additionalProperties": True,
    "description": "A value for each linked-service parameter, for this call only (a "
    "parameter not given uses its default); the definition's expressions are evaluated "
    "with them and the report's values say what each field was.",
}
TEST_SECRETS = {
    "type": "object",
    "writeOnly": True,
    "additionalProperties": {"type": "string"},
    "description": "secret property (e.g. password) -> the value to use for this call only, "
    "for an Azure Key Vault secret, an encryptedCredential or instead of the stored one: "
    "never stored, never logged, never sent back.",
}
CALL_VALUES = {
    "testPassword": TEST_PASSWORD,
    "testParameters": TEST_PARAMETERS,
    "testSecrets": TEST_SECRETS,
}
"""The values for one call to a linked service's server, as every live endpoint takes them."""
CALL_VALUES_BODY = {
    "type": "object",
    "description": "The values for this call to the linked service's server (each optional).",
    "properties": CALL_VALUES,
}
ONE_OFF = {"caCertificate": CA_CERTIFICATE, **CALL_VALUES}
TEST_BODY = {"allOf": [DOCUMENT, {"type": "object", "properties": ONE_OFF}]}
SAVED_TEST_BODY = {"type": "object", "properties": ONE_OFF}
UPGRADE_ANSWERS = {
    "type": "object",
    "properties": {
        "answers": {
            "type": "object",
            "description": "decision id -> answer (a secret: a string, or a Key Vault reference)",
        }
    },
}
UPGRADE_PLAN = ref("UpgradePlan")
BULK_REQUEST = {
    "type": "object",
    "properties": {
        "names": {"type": "array", "items": {"type": "string"}},
        "dryRun": {"type": "boolean", "default": True},
    },
}
BULK_REPORT = ref("BulkUpgradeReport")
FACTORY_BODY = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "description": "1 to 63 letters, digits and hyphens"},
        "kind": {"type": "string", "enum": ["adf", "synapse"], "default": "adf"},
        "description": {"type": "string"},
    },
    "required": ["name"],
}
FACTORY_CHANGE = {
    "type": "object",
    "properties": {
        "kind": {"type": "string", "enum": ["adf", "synapse"]},
        "description": {"type": "string"},
    },
}
LIVE_OPTIONS = {
    "type": "object",
    "description": "Options of a call to the dataset's server (each optional).",
    "properties": {
        "schema": {"type": "string", "description": "tables: the schema (default: the dataset's)"},
        "search": {"type": "string", "description": "tables: part of the table name"},
        "offset": {"type": "integer", "minimum": 0},
        "limit": {"type": "integer", "minimum": 1, "maximum": 500},
        "rows": {"type": "integer", "minimum": 1, "maximum": 1000, "description": "preview"},
        "query": {"type": "string", "description": "preview: one read-only query instead"},
        **CALL_VALUES,
    },
}
ACTIVITY_QUERY_BODY = {
    "type": "object",
    "description": "What to check or preview, and the values for this call (each optional).",
    "properties": {
        "values": {
            "type": "object",
            "description": "The part's fields (as the activity's GET shows them) instead of "
            "the saved ones.",
        },
        "testValues": {
            "type": "object",
            "description": "Values of what the query reads: pipeline parameters, variables "
            "and item() fields, by scope.",
            "properties": {
                scope: {"type": "object", "additionalProperties": True}
                for scope in ("pipeline", "variables", "item")
            },
            "additionalProperties": False,
        },
        **CALL_VALUES,
    },
}
CALL_VALUES_EXAMPLE = {
    "testParameters": {"host": "spark01.contoso.com", "port": 10000},
    "testPassword": "the-password-for-this-call-only",
}
"""Values for a definition whose host and port are parameters and whose password ADF holds
encrypted (``encryptedCredential``)."""
WAIT = OpenApiParameter(
    "wait",
    bool,
    description=(
        "Wait for the verdict (200), at most LINKWRIGHT_TEST_WAIT_SECONDS (10 s); a test still "
        "running by then, or when too many requests wait already, answers 202 with the test "
        "and its URL to poll in Location."
    ),
)
COMMENT = OpenApiParameter("comment", str, description="A comment stored with the new revision.")
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=True,
    description='The ETag (revision) the change is based on, e.g. "3". 428 without it, '
    "412 with the current revision when it is stale.",
)


def _component_name(connector_type: str, version: str) -> str:
    return f"{connector_type}LinkedServiceProperties_{version.replace('.', '_')}"


def _rewrite(node: Any, local_prefix: str | None = None) -> Any:
    """Point every ``$ref`` at ``components/schemas``; keep our error sentences as x-.

    A reference into the common schema becomes ``Common_<name>``; one into the schema's own
    ``$defs`` (``#/$defs/<name>``) becomes ``<local_prefix>_<name>``."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("$schema", "$id", "$defs"):
                continue
            if key == "$ref" and isinstance(value, str):
                name = value.split("#/$defs/")[-1]
                local = value.startswith("#/$defs/") and local_prefix is not None
                out[key] = f"#/components/schemas/{local_prefix if local else 'Common'}_{name}"
            elif key == "errorMessage":
                out["x-errorMessage"] = value
            else:
                out[key] = _rewrite(value, local_prefix)
        return out
    if isinstance(node, list):
        return [_rewrite(item, local_prefix) for item in node]
    return node


def connector_components() -> dict[str, Any]:
    components: dict[str, Any] = {}
    for name, definition in common_schema()["$defs"].items():
        components[f"Common_{name}"] = _rewrite(copy.deepcopy(definition))
    version_refs = []
    for connector in connectors():
        for version in connector.versions.values():
            component = _component_name(connector.type, version.version)
            components[component] = _rewrite(copy.deepcopy(version.schema), component)
            for name, definition in version.schema.get("$defs", {}).items():
                components[f"{component}_{name}"] = _rewrite(copy.deepcopy(definition), component)
            version_refs.append(ref(component))
    components["LinkedServiceProperties"] = {
        "description": "The properties of a linked service, per connector and version.",
        "oneOf": version_refs,
    }
    components["LinkedServiceDocument"] = {
        "type": "object",
        "description": "A linked service as ADF / Synapse git integration writes it. Secure "
        "string values are write-only: responses hold the mask **********.",
        "required": ["name", "properties"],
        "properties": {
            "id": {"type": "integer", "readOnly": True},
            "name": ref("Common_name"),
            "type": {"enum": [DOCUMENT_TYPE, SYNAPSE_DOCUMENT_TYPE]},
            "etag": {"type": "string", "readOnly": True, "description": "current revision"},
            "properties": ref("LinkedServiceProperties"),
        },
    }
    problem = {
        "type": "object",
        "required": ["path", "message"],
        "properties": {
            "path": {"type": "string", "description": "JSONPath of the value, e.g. $.name"},
            "message": {"type": "string"},
        },
    }
    components["ValidationErrors"] = {
        "type": "object",
        "required": ["errors"],
        "properties": {"errors": list_of(problem), "warnings": list_of({"type": "string"})},
    }
    components["StaleRevision"] = {
        "type": "object",
        "required": ["errors", "currentRevision"],
        "properties": {
            "errors": list_of(problem),
            "currentRevision": {"type": "integer"},
            "updatedBy": {"type": ["string", "null"]},
        },
    }
    components["Revision"] = {
        "type": "object",
        "properties": {
            "number": {"type": "integer"},
            "action": {"type": "string"},
            "comment": {"type": "string"},
            "author": {"type": ["string", "null"]},
            "createdAt": {"type": "string", "format": "date-time"},
            "connector": {"type": "string"},
            "connectorVersion": {"type": "string"},
            "name": {"type": "string"},
            "properties": ref("LinkedServiceProperties"),
        },
    }
    components["RevisionDiff"] = {
        "type": "object",
        "properties": {
            "from": {"type": "integer"},
            "to": {"type": "integer"},
            "changes": list_of(
                {
                    "type": "object",
                    "required": ["path", "kind"],
                    "properties": {
                        "path": {"type": "string"},
                        "kind": {"enum": ["added", "removed", "changed"]},
                        "secret": {"type": "boolean"},
                        "old": {},
                        "new": {},
                    },
                }
            ),
        },
    }
    components["ConnectionTest"] = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "status": {"enum": ["queued", "running", "passed", "failed"]},
            "linkedService": {"type": ["string", "null"]},
            "revision": {"type": ["integer", "null"]},
            "unsaved": {"type": "boolean"},
            "connector": {"type": "string"},
            "connectorVersion": {"type": "string"},
            "user": {"type": ["string", "null"]},
            "createdAt": {"type": "string", "format": "date-time"},
            "finishedAt": {"type": ["string", "null"], "format": "date-time"},
            "report": {
                "type": ["object", "null"],
                "properties": {
                    "ok": {"type": "boolean"},
                    "stages": list_of(
                        {
                            "type": "object",
                            "properties": {
                                "name": {"type": "string"},
                                "status": {"enum": ["passed", "failed", "skipped"]},
                                "duration_ms": {"type": "number"},
                                "detail": {"type": "string"},
                                "observed": {"type": ["string", "null"]},
                                "change": {"type": ["string", "null"]},
                            },
                        }
                    ),
                    "values": list_of(
                        {
                            "type": "object",
                            "description": "a value the test used: a parameter (typed for "
                            "this test or its default), a field evaluated from its "
                            "expression, a secret typed for this test (always the mask)",
                            "properties": {
                                "kind": {"enum": ["parameter", "field", "secret"]},
                                "name": {"type": "string"},
                                "value": {},
                                "expression": {"type": "string"},
                                "source": {"enum": ["typed for this test", "default"]},
                            },
                        }
                    ),
                    "notes": list_of(
                        {
                            "type": "string",
                            "description": "e.g. that the test ran from the portal's "
                            "network, not through the integration runtime (connectVia)",
                        }
                    ),
                },
            },
        },
    }
    components["UpgradePlan"] = {
        "type": "object",
        "properties": {
            "verdict": {"type": "string"},
            "findings": list_of({"type": "object"}),
            "decisions": list_of({"type": "object"}),
            "pending": list_of({"type": "string"}),
            "blocked": list_of({"type": "string"}),
            "proposed": {"oneOf": [ref("LinkedServiceProperties"), {"type": "null"}]},
            "problems": list_of(problem),
            "type_changes": list_of({"type": "object"}),
            "summary": {"type": "string"},
        },
    }
    components["BulkUpgradeReport"] = {
        "type": "object",
        "properties": {
            "applied": {"type": "boolean"},
            "results": list_of({"type": "object"}),
        },
    }
    components["ImportResult"] = {
        "type": "object",
        "properties": {
            "imported": {"type": "boolean"},
            "errors": list_of(problem),
            "summary": {"type": "string", "description": "repository imports"},
            "files": list_of(
                {
                    "type": "object",
                    "description": "a repository's report: one or more lines per file",
                    "properties": {
                        "file": {"type": "string"},
                        "status": {
                            "type": "string",
                            "enum": ["imported", "kept as is", "warning", "error"],
                        },
                        "path": {"type": "string", "description": "JSON path, if any"},
                        "message": {"type": "string"},
                    },
                }
            ),
            "results": list_of(
                {
                    "type": "object",
                    "properties": {
                        "source": {"type": "string"},
                        "name": {"type": ["string", "null"]},
                        "replaced": {"type": "boolean"},
                        "warnings": list_of({"type": "string"}),
                        "errors": list_of(problem),
                    },
                }
            ),
        },
    }
    return components


ERROR_RESPONSES = {
    "400": "Invalid input: the errors name each field (a body path, ?query, {segment}).",
    "401": "No token, or an unknown or revoked one.",
    "403": "The role does not allow it.",
    "404": "No such linked service, revision or endpoint.",
    "405": "Method not allowed.",
    "406": "Only JSON responses are offered.",
    "409": "Another writer got there first; fetch again and retry.",
    "413": "The body is larger than the upload limit.",
    "415": "Send JSON (application/json).",
}
"""Error responses every operation may give, all in the ValidationErrors shape."""
SPECIFIC_ERRORS = {
    "412": ("If-Match is not the current revision.", STALE),
    "428": ("Send If-Match with the ETag the change is based on.", ERRORS),
    "429": ("Too many connection tests: wait a moment.", ERRORS),
}
"""Error responses of the operations that declare them."""


def example_document() -> dict[str, Any]:
    """A valid document from the first connector that offers one (the connector writes
    its own example: nothing here names a connector's properties)."""
    for connector in connectors():
        document = connector.example
        if document is not None:
            return document
    return {"name": "Example", "properties": {}}


PATH_EXAMPLES = {"factory": "default", "kind": "linkedService", "number": 1, "pk": 1, "id": 1}
# A pipeline's activity routes: the first top-level activity of a pipeline named PL_Copy.
ACTIVITY_EXAMPLES = {"kind": "pipeline", "name": "PL_Copy", "key": "properties.activities.0"}
HEADER_EXAMPLES = {"If-Match": '"1"'}


def _body_example(schema: Any, document: dict[str, Any]) -> Any:
    """A body that validates for a request schema of ours (``None``: leave it be)."""
    if schema in (DOCUMENT, TEST_BODY):
        return document
    if schema == IMPORT_BODY:
        return [document]
    if schema == SAVED_TEST_BODY:
        return {}
    if schema == CALL_VALUES_BODY:
        return dict(CALL_VALUES_EXAMPLE)
    if schema == LIVE_OPTIONS:
        return {"rows": 10, **CALL_VALUES_EXAMPLE}
    if schema == ACTIVITY_QUERY_BODY:
        return {"testValues": {"pipeline": {"day": "2024-01-31"}}, **CALL_VALUES_EXAMPLE}
    if schema == FACTORY_BODY:
        return {
            "name": "contoso-dev",
            "kind": "adf",
            "description": "Contoso's development factory",
        }
    if schema == FACTORY_CHANGE:
        return {"description": "Development"}
    if schema == UPGRADE_ANSWERS:
        return {"answers": {}}
    if schema == BULK_REQUEST:
        return {"names": [document["name"]], "dryRun": True}
    return None


def add_examples(result: dict[str, Any]) -> None:
    """Every operation gets examples that work in "Try it out": path parameters naming the
    example document, and a request body that validates."""
    document = example_document()
    for path, operations in result.get("paths", {}).items():
        on_activity = "/activities" in path
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                name = parameter.get("name")
                example: Any
                if parameter.get("in") == "header":
                    example = HEADER_EXAMPLES.get(name)
                elif parameter.get("in") == "path" and on_activity and name in ACTIVITY_EXAMPLES:
                    example = ACTIVITY_EXAMPLES[name]
                elif parameter.get("in") == "path":
                    example = document["name"] if name == "name" else PATH_EXAMPLES.get(name)
                else:
                    continue
                if example is not None:
                    parameter.setdefault("example", example)
            content = operation.get("requestBody", {}).get("content", {})
            media = content.get("application/json")
            if media is None:
                continue
            body = _body_example(media.get("schema"), document)
            if body is not None:
                media["example"] = body


def add_connector_schemas(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: the connector schemas, examples that work,
    and the error responses (in one shape) on every operation."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(connector_components())
    add_examples(result)
    errors = {"application/json": {"schema": ERRORS}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(code, {"description": description, "content": errors})
            for code, (description, schema) in SPECIFIC_ERRORS.items():
                if code in responses:
                    content = {"application/json": {"schema": schema}}
                    responses[code] = {"description": description, "content": content}
    return result
