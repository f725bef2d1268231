"""``--factory NAME`` and ``--user NAME`` for the management commands: where a command works
(default: the default factory) and who it acts as (default: no user, the command line)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser

from portal.models import Factory
from portal.services.actor import Actor


def add_factory_option(parser: CommandParser) -> None:
    parser.add_argument(
        "--factory", help=f"the factory to work in (default: '{Factory.DEFAULT_NAME}')"
    )


def factory_from(options: dict[str, Any]) -> Factory:
    """The ``--factory`` named, else the default factory."""
    name = options.get("factory")
    if not name:
        return Factory.default()
    factory = Factory.objects.filter(name=name).first()
    if factory is None:
        raise CommandError(
            f"No factory named {name!r} (create it with: manage.py factory create {name})."
        )
    return factory


def actor_from(options: dict[str, Any]) -> Actor:
    """The command line acting as ``--user`` (when the command has the option), else as no
    user."""
    username = options.get("user")
    if not username:
        return Actor.cli()
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user named {username!r}.")
    return Actor.cli(user)
