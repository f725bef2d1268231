"""The "Values for this call" panel of the pages that reach a user's server (a dataset's
Browse tables, Import schema and Preview, an activity's Check and Preview, the transfer
designer's live reads): what a call to a linked service asks for, and what was typed.

Each linked service's fields carry a prefix of their own (``cv<id>-``), so that a page
calling several servers never sends one server's values to another. The fields are those
of a connection test's "Values for this test" (:mod:`portal.test_value_fields`) and the
one-off password of an ``encryptedCredential``; "Keep these values for this browser
session" keeps them (:mod:`portal.kept_values`), unticked forgets them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from connectors.encrypted_credentials import held_secrets
from connectors.registry import has_form
from portal import kept_values
from portal.models import Resource
from portal.services.call_values import CallValues, ValuesFor
from portal.test_value_fields import test_value_fields, typed_test_values

PASSWORD = "test_password"
KEEP = "keep"
SHOWN = "panel"
"""A hidden field of each panel: the page showed it, so an unticked "keep" means forget."""


def prefix_of(service: Resource) -> str:
    return f"cv{service.pk}-"


def panel(request: HttpRequest, service: Resource | None, *, enter_clicks: str = "") -> Any:
    """What ``_call_values.html`` shows for calls to ``service``; None when a call to it
    asks for nothing (or it is no connector's linked service). ``enter_clicks``: the
    button Enter in a field presses (a call), never the page's Save."""
    if service is None or not has_form(service.kind, service.connector):
        return None
    version = service.connector_definition
    properties = service.properties
    kept = kept_values.kept(request.session, service).fitting(version, properties)
    prefix = prefix_of(service)
    data = request.POST if request.method == "POST" else {}
    fields = test_value_fields(
        version,
        properties,
        data,
        stored_secrets=True,
        prefix=prefix,
        kept=kept.test_values,
    )
    held = held_secrets(version, properties.get("typeProperties"))
    if not fields and not held:
        return None
    return {
        "id": f"call_values_{service.pk}",
        "service": service.name,
        "prefix": prefix,
        "fields": fields,
        "password": {"held": held[0][0], "secret": held[0][1]} if held else None,
        "password_kept": bool(kept.password),
        "kept": bool(kept),
        "enter_clicks": enter_clicks,
    }


def values_from(request: HttpRequest) -> ValuesFor:
    """The values for a call to each linked service, from the request's panels and the
    values kept for this session; reading a panel keeps or forgets as its box says."""
    read: dict[int, CallValues] = {}

    def values_for(service: Resource) -> CallValues:
        if service.pk not in read:
            read[service.pk] = _read(request, service)
        return read[service.pk]

    return values_for


def _read(request: HttpRequest, service: Resource) -> CallValues:
    version = service.connector_definition
    kept = kept_values.kept(request.session, service).fitting(version, service.properties)
    prefix = prefix_of(service)
    data = request.POST
    if data.get(prefix + SHOWN) != "1":  # no panel for it here: what the session keeps
        return kept
    typed = typed_test_values(data, prefix)
    given = CallValues(data.get(prefix + PASSWORD) or None, typed.parameters, typed.secrets)
    if data.get(prefix + KEEP):
        given = given.over(kept)
        kept_values.keep(request.session, service, given)
    else:
        kept_values.forget(request.session, service)
    return given
