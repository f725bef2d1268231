"""The values for the calls a command makes to a linked service's server, as ADF Studio asks
for them (``test_connection``, ``preview_dataset``, ``check_queries``):

- ``--param NAME=VALUE``: a linked-service parameter's value (its default otherwise);
- ``--secret NAME[=VALUE]``: a secret property's value (``password``, or its path, e.g.
  ``typeProperties.password``): an Azure Key Vault secret, an encryptedCredential's, or
  instead of the stored one;
- ``--password``: the password ADF holds encrypted (``encryptedCredential``).

A secret or password given without a value is asked for without echo, as ``getpass`` asks:
on the terminal (from standard input when there is none), which keeps it out of the shell
history and the process list. Never stored."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import CommandError, CommandParser

from portal.services.call_values import CallValues

ASK = object()
"""``--password`` without a value: ask for it."""
PATH_PREFIXES = ("$.", "properties.", "typeProperties.")


def add_call_value_options(parser: CommandParser, *, param_help: str = "") -> None:
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=param_help
        or "a linked-service parameter's value for this call (repeatable; its default otherwise)",
    )
    parser.add_argument(
        "--secret",
        action="append",
        default=[],
        metavar="NAME[=VALUE]",
        help="a secret property's value (e.g. password, or typeProperties.password) for this "
        "call only, never stored (repeatable); without =VALUE it is asked for without echo",
    )
    parser.add_argument(
        "--password",
        nargs="?",
        const=ASK,
        default=None,
        metavar="VALUE",
        help="the password ADF holds encrypted (encryptedCredential), for this call only, "
        "never stored; without a value it is asked for without echo (or read from standard "
        "input when there is no terminal)",
    )


def call_values_from(options: dict[str, Any], *, call: str = "call") -> CallValues:
    """The values the options give (asked for when given without a value); ``call`` names
    the call in the question ("test", "call")."""
    secrets = {
        _secret_name(name): value
        for name, value in pairs(options["secret"], "--secret", ask_for=call).items()
    }
    password = options.get("password")
    if password is ASK:
        password = ask("password", call)
    return CallValues(password or None, pairs(options["param"], "--param"), secrets)


def pairs(items: list[str], option: str, *, ask_for: str = "") -> dict[str, str]:
    """``NAME=VALUE`` items as a mapping; one without ``=VALUE`` is asked for (for the
    call ``ask_for`` names), or refused when none is named."""
    values: dict[str, str] = {}
    for item in items:
        name, equals, value = item.partition("=")
        name = name.strip()
        if not name or (not equals and not ask_for):
            raise CommandError(f"{option} takes NAME=VALUE, not {item!r}.")
        values[name] = value if equals else ask(name, ask_for)
    return values


def ask(what: str, call: str) -> str:
    """A secret typed without echo (getpass: the terminal, else standard input)."""
    return getpass.getpass(f"{what} for this {call} (not echoed, never stored): ")


def _secret_name(path: str) -> str:
    """``password`` from ``password``, ``typeProperties.password`` or
    ``$.properties.typeProperties.password``."""
    for prefix in PATH_PREFIXES:
        path = path.removeprefix(prefix)
    return path
