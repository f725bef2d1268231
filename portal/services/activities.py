"""Saving one edited activity of a pipeline: the stored file with only that activity's bytes
replaced, as a new revision, audited in the same transaction. Only the activity is checked,
its secrets resolved and sealed (nothing else of the pipeline changed): a save costs the
activity, not the pipeline, but for storing the whole file and definition."""

from __future__ import annotations

from portal.definitions import SaveResult
from portal.pipelines import ActivityEdit, activity_saved
from portal.services import resources
from portal.services.actor import Actor


def save(actor: Actor, edit: ActivityEdit, *, based_on: int | None) -> SaveResult:
    """Raises ActivityInvalid (the edit's problems), StaleRevision, DefinitionInvalid."""
    saved = activity_saved(edit)
    return resources.save_part(
        actor,
        edit.resource,
        stored=saved.stored,
        at=saved.at,
        value=saved.activity,
        based_on=based_on,
        comment=f"Edited activity '{edit.activity.name}'",
        audit_detail=f"activity '{edit.activity.name}'",
        source_path=saved.path,
        source_bytes=saved.raw,
    )
