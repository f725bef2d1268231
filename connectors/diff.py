"""Property-by-property differences between two linked-service definitions.

Secure strings are compared by a caller-supplied function and reported only as
"changed" or "unchanged": a diff never holds a secret's value or a hash of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from connectors.problems import json_path
from connectors.secrets import is_secure_string

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


def diff(
    old: Any, new: Any, secrets_equal: SecretsEqual, path: tuple[str | int, ...] = ()
) -> list[Change]:
    """Changes from ``old`` to ``new``, depth first, in the order keys appear."""
    here = json_path(path)
    if is_secure_string(old) or is_secure_string(new):
        if is_secure_string(old) and is_secure_string(new):
            return [] if secrets_equal(old, new) else [Change(here, "changed", secret=True)]
        if old is None:
            return [Change(here, "added", secret=is_secure_string(new), new=_safe(new))]
        if new is None:
            return [Change(here, "removed", secret=is_secure_string(old), old=_safe(old))]
        return [Change(here, "changed", _safe(old), _safe(new), secret=True)]
    if isinstance(old, dict) and isinstance(new, dict):
        changes: list[Change] = []
        for key in [*old, *[k for k in new if k not in old]]:
            if key not in new:
                changes.extend(_one_sided(old[key], (*path, key), "removed"))
            elif key not in old:
                changes.extend(_one_sided(new[key], (*path, key), "added"))
            else:
                changes.extend(diff(old[key], new[key], secrets_equal, (*path, key)))
        return changes
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        changes = []
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            changes.extend(diff(a, b, secrets_equal, (*path, index)))
        return changes
    if old == new and type(old) is type(new):
        return []
    return [Change(here, "changed", _safe(old), _safe(new))]


def _one_sided(value: Any, path: tuple[str | int, ...], kind: Kind) -> list[Change]:
    secret = is_secure_string(value)
    shown = SECRET_SHOWN if secret else _safe(value)
    if kind == "added":
        return [Change(json_path(path), kind, new=shown, secret=secret)]
    return [Change(json_path(path), kind, old=shown, secret=secret)]


def _safe(value: Any) -> Any:
    """A value with every secure string inside it replaced by a marker."""
    if is_secure_string(value):
        return SECRET_SHOWN
    if isinstance(value, dict):
        return {k: _safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_safe(v) for v in value]
    return value
