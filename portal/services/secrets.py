"""Secret actions: re-encrypting every stored secret, and every kept repository file sealed
for the secret it holds, with a new key (audited, never showing a secret)."""

from __future__ import annotations

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import transaction

from portal import audit
from portal.crypto import _fernet, configured_keys
from portal.models import AuditEvent, RepositoryFile, SealedBytes, SecretValue, stored_kept_bytes
from portal.services.actor import Actor


def rotate_key(actor: Actor, new_key: str, *, write_key_file: bool) -> int:
    """Every secret re-encrypted with ``new_key`` (the configured keys still decrypt the
    old ones); the development key file takes the new key when ``write_key_file``. Returns
    how many secrets were re-encrypted. Raises ValueError for a key that is not Fernet's."""
    Fernet(new_key.encode())
    rotator = MultiFernet([Fernet(k.encode()) for k in [new_key, *configured_keys()]])
    count = 0
    with transaction.atomic():
        for secret in SecretValue.objects.select_for_update().iterator():
            token = rotator.rotate(secret.ciphertext.encode()).decode()
            SecretValue.objects.filter(pk=secret.pk).update(ciphertext=token)
            count += 1
        kept = RepositoryFile.objects.select_for_update().values_list("pk", "data")
        for pk, data in kept.iterator():
            stored = stored_kept_bytes(data, rotator)
            if stored != data:  # sealed: sealed again with the new key
                RepositoryFile.objects.filter(pk=pk).update(data=SealedBytes(stored))
        audit.record(
            AuditEvent.Action.USER_CHANGED,
            actor=actor,
            name="secret key",
            detail=f"{count} secret(s) re-encrypted with a new key",
        )
        if write_key_file:
            settings.SECRET_KEYS_FILE.write_text(new_key + "\n", encoding="utf-8")
    _fernet.cache_clear()
    return count
