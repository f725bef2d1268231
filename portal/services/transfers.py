"""Saving a transfer plan's Copy activity: its datasets (those the factory lacks) and the
activity added to a pipeline (a new pipeline when none has the name), in one transaction,
each resource audited."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from connectors.kinds import KINDS
from portal.models import Factory, Resource
from portal.services import resources
from portal.services.actor import Actor

DATASET = KINDS["dataset"].name
PIPELINE = KINDS["pipeline"].name


@dataclass
class SavedCopy:
    pipeline: Resource
    activity: str
    datasets_created: list[str]


def _live(factory: Factory, kind: str, name: str) -> Resource | None:
    return (
        Resource.objects.live()
        .filter(factory=factory, kind=kind, name_key=Resource.key_for(name))
        .first()
    )


def save_copy_activity(
    actor: Actor, factory: Factory, copy_plan: dict[str, Any], pipeline: str
) -> SavedCopy:
    """Raises DefinitionInvalid (nothing written) when a dataset or the pipeline is refused."""
    activity = dict(copy_plan["copy_activity"])
    created: list[str] = []
    comment = f"Copy activity from the transfer designer ({activity['name']})"
    with transaction.atomic():
        for name, properties in copy_plan.get("datasets", {}).items():
            if _live(factory, DATASET, name) is not None:
                continue
            resources.save(
                actor,
                name=name,
                properties=properties,
                factory=factory,
                kind=DATASET,
                comment="Dataset for a Copy activity from the transfer designer",
            )
            created.append(name)
        existing = _live(factory, PIPELINE, pipeline)
        if existing is None:
            saved = resources.save(
                actor,
                name=pipeline,
                properties={"activities": [activity], "annotations": []},
                factory=factory,
                kind=PIPELINE,
                comment=comment,
            )
        else:
            properties = copy.deepcopy(existing.properties)
            activities = properties.setdefault("activities", [])
            names = {a.get("name") for a in activities if isinstance(a, dict)}
            base, number = activity["name"], 2
            while activity["name"] in names:
                activity = {**activity, "name": f"{base} {number}"}
                number += 1
            activities.append(activity)
            saved = resources.save(
                actor,
                name=existing.name,
                properties=properties,
                instance=existing,
                based_on=existing.revision,
                comment=f"Copy activity from the transfer designer ({activity['name']})",
            )
    return SavedCopy(saved.resource, activity["name"], created)
