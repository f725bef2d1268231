"""``--factory NAME`` for the management commands (default: the default factory)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from portal.models import Factory


def add_factory_option(parser: CommandParser) -> None:
    parser.add_argument(
        "--factory", help=f"the factory to work in (default: '{Factory.DEFAULT_NAME}')"
    )


def factory_from(options: dict[str, Any], *, create: bool = False) -> Factory:
    name = options.get("factory")
    if not name:
        return Factory.default()
    factory = Factory.objects.filter(name=name).first()
    if factory is None and create:
        factory = Factory.objects.create(name=name)
    if factory is None:
        raise CommandError(f"No factory named {name!r}.")
    return factory
