"""azure.datafactory.tools config rows resolved against the repository's resources.

Each row names objects (a kind and a name with wildcards; in the JSON form any kind, the
first object that matches deciding it) and a property path; the value is text, expanded
for tokens, then read as the replaced property's type, as the tool does at deploy time:
a number for a number, ``true``/``false`` for a boolean, JSON for an object or array
(single-quoted JSON too), a date-time without a zone written as ``...000Z``; an added
property is text. What the tool would refuse at deploy is found here, at its row, with the
tool's error code: no such object (ADFT0007, ADFT0017), a wrong path (ADFT0010), an empty
value for a property that is not text (ADFT0031).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from connectors.environments.base import Base, BaseResource, Change
from connectors.environments.config_csv import SUPPORTED_TYPES, ConfigCsv
from connectors.environments.config_json import JsonEntry
from connectors.environments.effective import Workspace
from connectors.environments.findings import About, Finding, Where, error, note, warning
from connectors.environments.lenient_json import loads_lenient
from connectors.environments.paths import (
    Action,
    Missing,
    PathError,
    PropertyPath,
    add_target,
    get,
    locate,
    parse_path,
)
from connectors.environments.secret_values import (
    MASKED,
    clear_credential,
    credential_tokens,
    is_secret_target,
    refusal,
)
from connectors.environments.tokens import expand
from connectors.problems import json_path

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?")
_ZONED = re.compile(r"(?i)(?:Z|[+-]\d{2}:\d{2})$")
_INTEGER = re.compile(r"[+-]?\d+")
_WILDCARDS = re.compile(r"[*?\[`]")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NOT_JSON = (
    "The property is an object: the value must be JSON (a secret's token goes inside it: "
    '{"type": "SecureString", "value": "$($Env:NAME)"}).'
)
ALL_OBJECTS_ORDER = (
    "integrationRuntime", "linkedService", "dataset", "dataflow", "pipeline", "trigger",
    "factory", "managedVirtualNetwork", "managedPrivateEndpoint", "credential",
)  # fmt: skip
"""The kinds a JSON config's object name is looked up in, in turn."""


@dataclass(frozen=True)
class Override:
    """One row of a config file, in either form."""

    file: str
    kind: str | None
    """The resource kind (a CSV row's type); None in the JSON form (any kind)."""
    name: str
    path: str
    action: Action | None
    """The JSON form's action; None in a CSV file (the path's ``+``/``-`` says)."""
    value: str
    where: Mapping[str, Where]
    """Where the row and each field (``type``, ``name``, ``path``, ``value``) start."""

    @property
    def missing_code(self) -> str:
        return "ADFT0007" if self.kind is not None else "ADFT0017"

    def at(self, field: str) -> Where:
        return self.where.get(field) or self.where["row"]


def csv_overrides(config: ConfigCsv) -> list[Override]:
    """The rows of a CSV config that the tool applies (those its structure check passes)."""
    found = []
    for row in config.rows():
        type_, name, path = row.text("type"), row.text("name"), row.text("path")
        if not type_ or not name or not path or len(row.record.cells) > 4:
            continue
        kind = SUPPORTED_TYPES.get(type_.casefold())
        if kind is None:
            continue
        where = {"row": row.where(config.path)}
        where |= {c: row.where(config.path, c) for c in ("type", "name", "path", "value")}
        cell = row.record.cells[2]
        where["path"] = where["path"].at(column=cell.column + (1 if cell.quoted else 0))
        found.append(Override(config.path, kind, name, path, None, row.text("value") or "", where))
    return found


def json_overrides(path: str, items: list[JsonEntry]) -> list[Override]:
    return [
        Override(
            path,
            None,
            item.object_name,
            item.path,
            Action(item.action),
            item.value,
            {
                **item.where,
                "path": _inside_string(item.where.get("name", item.where["row"])),
                "name": item.where["object"],
            },
        )  # fmt: skip
        for item in items
    ]


def _inside_string(where: Where) -> Where:
    """Where a JSON string's text starts (after its opening quote)."""
    return where.at(column=where.column + 1)


@lru_cache(maxsize=1024)
def _wildcard(pattern: str) -> re.Pattern[str]:
    """PowerShell's ``-like``: ``*``, ``?``, ``[set]``, a backtick escapes; ignores case."""
    out: list[str] = []
    at = 0
    while at < len(pattern):
        char = pattern[at]
        if char == "`" and at + 1 < len(pattern):
            out.append(re.escape(pattern[at + 1]))
            at += 2
            continue
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif char == "[" and "]" in pattern[at + 1 :]:
            end = pattern.index("]", at + 1)
            out.append("[" + pattern[at + 1 : end].replace("\\", "\\\\") + "]")
            at = end
        else:
            out.append(re.escape(char))
        at += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def matching(base: Base, override: Override) -> list[BaseResource]:
    """The objects a row applies to (for the JSON form: of the first matching kind)."""
    kinds = [override.kind] if override.kind is not None else list(ALL_OBJECTS_ORDER)
    if not _WILDCARDS.search(override.name):
        exact = (base.get(kind, override.name) for kind in kinds)
        return next(([hit] for hit in exact if hit is not None), [])
    pattern = _wildcard(override.name)
    for kind in kinds:
        hits = [r for r in base.of_kind(kind) if pattern.fullmatch(r.name)]
        if hits:
            return hits
    return []


def resolve(
    workspace: Workspace,
    overrides: list[Override],
    variables: Mapping[str, str],
    environment: str,
) -> list[Finding]:
    """Apply the rows to ``workspace`` in file order (a row reads the definitions as the
    rows before it left them, as the tool does); what is wrong with any row, at its row."""
    base = workspace.base
    findings: list[Finding] = []
    for override in overrides:
        try:
            path = parse_path(override.path, override.action)
        except PathError as exc:
            at = override.at("path")
            findings.append(
                error(
                    at.at(column=at.column + exc.offset),
                    f"Wrong path '{override.path}': {exc}",
                    "ADFT0010",
                )
            )
            continue
        hits = matching(base, override)
        if not hits:
            findings.append(_no_object(base, override))
            continue
        findings.extend(_value_notes(override))
        for resource in hits:
            properties = workspace.properties(resource)
            change, problems = _change(resource, properties, override, path, variables, environment)
            findings.extend(problems)
            if change is not None:
                workspace.apply(change)
    return findings


def _no_object(base: Base, override: Override) -> Finding:
    kind = override.kind
    if kind is not None:
        names = [r.name for r in base.of_kind(kind)]
        close = _closest(override.name, names)
        hint = f" (did you mean '{close}'?)" if close else ""
        message = f"Could not find object: {kind}.{override.name}{hint}."
    else:
        names = [r.name for r in base.resources]
        close = _closest(override.name, names)
        hint = f" (did you mean '{close}'?)" if close else ""
        message = f"Object [{override.name}] could not be found{hint}."
    return error(override.at("name"), message, override.missing_code)


def _closest(name: str, names: list[str]) -> str | None:
    from difflib import get_close_matches

    folded = {n.casefold(): n for n in names}
    found = get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.75)
    return folded[found[0]] if found else None


def _value_notes(override: Override) -> list[Finding]:
    expansion = expand(override.value)
    at = override.at("value")
    return [
        warning(
            at,
            f"{expression} runs PowerShell on the agent at deploy time: its value cannot be "
            f"known while authoring.",
        )
        for expression in expansion.expressions
    ]


def _change(
    resource: BaseResource,
    properties: Any,
    override: Override,
    path: PropertyPath,
    variables: Mapping[str, str],
    environment: str,
) -> tuple[Change | None, list[Finding]]:
    at_path = override.at("path")
    about: About = {"resource": resource.label}
    try:
        if path.action is Action.ADD:
            existing_keys, new_keys = add_target(properties, path)
            keys: tuple[str | int, ...] = (*existing_keys, *new_keys)
            replaced: Any = None
        else:
            keys = locate(properties, path)
            replaced = get(properties, keys)
    except Missing as exc:
        segment = path.segments[min(exc.depth, len(path.segments) - 1)]
        where = at_path.at(column=at_path.column + segment.offset)
        verb = {"add": "add", "remove": "remove", "update": "change"}[path.action]
        return None, [
            error(
                where,
                f"Cannot {verb} {path.display()}: {exc}",
                "ADFT0010",
                **about,
            )
        ]
    found: list[Finding] = []
    at_value = override.at("value")
    about["json_path"] = json_path(("properties", *keys))
    if path.action is Action.REMOVE:
        return Change(resource, keys, path.action, None, at_value, previous=replaced), found
    expansion = expand(override.value)
    text, missing = expansion.resolve(variables)
    parsed = _parsed_for_check(replaced, override.value)
    secret = is_secret_target(resource.kind, properties, keys, replaced, parsed)
    if secret:
        why = refusal(override.value, parsed)
        if why is not None:
            return None, [error(at_value, why, clear_secret=why != MASKED, **about)]
    elif isinstance(replaced, str) or replaced is None:
        credential = clear_credential(override.value)
        if credential is not None:
            return None, [
                error(
                    at_value,
                    f"The connection string holds '{credential}' in clear: a secret in an "
                    "override file is a Key Vault reference or an environment token "
                    "($($Env:NAME)).",
                    clear_secret=True,
                    **about,
                )
            ]
    secret_tokens = credential_tokens(override.value)
    for token in missing:
        if secret or token.name.casefold() in secret_tokens:
            found.append(
                note(
                    at_value,
                    f"{token.text} is a secret the agent gives at deploy time; it is never "
                    "kept here.",
                    **about,
                )
            )
        else:
            found.append(
                warning(
                    at_value,
                    f"{token.text} has no value in environment '{environment}'.",
                    **about,
                )
            )
    if missing:
        if isinstance(replaced, (dict, list)) and not text.lstrip().startswith(("{", "[")):
            found.append(error(at_value, _NOT_JSON, **about))
            return None, found
        return Change(resource, keys, path.action, text, at_value, True, replaced), found
    if path.action is Action.ADD:
        return Change(resource, keys, path.action, text, at_value), found
    try:
        value = coerce(replaced, text)
    except ValueError as exc:
        code = "ADFT0031" if text == "" else ""
        found.append(error(at_value, str(exc), code, **about))
        return None, found
    return Change(resource, keys, path.action, value, at_value, previous=replaced), found


def _parsed_for_check(replaced: Any, text: str) -> Any:
    """The value as the secret rule sees it: JSON for an object, else the text."""
    if isinstance(replaced, dict) or text.lstrip().startswith("{"):
        try:
            return loads_lenient(text)
        except ValueError:
            return text
    return text


def coerce(replaced: Any, text: str) -> Any:
    """``text`` read as the type of the value it replaces, as the tool does (raises
    ValueError saying what was expected; the value itself is never quoted)."""
    if isinstance(replaced, str) or replaced is None:
        if isinstance(replaced, str) and _DATE.fullmatch(replaced):
            return _date_time(text)
        return text
    if text == "":
        raise ValueError(
            "The value is empty, but the property is not text: give a value, or remove the "
            "property with '-'."
        )
    if isinstance(replaced, bool):
        if text.casefold() in ("true", "false"):
            return text.casefold() == "true"
        raise ValueError("The property is true or false: the value must be one of them.")
    if isinstance(replaced, (int, float)):
        if _INTEGER.fullmatch(text.strip()):
            return int(text)
        if _NUMBER.fullmatch(text.strip()):
            return float(text)
        raise ValueError("The property is a number: the value must be one.")
    try:
        value = loads_lenient(text)
    except ValueError:
        what = "an array" if isinstance(replaced, list) else "an object"
        raise ValueError(f"The property is {what}: the value must be JSON.") from None
    if isinstance(replaced, list) and not isinstance(value, list):
        raise ValueError("The property is an array: the value must be a JSON array.")
    return value


def _date_time(text: str) -> str:
    """A date-time as the tool writes it: a zoned one as given, else ``...fffZ``."""
    if _ZONED.search(text):
        return text
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError("The property is a date and time: the value must be one.") from None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


__all__ = [
    "Override",
    "coerce",
    "csv_overrides",
    "json_overrides",
    "matching",
    "resolve",
]
