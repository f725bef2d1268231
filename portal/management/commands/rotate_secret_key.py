"""Re-encrypt every stored secret with a new key."""

from __future__ import annotations

import os
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from portal.crypto import _fernet, configured_keys
from portal.models import SecretValue


class Command(BaseCommand):
    help = (
        "Re-encrypts all secrets with a new Fernet key. With the development key file the "
        "new key replaces the old one in it; with LINKWRIGHT_SECRET_KEYS, pass --new-key and "
        "then set the variable to the new key alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new-key", help="the new Fernet key (generated when omitted)")

    def handle(self, *args: Any, **options: Any) -> None:
        from_env = bool(os.environ.get("LINKWRIGHT_SECRET_KEYS", "").strip())
        if from_env and not options["new_key"]:
            raise CommandError("LINKWRIGHT_SECRET_KEYS is set: pass --new-key.")
        new_key = options["new_key"] or Fernet.generate_key().decode()
        try:
            Fernet(new_key.encode())
        except ValueError as exc:
            raise CommandError(f"--new-key is not a Fernet key: {exc}") from None
        old_keys = configured_keys()
        rotator = MultiFernet([Fernet(k.encode()) for k in [new_key, *old_keys]])
        count = 0
        with transaction.atomic():
            for secret in SecretValue.objects.select_for_update().iterator():
                token = rotator.rotate(secret.ciphertext.encode()).decode()
                SecretValue.objects.filter(pk=secret.pk).update(ciphertext=token)
                count += 1
            if not from_env:
                settings.SECRET_KEYS_FILE.write_text(new_key + "\n", encoding="utf-8")
        _fernet.cache_clear()
        self.stdout.write(self.style.SUCCESS(f"{count} secret(s) re-encrypted with the new key."))
        if from_env:
            self.stdout.write(f"Now set LINKWRIGHT_SECRET_KEYS={new_key}")
