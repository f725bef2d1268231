"""What a form saves: the stored definition with only the values the user changed.

A form shows a stored definition as fields and builds the definition back from them, in
its own spelling: a parameter type ``"string"`` comes back ``"String"``, a port written
``"443"`` comes back ``443``, a plain-string expression comes back as an object, keys come
back in the schema's order. :func:`kept_as_written` compares what the form gives for the
fields as they were shown (``untouched``) with what it gives for the fields as submitted
(``edited``): every value the user left alone is kept as the stored definition writes it,
every changed one is the form's. What the form leaves out is left out, as before.
"""

from __future__ import annotations

from typing import Any

from connectors.json_patch import same_json
from connectors.secrets import is_secure_string


class _Absent:
    pass


ABSENT: Any = _Absent()
"""A member a document does not have."""


def kept_as_written(stored: Any, untouched: Any, edited: Any) -> Any:
    """``edited`` with each value equal to ``untouched`` at the same place taken from
    ``stored`` (its spelling and its keys' order); a member the form adds on its own
    (equal in ``untouched``, absent from ``stored``) left out. A secure string is always
    the form's: the save resolves the mask to the stored secret."""
    if is_secure_string(stored) or is_secure_string(edited):
        return edited
    if isinstance(stored, dict) and isinstance(untouched, dict) and isinstance(edited, dict):
        merged: dict[str, Any] = {}
        for key in [*stored, *(k for k in edited if k not in stored)]:
            if key not in edited:
                continue
            if key in stored:
                value = kept_as_written(stored[key], untouched.get(key, ABSENT), edited[key])
            elif key in untouched and same_json(untouched[key], edited[key]):
                continue  # the form writes it for any definition; the stored one has none
            else:
                value = edited[key]
            merged[key] = value
        return merged
    if (
        isinstance(stored, list)
        and isinstance(untouched, list)
        and isinstance(edited, list)
        and len(stored) == len(untouched) == len(edited)
    ):
        return [kept_as_written(s, u, e) for s, u, e in zip(stored, untouched, edited, strict=True)]
    if untouched is not ABSENT and same_json(untouched, edited):
        return stored
    return edited


__all__ = ["ABSENT", "kept_as_written"]
