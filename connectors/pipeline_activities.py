"""The activities of a pipeline document: listed (nested ones of ForEach, If, Until and
Switch too), checked (duplicate names, dependency cycles, unknown dependencies), and one
of them replaced in the stored file's bytes, changing only the lines of what changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from connectors.file_style import BOM, detect_style
from connectors.json_patch import patched_text
from connectors.json_spans import line_indent, value_span
from connectors.problems import Problem, json_path

Path = tuple[str | int, ...]

CONTAINERS: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "ForEach": (("activities",),),
    "Until": (("activities",),),
    "IfCondition": (("ifTrueActivities",), ("ifFalseActivities",)),
    "Switch": (("defaultActivities",),),
}
"""Where each control activity keeps its inner activities, under ``typeProperties``
(Switch's ``cases[].activities`` are walked besides)."""


@dataclass(frozen=True)
class Activity:
    """One activity where it sits in the pipeline document."""

    path: Path
    """From the document root: ("properties", "activities", 0, "typeProperties", ...)."""
    body: Mapping[str, Any]
    parent: str = ""
    """The enclosing control activity's name and branch, e.g. "ForEach1 › activities"."""
    depth: int = 0

    @property
    def name(self) -> str:
        name = self.body.get("name")
        return name if isinstance(name, str) else ""

    @property
    def type(self) -> str:
        kind = self.body.get("type")
        return kind if isinstance(kind, str) else ""

    @property
    def key(self) -> str:
        """A stable handle in URLs: the path's parts joined with dots."""
        return ".".join(str(p) for p in self.path)

    @property
    def depends_on(self) -> list[dict[str, Any]]:
        """``[{"activity", "conditions"}]``."""
        out = []
        for item in _list(self.body.get("dependsOn")):
            if isinstance(item, dict):
                out.append(
                    {
                        "activity": str(item.get("activity", "")),
                        "conditions": [str(c) for c in _list(item.get("dependencyConditions"))],
                    }
                )
        return out

    def references(self, key: str) -> list[str]:
        """Names in ``inputs`` / ``outputs`` (DatasetReference items)."""
        return [
            str(r.get("referenceName", ""))
            for r in _list(self.body.get(key))
            if isinstance(r, dict)
        ]

    @property
    def dataset(self) -> str | None:
        """The dataset a Lookup (or any activity with ``typeProperties.dataset``) reads."""
        ref = _dict(self.body.get("typeProperties")).get("dataset")
        if isinstance(ref, dict) and isinstance(ref.get("referenceName"), str):
            return str(ref["referenceName"])
        return None

    @property
    def json(self) -> str:
        return json.dumps(self.body, indent="\t", ensure_ascii=False)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _branches(activity: Mapping[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path under the activity, branch label) of each list of inner activities."""
    kind = activity.get("type")
    tp = _dict(activity.get("typeProperties"))
    for branch in CONTAINERS.get(str(kind), ()):
        if isinstance(tp.get(branch[0]), list):
            yield ("typeProperties", *branch), branch[0]
    if kind == "Switch":
        for index, case in enumerate(_list(tp.get("cases"))):
            if isinstance(case, dict) and isinstance(case.get("activities"), list):
                label = f"case {case.get('value', index)}"
                yield ("typeProperties", "cases", index, "activities"), label


def activities(document: Mapping[str, Any]) -> list[Activity]:
    """Every activity of a pipeline document, depth first, each container before its inner
    activities."""
    items = _list(_dict(document.get("properties")).get("activities"))
    return list(_walk(enumerate(items), ("properties", "activities"), "", 0))


def _walk(
    items: Iterable[tuple[int, Any]], path: Path, parent: str, depth: int
) -> Iterator[Activity]:
    """The activities among ``items`` (index, body) of the list at ``path``, each followed
    by the ones inside it."""
    for index, body in items:
        if not isinstance(body, dict):
            continue
        activity = Activity((*path, index), body, parent, depth)
        yield activity
        for sub, label in _branches(body):
            inner = body
            for part in sub:
                inner = inner[part]  # type: ignore[index]
            yield from _walk(
                enumerate(inner), (*activity.path, *sub), f"{activity.name} › {label}", depth + 1
            )


def top_level_index(key: str) -> int | None:
    """The index of the pipeline's own activity an :attr:`Activity.key` is, or is inside
    of (``properties.activities.<index>...``); None for a key of no activity."""
    parts = key.split(".")
    if len(parts) < 3 or parts[:2] != ["properties", "activities"]:
        return None
    index = parts[2]
    return int(index) if index.isdigit() and str(int(index)) == index else None


def find(document: Mapping[str, Any], key: str) -> Activity | None:
    """The activity whose :attr:`Activity.key` is ``key``; one of the pipeline's own
    (not inside a control activity) is taken where it is, without listing the others."""
    index = top_level_index(key)
    items = _list(_dict(document.get("properties")).get("activities"))
    if index is None or index >= len(items):
        return None
    return find_in(items[index], index, key)


def find_in(body: Any, index: int, key: str) -> Activity | None:
    """:func:`find` given only ``body``, the pipeline's own activity at ``index`` (the one
    ``key`` is, or is inside of, by :func:`top_level_index`): the others need not be read."""
    if key == f"properties.activities.{index}":
        return (
            Activity(("properties", "activities", index), body) if isinstance(body, dict) else None
        )
    for activity in _walk([(index, body)], ("properties", "activities"), "", 0):
        if activity.key == key:
            return activity
    return None


def structure_problems(document: Mapping[str, Any]) -> list[Problem]:
    """What ADF would refuse in the pipeline's activities: duplicate names (names are unique
    in the whole pipeline), a dependency on an activity not beside it, a dependency cycle.
    Reported, never fixed."""
    problems: list[Problem] = []
    everything = activities(document)
    seen: dict[str, Activity] = {}
    for activity in everything:
        folded = activity.name.casefold()
        if folded in seen:
            problems.append(
                Problem(
                    json_path((*activity.path, "name")),
                    f"Activity name '{activity.name}' is used twice (also at "
                    f"{json_path(seen[folded].path)}); ADF needs unique activity names.",
                )
            )
        else:
            seen[folded] = activity
    groups: dict[Path, list[Activity]] = {}
    for activity in everything:
        groups.setdefault(activity.path[:-1], []).append(activity)
    for group in groups.values():
        problems.extend(_dependency_problems(group))
    return problems


def _dependency_problems(group: list[Activity]) -> list[Problem]:
    problems: list[Problem] = []
    names = {a.name for a in group}
    edges: dict[str, list[str]] = {a.name: [] for a in group}
    for activity in group:
        for index, dep in enumerate(activity.depends_on):
            if dep["activity"] not in names:
                problems.append(
                    Problem(
                        json_path((*activity.path, "dependsOn", index, "activity")),
                        f"'{activity.name}' depends on '{dep['activity']}', which is not an "
                        "activity beside it.",
                    )
                )
            else:
                edges[activity.name].append(dep["activity"])
    cycle = find_cycle(edges)
    if cycle:
        first = next(a for a in group if a.name == cycle[0])
        problems.append(
            Problem(
                json_path((*first.path, "dependsOn")),
                "Dependency cycle: " + " → ".join([*cycle, cycle[0]]) + " (ADF refuses it).",
            )
        )
    return problems


def find_cycle(edges: dict[str, list[str]]) -> list[str]:
    """One cycle in the graph as a list of names, or []."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in edges.get(node, []):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return []

    for node in edges:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


class Replaced:
    """The edited file's bytes, the activity as the file now holds it (its key order, the
    file's secrets as the file writes them), the activity's text as now written (the only
    characters of the file that may differ), and the whole document (read when asked)."""

    def __init__(
        self, raw: bytes, activity: dict[str, Any], document: Any, path: Path, text: str = ""
    ) -> None:
        self.raw = raw
        self.activity = activity
        self.text = text
        self._before = document
        self._path = path

    @cached_property
    def document(self) -> dict[str, Any]:
        before = self._before
        if before is None:
            before = json.loads(self.raw.decode("utf-8-sig"))
            return before if isinstance(before, dict) else {}
        return replaced_at(before, self._path, self.activity)


def replace_activity(
    raw: bytes, path: Path, activity: Mapping[str, Any], *, document: Any = None
) -> Replaced:
    """The file ``raw`` with the activity at ``path`` replaced by ``activity``: only the
    lines of the values that changed are changed (:mod:`connectors.json_patch`), every
    other byte is kept. Only the activity's text is read and compared: the rest of the
    file is skipped (by the standard library's scanner, in C), so the cost is the
    activity's, not the pipeline's. ``document``: what ``raw`` holds, when the caller has
    read it (it is left as it is; :attr:`Replaced.document` copies only the containers on
    the way to the activity)."""
    bom = raw.startswith(BOM)
    text = raw[len(BOM) :].decode("utf-8") if bom else raw.decode("utf-8")
    start, end = value_span(text, path)
    # The activity's text, after the whitespace its first line starts with: every line of
    # it is then indented as in the file, and new members are indented as the file's are.
    indent = line_indent(text, start)
    part = indent + text[start:end]
    before = json.loads(part)
    edited = patched_text(part, dict(activity), before, style=detect_style(raw))
    if not edited.startswith(indent):  # pragma: no cover - edits stay inside the value
        raise ValueError("The activity's edit reached outside it.")
    new_part = edited[len(indent) :].encode("utf-8")
    if raw.isascii():  # (no BOM then) a character is a byte: the file's own bytes around
        whole = memoryview(raw)  # the activity, copied once
        data = b"".join((whole[:start], new_part, whole[end:]))
    else:
        data = text[:start].encode("utf-8") + new_part + text[end:].encode("utf-8")
        data = BOM + data if bom else data
    return Replaced(
        data,
        json.loads(edited),
        document,
        path,
        edited,
    )


def replaced_at(document: Any, path: Path, value: Any) -> Any:
    """A copy of ``document`` with the value at ``path`` replaced by ``value``: only the
    containers on the way are copied, ``document`` is left as it is."""
    after = _shallow(document)
    parent: Any = after
    for key in path[:-1]:
        parent[key] = _shallow(parent[key])
        parent = parent[key]
    parent[path[-1]] = value
    return after


def _shallow(node: Any) -> Any:
    return dict(node) if isinstance(node, dict) else list(node)


__all__ = [
    "CONTAINERS",
    "Activity",
    "Replaced",
    "activities",
    "find",
    "find_in",
    "replace_activity",
    "replaced_at",
    "structure_problems",
    "top_level_index",
]
