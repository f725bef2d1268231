"""Files handed to a browser or a script as downloads: the header that names them, and a
factory's repository as a zip written to a spooled temporary file (in memory while small,
on disk beyond :data:`SPOOL_BYTES`) and streamed from there, never held whole."""

from __future__ import annotations

import tempfile
from urllib.parse import quote

from django.http import FileResponse

from connectors.adf_repository import write_zip_to
from portal.models import Factory
from portal.services import repository
from portal.services.actor import Actor

SPOOL_BYTES = 1024 * 1024
"""A zip larger than this (an upload, a download) is on disk, not in memory."""
BLOCK_BYTES = 256 * 1024
"""A zip is read and written this much at a time (an upload's copy, a download's stream)."""


def attachment(filename: str) -> str:
    """A Content-Disposition that names the download (ASCII fallback and UTF-8 name)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def repository_zip(actor: Actor, factory: Factory) -> FileResponse:
    """The factory as its git repository, zipped (every file kept as is included). The
    zip is complete (and the export audited) before the response starts."""
    archive = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the response closes it)
    try:
        repository.export_factory(actor, factory, lambda files: write_zip_to(files, archive))
    except BaseException:
        archive.close()  # no response takes it
        raise
    archive.seek(0)
    response = FileResponse(archive, content_type="application/zip")
    response.block_size = BLOCK_BYTES
    response["Content-Disposition"] = attachment(f"{factory.name}.zip")
    return response
