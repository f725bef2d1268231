"""Linked services, their append-only revisions, and secrets encrypted at rest."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models

from connectors.registry import get_version
from connectors.secrets import map_secure_strings, masked


class ImmutableError(Exception):
    """Raised on any attempt to change or delete a row that is append-only."""


class SecretValue(models.Model):
    """One secret, encrypted. Rows are only re-encrypted (key rotation), never changed."""

    ciphertext = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"secret #{self.pk}"

    @classmethod
    def store(cls, plaintext: str) -> SecretValue:
        from portal.crypto import encrypt

        return cls.objects.create(ciphertext=encrypt(plaintext))

    def reveal(self) -> str:
        from portal.crypto import decrypt

        return decrypt(self.ciphertext)


def seal(properties: dict[str, Any]) -> dict[str, Any]:
    """Replace clear secure-string values by references to new encrypted rows."""

    def to_reference(secret: dict[str, Any]) -> dict[str, Any]:
        if "secretId" in secret:
            return {"type": "SecureString", "secretId": secret["secretId"]}
        return {"type": "SecureString", "secretId": SecretValue.store(secret["value"]).pk}

    return map_secure_strings(properties, to_reference)


def unseal(properties: dict[str, Any]) -> dict[str, Any]:
    """Clear values for secure-string references (only for a connection's own use)."""
    ids = [s["secretId"] for s in _references(properties)]
    values = {s.pk: s.reveal() for s in SecretValue.objects.filter(pk__in=ids)}

    def to_value(secret: dict[str, Any]) -> dict[str, Any]:
        if "secretId" not in secret:
            return secret
        return {"type": "SecureString", "value": values[secret["secretId"]]}

    return map_secure_strings(properties, to_value)


def _references(properties: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    map_secure_strings(properties, lambda s: found.append(s) or s)
    return [s for s in found if "secretId" in s]


class LinkedServiceQuerySet(models.QuerySet["LinkedService"]):
    def live(self) -> LinkedServiceQuerySet:
        return self.filter(deleted_at__isnull=True)

    def deleted(self) -> LinkedServiceQuerySet:
        return self.filter(deleted_at__isnull=False)


class LinkedService(models.Model):
    """The current state of one linked service; its history is in :class:`Revision`."""

    name = models.CharField(max_length=260)
    name_key = models.CharField(max_length=260, unique=True, editable=False)
    connector = models.CharField(max_length=100)
    connector_version = models.CharField(max_length=20)
    description = models.TextField(blank=True)
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

    objects = LinkedServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name_key"]
        indexes = [models.Index(fields=["connector", "connector_version"])]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def key_for(name: str) -> str:
        return name.casefold()

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
        return self.connector_definition.support_note


class Revision(models.Model):
    """One immutable state of a linked service. Rows are only ever inserted."""

    class Action(models.TextChoices):
        CREATE = "create"
        EDIT = "edit"
        IMPORT = "import"
        RESTORE = "restore"
        UPGRADE = "upgrade"
        DELETE = "delete"

    linked_service = models.ForeignKey(
        LinkedService, on_delete=models.PROTECT, related_name="revisions"
    )
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=260)
    connector = models.CharField(max_length=100)
    connector_version = models.CharField(max_length=20)
    definition = models.TextField()
    action = models.CharField(max_length=20, choices=Action.choices)
    comment = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["linked_service", "number"], name="one_revision_number_per_service"
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
