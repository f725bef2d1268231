"""The values for one call in an API body, as every endpoint that reaches a user's server
takes them (a connection test, a dataset's ``tables``, ``columns`` and ``preview``, an
activity's ``check`` and ``preview``): ``testPassword`` (for a password ADF holds
encrypted, ``encryptedCredential``), ``testParameters`` (linked-service parameter ->
value) and ``testSecrets`` (secret property -> text). For that call only: never stored,
never logged, never sent back (see :mod:`portal.services.call_values`)."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from connectors.problems import Problem
from connectors.test_values import PARAMETERS_FIELD, SECRETS_FIELD
from portal.api.documents import Invalid
from portal.services.call_values import CallValues

TEST_PASSWORD = "testPassword"
FIELDS = (TEST_PASSWORD, PARAMETERS_FIELD, SECRETS_FIELD)


def call_values_of(request: Request) -> CallValues:
    """The values for this call in the request's JSON body; 400 at each field sent wrong."""
    data: dict[str, Any] = request.data if isinstance(request.data, dict) else {}
    problems: list[Problem] = []
    password = data.get(TEST_PASSWORD)
    if password == "":
        password = None
    if password is not None and not isinstance(password, str):
        problems.append(Problem("$." + TEST_PASSWORD, "Send the password as text."))
    parameters = data.get(PARAMETERS_FIELD) or {}
    secrets = data.get(SECRETS_FIELD) or {}
    if not isinstance(parameters, dict):
        problems.append(
            Problem("$." + PARAMETERS_FIELD, "Send the parameters' values as an object.")
        )
    if not isinstance(secrets, dict):
        problems.append(Problem("$." + SECRETS_FIELD, "Send the secrets as an object."))
    else:
        for name, value in secrets.items():
            if not isinstance(value, str):
                problems.append(Problem(f"$.{SECRETS_FIELD}.{name}", "Send the secret as text."))
    if problems:
        raise Invalid(problems)
    return CallValues(password, parameters, secrets)
