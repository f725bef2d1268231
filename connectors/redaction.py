"""Taking typed secrets out of text a peer sent before it is stored or shown.

A server's rejection message may echo what it received (a SASL PLAIN payload, an HTTP
Basic header, a URL): :func:`redact` replaces every form of each secret that such an echo
may carry by the mask, in every string of a report.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

from connectors.secrets import MASK

SHORT = 4
"""Secrets shorter than this are only replaced where they stand as a whole word, so a
one-letter password does not take every such letter out of a report."""


def secret_forms(secrets: Iterable[str], companions: Iterable[str] = ()) -> list[str]:
    """Each secret as it may appear in an echo: as is, URL-quoted, escaped as Python
    and JSON would, in base64 and hex, and base64 of ``companion:secret`` (HTTP Basic)
    for each companion value (a user name)."""
    forms: set[str] = set()
    companions = [c for c in companions if c]
    for secret in secrets:
        if not secret:
            continue
        raw = secret.encode()
        forms.update(
            {
                secret,
                quote(secret, safe=""),
                quote_plus(secret),
                repr(secret)[1:-1],
                secret.encode("unicode_escape").decode(),
                raw.hex(),
            }
        )
        if len(secret) >= SHORT:
            forms.add(base64.b64encode(raw).decode().rstrip("="))
            forms.update(
                base64.b64encode(f"{c}:{secret}".encode()).decode().rstrip("=") for c in companions
            )
    # Longest first: a form that contains another is replaced whole.
    return sorted(forms, key=len, reverse=True)


def _pattern(forms: list[str]) -> re.Pattern[str] | None:
    parts = [
        re.escape(f) if len(f) >= SHORT else rf"(?<![A-Za-z0-9]){re.escape(f)}(?![A-Za-z0-9])"
        for f in forms
    ]
    return re.compile("|".join(parts)) if parts else None


def redact(value: Any, secrets: Iterable[str], companions: Iterable[str] = ()) -> Any:
    """A copy of ``value`` (JSON-like) with every form of every secret masked."""
    pattern = _pattern(secret_forms(secrets, companions))
    if pattern is None:
        return value

    def clean(item: Any) -> Any:
        return pattern.sub(MASK, item) if isinstance(item, str) else item

    # Iterative, so that a report of any depth is walked without recursion.
    root: list[Any] = [value]
    stack: list[tuple[Any, Any]] = [(root, 0)]
    while stack:
        container, key = stack.pop()
        item = container[key]
        if isinstance(item, dict):
            copy = dict(item)  # keys are the report's own, never a peer's text
            container[key] = copy
            stack.extend((copy, k) for k in copy)
        elif isinstance(item, (list, tuple)):
            copy_list = list(item)
            container[key] = copy_list
            stack.extend((copy_list, i) for i in range(len(copy_list)))
        else:
            container[key] = clean(item)
    return root[0]
