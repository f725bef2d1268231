"""Saving resources of every kind: one validated, all-or-nothing path for every writer.

The form, the importer, the CLI and the API all come through :func:`save_definition`,
which checks the name, the connector's JSON Schema where the registry has one for the
resource's kind and type (anything else is kept as a document, its envelope checked),
keeps untouched secrets, encrypts new ones wherever they are in the document, and writes
the current state and a new revision in one transaction.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from connectors.adf_format import canonical_properties
from connectors.json_spans import JsonText, SpanNotFound
from connectors.kinds import LINKED_SERVICE, get_kind
from connectors.pipeline_activities import replaced_at
from connectors.problems import Problem
from connectors.references import rename_references
from connectors.registry import (
    UnknownConnector,
    dataset_type,
    get_connector,
    has_form,
    schema_validated_kind,
)
from connectors.secret_targets import target_of
from connectors.secrets import as_validated, masked, secure_strings, wrap_secret_parameters
from connectors.validation import (
    control_character_problems,
    validate_name,
    validate_properties,
    validate_with,
)
from portal.listing import annotations_column, keep_terms
from portal.models import (
    Factory,
    Resource,
    Revision,
    SecretValue,
    definition_text,
    seal,
    sealed_text,
)
from portal.postgres_values import create_all, values_as_parameters
from portal.references import incoming, still_referenced
from portal.secret_resolution import resolve_secrets


class DefinitionInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


class StaleRevision(Exception):
    """The definition changed since the revision the edit was based on."""

    def __init__(self, current: Resource) -> None:
        super().__init__(f"{current.name} is at revision {current.revision}")
        self.current = current


@dataclass
class SaveResult:
    resource: Resource
    revision: Revision


def masks_held(kind: str, properties: Any) -> bool:
    """Whether every mask in a resource's secrets stands for a secret ADF holds: a resource
    without a connector's form (the portal never uses its secrets)."""
    declared = properties.get("type") if isinstance(properties, dict) else None
    return not has_form(kind, declared)


def check(
    name: Any,
    properties: Any,
    instance: Resource | None = None,
    *,
    factory: Factory | None = None,
    kind: str = LINKED_SERVICE.name,
    name_is_free: bool = False,
    schema_checked: bool = False,
) -> tuple[Any, list[Problem]]:
    """Validate a definition; returns (connector version or None for a document, problems).

    ``name_is_free``: the caller has already looked the name up in the factory (an import
    does, for all its files in one query); the unique constraint still decides a race.
    ``schema_checked``: the caller has validated ``properties`` against their version's
    schema already (an upgrade plan validates its proposal), so it is not done twice."""
    problems = validate_name(name)
    if not isinstance(properties, dict):
        return None, [*problems, Problem("$.properties", "Must be a JSON object.")]
    # Every route's text comes through here: one rule for control characters, whatever the
    # kind, before the schema (whose own message for that value would only repeat it).
    controls = control_character_problems(properties)
    problems.extend(controls)
    flagged = {p.path for p in controls}
    version = None
    if has_form(kind, properties.get("type")):
        try:
            connector = get_connector(str(properties.get("type")))
        except UnknownConnector as exc:  # pragma: no cover - has_form said it is known
            return None, [*problems, Problem("$.properties.type", str(exc))]
        version_id = connector.version_of(properties)
        if version_id is None:
            message = connector.version_problem(properties)
            return None, [*problems, Problem("$.properties.version", message)]
        version = connector.version(version_id)
        if not schema_checked:
            checked = validate_properties(version, as_validated(properties))
            problems.extend(p for p in checked if p.path not in flagged)
    elif (declared := dataset_type(kind, properties.get("type"))) is not None:
        checked = validate_with(declared.validator, properties)
        problems.extend(p for p in checked if p.path not in flagged)
    factory = factory or (instance.factory if instance is not None else Factory.default())
    renamed = instance is None or Resource.key_for(str(name)) != instance.name_key
    if (
        renamed
        and not name_is_free
        and isinstance(name, str)
        and not any(p.path == "$.name" for p in problems)
    ):
        clash = Resource.objects.filter(factory=factory, kind=kind, name_key=Resource.key_for(name))
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        other = clash.first()
        if other is not None:
            where = " (deleted; an Admin can purge it)" if other.deleted_at else ""
            problems.append(Problem("$.name", _exists(kind, other.name, where)))
    return version, problems


def _exists(kind: str, name: str, where: str = "") -> str:
    return f"A {get_kind(kind).title.lower()} named '{name}' exists already{where}."


def save_definition(
    *,
    user: Any,
    name: str,
    properties: dict[str, Any],
    action: str,
    comment: str = "",
    detail: str = "",
    instance: Resource | None = None,
    based_on: int | None = None,
    trusted_secret_references: bool = False,
    factory: Factory | None = None,
    kind: str = LINKED_SERVICE.name,
    source_path: str | None = None,
    source_bytes: bytes | None = None,
    update_references: bool = False,
    secrets_from: Resource | None = None,
    schema_checked: bool = False,
    also: Callable[[SaveResult], object] | None = None,
) -> SaveResult:
    """Create (``instance`` None) or update a resource and append a revision.

    Renaming a resource that others reference is refused, naming them, unless
    ``update_references``: then each of them gets its own revision naming the new name.

    ``factory`` and ``kind`` place a new resource (default: the default factory, a linked
    service); an existing one keeps its own. ``based_on`` is the revision the caller
    edited; if another save came in between, :class:`StaleRevision` is raised and nothing
    is written. ``secrets_from``: a new resource cloned from that one, whose untouched
    secrets (the mask) are carried over under the same rule as an edit's: only while the
    target they were typed for is unchanged. ``detail`` is kept beside the revision's
    short ``comment`` (an upgrade's plan), shown on the revision's own page.
    ``source_path`` and ``source_bytes`` record the file an import read.
    ``schema_checked``: the caller validated ``properties`` against the schema of the
    version they declare (only :mod:`portal.upgrades`, whose plan does). ``also`` is
    called with the result inside the transaction that writes it (e.g. to write its audit
    row): if it raises, nothing is written.
    """
    if instance is not None:
        factory, kind = instance.factory, instance.kind
    factory = factory or Factory.default()
    properties, version, problems = _checked(
        name,
        properties,
        instance,
        factory,
        kind,
        trusted=trusted_secret_references,
        secrets_from=secrets_from,
        schema_checked=schema_checked,
    )
    renamed = (
        instance is not None
        and isinstance(name, str)
        and Resource.key_for(name) != instance.name_key
    )
    referencing = incoming(instance) if renamed and instance is not None else []
    if referencing and not update_references and instance is not None:
        problems.extend(still_referenced(instance, "renamed"))
    if problems:
        raise DefinitionInvalid(problems)
    properties, fields = _fields(name, properties, version)
    try:
        with transaction.atomic():
            fields["definition"] = sealed_text(properties)
            if instance is None:
                instance = Resource.objects.create(
                    factory=factory, kind=kind, created_by=user, updated_by=user, revision=0,
                    **fields,
                )  # fmt: skip
                based_on = 0
                keep_terms([instance], new=True)
            old_name = instance.name
            resource, revision = _append_revision(
                instance,
                based_on,
                fields,
                user=user,
                action=action,
                comment=comment,
                source_path=source_path,
                source_bytes=source_bytes,
                detail=detail,
            )
            for source_resource in {link.source.pk: link.source for link in referencing}.values():
                _follow_rename(source_resource, resource, old_name, user=user)
            if also is not None:
                also(SaveResult(resource, revision))
    except IntegrityError:
        # Two writers took the same name at once: the unique key decided.
        raise DefinitionInvalid([Problem("$.name", _exists(kind, name))]) from None
    return SaveResult(resource, revision)


def save_value(
    *,
    user: Any,
    instance: Resource,
    stored: JsonText | None = None,
    at: tuple[str | int, ...],
    value: dict[str, Any],
    action: str,
    comment: str = "",
    based_on: int | None = None,
    source_path: str | None = None,
    source_bytes: bytes | None = None,
    also: Callable[[SaveResult], object] | None = None,
) -> SaveResult:
    """Edit one object of a resource (one activity of a pipeline): ``value`` is the new
    object at ``at`` under its properties, as :func:`save_definition` takes a definition (a
    secret unchanged as the mask). Nothing else of the definition changes, so only
    ``value`` is checked, its secrets resolved and sealed: the same problems at the same
    paths as :func:`save_definition` finds for the whole, at the cost of the part. The
    stored definition is read only where needed (``stored``: the caller's
    :class:`JsonText` of it, with what it has read already): the old value, and the whole
    only when ``value`` holds a secure string (whose target is the whole's) or is one the
    resource's columns are made of. A resource whose kind and type a schema validates whole
    goes through :func:`save_definition`. The new revision holds the whole definition, as
    every one does; ``based_on`` refuses a stale edit as there."""
    kind = instance.kind
    if stored is None or stored.text is not instance.definition:
        stored = definition_text(instance.definition)
    declared = stored.get(("type",)) if schema_validated_kind(kind) else None
    whole_checked = has_form(kind, declared) or dataset_type(kind, declared) is not None
    if whole_checked or not at or at[0] == "parameters":  # (secret parameters are wrapped)
        whole = replaced_at(stored.whole(), at, value)
        return save_definition(
            user=user, name=instance.name, properties=masked(whole), action=action,
            comment=comment, instance=instance, based_on=based_on, source_path=source_path,
            source_bytes=source_bytes, also=also,
        )  # fmt: skip
    old = stored.value(at)
    has_secrets = next(secure_strings(value), None) is not None
    resolved, problems = resolve_secrets(
        value,
        old if isinstance(old, dict) else None,
        trusted=False,
        # The type after the edit (all masks_held reads): no form's, or it went whole above.
        masks_held=masks_held(kind, {"type": value if at == ("type",) else declared}),
        at=at,
        # Read only for a secret: where ADF holds it, the target a stored one is kept for.
        whole=replaced_at(stored.whole(), at, value) if has_secrets else None,
    )
    problems = [
        *problems,
        *validate_name(instance.name),
        *control_character_problems(resolved, ("properties", *at)),
    ]
    if problems:
        raise DefinitionInvalid(problems)
    after = replaced_at(stored.whole(), at, resolved) if has_secrets else None
    fields: dict[str, Any] = {}
    if at[0] in COLUMN_MEMBERS:
        if after is None:
            after = replaced_at(stored.whole(), at, resolved)
        _, fields = _fields(instance.name, after, None)
    # else: the columns (name, type, description, annotations...) are made of other
    # members, which stay as they are: only the definition is written anew.
    try:
        with transaction.atomic():
            # A new secret is bound to the whole's target (and only a secret reads it).
            sealed = seal(resolved, target_of(after) if after is not None else {})
            fields["definition"] = _definition_with(stored, at, sealed)
            resource, revision = _append_revision(
                instance, based_on, fields, user=user, action=action, comment=comment,
                source_path=source_path, source_bytes=source_bytes,
            )  # fmt: skip
            if also is not None:
                also(SaveResult(resource, revision))
    except IntegrityError:  # pragma: no cover - the name does not change
        raise DefinitionInvalid([Problem("$.name", _exists(kind, instance.name))]) from None
    return SaveResult(resource, revision)


def _definition_with(stored: JsonText, at: tuple[str | int, ...], value: Any) -> str:
    """The stored definition (``stored``'s text) with the value at ``at`` written anew: the
    text around it kept, so a large definition is not written out whole again. It reads as
    the stored definition with that value replaced, as the whole written anew would."""
    try:
        start, end = stored.span(at)
    except SpanNotFound:  # pragma: no cover - the definition holds what it was read as
        return json.dumps(replaced_at(stored.whole(), at, value), ensure_ascii=False)
    text = stored.text
    return text[:start] + json.dumps(value, ensure_ascii=False) + text[end:]


def _checked(
    name: Any,
    properties: dict[str, Any],
    instance: Resource | None,
    factory: Factory,
    kind: str,
    *,
    trusted: bool,
    name_is_free: bool = False,
    secrets_from: Resource | None = None,
    schema_checked: bool = False,
    secret_targets: Mapping[int, dict[str, Any] | None] | None = None,
) -> tuple[dict[str, Any], Any, list[Problem]]:
    """Secrets resolved and the definition checked: (properties, version, problems).
    ``secret_targets``: stored secrets' targets already read (see resolve_secrets)."""
    source = instance if instance is not None else secrets_from
    stored = source.properties if source is not None else None
    properties = wrap_secret_parameters(properties)
    properties, secret_problems = resolve_secrets(
        properties,
        stored,
        trusted=trusted,
        masks_held=masks_held(kind, properties),
        bound=secret_targets,
    )
    version, problems = check(
        name,
        properties,
        instance,
        factory=factory,
        kind=kind,
        name_is_free=name_is_free,
        schema_checked=schema_checked,
    )
    return properties, version, [*secret_problems, *problems]


COLUMN_MEMBERS = ("type", "version", "description", "annotations")
"""The members of a definition its resource's columns are made of (:func:`_fields`)."""


def _fields(
    name: str, properties: dict[str, Any], version: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(properties as stored, the resource's columns but its definition)."""
    if version is not None:
        # Kept as written: in Studio's key order, with nothing the file had not.
        properties = canonical_properties(properties, add_annotations=False)
    description = properties.get("description", "")
    fields = {
        "name": name,
        "name_key": Resource.key_for(name),
        "connector": version.connector_type if version else _text(properties.get("type"), 100),
        "connector_version": version.version if version else _text(properties.get("version"), 20),
        "description": description if isinstance(description, str) else "",
        "annotations": annotations_column(properties),
    }
    return properties, fields


@dataclass
class NewDefinition:
    """One resource to create by :func:`create_definitions` (an imported file)."""

    name: str
    properties: dict[str, Any]
    kind: str
    comment: str = ""
    source_path: str | None = None
    source_bytes: bytes | None = None


CREATE_BATCH = 500


def create_definitions(
    entries: list[NewDefinition], *, user: Any, action: str, factory: Factory
) -> Sequence[SaveResult | list[Problem]]:
    """Create many new resources at once, each with its first revision: the same checks,
    secret handling and stored state as :func:`save_definition` for a new resource, written
    in batches. The caller has found none of the names in ``factory`` (one query for all);
    the unique key still refuses a name taken meanwhile.

    Returns one SaveResult per entry, or, when any entry has problems, each entry's
    problems (and nothing is written)."""
    checked: list[tuple[dict[str, Any], Any]] = []
    all_problems: list[list[Problem]] = []
    for entry in entries:
        properties, version, problems = _checked(
            entry.name, entry.properties, None, factory, entry.kind, trusted=False,
            name_is_free=True,
        )  # fmt: skip
        all_problems.append(problems)
        checked.append((properties, version))  # an import gives a few hundred at a time
    if any(all_problems):
        return all_problems
    results: list[SaveResult] = []
    try:
        with transaction.atomic():
            for start in range(0, len(entries), CREATE_BATCH):
                end = start + CREATE_BATCH
                batch = list(zip(entries[start:end], checked[start:end], strict=True))
                resources = []
                for entry, (checked_properties, version) in batch:
                    properties, fields = _fields(entry.name, checked_properties, version)
                    fields["definition"] = sealed_text(properties)
                    resources.append(
                        Resource(
                            factory=factory, kind=entry.kind, created_by=user, updated_by=user,
                            revision=1, **fields,
                        )
                    )  # fmt: skip
                create_all(Resource, resources)
                keep_terms(resources, new=True)
                revisions = [
                    _revision(
                        resource,
                        1,
                        user=user,
                        action=action,
                        comment=entry.comment,
                        detail="",
                        source_path=entry.source_path,
                        source_bytes=entry.source_bytes,
                    )
                    for resource, (entry, _) in zip(resources, batch, strict=True)
                ]
                create_all(Revision, revisions)
                results.extend(SaveResult(r, v) for r, v in zip(resources, revisions, strict=True))
    except IntegrityError:
        # Another writer took one of the names meanwhile: say which, write nothing.
        taken = set(
            Resource.objects.filter(
                factory=factory, name_key__in=[Resource.key_for(e.name) for e in entries]
            ).values_list("kind", "name_key")
        )
        return [
            [Problem("$.name", _exists(e.kind, e.name))]
            if (e.kind, Resource.key_for(e.name)) in taken
            else []
            for e in entries
        ]
    return results


@dataclass
class NewRevision:
    """One resource's next state for :func:`append_revisions`: its name is unchanged."""

    instance: Resource
    properties: dict[str, Any]
    based_on: int
    comment: str = ""
    detail: str = ""


class BatchNotWritten(Exception):
    """The database refused a batch of :func:`append_revisions` as a whole (nothing of it
    was written): the caller saves its entries one at a time to find which one it was."""


def append_revisions(
    entries: Sequence[NewRevision],
    *,
    user: Any,
    action: str,
    trusted_secret_references: bool = False,
    schema_checked: bool = False,
    also: Callable[[list[SaveResult]], object] | None = None,
) -> list[SaveResult | DefinitionInvalid | StaleRevision]:
    """Move many resources on by one revision each, in one transaction: per entry the same
    checks, secret handling and stored state as :func:`save_definition` of an existing
    resource under its own name, and the same compare-and-set on its revision.

    Returns, per entry, its SaveResult, or the DefinitionInvalid or StaleRevision that kept
    it (and only it) from being written. ``also`` is called with every result inside the
    transaction that writes them (their audit rows): if it raises, nothing is written.
    :class:`BatchNotWritten` when the database refused the batch (nothing is written)."""
    outcomes: list[SaveResult | DefinitionInvalid | StaleRevision | None] = [None] * len(entries)
    ready: list[tuple[int, NewRevision, dict[str, Any], dict[str, Any]]] = []
    # The targets of the stored secrets the entries reference, read in one query (one a
    # mask resolves to is read by resolve_secrets itself).
    secret_ids = [
        secret["secretId"]
        for entry in entries
        for _, secret in secure_strings(entry.properties)
        if isinstance(secret.get("secretId"), int)
    ]
    targets = SecretValue.targets(secret_ids) if secret_ids else {}
    for index, entry in enumerate(entries):
        instance = entry.instance
        properties, version, problems = _checked(
            instance.name, entry.properties, instance, instance.factory, instance.kind,
            trusted=trusted_secret_references, schema_checked=schema_checked,
            secret_targets=targets,
        )  # fmt: skip
        if problems:
            outcomes[index] = DefinitionInvalid(problems)
            continue
        properties, fields = _fields(instance.name, properties, version)
        ready.append((index, entry, properties, fields))
    # The callers' instances change only once the transaction is committed.
    written: list[tuple[int, NewRevision, Resource, Revision]] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            # Locked until the commit (on SQLite the transaction holds the write lock).
            at = dict(
                Resource.objects.select_for_update()
                .filter(pk__in=[entry.instance.pk for _, entry, _, _ in ready])
                .values_list("pk", "revision")
            )
            terms: list[Resource] = []
            for index, entry, properties, fields in ready:
                instance, number = entry.instance, entry.based_on + 1
                if at.get(instance.pk) != entry.based_on:
                    outcomes[index] = StaleRevision(Resource.objects.get(pk=instance.pk))
                    continue
                fields["definition"] = sealed_text(properties)
                fields.update(revision=number, updated_by=user, updated_at=now)
                if instance.revision == entry.based_on:
                    current = copy.copy(instance)
                    if any(getattr(instance, k) != fields[k] for k in TERM_FIELDS):
                        terms.append(current)
                else:  # our copy is behind the row (read above): the terms follow the row
                    current = Resource.objects.get(pk=instance.pk)
                    terms.append(current)
                for key, value in fields.items():
                    setattr(current, key, value)
                revision = _revision(
                    current, number, user=user, action=action, comment=entry.comment,
                    detail=entry.detail,
                )  # fmt: skip
                written.append((index, entry, current, revision))
            _compare_and_set([(entry.based_on, current) for _, entry, current, _ in written])
            if terms:
                keep_terms(terms)
            Revision.objects.bulk_create([revision for *_, revision in written])
            if also is not None and written:
                also([SaveResult(current, revision) for *_, current, revision in written])
    except DatabaseError as exc:
        raise BatchNotWritten(str(exc)) from exc
    for index, entry, current, revision in written:
        entry.instance.__dict__.update(current.__dict__)
        revision.resource = entry.instance
        outcomes[index] = SaveResult(entry.instance, revision)
    return [outcome for outcome in outcomes if outcome is not None]


SAVED_FIELDS = (
    "revision",
    "updated_by",
    "updated_at",
    "name",
    "name_key",
    "connector",
    "connector_version",
    "description",
    "annotations",
    "definition",
)
"""The columns a save changes (:func:`_fields`, the definition, who and when)."""


def _compare_and_set(rows: list[tuple[int, Resource]]) -> None:
    """Write each resource's saved columns, each only while its row is at the revision it
    was based on: one statement, executed for every row (DatabaseError unless every row
    was at its revision; the caller's transaction then writes nothing)."""
    if not rows:
        return
    meta = Resource._meta
    saved = [meta.get_field(name) for name in SAVED_FIELDS]
    quote = connection.ops.quote_name
    pk, revision = meta.get_field("id"), meta.get_field("revision")
    sql = (
        f"UPDATE {quote(meta.db_table)} SET "
        + ", ".join(f"{quote(field.column)} = %s" for field in saved)
        + f" WHERE {quote(pk.column)} = %s AND {quote(revision.column)} = %s"
    )
    params = [
        [
            *(
                field.get_db_prep_save(getattr(current, field.attname), connection)
                for field in saved
            ),
            current.pk,
            based_on,
        ]
        for based_on, current in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
        changed = cursor.rowcount
    if changed != len(rows):
        raise DatabaseError(f"{changed} of {len(rows)} resources were at their revision.")


def _follow_rename(referencing: Resource, renamed: Resource, old_name: str, *, user: Any) -> None:
    """Point ``referencing`` at the new name of ``renamed``, as a revision of its own."""
    kind = get_kind(renamed.kind)
    properties = rename_references(
        referencing.properties,
        kind,
        old_name,
        renamed.name,
        lambda a, b: Resource.key_for(a) == Resource.key_for(b),
    )
    fields = {"definition": json.dumps(properties, ensure_ascii=False)}
    _append_revision(
        referencing,
        None,
        fields,
        user=user,
        action=Revision.Action.EDIT,
        comment=f"{kind.title} '{old_name}' renamed to '{renamed.name}'",
    )


def _text(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


TERM_FIELDS = ("name", "annotations")
"""The columns of a resource its list-filter terms are made of (portal.listing.term_keys)."""


def _append_revision(
    instance: Resource,
    based_on: int | None,
    fields: dict[str, Any],
    *,
    user: Any,
    action: str,
    comment: str,
    source_path: str | None = None,
    source_bytes: bytes | None = None,
    detail: str = "",
) -> tuple[Resource, Revision]:
    """Move the resource on by one revision, only if nobody else did first.

    The compare-and-set UPDATE is what makes concurrent saves safe on every database:
    of several writers based on the same revision exactly one matches the WHERE clause.
    """
    expected = instance.revision if based_on is None else based_on
    # What the list filters find it by (portal.listing's terms) follows a new name or
    # new annotations; our copy may be behind the row, which then decides below.
    new_terms = any(k in fields and getattr(instance, k) != fields[k] for k in TERM_FIELDS)
    now = timezone.now()
    with values_as_parameters():
        changed = Resource.objects.filter(pk=instance.pk, revision=expected).update(
            revision=expected + 1, updated_by=user, updated_at=now, **fields
        )
    if not changed:
        raise StaleRevision(Resource.objects.get(pk=instance.pk))
    if instance.revision == expected:
        # Our copy was the row the UPDATE matched: bring it up to date without a read.
        current = instance
        for key, value in fields.items():
            setattr(current, key, value)
        current.revision, current.updated_by, current.updated_at = expected + 1, user, now
    else:
        current = Resource.objects.get(pk=instance.pk)
        new_terms = any(k in fields for k in TERM_FIELDS)
    if new_terms:
        keep_terms([current])
    revision = _revision(
        current, expected + 1, user=user, action=action, comment=comment, detail=detail,
        source_path=source_path, source_bytes=source_bytes,
    )  # fmt: skip
    with values_as_parameters():
        revision.save(force_insert=True)
    return current, revision


def _revision(
    current: Resource,
    number: int,
    *,
    user: Any,
    action: str,
    comment: str,
    detail: str,
    source_path: str | None = None,
    source_bytes: bytes | None = None,
) -> Revision:
    """Revision ``number`` of ``current`` (as it now is), not saved yet."""
    return Revision(
        resource=current,
        number=number,
        name=current.name,
        connector=current.connector,
        connector_version=current.connector_version,
        definition=current.definition,
        action=action,
        comment=comment,
        detail=detail,
        author=user,
        source_path=source_path,
        source_bytes=source_bytes,
    )


def delete_definition(*, user: Any, instance: Resource, based_on: int | None = None) -> Revision:
    """Soft delete, recorded as a revision; the history stays and can be restored.

    Refused (:class:`DefinitionInvalid`) while other resources reference it."""
    problems = still_referenced(instance, "deleted")
    if problems:
        raise DefinitionInvalid(problems)
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


def undelete_definition(*, user: Any, instance: Resource) -> Revision:
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


def purge_definition(*, instance: Resource) -> None:
    """Free a deleted resource's name for reuse. Its revisions stay in the database."""
    if instance.deleted_at is None:
        raise ValueError("Only a deleted resource can be purged.")
    Resource.objects.filter(pk=instance.pk).update(
        purged_at=timezone.now(), name_key=f"#purged/{instance.pk}"
    )


def restore_revision(
    *, user: Any, instance: Resource, number: int, based_on: int | None = None
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
        # A revision that kept its file's bytes (an import, an activity edit) restores them.
        source_path=old.source_path,
        source_bytes=bytes(old.source_bytes) if old.source_bytes is not None else None,
    )
