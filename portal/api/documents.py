"""ADF JSON in and out of the API: the exporter's ``{"name", "type", "properties"}`` shape."""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.exceptions import APIException

from connectors.documents import document_of, envelope_problems
from connectors.kinds import KINDS, LINKED_SERVICE, ResourceKind, kind_for_document_type
from connectors.problems import Problem
from connectors.validation import validate_envelope
from portal.models import Resource, Revision

READ_ONLY_KEYS = ("id", "etag")


class Invalid(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, problems: list[Problem], warnings: list[str] | None = None) -> None:
        body: dict[str, Any] = {"errors": [p.as_dict() for p in problems]}
        if warnings:
            body["warnings"] = warnings
        super().__init__(body)


def document(resource: Resource) -> dict[str, Any]:
    """The resource as ADF writes it (secrets masked), with its id and ETag."""
    shown = document_of(
        KINDS[resource.kind],
        resource.name,
        resource.properties,
        workspace=resource.factory.is_workspace,
    )
    return {
        "id": resource.pk,
        "name": shown["name"],
        "type": shown["type"],
        "etag": str(resource.revision),
        "properties": shown["properties"],
    }


def revision_document(revision: Revision) -> dict[str, Any]:
    return {
        "number": revision.number,
        "action": revision.action,
        "comment": revision.comment,
        "author": revision.author.get_username() if revision.author else None,
        "createdAt": revision.created_at.isoformat(),
        "connector": revision.connector,
        "connectorVersion": revision.connector_version,
        "name": revision.name,
        "properties": document_of(
            KINDS[revision.resource.kind], revision.name, revision.properties
        )["properties"],
    }


def from_body(data: Any, kind: ResourceKind = LINKED_SERVICE) -> tuple[str, dict[str, Any]]:
    """The (name, properties) of a request body for a resource of ``kind``, or
    :class:`Invalid`."""
    if not isinstance(data, dict):
        raise Invalid([Problem("$", 'Send one JSON object: {"name": ..., "properties": {...}}.')])
    body = {k: v for k, v in data.items() if k not in READ_ONLY_KEYS}
    if kind_for_document_type(body.get("type")) is kind:
        body.pop("type")  # either service's spelling (Data Factory or Synapse) is this kind's
    problems = validate_envelope(body) if kind is LINKED_SERVICE else envelope_problems(kind, body)
    if problems:
        raise Invalid(problems)
    return body["name"], body["properties"]
