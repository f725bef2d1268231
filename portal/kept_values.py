"""Values for calls kept for one browser session, when the user ticks "Keep these values
for this browser session" beside them.

Kept per linked service in the Django session, encrypted with the keys of the stored
secrets (as the upgrade wizard keeps the secrets typed between its steps): never stored
anywhere else, never shown back (a page says a secret is kept and leaves its field empty),
and gone with the session: signing out ends it.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import InvalidToken

from portal.crypto import decrypt, encrypt
from portal.models import Resource
from portal.services.call_values import NO_VALUES, CallValues


def _key(service: Resource) -> str:
    return f"call-values-{service.pk}"


def kept(session: Any, service: Resource) -> CallValues:
    """The values kept for calls to ``service`` in this session (none: no values)."""
    token = session.get(_key(service))
    if not isinstance(token, str):
        return NO_VALUES
    try:
        found = json.loads(decrypt(token))
    except (InvalidToken, ValueError):  # an old key, or not ours: as if none were kept
        return NO_VALUES
    return CallValues(found.get("password"), found.get("parameters", {}), found.get("secrets", {}))


def keep(session: Any, service: Resource, values: CallValues) -> None:
    """Keep ``values`` for calls to ``service`` for the rest of the session."""
    if not values:
        forget(session, service)
        return
    text = json.dumps(
        {
            "password": values.password,
            "parameters": dict(values.parameters),
            "secrets": dict(values.secrets),
        }
    )
    session[_key(service)] = encrypt(text)


def forget(session: Any, service: Resource) -> None:
    session.pop(_key(service), None)
