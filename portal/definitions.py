"""Saving linked-service definitions: one validated, all-or-nothing path for every writer.

The form, the importer, the CLI and the API all come through :func:`save_definition`,
which checks the name and the connector's JSON Schema, keeps untouched secrets, encrypts
new ones, and writes the current state and a new revision in one transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from connectors.adf_format import canonical_properties
from connectors.problems import Problem, json_path
from connectors.registry import UnknownConnector, get_connector
from connectors.secrets import MASK, map_secure_strings, masked, secure_strings
from connectors.validation import validate_name, validate_properties
from portal.models import LinkedService, Revision, seal


class DefinitionInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


class StaleRevision(Exception):
    """The definition changed since the revision the edit was based on."""

    def __init__(self, current: LinkedService) -> None:
        super().__init__(f"{current.name} is at revision {current.revision}")
        self.current = current


@dataclass
class SaveResult:
    linked_service: LinkedService
    revision: Revision
    warnings: list[str] = field(default_factory=list)


def _keep_stored_secrets(
    properties: dict[str, Any], stored: dict[str, Any] | None
) -> tuple[dict[str, Any], list[Problem]]:
    """A secure string holding the mask means "unchanged": take the stored one instead."""
    stored_by_path = {path: s for path, s in secure_strings(stored or {})}
    problems: list[Problem] = []
    paths = iter([p for p, _ in secure_strings(properties)])

    def resolve(secret: dict[str, Any]) -> dict[str, Any]:
        path = next(paths)
        if "secretId" in secret or secret.get("value") != MASK:
            return secret
        previous = stored_by_path.get(path)
        if previous and "secretId" in previous:
            return previous
        problems.append(
            Problem(
                json_path(("properties", *path)),
                "The secret holds the mask (**********), not a value: type the value, or "
                "reference an Azure Key Vault secret.",
            )
        )
        return secret

    return map_secure_strings(properties, resolve), problems


def check(
    name: Any, properties: Any, instance: LinkedService | None = None
) -> tuple[Any, list[Problem]]:
    """Validate a definition; returns (connector version, problems)."""
    problems = validate_name(name)
    if not isinstance(properties, dict):
        return None, [*problems, Problem("$.properties", "Must be a JSON object.")]
    try:
        connector = get_connector(str(properties.get("type")))
    except UnknownConnector as exc:
        return None, [*problems, Problem("$.properties.type", str(exc))]
    version_id = connector.version_of(properties)
    if version_id is None:
        message = connector.version_problem(properties)
        return None, [*problems, Problem("$.properties.version", message)]
    version = connector.version(version_id)
    problems.extend(validate_properties(version, masked(properties)))
    if isinstance(name, str) and not any(p.path == "$.name" for p in problems):
        clash = LinkedService.objects.filter(name_key=LinkedService.key_for(name))
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        other = clash.first()
        if other is not None:
            where = " (deleted; an Admin can purge it)" if other.deleted_at else ""
            problems.append(
                Problem("$.name", f"A linked service named '{other.name}' exists already{where}.")
            )
    return version, problems


def save_definition(
    *,
    user: Any,
    name: str,
    properties: dict[str, Any],
    action: str,
    comment: str = "",
    instance: LinkedService | None = None,
    based_on: int | None = None,
) -> SaveResult:
    """Create (``instance`` None) or update a linked service and append a revision.

    ``based_on`` is the revision the caller edited; if another save came in between,
    :class:`StaleRevision` is raised and nothing is written.
    """
    stored = instance.properties if instance is not None else None
    properties, secret_problems = _keep_stored_secrets(properties, stored)
    version, problems = check(name, properties, instance)
    problems = [*problems, *secret_problems]
    if problems:
        raise DefinitionInvalid(problems)
    properties = canonical_properties(properties)
    try:
        with transaction.atomic():
            sealed = seal(properties)
            text = json.dumps(sealed, ensure_ascii=False)
            now = timezone.now()
            fields = {
                "name": name,
                "name_key": LinkedService.key_for(name),
                "connector": version.connector_type,
                "connector_version": version.version,
                "description": properties.get("description", ""),
                "definition": text,
                "updated_by": user,
                "updated_at": now,
            }
            if instance is None:
                linked_service = LinkedService.objects.create(created_by=user, revision=1, **fields)
                number = 1
            else:
                expected = instance.revision if based_on is None else based_on
                # Compare-and-set: only one writer can move the revision on from `expected`.
                changed = LinkedService.objects.filter(pk=instance.pk, revision=expected).update(
                    revision=expected + 1, **fields
                )
                if not changed:
                    raise StaleRevision(LinkedService.objects.get(pk=instance.pk))
                number = expected + 1
                linked_service = LinkedService.objects.get(pk=instance.pk)
            revision = Revision.objects.create(
                linked_service=linked_service,
                number=number,
                name=name,
                connector=version.connector_type,
                connector_version=version.version,
                definition=text,
                action=action,
                comment=comment,
                author=user,
            )
    except IntegrityError:
        # Two writers created the same name at once: the unique key decided.
        raise DefinitionInvalid(
            [Problem("$.name", f"A linked service named '{name}' exists already.")]
        ) from None
    return SaveResult(linked_service, revision)


def delete_definition(*, user: Any, instance: LinkedService, based_on: int | None = None) -> None:
    """Soft delete: the linked service and its revisions stay, marked deleted."""
    with transaction.atomic():
        expected = instance.revision if based_on is None else based_on
        changed = LinkedService.objects.filter(
            pk=instance.pk, revision=expected, deleted_at__isnull=True
        ).update(deleted_at=timezone.now(), updated_by=user, updated_at=timezone.now())
        if not changed:
            raise StaleRevision(LinkedService.objects.get(pk=instance.pk))
