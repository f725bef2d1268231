"""Environment tokens in override values, kept as written and resolved per environment.

azure.datafactory.tools expands every value of a config file as PowerShell expands a
double-quoted string (``ExpandString``) when it deploys: ``$Env:NAME``, ``${Env:NAME}`` and
``$($Env:NAME)`` become the agent's environment variable (an empty string when it is not
set), a backtick escapes the next character, and any other ``$name`` or ``$(...)`` is a
PowerShell variable or expression run on the agent. Here a value is split into those parts
once; the file keeps the text, and an environment's own token values resolve it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_ENV = re.compile(
    rf"\$\(\s*\$env:(?P<sub>{_NAME})\s*\)|\$\{{env:(?P<braced>{_NAME})\}}|\$env:(?P<bare>{_NAME})",
    re.IGNORECASE,
)
_OTHER = re.compile(rf"\$\(|\$\{{[^}}]*\}}|\${_NAME}")
_PIPELINE = re.compile(
    rf"\$\((?P<macro>{_NAME}(?:\.{_NAME})*)\)|#\{{(?P<replace>{_NAME}(?:\.{_NAME})*)\}}#"
)
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


@dataclass(frozen=True)
class Token:
    name: str
    """The environment variable's name, as written."""
    text: str
    """The token as written (``$($Env:NAME)``)."""
    start: int
    """Where it starts in the value (characters)."""


@dataclass(frozen=True)
class Expansion:
    """What deploying does to a value: its literal text, its tokens, and PowerShell it runs."""

    parts: tuple[str | Token, ...]
    expressions: tuple[str, ...] = ()
    """Other ``$name`` / ``$(...)`` parts: PowerShell run on the agent at deploy time."""

    @property
    def tokens(self) -> tuple[Token, ...]:
        return tuple(p for p in self.parts if isinstance(p, Token))

    @property
    def only_tokens(self) -> bool:
        """Nothing but tokens (and whitespace): no clear text at all."""
        return bool(self.tokens) and all(isinstance(p, Token) or not p.strip() for p in self.parts)

    def resolve(self, values: Mapping[str, str]) -> tuple[str, list[Token]]:
        """The value with each token replaced from ``values`` (names ignore case, as on the
        Windows agents the tool runs on); the tokens that have no value stay as written
        and are listed once each."""
        folded = {k.casefold(): v for k, v in values.items()}
        out: list[str] = []
        missing: dict[str, Token] = {}
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            elif part.name.casefold() in folded:
                out.append(folded[part.name.casefold()])
            else:
                missing.setdefault(part.name.casefold(), part)
                out.append(part.text)
        return "".join(out), list(missing.values())


@lru_cache(maxsize=4096)
def expand(value: str) -> Expansion:
    """Split a config value into literal text and tokens (cached: files repeat values)."""
    if "$" not in value and "`" not in value:
        return Expansion((value,))
    parts: list[str | Token] = []
    expressions: list[str] = []
    text: list[str] = []
    at = 0
    while at < len(value):
        char = value[at]
        if char == "`" and at + 1 < len(value):
            following = value[at + 1]
            text.append(_ESCAPES.get(following, following))
            at += 2
            continue
        if char == "$":
            env = _ENV.match(value, at)
            if env is not None:
                if text:
                    parts.append("".join(text))
                    text = []
                name = env.group("sub") or env.group("braced") or env.group("bare")
                parts.append(Token(name, env.group(0), at))
                at = env.end()
                continue
            other = _OTHER.match(value, at)
            if other is not None:
                expressions.append(_expression_at(value, at))
        text.append(char)
        at += 1
    if text:
        parts.append("".join(text))
    return Expansion(tuple(parts), tuple(expressions))


def _expression_at(value: str, at: int) -> str:
    """The ``$name`` or ``$(...)`` starting at ``at`` (balanced parentheses), for messages."""
    if value.startswith("$(", at):
        depth = 0
        for end in range(at + 1, len(value)):
            depth += {"(": 1, ")": -1}.get(value[end], 0)
            if depth == 0:
                return value[at : end + 1]
        return value[at:]
    found = _OTHER.match(value, at)
    return found.group(0) if found else "$"


@lru_cache(maxsize=4096)
def expand_pipeline(value: str) -> Expansion:
    """Split a value of an ARM parameter file into text and the tokens a release pipeline
    replaces before deploying: ``$(NAME)`` (an Azure DevOps variable) and ``#{NAME}#``
    (a replace-tokens step)."""
    parts: list[str | Token] = []
    at = 0
    for found in _PIPELINE.finditer(value):
        if found.start() > at:
            parts.append(value[at : found.start()])
        name = found.group("macro") or found.group("replace")
        parts.append(Token(name, found.group(0), found.start()))
        at = found.end()
    if at < len(value) or not parts:
        parts.append(value[at:])
    return Expansion(tuple(parts))


__all__ = ["Expansion", "Token", "expand", "expand_pipeline"]
