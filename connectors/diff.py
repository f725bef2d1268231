"""Property-by-property differences between two linked-service definitions.

Secure strings are compared by a caller-supplied function and reported only as
"changed" or "unchanged": a diff never holds a secret's value or a hash of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from connectors.problems import PathLink, json_path, path_parts
from connectors.secrets import is_secure_string, map_secure_strings

Kind = Literal["added", "removed", "changed"]
SECRET_SHOWN = "(secret)"


@dataclass(frozen=True)
class Change:
    path: str
    kind: Kind
    old: Any = None
    new: Any = None
    secret: bool = False

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "kind": self.kind}
        if self.secret:
            out["secret"] = True
            return out
        if self.kind != "added":
            out["old"] = self.old
        if self.kind != "removed":
            out["new"] = self.new
        return out

    def __str__(self) -> str:
        if self.secret:
            return f"{self.path}: secret {self.kind}"
        if self.kind == "added":
            return f"{self.path}: added {_short(self.new)}"
        if self.kind == "removed":
            return f"{self.path}: removed (was {_short(self.old)})"
        return f"{self.path}: {_short(self.old)} → {_short(self.new)}"


def _short(value: Any) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


SecretsEqual = Callable[[dict[str, Any], dict[str, Any]], bool]


_ABSENT = object()
"""Stands for a key one side does not have."""


def diff(
    old: Any, new: Any, secrets_equal: SecretsEqual, path: tuple[str | int, ...] = ()
) -> list[Change]:
    """Changes from ``old`` to ``new``, depth first, in the order keys appear.

    Iterative (an explicit stack of pairs still to compare): safe at any depth.
    """
    changes: list[Change] = []
    stack: list[tuple[Any, Any, PathLink]] = [(old, new, None)]
    while stack:
        a, b, link = stack.pop()
        if a is _ABSENT or b is _ABSENT:
            changes.append(_one_sided(path_parts(link, path), a, b))
        elif isinstance(a, dict) and isinstance(b, dict) and not _either_secret(a, b):
            keys = [*a, *[k for k in b if k not in a]]
            stack.extend((a.get(k, _ABSENT), b.get(k, _ABSENT), (k, link)) for k in reversed(keys))
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            pairs = list(enumerate(zip(a, b, strict=True)))
            stack.extend((x, y, (i, link)) for i, (x, y) in reversed(pairs))
        elif change := _compare(a, b, secrets_equal, json_path(path_parts(link, path))):
            changes.append(change)
    return changes


def _either_secret(old: Any, new: Any) -> bool:
    return is_secure_string(old) or is_secure_string(new)


def _compare(old: Any, new: Any, secrets_equal: SecretsEqual, here: str) -> Change | None:
    """Two values not compared part by part: equal, or one change."""
    if _either_secret(old, new):
        if is_secure_string(old) and is_secure_string(new):
            return None if secrets_equal(old, new) else Change(here, "changed", secret=True)
        if old is None:
            return Change(here, "added", secret=is_secure_string(new), new=_safe(new))
        if new is None:
            return Change(here, "removed", secret=is_secure_string(old), old=_safe(old))
        return Change(here, "changed", _safe(old), _safe(new), secret=True)
    if old == new and type(old) is type(new):
        return None
    return Change(here, "changed", _safe(old), _safe(new))


def _one_sided(path: tuple[str | int, ...], old: Any, new: Any) -> Change:
    kind: Kind = "added" if old is _ABSENT else "removed"
    value = new if old is _ABSENT else old
    secret = is_secure_string(value)
    shown = SECRET_SHOWN if secret else _safe(value)
    if kind == "added":
        return Change(json_path(path), kind, new=shown, secret=secret)
    return Change(json_path(path), kind, old=shown, secret=secret)


def _safe(value: Any) -> Any:
    """A value with every secure string inside it replaced by a marker."""
    return map_secure_strings(value, lambda _s: SECRET_SHOWN)
