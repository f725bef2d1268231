"""Re-encrypt every stored secret with a new key."""

from __future__ import annotations

import os
from typing import Any

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.services import secrets
from portal.services.actor import Actor


class Command(BaseCommand):
    help = (
        "Re-encrypts all secrets with a new Fernet key. With the development key file the "
        "new key replaces the old one in it; with LINKWRIGHT_SECRET_KEYS, pass --new-key and "
        "then set the variable to the new key alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--new-key",
            help="the new Fernet key (generated when omitted); write --new-key=KEY, as a key "
            "may start with a dash",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from_env = bool(os.environ.get("LINKWRIGHT_SECRET_KEYS", "").strip())
        if from_env and not options["new_key"]:
            raise CommandError("LINKWRIGHT_SECRET_KEYS is set: pass --new-key.")
        new_key = options["new_key"] or Fernet.generate_key().decode()
        try:
            count = secrets.rotate_key(Actor.cli(), new_key, write_key_file=not from_env)
        except ValueError as exc:
            raise CommandError(f"--new-key is not a Fernet key: {exc}") from None
        self.stdout.write(self.style.SUCCESS(f"{count} secret(s) re-encrypted with the new key."))
        if from_env:
            self.stdout.write(f"Now set LINKWRIGHT_SECRET_KEYS={new_key}")
