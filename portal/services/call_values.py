"""Values for one call: how a stored (or typed) definition and the values given for one call
become the clear properties that call uses, and the redaction of every secret in them.

ADF Studio asks, before it reaches a server for a definition with parameters
(``@{linkedService().host}``), Azure Key Vault references or an ``encryptedCredential``,
for a value of each parameter (its default prefilled) and each secret it cannot read. Every
call of the one live path takes them here, whatever makes it: a connection test, a dataset's
Browse tables, Import schema and Preview, an activity's query Check and Preview, the
transfer designer's live reads. :func:`prepare` is the only code that turns a definition
into what a call sends:

1. the values go into the definition *before* its stored secrets are resolved (a parameter
   value becomes the parameter's default; a typed secret replaces the stored one or the
   Key Vault reference), so a stored secret bound to another target than the one the
   values make is refused (:func:`portal.secret_resolution.resolve_secrets`);
2. the stored secrets are read, a one-off password stands in for the secret only an
   ``encryptedCredential`` holds, and every expression is evaluated with the parameters'
   values (connectors.test_values);
3. every secret the call is given, stored or typed, is what its report is redacted of.

Values are never stored here: the caller passes them and forgets them (a page may keep
them encrypted in the user's browser session, see :mod:`portal.kept_values`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.base import ConnectorVersion
from connectors.encrypted_credentials import held_secrets, with_one_off_secret
from connectors.problems import Problem
from connectors.test_values import TestValueError, TestValues, evaluated, fitting, with_test_values
from portal import audit
from portal.models import Resource, unseal
from portal.secret_resolution import resolve_secrets
from portal.services.actor import Actor
from portal.services.live import LiveRefused, Redaction, Target

GIVE_SECRET_TOO = (
    " The parameter values given for this {call} count as its defaults: give the secret for "
    "this {call} too, or {again} with the parameters' defaults."
)
AGAIN = {"test": "test", "call": "try again"}


@dataclass(frozen=True)
class CallValues:
    """Values given for one call: ``password`` stands in for the secret an
    ``encryptedCredential`` holds; ``parameters`` (name -> value: text as typed, or a JSON
    value from the API) and ``secrets`` (secret property -> text) as
    :class:`connectors.test_values.TestValues`."""

    password: str | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict)
    secrets: Mapping[str, str] = field(default_factory=dict)

    @property
    def test_values(self) -> TestValues:
        return TestValues(parameters=self.parameters, secrets=self.secrets)

    def __bool__(self) -> bool:
        return bool(self.password or self.parameters or self.secrets)

    def over(self, kept: CallValues) -> CallValues:
        """These values, and ``kept`` ones where none is given here."""
        return CallValues(
            password=self.password or kept.password,
            parameters={**kept.parameters, **self.parameters},
            secrets={**kept.secrets, **self.secrets},
        )

    def fitting(self, version: ConnectorVersion, properties: Any) -> CallValues:
        """Only what ``properties`` takes (values given once for several definitions)."""
        taken = fitting(version, properties, self.test_values)
        tp = properties.get("typeProperties") if isinstance(properties, dict) else None
        password = self.password if held_secrets(version, tp) else None
        return CallValues(password, taken.parameters, taken.secrets)


NO_VALUES = CallValues()

ValuesFor = Callable[[Resource], CallValues]
"""The values for a call to this linked service (a page reads its panel, a command its
options)."""


def no_values(_service: Resource) -> CallValues:
    return NO_VALUES


class ValuesRefused(LiveRefused):
    """The values cannot be used with this definition (a parameter it does not have, a
    value its type does not take, an expression that cannot be evaluated), or a stored
    secret would go to another target than its own (``secret_elsewhere``): nothing is
    sent. ``problems`` say where."""

    def __init__(self, problems: list[Problem], *, secret_elsewhere: bool = False) -> None:
        first = problems[0]
        message = f"{first.path}: {first.message}" if secret_elsewhere else str(first)
        super().__init__(message, 400)
        self.problems = problems
        self.secret_elsewhere = secret_elsewhere


@dataclass(frozen=True)
class Prepared:
    """What a call uses: ``properties`` (the values put in, secrets as stored references:
    what the audit log and a test's annotations may name), ``clear`` (secrets in clear,
    expressions evaluated: what the connector gets), ``used`` (each value the call used,
    a secret's as the mask) and the ``redaction`` of every secret in it."""

    properties: dict[str, Any]
    clear: dict[str, Any]
    used: list[dict[str, Any]]
    redaction: Redaction

    @property
    def type_properties(self) -> dict[str, Any]:
        found = self.clear.get("typeProperties")
        return found if isinstance(found, dict) else {}


def prepare(
    version: ConnectorVersion,
    properties: dict[str, Any],
    values: CallValues = NO_VALUES,
    *,
    stored: dict[str, Any] | None,
    trusted: bool = True,
    call: str = "call",
) -> Prepared:
    """The definition ``properties`` with ``values`` for one call (see the module).

    ``stored`` is the saved definition whose secrets an untouched (masked) secret of
    ``properties`` means; ``trusted``: ``properties`` may carry stored secret references
    (the portal wrote them). ``call`` names the call in messages ("test", "call").
    Raises :class:`ValuesRefused`.
    """
    test_values = values.test_values
    try:
        properties = with_test_values(version, properties, test_values)
    except TestValueError as exc:
        raise ValuesRefused(exc.problems) from None
    properties, problems = resolve_secrets(properties, stored, trusted=trusted)
    if problems and test_values.parameters:
        also = GIVE_SECRET_TOO.format(call=call, again=AGAIN.get(call, "try again"))
        problems = [Problem(p.path, p.message + also) for p in problems]
    if problems:
        raise ValuesRefused(problems, secret_elsewhere=True)
    try:
        clear, used = evaluated(
            with_one_off_secret(version, unseal(properties), values.password), test_values
        )
    except TestValueError as exc:
        raise ValuesRefused(exc.problems) from None
    return Prepared(properties, clear, used, Redaction.of(clear, values.password))


def for_call(
    actor: Actor,
    operation: str,
    target: Target,
    service: Resource,
    values: CallValues = NO_VALUES,
) -> Prepared:
    """A saved linked service's definition with ``values`` for one live call. A refusal
    because a stored secret would go to another target is audited (nothing was sent)."""
    try:
        return prepare(
            service.connector_definition, service.properties, values, stored=service.properties
        )
    except ValuesRefused as exc:
        if exc.secret_elsewhere:
            audit.record(
                operation,
                actor=actor,
                resource=target.resource,
                factory=target.factory,
                name=target.name,
                detail=f"refused: {exc.message}",
            )
        raise
