"""Validates ADF linked-service JSON with a connector version's JSON Schema.

jsonschema's raw messages ("... is not valid under any of the given schemas") are turned
into one plain sentence per problem, placed at the JSON path of the value concerned.
A schema may carry an ``errorMessage`` keyword (a sentence, or one per failing keyword)
to say it better still.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from connectors.base import ConnectorVersion
from connectors.json_limits import control_character_problem
from connectors.problems import PathLink, Problem, json_path, path_parts
from connectors.schema_store import common_def, compile_validator
from connectors.tolerance import lenient_reading

if TYPE_CHECKING:  # only annotations here; jsonschema loads with the first validator
    from jsonschema import ValidationError

PLACEHOLDER_MESSAGE = "This looks like a documentation placeholder"
_PLACEHOLDER = re.compile(common_def("text")["not"]["pattern"])
ONE_LINE_MESSAGE = common_def("singleLine")["errorMessage"]["not"].rstrip(".")
_SAYS_IT_ALL = (PLACEHOLDER_MESSAGE, ONE_LINE_MESSAGE)
"""Problems that say all there is to say of their value: a placeholder such as "<port>",
a line break in a one-line field, fail other keywords too, which need no sentence besides."""

# Validators compile on first use: importing jsonschema and compiling costs ~0.3 s at start-up.


@cache
def _document_validator() -> Any:
    return compile_validator(
        {
            "$id": "https://linkwright.dev/schemas/document.json",
            "type": "object",
            "required": ["name", "properties"],
            "properties": {
                "name": {"$ref": "/schemas/common/linkedservice.json#/$defs/name"},
                "type": {"$ref": "/schemas/common/linkedservice.json#/$defs/documentType"},
                "properties": {"type": "object"},
            },
            "additionalProperties": False,
        }
    )


def validate_envelope(document: Any) -> list[Problem]:
    """The outer ``{"name", "type"?, "properties"}`` shape of an ADF linked-service file."""
    return _problems(_document_validator(), document, ())


@cache
def _name_validator() -> Any:
    return compile_validator(common_def("name"))


def validate_name(name: Any) -> list[Problem]:
    if isinstance(name, str):
        return list(_name_problems(name))
    return [Problem("$.name", p.message) for p in _problems(_name_validator(), name, ())]


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_ -]{0,258}[A-Za-z0-9_-])?")
"""Names the common ``name`` schema surely accepts (letters, digits, ``_``, ``-`` and inner
spaces, at most 260, no space at the end): most names, told without the schema."""


@lru_cache(maxsize=4096)
def _name_problems(name: str) -> tuple[Problem, ...]:
    """A name's problems, remembered: an imported file's name is checked by its envelope
    and again by the save, and a name's problems depend on the name alone."""
    if _PLAIN_NAME.fullmatch(name):
        return ()
    return tuple(Problem("$.name", p.message) for p in _problems(_name_validator(), name, ()))


def control_character_problems(
    properties: Any, at: tuple[str | int, ...] = ("properties",)
) -> list[Problem]:
    """Control characters in a definition of any kind, one problem per value at its path:
    none in a property name; no NUL (U+0000, which PostgreSQL cannot store) in a text
    value. Other control characters are data ADF keeps (a delimited text dataset's
    ``"columnDelimiter": "\u0001"``); fields that are one line (a host, a user name) or
    text (a description) refuse them by their schema (the common ``singleLine`` and
    ``description`` rules). ``at``: where ``properties`` sits in the document (one part of
    a definition checked alone). Iterative: safe at any depth."""
    if _surely_clean(properties):
        return []
    problems: list[Problem] = []
    stack: list[tuple[Any, PathLink]] = [(properties, None)]
    while stack:
        value, link = stack.pop()
        if isinstance(value, str):
            if "\x00" in value and (found := control_character_problem("\x00", multiline=True)):
                problems.append(Problem(json_path(path_parts(link, at)), found))
        elif isinstance(value, (dict, list)):
            pairs = list(value.items() if isinstance(value, dict) else enumerate(value))
            for key, _ in pairs:
                name = key if isinstance(key, str) else ""
                if found := control_character_problem(name, where="in a property name"):
                    where = json_path(path_parts((key, link), at))
                    problems.append(Problem(where, found))
            stack.extend((child, (key, link)) for key, child in reversed(pairs))
    return problems


_STRING_BODY = r'[^"\\]*(?:\\.[^"\\]*)*'
_KEY_WITH_CONTROL = re.compile(
    '"' + _STRING_BODY + r"(?:\\(?:[nrtbf]|u00[01][0-9a-fA-F])|[\x7f-\x9f])" + _STRING_BODY + '":'
)
"""A property name holding a control character, in ``json.dumps(..., ensure_ascii=False)``'s
text (which writes U+0000-U+001F as escapes and U+007F-U+009F as they are)."""
_CONTROL = re.compile(r"\\(?:[nrtbf]|u00[01][0-9a-fA-F])|[\x7f-\x9f]")
"""A control character anywhere in that text (in a name or a value)."""


def _surely_clean(properties: Any) -> bool:
    """Whether ``properties`` surely has no control character problem, told from its JSON
    text by the regular expression engine (in C) instead of a walk of every value: no NUL
    anywhere and no property name with a control character. A text that might have one
    (a backslash before ``u0000`` is enough) is walked."""
    try:
        text = json.dumps(properties, ensure_ascii=False, check_circular=False)
    except (TypeError, ValueError, RecursionError):
        return False
    if "\\u0000" in text:
        return False
    # Most definitions hold no control character at all: one quick scan says so.
    return _CONTROL.search(text) is None or _KEY_WITH_CONTROL.search(text) is None


@dataclass(frozen=True)
class Checked:
    """What a definition's check found: errors (nothing is stored while there are any)
    and warnings (values ADF accepts, read otherwise than written, kept as written)."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def check_properties(version: ConnectorVersion, properties: Any) -> Checked:
    """Errors and warnings of a ``properties`` object, paths rooted at ``$.properties``.

    The schema validates the definition as ADF reads it (:mod:`connectors.tolerance`);
    a value read otherwise that is an error anyway gets no warning besides.
    """
    reading = lenient_reading(version, properties)
    problems = _problems(version.validator, reading.view, ("properties",))
    # A value read otherwise that is wrong anyway needs no warning besides its error; an
    # ignored one does: it says why a required property is then missing.
    wrong = {p.path for p in problems} - reading.ignored
    return Checked(problems, [w for w in reading.warnings if w.path not in wrong])


def validate_properties(version: ConnectorVersion, properties: Any) -> list[Problem]:
    """Problems in a ``properties`` object, paths rooted at ``$.properties``."""
    return check_properties(version, properties).problems


def validate_with(validator: Any, properties: Any) -> list[Problem]:
    """Problems in a ``properties`` object against any compiled schema (a dataset type's),
    paths rooted at ``$.properties``."""
    return _problems(validator, properties, ("properties",))


def _problems(validator: Any, instance: Any, prefix: tuple[str | int, ...]) -> list[Problem]:
    found: list[Problem] = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.path]):
        found.extend(_explain(error, prefix, validator.schema))
    decided = {p.path for p in found if p.message.startswith(_SAYS_IT_ALL)}
    unique: dict[tuple[str, str], Problem] = {}
    for problem in found:
        if problem.path in decided and not problem.message.startswith(_SAYS_IT_ALL):
            continue
        unique.setdefault((problem.path, problem.message), problem)
    return list(unique.values())


def _explain(
    error: ValidationError, prefix: tuple[str | int, ...], root: dict[str, Any]
) -> list[Problem]:
    path = (*prefix, *error.absolute_path)
    schema_path = list(error.absolute_schema_path)
    if len(schema_path) >= 2 and schema_path[-2] == "propertyNames":
        # The instance is a property name, not a value: point at that property.
        path = (*path, str(error.instance))
    if error.validator in ("anyOf", "oneOf") and error.context:
        return _explain_branches(error, prefix, root)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        return [Problem(json_path((*path, missing)), _required_message(error, root))]
    if error.validator == "additionalProperties":
        extras = _extra_properties(error)
        return [
            Problem(json_path((*path, extra)), f"Unknown property '{extra}': remove it.")
            for extra in extras
        ]
    return [Problem(json_path(path), _message(error))]


def _explain_branches(
    error: ValidationError, prefix: tuple[str | int, ...], root: dict[str, Any]
) -> list[Problem]:
    """For "X or an expression" choose the branch the user was aiming at."""
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context or []:
        branches.setdefault(sub.schema_path[0], []).append(sub)
    instance = error.instance
    looks_like_expression = isinstance(instance, dict) and instance.get("type") == "Expression"

    def is_expression_branch(index: int) -> bool:
        schema = error.validator_value[index]
        return "expression" in str(schema.get("$ref", ""))

    candidates = [
        i for i in sorted(branches) if is_expression_branch(i) == looks_like_expression
    ] or sorted(branches)
    # Prefer a branch whose failure is deeper than a plain type mismatch.
    best = candidates[0]
    for index in candidates:
        if any(e.validator != "type" for e in branches[index]):
            best = index
            break
    explained: list[Problem] = []
    for sub in branches[best]:
        explained.extend(_explain(sub, prefix, root))
    if not looks_like_expression and any(is_expression_branch(i) for i in branches):
        explained = [
            Problem(p.path, p.message)
            if p.message.endswith("expression.")
            else Problem(p.path, p.message.rstrip(".") + ", or an ADF expression.")
            for p in explained
        ]
    return explained


def _custom_message(error: ValidationError) -> str | None:
    custom = error.schema.get("errorMessage") if isinstance(error.schema, dict) else None
    if isinstance(custom, str):
        return custom
    if isinstance(custom, dict):
        return custom.get(str(error.validator))
    return None


def _message(error: ValidationError) -> str:
    if isinstance(error.instance, str) and _PLACEHOLDER.search(error.instance):
        return common_def("text")["errorMessage"]["not"]
    custom = _custom_message(error)
    if custom:
        return custom
    value = error.validator_value
    match error.validator:
        case "type":
            names = {
                "string": "text",
                "integer": "a whole number",
                "number": "a number",
                "boolean": "true or false",
                "object": "a JSON object",
                "array": "a JSON array",
            }
            wanted = value if isinstance(value, list) else [value]
            return "Must be " + " or ".join(names.get(str(w), str(w)) for w in wanted) + "."
        case "enum":
            allowed = ", ".join(map(str, value))
            instance = error.instance
            if isinstance(instance, dict) and instance.get("type") == "Expression":
                return f"An expression is not allowed here. Allowed values: {allowed}."
            if isinstance(instance, (dict, list)):
                kind = "A JSON object" if isinstance(instance, dict) else "A JSON array"
                return f"{kind} is not allowed here. Allowed values: {allowed}."
            return f"{instance!r} is not allowed. Allowed values: {allowed}."
        case "const":
            return f"Must be {value!r}."
        case "minimum" | "maximum":
            return f"Must be {'at least' if error.validator == 'minimum' else 'at most'} {value}."
        case "minLength":
            return "This field may not be empty." if value == 1 else f"At least {value} characters."
        case "maxLength":
            return f"At most {value} characters."
        case "maxItems":
            return f"At most {value} items."
        case "pattern":
            return f"{error.instance!r} is not in the expected form ({value})."
        case _:
            return error.message


def _required_message(error: ValidationError, root: dict[str, Any]) -> str:
    custom = _custom_message(error)
    if custom:
        return custom
    condition = _condition_text(list(error.absolute_schema_path), root)
    return f"Required when {condition}." if condition else "This field is required."


def _condition_text(schema_path: list[str | int], root: dict[str, Any]) -> str | None:
    """For a rule ``{"if": ..., "then": {"required": [...]}}`` describe its ``if``."""
    if "then" not in schema_path:
        return None
    node: Any = root
    for key in schema_path[: len(schema_path) - 1 - schema_path[::-1].index("then")]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return None
    clauses = []
    for prop, spec in node.get("if", {}).get("properties", {}).items():
        values = spec.get("enum") or [spec.get("const")]
        clauses.append(f"{prop} is {' or '.join(map(str, values))}")
    return " and ".join(clauses) or None


def _extra_properties(error: ValidationError) -> list[str]:
    allowed = set(error.schema.get("properties", {}))
    instance = error.instance if isinstance(error.instance, dict) else {}
    return [key for key in instance if key not in allowed]
