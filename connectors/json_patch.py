"""A changed document written into the file it came from, changing only what changed.

:func:`patched` takes a JSON file and the document it should now hold, and edits the text
member by member (:mod:`connectors.json_edit`): a value that differs is replaced where it
is, a member the document no longer has is removed with its comma, a new one is added
where the document has it among its siblings (indented like them). Everything else --
key order, spacing, spelling of numbers and escapes, line endings -- stays as the file has
it. The order of keys in the new document is not a change: the file's order is kept.
"""

from __future__ import annotations

import json
from typing import Any

from connectors.file_style import BOM, FileStyle
from connectors.json_edit import append, insert_before, remove, replace_value

Path = tuple[str | int, ...]


def same_json(a: Any, b: Any) -> bool:
    """The same JSON value: equal, and of the same JSON types throughout (``1`` is not
    ``true``, nor ``1.0``); the order of an object's keys does not matter."""
    if a is b:
        return True
    if type(a) is not type(b) or a != b:  # Python's equality, in C, says most
        return False
    if not isinstance(a, (dict, list)):
        return True
    try:  # equal: now the JSON types throughout, as the text tells them (written in C)
        return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    except (TypeError, ValueError, RecursionError):
        pass
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


Edit = tuple[str, Path, Any, Any]


def _edits(before: Any, after: Any, path: Path) -> list[Edit]:
    """(operation, path, value, where) to turn ``before`` into ``after``, in an order whose
    paths stay valid as they are applied one by one. A new member goes before the member
    that follows it in ``after`` (at the end when none does)."""
    if same_json(before, after):
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        edits: list[Edit] = [
            ("remove", (*path, key), None, None) for key in before if key not in after
        ]
        for key in before:
            if key in after:
                edits += _edits(before[key], after[key], (*path, key))
        keys = list(after)
        for index, key in enumerate(keys):
            if key in before:
                continue
            following = next((k for k in keys[index + 1 :] if k in before), None)
            if following is None:
                edits.append(("append", path, after[key], key))
            else:
                edits.append(("insert", path, after[key], (key, following)))
        return edits
    if isinstance(before, list) and isinstance(after, list):
        common = min(len(before), len(after))
        edits = []
        for index in range(common):
            edits += _edits(before[index], after[index], (*path, index))
        edits += [("remove", (*path, i), None, None) for i in reversed(range(common, len(before)))]
        edits += [("append", path, item, None) for item in after[common:]]
        return edits
    return [("replace", path, after, None)]


def patched_text(
    text: str, after: Any, before: Any = None, *, style: FileStyle | None = None
) -> str:
    """``text`` (a JSON document) edited to hold ``after``, every unchanged member as it
    was written. ``before``: ``text`` already read (it is not read again). ``style``: the
    layout of the file ``text`` was cut from, when it is a part of one (new values are
    then written as the whole file would have them)."""
    if before is None:
        before = json.loads(text)
    for operation, path, value, where in _edits(before, after, ()):
        if operation == "replace":
            text = replace_value(text, path, value, style=style)
        elif operation == "remove":
            text = remove(text, path)
        elif operation == "insert":
            text = insert_before(text, path, where[0], value, where[1], style=style)
        else:
            text = append(text, path, value, where, style=style)
    return text


def patched(raw: bytes, after: Any, before: Any = None) -> bytes:
    """The file ``raw`` (UTF-8 JSON, with or without a BOM) edited to hold ``after``;
    ``before``: the document ``raw`` holds, when the caller has read it already."""
    bom = raw.startswith(BOM)
    text = raw[len(BOM) :].decode("utf-8") if bom else raw.decode("utf-8")
    data = patched_text(text, after, before).encode("utf-8")
    return BOM + data if bom else data


__all__ = ["patched", "patched_text", "same_json"]
