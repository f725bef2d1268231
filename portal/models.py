"""Factories, their resources of every kind, append-only revisions, and encrypted secrets."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from connectors.json_spans import JsonText
from connectors.registry import get_version, has_form
from connectors.secret_targets import decode as decode_target
from connectors.secret_targets import encode as encode_target
from connectors.secret_targets import target_of
from connectors.secrets import (
    MASK,
    map_secure_strings,
    masked,
    secure_strings,
    text_without_secure_strings,
)


class ImmutableError(Exception):
    """Raised on any attempt to change or delete a row that is append-only."""


class SecretValue(models.Model):
    """One secret, encrypted. Rows are only re-encrypted (key rotation), never changed."""

    ciphertext = models.TextField()
    target = models.TextField(
        blank=True,
        default="",
        help_text="JSON: where and how the secret was to be sent when it was typed "
        "(connectors.secret_targets); it may only be reused for that target.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"secret #{self.pk}"

    @classmethod
    def store(cls, plaintext: str, target: dict[str, Any]) -> SecretValue:
        from portal.crypto import encrypt

        return cls.objects.create(ciphertext=encrypt(plaintext), target=encode_target(target))

    @classmethod
    def targets(cls, ids: list[int]) -> dict[int, dict[str, Any] | None]:
        """The target each of these secrets was typed for (None: not recorded)."""
        rows = cls.objects.filter(pk__in=ids).values_list("pk", "target")
        return {pk: decode_target(text) for pk, text in rows}

    def reveal(self) -> str:
        from portal.crypto import decrypt

        return decrypt(self.ciphertext)


def seal(properties: dict[str, Any], target: dict[str, Any] | None = None) -> dict[str, Any]:
    """Replace clear secure-string values by references to new encrypted rows, each bound
    to the target these properties send it to (``target``: the target of the definition
    ``properties`` are a part of)."""
    target = target_of(properties) if target is None else target

    def to_reference(secret: dict[str, Any]) -> dict[str, Any]:
        if "secretId" in secret:
            return {"type": "SecureString", "secretId": secret["secretId"]}
        if not isinstance(secret.get("value"), str):
            return secret  # not a secret to keep (the schema refuses it where one belongs)
        if secret["value"] == MASK:
            return secret  # a secret ADF holds (resolve_secrets let only those through)
        stored = SecretValue.store(secret["value"], target)
        return {"type": "SecureString", "secretId": stored.pk}

    return map_secure_strings(properties, to_reference)


def sealed_text(properties: dict[str, Any]) -> str:
    """The text a definition is stored as: ``json.dumps(seal(properties), ensure_ascii=False)``.
    One without a secure string (most) is written out once, without the copy that sealing
    it would make."""
    text = text_without_secure_strings(properties)
    return text if text is not None else json.dumps(seal(properties), ensure_ascii=False)


def definition_text(definition: str) -> JsonText:
    """A stored definition read only where asked (:class:`JsonText`). Every definition is
    written by ``json.dumps`` of a parsed document (:func:`sealed_text`, or a value of one
    written into another, :func:`portal.definitions.save_value`): no object of it has a
    key twice, so a value found is not looked for again in the rest of the text."""
    return JsonText(definition, unique_keys=True)


def unseal(properties: dict[str, Any]) -> dict[str, Any]:
    """Clear values for secure-string references (only for a connection's own use)."""
    ids = [s["secretId"] for s in _references(properties)]
    if not ids:
        return properties
    values = {s.pk: s.reveal() for s in SecretValue.objects.filter(pk__in=ids)}

    def to_value(secret: dict[str, Any]) -> dict[str, Any]:
        if "secretId" not in secret:
            return secret
        return {"type": "SecureString", "value": values[secret["secretId"]]}

    return map_secure_strings(properties, to_value)


def _references(properties: Any) -> list[dict[str, Any]]:
    return [s for _, s in secure_strings(properties) if "secretId" in s]


class SourceBytesField(models.BinaryField):
    """The bytes of an imported file, kept without a secret in clear: each secret value
    written in clear is masked (:func:`connectors.adf_repository.without_clear_secrets`)
    before the bytes reach the database, whoever writes them (a save, a bulk create, an
    update); every other byte is kept, for exports byte for byte. The secret itself is kept
    sealed with the parsed definition (:func:`seal`)."""

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = super().pre_save(model_instance, add)
        if value is not None and not isinstance(value, MaskedBytes):
            value = _without_clear_secrets(bytes(value))
            setattr(model_instance, self.attname, value)  # what is written, in memory too
            return MaskedBytes(value)
        return value

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, MaskedBytes):
            return bytes(value)  # masked already (a large file is not read again)
        value = super().get_prep_value(value)
        return value if value is None else _without_clear_secrets(bytes(value))


class MaskedBytes(bytes):
    """Bytes known to hold no secret in clear (masked by :meth:`SourceBytesField.pre_save`,
    or made only of such bytes and of a part that cannot hold one): a
    :class:`SourceBytesField` writes them as they are, without reading them again."""


def _without_clear_secrets(raw: bytes) -> bytes:
    # The repository reader (zip files and all) loads with the first imported file, not
    # with the models: a command that reads no file (test_connection) starts without it.
    from connectors.adf_repository import without_clear_secrets

    return without_clear_secrets(raw)


class SealedBytes(bytes):
    """Bytes sealed already (:func:`portal.crypto.seal_bytes`): a :class:`KeptBytesField`
    stores them as they are (key rotation writes them so)."""


class KeptBytesField(models.BinaryField):
    """The bytes of a repository file kept as is: given back exactly as they were written,
    always. Bytes that hold a secret in clear
    (:func:`connectors.adf_repository.holds_clear_secret`) are stored sealed with the
    secrets' keys (:func:`portal.crypto.seal_bytes`), whoever writes them; so are the rare
    bytes that begin as sealed ones do, so that no file is ever taken for a sealed one."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or isinstance(value, SealedBytes):
            return None if value is None else bytes(value)
        return stored_kept_bytes(bytes(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> bytes | None:
        from portal.crypto import open_bytes

        return None if value is None else open_bytes(bytes(value))


def stored_kept_bytes(data: bytes, keys: Any = None) -> bytes:
    """How a :class:`KeptBytesField` stores ``data``: sealed (with ``keys``, the configured
    ones when not given) when it holds a secret in clear, else as it is."""
    from connectors.adf_repository import holds_clear_secret
    from portal.crypto import is_sealed, seal_bytes

    if holds_clear_secret(data) or is_sealed(data):
        return seal_bytes(data, keys)
    return data


_M = TypeVar("_M", bound=models.Model)


def unique_row(queryset: models.QuerySet[_M]) -> _M | None:
    """The row a filter on a unique key finds (None: none), read without the ORDER BY and
    the clone that ``.first()`` adds (a request's lookups by token, name or role)."""
    return next(iter(queryset.order_by()[:1]), None)


class Factory(models.Model):
    """An ADF data factory or a Synapse workspace: the home of its resources."""

    class Kind(models.TextChoices):
        DATA_FACTORY = "dataFactory", "Data Factory"
        SYNAPSE = "synapse", "Synapse workspace"

    DEFAULT_NAME = "default"

    name = models.CharField(max_length=63, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DATA_FACTORY)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "factories"

    def __str__(self) -> str:
        return self.name

    @property
    def is_workspace(self) -> bool:
        return self.kind == self.Kind.SYNAPSE

    @classmethod
    def default(cls) -> Factory:
        """The factory that routes without a factory in them (and data from before) use."""
        factory = cls.named(cls.DEFAULT_NAME)
        if factory is None:
            factory, _ = cls.objects.get_or_create(name=cls.DEFAULT_NAME)
        return factory

    @classmethod
    def named(cls, name: str) -> Factory | None:
        return unique_row(cls.objects.filter(name=name))


class FactoryRole(models.Model):
    """A user's role (Reader, Editor, Admin) in one factory; none means no access to it."""

    factory = models.ForeignKey(Factory, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="factory_roles"
    )
    role = models.CharField(max_length=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["factory", "user"], name="one_role_per_factory")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} in {self.factory}"

    @classmethod
    def role_name(cls, user_id: int, factory_id: int) -> str | None:
        """The role ``user_id`` has in ``factory_id`` (None: none)."""
        roles = cls.objects.filter(user_id=user_id, factory_id=factory_id)
        return next(iter(roles.values_list("role", flat=True).order_by()[:1]), None)


class ResourceQuerySet(models.QuerySet["Resource"]):
    def live(self) -> ResourceQuerySet:
        return self.filter(deleted_at__isnull=True)

    def deleted(self) -> ResourceQuerySet:
        return self.filter(deleted_at__isnull=False, purged_at__isnull=True)

    def of_kind(self, kind: str) -> ResourceQuerySet:
        return self.filter(kind=kind)


_ResourceManagerBase = models.Manager.from_queryset(ResourceQuerySet)


class ResourceManager(_ResourceManagerBase):  # type: ignore[valid-type,misc]
    """Every resource comes with its factory (its address names it): a list of them costs
    one query, not one more per row."""

    def get_queryset(self) -> ResourceQuerySet:
        return super().get_queryset().select_related("factory")  # type: ignore[no-any-return]


class Resource(models.Model):
    """The current state of one resource of any kind in a factory; history in :class:`Revision`.

    ``kind`` is a name from :mod:`connectors.kinds`; ``connector`` is the resource's
    ``properties.type`` (``Spark``, ``AzureBlobStorage``, ``DelimitedText``...) and
    ``connector_version`` its version, empty where the kind or type has none.
    """

    factory = models.ForeignKey(Factory, on_delete=models.PROTECT, related_name="resources")
    kind = models.CharField(max_length=40, default="linkedService")
    name = models.CharField(max_length=260)
    name_key = models.CharField(max_length=260, editable=False)
    connector = models.CharField(max_length=100, blank=True)
    connector_version = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True)
    annotations = models.TextField(
        blank=True,
        default="",
        editable=False,
        help_text="The definition's annotations, each case-folded between bars "
        "(portal.listing.annotations_column), to filter lists by one.",
    )
    definition = models.TextField(help_text="ADF properties JSON; secrets as references.")
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    objects = ResourceManager()

    class Meta:
        ordering = ["name_key"]
        indexes = [
            models.Index(fields=["connector", "connector_version"]),
            # Lists (portal.listing): counting the live ones from the index alone, and the
            # sort by last change without sorting every row.
            models.Index(fields=["factory", "kind", "deleted_at"], name="resource_live"),
            models.Index(fields=["factory", "kind", "updated_at"], name="resource_by_change"),
            # The lifecycle count on every list page: the few on a retiring connector version,
            # found from the index, not among every live one of the factory.
            models.Index(
                fields=["factory", "kind", "connector", "connector_version", "deleted_at"],
                name="resource_by_version",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "kind", "name_key"], name="one_name_per_factory_and_kind"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def key_for(name: str) -> str:
        return name.casefold()

    @classmethod
    def live_named(cls, factory: Factory, kind: str, name: str) -> Resource | None:
        """The live resource of this kind and name in ``factory`` (its factory set)."""
        # Without the factory's join: it is the one given.
        resource = unique_row(
            cls.objects.live()
            .select_related(None)
            .filter(factory=factory, kind=kind, name_key=cls.key_for(name))
        )
        if resource is not None:
            resource.factory = factory
        return resource

    @property
    def properties(self) -> dict[str, Any]:
        """Stored properties, secrets as ``{"type": "SecureString", "secretId": n}``."""
        return json.loads(self.definition)

    @property
    def masked_properties(self) -> dict[str, Any]:
        return masked(self.properties)

    @property
    def connector_definition(self) -> Any:
        return get_version(self.connector, self.connector_version)

    @property
    def support_note(self) -> str:
        """What the connector says of this version's support ("" for a document)."""
        if not has_form(self.kind, self.connector):
            return ""
        return str(self.connector_definition.support_note)

    @property
    def support_badge(self) -> str:
        """The badge beside a version with a support note ("end of support", "legacy")."""
        if not has_form(self.kind, self.connector):
            return ""
        return str(self.connector_definition.support_badge)

    @property
    def etag(self) -> str:
        return f'"{self.revision}"'

    def revision_at(self, number: int) -> Revision:
        return self.revisions.get(number=number)


class ResourceTerm(models.Model):
    """What the list filters find a resource by, one indexed row a term, so that a filter
    costs what it finds, not the size of the table (:mod:`portal.listing`): each suffix of
    the resource's name key (a name filter is the start of one of them) and each of its
    annotations (an annotation filter is one of them, whole). Kept in step with the name and
    the annotations by the service that saves a resource (:mod:`portal.definitions`)."""

    NAME = "n"
    ANNOTATION = "a"
    FIELDS = [(NAME, "a suffix of the name key"), (ANNOTATION, "an annotation, case-folded")]

    KEY_LENGTH = 40
    """Longest term kept; a longer one is cut (a filter finds candidates by its start, and
    checks each on the resource itself)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=1, choices=FIELDS)
    key = models.CharField(max_length=KEY_LENGTH)

    class Meta:
        indexes = [
            # PostgreSQL: the pattern operator class, so that LIKE 'start%' reads a range of
            # the index whatever the database's collation (other databases ignore it).
            models.Index(
                fields=["field", "key"],
                name="resource_term",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field}:{self.key}"


class RevisionQuerySet(models.QuerySet["Revision"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableError("Revisions are append-only.")

    def delete(self) -> Any:
        raise ImmutableError("Revisions are append-only.")


class Revision(models.Model):
    """One immutable state of a resource. Rows are only ever inserted."""

    class Action(models.TextChoices):
        CREATE = "create"
        EDIT = "edit"
        IMPORT = "import"
        RESTORE = "restore"
        UPGRADE = "upgrade"
        DELETE = "delete"

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=260)
    connector = models.CharField(max_length=100)
    connector_version = models.CharField(max_length=20)
    definition = models.TextField()
    action = models.CharField(max_length=20, choices=Action.choices)
    comment = models.TextField(blank=True)
    detail = models.TextField(
        blank=True, default="", help_text="The whole account of the change (an upgrade's plan)."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    source_path = models.CharField(
        max_length=1000, null=True, blank=True, help_text="Path in the imported repository."
    )
    source_bytes = SourceBytesField(
        null=True,
        blank=True,
        help_text="The imported file exactly, secrets in clear masked (null unless imported).",
    )

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "number"], name="one_revision_number_per_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} r{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("Revisions are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableError("Revisions are append-only.")

    @property
    def properties(self) -> dict[str, Any]:
        return json.loads(self.definition)


class AuditEvent(models.Model):
    """Who did what, when. Written by :mod:`portal.audit`; never holds a secret."""

    class Action(models.TextChoices):
        CREATE = "create"
        EDIT = "edit"
        DELETE = "delete"
        RESTORE = "restore"
        UNDELETE = "undelete"
        PURGE = "purge"
        IMPORT = "import"
        EXPORT = "export"
        UPGRADE = "upgrade"
        SIGN_IN_FAILED = "sign-in failed"
        SIGN_IN_LOCKED = "sign-in locked"
        PERMISSION_DENIED = "permission denied"
        TOKEN_CREATED = "token created"
        TOKEN_REVOKED = "token revoked"
        USER_CHANGED = "user changed"
        TEST = "test connection"
        QUERY_CHECK = "query check"
        PREVIEW = "preview data"
        CATALOG = "read catalog"
        QUERY_PREVIEW = "query preview"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=30, choices=Action.choices, db_index=True)
    object_name = models.CharField(max_length=260, blank=True, db_index=True)
    factory = models.ForeignKey(
        Factory, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resource = models.ForeignKey(Resource, null=True, on_delete=models.SET_NULL, related_name="+")
    revision = models.PositiveIntegerField(null=True)
    detail = models.TextField(blank=True)
    remote_addr = models.GenericIPAddressField(null=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.object_name}"

    @classmethod
    def append(cls, **fields: Any) -> AuditEvent:
        """A new event."""
        return cls.objects.create(**fields)

    @classmethod
    def append_many(cls, events: list[AuditEvent]) -> list[AuditEvent]:
        """New events, inserted together."""
        return cls.objects.bulk_create(events)


class ApiToken(models.Model):
    """A personal token for scripts. Only a hash of the key is stored.

    A token acts with its user's role, or only reads when ``read_only``; it stops working
    at ``expires_at`` (None: tokens made before expiry existed).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    read_only = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def active(cls, key: str) -> ApiToken | None:
        """The unrevoked token with this key, with its user (None: there is none)."""
        return unique_row(
            cls.objects.filter(key_hash=cls.hash_key(key), revoked_at__isnull=True).select_related(
                "user"
            )
        )

    @staticmethod
    def hash_key(key: str) -> str:
        import hashlib

        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def expired(self) -> bool:
        from django.utils import timezone

        return self.expires_at is not None and self.expires_at <= timezone.now()

    @classmethod
    def issue(
        cls, user: Any, name: str, *, read_only: bool = False, expires_at: Any = None
    ) -> tuple[ApiToken, str]:
        """A new token and its key; the key is shown once and never stored."""
        import secrets

        key = "lw_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=key[:10],
            key_hash=cls.hash_key(key),
            read_only=read_only,
            expires_at=expires_at,
        )
        return token, key


def secrets_equal(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two stored secure strings hold the same value (compared, never shown)."""
    import hmac

    if a.get("secretId") is not None and a.get("secretId") == b.get("secretId"):
        return True

    def value(secret: dict[str, Any]) -> str:
        if "secretId" in secret:
            return SecretValue.objects.get(pk=secret["secretId"]).reveal()
        return str(secret.get("value", ""))

    return hmac.compare_digest(value(a).encode(), value(b).encode())


def properties_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Any]:
    """Property-by-property changes between two stored definitions."""
    from connectors.diff import diff

    return diff({"properties": old}, {"properties": new}, secrets_equal)


def revision_changes(old: Revision, new: Revision) -> list[Any]:
    """Property-by-property changes between two revisions, name included."""
    from connectors.diff import Change

    renamed = [Change("$.name", "changed", old.name, new.name)] if old.name != new.name else []
    return [*renamed, *properties_changes(old.properties, new.properties)]


INTERRUPTED_DETAIL = (
    "The test was interrupted: it was still unfinished long after its deadline (the portal "
    "was restarted or its worker stopped). Test again."
)


def interrupted_after() -> float:
    """Seconds after its start past which an unfinished test was interrupted.

    ``CONNECTION_TEST_INTERRUPTED_AFTER`` when set; otherwise the longest a live test can
    take -- its deadline for each place it may wait in the queue, then its own run -- plus
    a minute, so that a queued test is never taken for a dead one.
    """
    if settings.CONNECTION_TEST_INTERRUPTED_AFTER is not None:
        return float(settings.CONNECTION_TEST_INTERRUPTED_AFTER)
    rounds = math.ceil(settings.CONNECTION_TEST_MAX_PENDING / settings.CONNECTION_TEST_WORKERS)
    return settings.CONNECTION_TEST_DEADLINE * max(rounds, 1) + 60


def interrupted_cutoff() -> datetime:
    """Unfinished tests started before this moment were interrupted."""
    return timezone.now() - timedelta(seconds=interrupted_after())


class ConnectionTestQuerySet(models.QuerySet["ConnectionTest"]):
    @staticmethod
    def _interrupted() -> models.Q:
        return models.Q(status__in=ConnectionTest.UNFINISHED, taken_at__lt=interrupted_cutoff())

    def interrupted(self) -> ConnectionTestQuerySet:
        """Tests whose process died before they finished (what ``from_db`` reports failed):
        taken by a process or a worker long ago, never a test still waiting on the task
        queue for a worker to take it."""
        return self.filter(self._interrupted())

    def not_interrupted(self) -> ConnectionTestQuerySet:
        return self.exclude(self._interrupted())


class ConnectionTest(models.Model):
    """One press of "Test connection": who, on what, and each stage's result.

    A test left queued or running by a process that died is read as failed ("the test was
    interrupted") by every reader: see ``from_db``. Only a test a process took (``taken_at``)
    can be: one waiting on the task queue stays queued, however long, until a worker takes
    it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        PASSED = "passed"
        FAILED = "failed"

    resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.SET_NULL, related_name="tests"
    )
    revision = models.PositiveIntegerField(null=True, blank=True)
    unsaved = models.BooleanField(default=False)
    name = models.CharField(max_length=260, blank=True)
    connector = models.CharField(max_length=100)
    connector_version = models.CharField(max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    taken_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the process that runs the test took it (its place in that process's "
        "pool, or a task queue's worker); None while it waits on the task queue. Its deadline "
        "counts from here.",
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    report = models.TextField(blank=True, help_text="JSON stage results; never a secret.")
    environment = models.ForeignKey(
        "Environment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tests",
        help_text="The environment whose effective definition was tested (None: the "
        "definition as saved, or as typed).",
    )

    UNFINISHED = (Status.QUEUED, Status.RUNNING)

    objects = ConnectionTestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The rate limit counts one user's tests of the last minute before every test.
            models.Index(fields=["user", "created_at"], name="test_user_recent"),
            # An environment's matrix reads each linked service's last test there.
            models.Index(fields=["environment", "resource", "created_at"], name="test_env_recent"),
        ]

    def __str__(self) -> str:
        return f"test of {self.name or 'unsaved'}: {self.status}"

    @classmethod
    def begin(cls, **fields: Any) -> ConnectionTest:
        """A new test's row."""
        return cls.objects.create(**fields)

    @classmethod
    def store(cls, pk: int, **changes: Any) -> bool:
        """Write these fields of test ``pk``; False if there is no such test."""
        return bool(cls.objects.filter(pk=pk).update(**changes))

    @classmethod
    def started_since(cls, user: Any, since: datetime) -> int:
        """How many tests ``user`` started since then (interrupted ones too)."""
        if getattr(user, "pk", None) is None:
            return cls.objects.filter(user__isnull=True, created_at__gte=since).count()
        return cls.objects.filter(user=user, created_at__gte=since).count()

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> ConnectionTest:
        test = super().from_db(db, field_names, values)
        if not {"status", "taken_at"} & test.get_deferred_fields():
            test._fail_if_interrupted()
        return test

    def _fail_if_interrupted(self) -> None:
        if self.status not in self.UNFINISHED or self.taken_at is None:
            return  # finished, or waiting on the task queue: no process has it to die with
        if self.taken_at >= interrupted_cutoff():
            return
        self.status = self.Status.FAILED
        self.finished_at = self.taken_at + timedelta(seconds=interrupted_after())
        stage = {
            "name": "Connection test",
            "status": "failed",
            "duration_ms": 0,
            "detail": INTERRUPTED_DETAIL,
        }
        self.report = json.dumps({"ok": False, "interrupted": True, "stages": [stage]})

    @property
    def done(self) -> bool:
        return self.status in (self.Status.PASSED, self.Status.FAILED)

    @property
    def result(self) -> dict[str, Any]:
        return json.loads(self.report) if self.report else {}

    @property
    def first_failure(self) -> dict[str, Any] | None:
        stages = self.result.get("stages", [])
        return next((s for s in stages if s.get("status") == "failed"), None)


class LiveCall(models.Model):
    """One call that opened (or was refused before opening) a connection to a user's server:
    a connection test, a catalog read, a data preview, a query check. Written by
    :mod:`portal.services.live` only: the per-user rate limit counts these rows (every
    process's), and a call still ``running`` long after its deadline was interrupted."""

    class Operation(models.TextChoices):
        TEST = "test connection"
        CATALOG = "read catalog"
        PREVIEW = "preview data"
        QUERY_CHECK = "query check"
        QUERY_PREVIEW = "query preview"

    class Verdict(models.TextChoices):
        RUNNING = "running"
        PASSED = "passed"
        FAILED = "failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    origin = models.CharField(max_length=3, default="ui")
    operation = models.CharField(max_length=20, choices=Operation.choices)
    factory = models.ForeignKey(
        Factory, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_service = models.CharField(max_length=260, blank=True)
    connector = models.CharField(max_length=100, blank=True)
    connector_version = models.CharField(max_length=20, blank=True)
    test = models.OneToOneField(
        "ConnectionTest", null=True, blank=True, on_delete=models.SET_NULL, related_name="call"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    verdict = models.CharField(max_length=10, choices=Verdict.choices, default=Verdict.RUNNING)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            # The rate limit counts one user's calls of the last minute before every call.
            models.Index(fields=["user", "started_at"], name="live_call_user_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.operation} through {self.linked_service or '-'}: {self.verdict}"


class RepositoryFile(models.Model):
    """A file of an imported repository that is not a resource (``publish_config.json``, a
    README, files of kinds the portal does not keep): kept as is, exported back as is."""

    factory = models.ForeignKey(Factory, on_delete=models.CASCADE, related_name="kept_files")
    path = models.CharField(max_length=1000)
    data = KeptBytesField(help_text="The file exactly (sealed when it holds a secret in clear).")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "path"], name="one_kept_file_per_path")
        ]

    def __str__(self) -> str:
        return f"{self.factory}: {self.path}"


class Environment(models.Model):
    """One stage of a factory (dev, test, prod...), in the order they are deployed: the
    repository's own values (``is_repository``, exactly one per factory once there are
    environments), or those values with the overrides of its files (:class:`EnvironmentFile`;
    read and checked by :mod:`connectors.environments`, see :mod:`portal.environments`)."""

    factory = models.ForeignKey(Factory, on_delete=models.CASCADE, related_name="environments")
    name = models.CharField(max_length=63)
    position = models.PositiveIntegerField(default=0)
    is_repository = models.BooleanField(
        default=False, help_text="The repository's own values: it has no override files."
    )
    variables = models.TextField(
        blank=True,
        default="{}",
        help_text="JSON: the values of the environment's tokens ($Env:NAME) that are not "
        "secrets; a secret's token is given at deploy time, never stored.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "name"], name="one_environment_name_per_factory"
            ),
            models.UniqueConstraint(
                fields=["factory"],
                condition=models.Q(is_repository=True),
                name="one_repository_environment_per_factory",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.factory}: {self.name}"

    @property
    def token_values(self) -> dict[str, str]:
        values = json.loads(self.variables or "{}")
        return {str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else {}


class EnvironmentFile(models.Model):
    """One override file of an environment (an azure.datafactory.tools config, an ARM
    parameter file), kept as its exact bytes at its path in the repository."""

    class Format(models.TextChoices):
        ADFTOOLS_CSV = "adftools-csv", "azure.datafactory.tools config (CSV)"
        ADFTOOLS_JSON = "adftools-json", "azure.datafactory.tools config (JSON)"
        ARM_PARAMETERS = "arm-parameters", "ARM template parameters"

    environment = models.ForeignKey(Environment, on_delete=models.CASCADE, related_name="files")
    factory = models.ForeignKey(Factory, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=1000)
    format = models.CharField(max_length=20, choices=Format.choices)
    data = models.BinaryField()
    position = models.PositiveIntegerField(default=0, help_text="The order files apply in.")
    revision = models.PositiveIntegerField(
        default=1, help_text="The number of its last revision (1: as imported)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["environment", "position", "path"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "path"], name="one_environment_file_per_path"
            )
        ]

    def __str__(self) -> str:
        return f"{self.environment}: {self.path}"


class EnvironmentFileRevision(models.Model):
    """One state of an override file after an edit, its exact bytes (append-only). The
    state it was imported in is written as revision 1 at its first edit."""

    file = models.ForeignKey(EnvironmentFile, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    data = models.BinaryField()
    detail = models.TextField(blank=True, default="", help_text="What changed (never a value).")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["file", "number"], name="one_revision_number_per_environment_file"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file.path} r{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("Revisions are append-only.")
        super().save(*args, **kwargs)
