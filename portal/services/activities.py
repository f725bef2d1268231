"""Saving one edited activity of a pipeline: the stored file with only that activity's bytes
replaced, as a new revision, audited in the same transaction."""

from __future__ import annotations

from portal.definitions import SaveResult
from portal.pipelines import ActivityEdit, activity_saved
from portal.services import resources
from portal.services.actor import Actor


def save(actor: Actor, edit: ActivityEdit, *, based_on: int | None) -> SaveResult:
    """Raises ActivityInvalid (the edit's problems), StaleRevision, DefinitionInvalid."""
    path, raw, properties = activity_saved(edit)
    return resources.save(
        actor,
        name=edit.resource.name,
        properties=properties,
        instance=edit.resource,
        based_on=based_on,
        comment=f"Edited activity '{edit.activity.name}'",
        audit_detail=f"activity '{edit.activity.name}'",
        source_path=path,
        source_bytes=raw,
    )
