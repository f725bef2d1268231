"""Encryption of secrets at rest (Fernet, keys from the environment or a local key file)."""

from __future__ import annotations

import os
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def configured_keys() -> list[str]:
    """Fernet keys, newest first: ``LINKWRIGHT_SECRET_KEYS`` or the development key file."""
    from_env = os.environ.get("LINKWRIGHT_SECRET_KEYS", "").strip()
    if from_env:
        return [k.strip() for k in from_env.split(",") if k.strip()]
    path = settings.SECRET_KEYS_FILE
    if not path.exists():
        path.write_text(Fernet.generate_key().decode() + "\n", encoding="utf-8")
        path.chmod(0o600)
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(configured_keys()))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode("ascii")).decode("utf-8")


SEALED = b"\x00linkwright-sealed\x00"
"""What stored bytes sealed by :func:`seal_bytes` begin with (before the Fernet token)."""


def seal_bytes(data: bytes, keys: MultiFernet | None = None) -> bytes:
    """``data`` encrypted (with ``keys``, the configured keys when not given), marked as such."""
    return SEALED + (keys or fernet()).encrypt(data)


def is_sealed(stored: bytes) -> bool:
    return stored.startswith(SEALED)


def open_bytes(stored: bytes) -> bytes:
    """The bytes :func:`seal_bytes` sealed; any other bytes as they are."""
    if not is_sealed(stored):
        return stored
    return fernet().decrypt(stored[len(SEALED) :])
