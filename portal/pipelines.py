"""Activities of a stored pipeline: listed with links, the connector-authored ones edited
through their part's form, and an edit saved as a revision whose file is the stored file
with only that activity re-serialised (every other byte kept).

Nothing here names an activity type, a source type or a dataset type: the registry's
connector parts say which activities they author (:mod:`connectors.activity_parts`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from connectors import activity_parts, json_limits
from connectors.adf_repository import may_hold_secret
from connectors.base import ActivityPart, Connector
from connectors.formdata import form_from_properties, type_properties_from_form
from connectors.json_spans import JsonText
from connectors.kinds import KINDS
from connectors.pipeline_activities import (
    Activity,
    activities,
    find_in,
    replace_activity,
    structure_problems,
    top_level_index,
)
from connectors.problems import Problem
from connectors.registry import UnknownConnector, get_connector
from connectors.secrets import MASK, SECURE_STRING, map_secure_strings
from portal.imports import export_entry, stored_entry
from portal.models import Factory, MaskedBytes, Resource, definition_text

DATASET = KINDS["dataset"].name
LINKED_SERVICE = KINDS["linkedService"].name


class ActivityNotEditable(Exception):
    pass


class ActivityInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


class Datasets:
    """The factory's datasets, read once: name -> properties (ADF names ignore case)."""

    def __init__(self, factory: Factory) -> None:
        self.factory = factory
        self._by_key: dict[str, Resource] | None = None

    def _all(self) -> dict[str, Resource]:
        if self._by_key is None:
            rows = Resource.objects.live().filter(factory=self.factory, kind=DATASET)
            self._by_key = {r.name_key: r for r in rows}
        return self._by_key

    def resource(self, name: str) -> Resource | None:
        return self._all().get(Resource.key_for(name)) if isinstance(name, str) else None

    def __call__(self, name: str) -> Mapping[str, Any] | None:
        found = self.resource(name)
        return found.properties if found is not None else None

    def names_of_type(self, dataset_type: str | None) -> list[str]:
        return sorted(
            (r.name for r in self._all().values() if dataset_type in (None, r.connector)),
            key=str.casefold,
        )


@dataclass
class ActivityRow:
    activity: Activity
    connector: Connector | None = None
    part: ActivityPart | None = None
    inputs: list[tuple[str, Resource | None]] = field(default_factory=list)
    outputs: list[tuple[str, Resource | None]] = field(default_factory=list)
    dataset: tuple[str, Resource | None] | None = None

    @property
    def editable(self) -> bool:
        return self.part is not None


def stored_file(resource: Resource) -> tuple[str, bytes]:
    """The pipeline's file as an export writes it: ``(path, bytes)``."""
    return export_entry(resource)


def stored_document(resource: Resource) -> tuple[str, bytes, dict[str, Any]]:
    path, raw = stored_file(resource)
    try:
        document = json_limits.loads(raw.decode("utf-8-sig"))
    except ValueError:
        document = None
    if not isinstance(document, dict):
        document = {"name": resource.name, "properties": resource.properties}
    return path, raw, document


def activity_rows(resource: Resource, datasets: Datasets | None = None) -> list[ActivityRow]:
    """Every activity of the resource (none for a resource that holds none)."""
    datasets = datasets or Datasets(resource.factory)
    document = {"properties": resource.properties}
    rows = []
    for activity in activities(document):
        found = activity_parts.part_for(activity.body, datasets)
        row = ActivityRow(
            activity,
            connector=found[0] if found else None,
            part=found[1] if found else None,
            inputs=[(n, datasets.resource(n)) for n in activity.references("inputs")],
            outputs=[(n, datasets.resource(n)) for n in activity.references("outputs")],
        )
        if activity.dataset is not None:
            row.dataset = (activity.dataset, datasets.resource(activity.dataset))
        rows.append(row)
    return rows


def pipeline_problems(resource: Resource, datasets: Datasets | None = None) -> list[Problem]:
    """Structure problems (duplicate names, cycles) and datasets the activities name that
    the factory lacks."""
    datasets = datasets or Datasets(resource.factory)
    problems = structure_problems({"properties": resource.properties})
    for row in activity_rows(resource, datasets):
        refs = [("inputs", n, r) for n, r in row.inputs] + [
            ("outputs", n, r) for n, r in row.outputs
        ]
        if row.dataset is not None:
            refs.append(("typeProperties.dataset", *row.dataset))
        for where, name, target in refs:
            if target is None:
                problems.append(
                    Problem(
                        "$." + ".".join(map(str, row.activity.path)) + "." + where,
                        f"Activity '{row.activity.name}' names dataset '{name}', which is not "
                        "in this factory.",
                    )
                )
    return problems


@dataclass
class ActivityEdit:
    """What the activity editor shows and saves."""

    resource: Resource
    activity: Activity
    connector: Connector
    part: ActivityPart
    data: dict[str, str]
    values: dict[str, Any]
    new_body: dict[str, Any]
    problems: list[Problem]
    datasets: Datasets
    parameters: Mapping[str, Any]
    variables: Mapping[str, Any]

    @property
    def code(self) -> str:
        return json.dumps(self.new_body, indent="\t", ensure_ascii=False)

    def field_errors(self, name: str) -> list[str]:
        return [p.message for p in self.problems if p.path == f"$.{name}"]

    @property
    def other_errors(self) -> list[Problem]:
        names = set(activity_parts.field_names(self.part))
        return [p for p in self.problems if p.path[2:] not in names]


def stored_text(resource: Resource) -> JsonText:
    """The pipeline's stored properties, read only where asked (one per instance and
    revision): the activity editor reads one activity and, when a query needs them, the
    pipeline's parameters and variables, and an activity's save writes that activity into
    this text; the rest of a large pipeline is never parsed."""
    memo = resource.__dict__.get("_stored_text")
    if memo is None or memo.text is not resource.definition:
        memo = definition_text(resource.definition)
        resource.__dict__["_stored_text"] = memo
    return memo


class Declared(Mapping[str, Any]):
    """The pipeline's parameters or variables (a member of its properties, ``{}`` unless an
    object), read from the stored text when first looked at: a query without an expression
    never looks."""

    def __init__(self, stored: JsonText, member: str) -> None:
        self._stored = stored
        self._member = member

    @cached_property
    def _value(self) -> dict[str, Any]:
        found = self._stored.get((self._member,))
        return found if isinstance(found, dict) else {}

    def __getitem__(self, key: str) -> Any:
        return self._value[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._value)

    def __len__(self) -> int:
        return len(self._value)


def load_activity(resource: Resource, key: str) -> tuple[Activity, Datasets]:
    activity = _find(stored_text(resource), key)
    if activity is None:
        raise LookupError(f"'{resource.name}' has no activity at {key}.")
    return activity, Datasets(resource.factory)


def _find(stored: JsonText, key: str) -> Activity | None:
    """:func:`find` in the stored properties, reading only the pipeline's own activity the
    key is (or is inside of)."""
    index = top_level_index(key)
    if index is None:
        return None
    try:
        body = stored.value(("activities", index))
    except LookupError:
        return None
    return find_in(body, index, key)


def query_guard_problems(connector: Connector) -> Any:
    tools = connector.query_tools
    return getattr(tools, "query_problems", None) if tools is not None else None


def build_edit(
    resource: Resource,
    key: str,
    data: Mapping[str, str] | None = None,
    *,
    values: Mapping[str, Any] | None = None,
) -> ActivityEdit:
    """The editor of the activity at ``key``; ``data`` is the submitted form, ``values``
    the part's values as JSON (the API: fields left out keep their stored value); neither:
    the stored values."""
    activity, datasets = load_activity(resource, key)
    found = activity_parts.part_for(activity.body, datasets)
    if found is None:
        raise ActivityNotEditable(f"'{activity.name}' ({activity.type}) is shown read-only.")
    connector, part = found
    stored_values = activity_parts.values_of(part, activity.body)
    if values is not None:
        merged = {**stored_values, **values}
        if merged.get("useQuery") == activity_parts.TABLE_MODE:
            merged.pop("query", None)
        values = {k: v for k, v in merged.items() if v is not None}
        form = form_from_properties(part, {"typeProperties": values})
        form = {k: v for k, v in form.items() if k.startswith("tp-")}
    else:
        if data is None:
            form = form_from_properties(part, {"typeProperties": stored_values})
            form = {k: v for k, v in form.items() if k.startswith("tp-")}
        else:
            form = {k: str(data.get(k, "")) for k in data}  # a QueryDict: its last values
        values = type_properties_from_form(part, form, stored_values)
    stored = stored_text(resource)
    parameters, variables = Declared(stored, "parameters"), Declared(stored, "variables")
    problems = activity_parts.check(
        part,
        values,
        datasets,
        query_problems=query_guard_problems(connector),
        parameters=parameters,
        variables=variables,
    )
    new_body = activity_parts.apply(part, activity.body, values)
    return ActivityEdit(
        resource, activity, connector, part, form, dict(values), new_body, problems, datasets,
        parameters, variables,
    )  # fmt: skip


@dataclass
class SavedActivity:
    """What saving an activity writes: the stored file with only that activity replaced
    (``path``, ``raw``), the activity as the file now holds it (secrets as the mask), and
    where it sits under the pipeline's properties (``at``) as ``stored`` holds them."""

    path: str
    raw: bytes
    at: tuple[str | int, ...]
    activity: dict[str, Any]
    stored: JsonText


def activity_saved(edit: ActivityEdit) -> SavedActivity:
    """The stored file with only the edited activity replaced; only the activity is read,
    compared and written again. Raises ActivityInvalid when the edit has problems."""
    if edit.problems:
        raise ActivityInvalid(edit.problems)
    path, raw = stored_entry(edit.resource)
    # The file holds each secret as the mask; the new body holds the stored reference.
    body = map_secure_strings(edit.new_body, _as_mask)
    replaced = replace_activity(raw, edit.activity.path, body)
    new_raw = replaced.raw
    if isinstance(raw, MaskedBytes) and not may_hold_secret(replaced.text.encode()):
        # Only the activity's text changed, and it holds no secret (in clear or not): the
        # file holds none in clear, as before, and is not read whole again to mask one.
        new_raw = MaskedBytes(new_raw)
    stored = stored_text(edit.resource)
    return SavedActivity(path, new_raw, edit.activity.path[1:], replaced.activity, stored)


def _as_mask(secret: dict[str, Any]) -> dict[str, Any]:
    return {"type": SECURE_STRING, "value": MASK} if "secretId" in secret else secret


def linked_service_of(
    dataset: Resource | None, among: Mapping[str, Resource] | None = None
) -> Resource | None:
    """The linked service a dataset reads through, in the dataset's factory (``among``:
    the factory's live linked services by name key, read once by the caller)."""
    if dataset is None:
        return None
    ref = dataset.properties.get("linkedServiceName")
    name = ref.get("referenceName") if isinstance(ref, dict) else None
    if not isinstance(name, str):
        return None
    if among is not None:
        return among.get(Resource.key_for(name))
    return (
        Resource.objects.live()
        .filter(factory=dataset.factory, kind=LINKED_SERVICE, name_key=Resource.key_for(name))
        .first()
    )


def connector_of(service: Resource | None) -> Connector | None:
    if service is None:
        return None
    try:
        return get_connector(service.connector)
    except UnknownConnector:
        return None
