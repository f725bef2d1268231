"""Saving linked-service definitions: one validated, all-or-nothing path for every writer.

The form, the importer, the CLI and the API all come through :func:`save_definition`,
which checks the name and the connector's JSON Schema, keeps untouched secrets, encrypts
new ones, and writes the current state and a new revision in one transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from connectors.adf_format import canonical_properties
from connectors.problems import Problem, json_path
from connectors.registry import UnknownConnector, get_connector
from connectors.secret_targets import refusal, target_of
from connectors.secrets import (
    MASK,
    as_validated,
    map_secure_strings,
    secure_strings,
    wrap_secret_parameters,
)
from connectors.validation import validate_name, validate_properties
from portal.models import LinkedService, Revision, SecretValue, seal


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


def resolve_secrets(
    properties: dict[str, Any], stored: dict[str, Any] | None, *, trusted: bool
) -> tuple[dict[str, Any], list[Problem]]:
    """Resolve "unchanged" secrets to the stored ones; refuse forged references, and
    refuse to reuse a stored secret for a target other than the one it was typed for.

    A secure string holding the mask means "keep what is stored at this path". Only
    revisions the portal wrote itself (``trusted``) may carry ``secretId`` references:
    from anyone else such a reference could point at another linked service's secret.
    Every save and every connection test comes through here, so this is where a stored
    secret is kept from following a changed host, port, transport or TLS setting.
    """
    stored_by_path = {path: s for path, s in secure_strings(stored or {})}
    problems: list[Problem] = []
    reused: list[tuple[tuple[str | int, ...], int]] = []
    paths = iter([p for p, _ in secure_strings(properties)])

    def resolve(secret: dict[str, Any]) -> dict[str, Any]:
        path = next(paths)
        where = json_path(("properties", *path))
        if "secretId" in secret:
            if not trusted:
                problems.append(Problem(where, "A secure string has a type and a value only."))
            else:
                reused.append((path, secret["secretId"]))
            return secret
        if secret.get("value") != MASK:
            return secret
        previous = stored_by_path.get(path)
        if previous and "secretId" in previous:
            reused.append((path, previous["secretId"]))
            return previous
        problems.append(
            Problem(
                where,
                "The secret holds the mask (**********), not a value: type the value, or "
                "reference an Azure Key Vault secret.",
            )
        )
        return secret

    resolved = map_secure_strings(properties, resolve)
    problems.extend(_target_problems(resolved, reused))
    return resolved, problems


def _secret_label(path: tuple[str | int, ...]) -> str:
    if len(path) >= 3 and path[0] == "parameters" and path[-1] == "defaultValue":
        return f"default value of parameter {path[1]}"
    return str(path[-1]) if path else "secret"


def _target_problems(
    properties: dict[str, Any], reused: list[tuple[tuple[str | int, ...], int]]
) -> list[Problem]:
    """A problem for each stored secret whose recorded target differs from this one."""
    if not reused:
        return []
    current = target_of(properties)
    bound = SecretValue.targets([secret_id for _, secret_id in reused])
    problems = []
    for path, secret_id in reused:
        why = refusal(_secret_label(path), bound.get(secret_id), current)
        if why:
            problems.append(Problem(json_path(("properties", *path)), why))
    return problems


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
    problems.extend(validate_properties(version, as_validated(properties)))
    renamed = instance is None or LinkedService.key_for(str(name)) != instance.name_key
    if renamed and isinstance(name, str) and not any(p.path == "$.name" for p in problems):
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
    trusted_secret_references: bool = False,
) -> SaveResult:
    """Create (``instance`` None) or update a linked service and append a revision.

    ``based_on`` is the revision the caller edited; if another save came in between,
    :class:`StaleRevision` is raised and nothing is written.
    """
    stored = instance.properties if instance is not None else None
    properties = wrap_secret_parameters(properties)
    properties, secret_problems = resolve_secrets(
        properties, stored, trusted=trusted_secret_references
    )
    version, problems = check(name, properties, instance)
    problems = [*secret_problems, *problems]
    if problems:
        raise DefinitionInvalid(problems)
    properties = canonical_properties(properties)
    fields = {
        "name": name,
        "name_key": LinkedService.key_for(name),
        "connector": version.connector_type,
        "connector_version": version.version,
        "description": properties.get("description", ""),
    }
    try:
        with transaction.atomic():
            fields["definition"] = json.dumps(seal(properties), ensure_ascii=False)
            if instance is None:
                instance = LinkedService.objects.create(
                    created_by=user, updated_by=user, revision=0, **fields
                )
                based_on = 0
            linked_service, revision = _append_revision(
                instance, based_on, fields, user=user, action=action, comment=comment
            )
    except IntegrityError:
        # Two writers took the same name at once: the unique key decided.
        raise DefinitionInvalid(
            [Problem("$.name", f"A linked service named '{name}' exists already.")]
        ) from None
    return SaveResult(linked_service, revision)


def _append_revision(
    instance: LinkedService,
    based_on: int | None,
    fields: dict[str, Any],
    *,
    user: Any,
    action: str,
    comment: str,
) -> tuple[LinkedService, Revision]:
    """Move the linked service on by one revision, only if nobody else did first.

    The compare-and-set UPDATE is what makes concurrent saves safe on every database:
    of several writers based on the same revision exactly one matches the WHERE clause.
    """
    expected = instance.revision if based_on is None else based_on
    now = timezone.now()
    changed = LinkedService.objects.filter(pk=instance.pk, revision=expected).update(
        revision=expected + 1, updated_by=user, updated_at=now, **fields
    )
    if not changed:
        raise StaleRevision(LinkedService.objects.get(pk=instance.pk))
    if instance.revision == expected:
        # Our copy was the row the UPDATE matched: bring it up to date without a read.
        current = instance
        for key, value in fields.items():
            setattr(current, key, value)
        current.revision, current.updated_by, current.updated_at = expected + 1, user, now
    else:
        current = LinkedService.objects.get(pk=instance.pk)
    revision = Revision.objects.create(
        linked_service=current,
        number=expected + 1,
        name=current.name,
        connector=current.connector,
        connector_version=current.connector_version,
        definition=current.definition,
        action=action,
        comment=comment,
        author=user,
    )
    return current, revision


def delete_definition(
    *, user: Any, instance: LinkedService, based_on: int | None = None
) -> Revision:
    """Soft delete, recorded as a revision; the history stays and can be restored."""
    with transaction.atomic():
        _, revision = _append_revision(
            instance,
            based_on,
            {"deleted_at": timezone.now()},
            user=user,
            action=Revision.Action.DELETE,
            comment="Deleted",
        )
    return revision


def undelete_definition(*, user: Any, instance: LinkedService) -> Revision:
    with transaction.atomic():
        _, revision = _append_revision(
            instance,
            None,
            {"deleted_at": None},
            user=user,
            action=Revision.Action.RESTORE,
            comment="Restored after deletion",
        )
    return revision


def purge_definition(*, instance: LinkedService) -> None:
    """Free a deleted linked service's name for reuse. Its revisions stay in the database."""
    if instance.deleted_at is None:
        raise ValueError("Only a deleted linked service can be purged.")
    LinkedService.objects.filter(pk=instance.pk).update(
        purged_at=timezone.now(), name_key=f"#purged/{instance.pk}"
    )


def restore_revision(
    *, user: Any, instance: LinkedService, number: int, based_on: int | None = None
) -> SaveResult:
    """Make an old revision current again, as a new revision equal to it."""
    old = instance.revision_at(number)
    return save_definition(
        user=user,
        name=old.name,
        properties=old.properties,
        action=Revision.Action.RESTORE,
        comment=f"Restored revision {number}",
        instance=instance,
        based_on=based_on,
        trusted_secret_references=True,
    )
