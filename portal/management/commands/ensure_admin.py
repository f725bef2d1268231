"""Create the first Admin account when the portal has no user at all."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from portal.services import accounts
from portal.services.actor import Actor


class Command(BaseCommand):
    help = (
        "Creates the first Admin (user 'admin' unless LINKWRIGHT_ADMIN_USER says otherwise) "
        "when no user exists yet. The password comes from LINKWRIGHT_ADMIN_PASSWORD, or is "
        "generated and printed once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model().objects
        if users.exists():
            self.stdout.write("Users exist already; no admin account created.")
            return
        username = os.environ.get("LINKWRIGHT_ADMIN_USER", "admin")
        password = os.environ.get("LINKWRIGHT_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        accounts.create_first_admin(Actor.cli(), username, password)
        self.stdout.write(self.style.SUCCESS(f"Created Admin '{username}'."))
        if "LINKWRIGHT_ADMIN_PASSWORD" not in os.environ:
            self.stdout.write(f"Its password (shown only this once): {password}")
