"""Resolving a definition's untouched (masked) secrets to the stored ones, and refusing
forged references and a stored secret sent to another target than its own: every save
(:mod:`portal.definitions`) and every call to a server (:mod:`portal.services.call_values`)
comes through :func:`resolve_secrets`. Kept apart from the save engine so that a call (a
command's connection test) loads no more than it needs."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from connectors.encrypted_credentials import held_by_adf
from connectors.problems import Problem, json_path
from connectors.secret_targets import refusal, target_of
from connectors.secrets import (
    MASK,
    map_secure_strings,
    secure_strings,
    text_without_secure_strings,
)
from portal.models import SecretValue


def resolve_secrets(
    properties: dict[str, Any],
    stored: dict[str, Any] | None,
    *,
    trusted: bool,
    masks_held: bool = False,
    bound: Mapping[int, dict[str, Any] | None] | None = None,
    at: tuple[str | int, ...] = (),
    whole: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], list[Problem]]:
    """Resolve "unchanged" secrets to the stored ones; refuse forged references, and
    refuse to reuse a stored secret for a target other than the one it was typed for.

    A secure string holding the mask means "keep what is stored at this path"; with
    nothing stored there, it is a secret ADF holds (kept as written) when it sits beside
    an ``encryptedCredential``, or anywhere with ``masks_held`` (a resource without a
    connector's form: the portal never uses its secrets), and is refused otherwise. Only
    revisions the portal wrote itself (``trusted``) may carry ``secretId`` references:
    from anyone else such a reference could point at another linked service's secret.
    Every save and every connection test comes through here, so this is where a stored
    secret is kept from following a changed host, port, transport or TLS setting.

    ``bound``: the targets of stored secrets already read (:meth:`SecretValue.targets`,
    for many definitions at once); the target of any other secret is read here.

    ``at`` and ``whole``: ``properties`` and ``stored`` are the values at ``at`` of the
    definition ``whole`` (the only part of it that changed): problems are reported at
    their place in the whole, and the target is the whole's.
    """
    text = text_without_secure_strings(properties)
    if text is not None:  # nothing to resolve: the copy map_secure_strings would make
        return json.loads(text), []
    stored_by_path = {path: s for path, s in secure_strings(stored or {})}
    problems: list[Problem] = []
    reused: list[tuple[tuple[str | int, ...], int]] = []
    paths = iter([p for p, _ in secure_strings(properties)])

    def resolve(secret: dict[str, Any]) -> dict[str, Any]:
        path = next(paths)
        where = json_path(("properties", *at, *path))
        if "secretId" in secret:
            if not trusted:
                problems.append(Problem(where, "A secure string has a type and a value only."))
            else:
                reused.append((path, secret["secretId"]))
            return secret
        if secret.get("value") != MASK:
            return secret
        previous = stored_by_path.get(path)
        if previous and "secretId" in previous:
            reused.append((path, previous["secretId"]))
            return previous
        if masks_held or held_by_adf(whole if whole is not None else properties, (*at, *path)):
            return secret  # ADF holds the secret: the mask is kept as written
        problems.append(
            Problem(
                where,
                "The secret holds the mask (**********), not a value: type the value, or "
                "reference an Azure Key Vault secret.",
            )
        )
        return secret

    resolved = map_secure_strings(properties, resolve)
    target_of_whole = whole if whole is not None else resolved
    problems.extend(_target_problems(target_of_whole, reused, bound or {}, at))
    return resolved, problems


def _secret_label(path: tuple[str | int, ...]) -> str:
    if len(path) >= 3 and path[0] == "parameters" and path[-1] == "defaultValue":
        return f"default value of parameter {path[1]}"
    return str(path[-1]) if path else "secret"


def _target_problems(
    properties: dict[str, Any],
    reused: list[tuple[tuple[str | int, ...], int]],
    known: Mapping[int, dict[str, Any] | None],
    at: tuple[str | int, ...] = (),
) -> list[Problem]:
    """A problem for each stored secret whose recorded target differs from this one."""
    if not reused:
        return []
    current = target_of(properties)
    unknown = [i for _, i in reused if not isinstance(i, int) or i not in known]
    bound = {**known, **SecretValue.targets(unknown)} if unknown else known
    problems = []
    for path, secret_id in reused:
        why = refusal(_secret_label((*at, *path)), bound.get(secret_id), current)
        if why:
            problems.append(Problem(json_path(("properties", *at, *path)), why))
    return problems
