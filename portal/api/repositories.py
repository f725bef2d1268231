"""Whole repositories through the API: a zip in (the body, or the multipart field
``repository``), the factory's repository zip out; one report line per file."""

from __future__ import annotations

import tempfile
from typing import IO

from django.http import HttpResponse
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from connectors.problems import Problem
from connectors.repository_source import DEFAULT_LIMITS, RepositoryRefused
from portal.api.documents import Invalid
from portal.api.requests import flag
from portal.downloads import BLOCK_BYTES, SPOOL_BYTES, repository_zip
from portal.models import Factory
from portal.services import repository
from portal.services.actor import Actor

ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/octet-stream")
TOO_BIG = "The zip is over 100 MB."


def repository_upload(request: Request) -> IO[bytes] | None:
    """A repository zip sent as the body, or as the multipart field ``repository``, as a
    seekable file (the caller closes it); None for JSON. At most the repository's
    uncompressed limit is read. A body is copied a block at a time into a file spooled on
    disk beyond :data:`portal.downloads.SPOOL_BYTES`: the serving process does not hold a
    large zip."""
    content_type = (request.content_type or "").split(";")[0].strip().lower()
    if content_type in ZIP_TYPES:
        spooled: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the caller closes it)
        size = 0
        while block := request._request.read(BLOCK_BYTES):
            size += len(block)
            if size > DEFAULT_LIMITS.max_total_bytes:
                spooled.close()
                raise Invalid([Problem("$", TOO_BIG)])
            spooled.write(block)
        spooled.seek(0)
        return spooled
    if content_type == "multipart/form-data":
        upload = request.FILES.get("repository")
        if upload is None:
            raise Invalid([Problem("$.repository", "Send the repository zip in 'repository'.")])
        if upload.size is not None and upload.size > DEFAULT_LIMITS.max_total_bytes:
            raise Invalid([Problem("$.repository", TOO_BIG)])
        return upload.file
    return None


def import_response(request: Request, factory: Factory, archive: IO[bytes]) -> Response:
    """201 with the report when imported, 400 with it when not; 400 ``errors`` if refused."""
    try:
        result = repository.import_repository(
            Actor.of(request),
            factory,
            archive,
            label="zip",
            replace=flag(request, "replace"),
            skip_bad_files=flag(request, "skipBadFiles"),
            pedantic=flag(request, "pedantic"),
        )
    except RepositoryRefused as exc:
        raise Invalid([Problem("$", str(exc))]) from exc
    return Response(
        {
            "imported": result.ok,
            "summary": result.summary(),
            "files": [line.as_dict() for line in result.report],
            "results": [
                {"source": o.source, "name": o.name, "replaced": o.replaced}
                for o in result.outcomes
            ],
        },
        status=status.HTTP_201_CREATED if result.ok else status.HTTP_400_BAD_REQUEST,
    )


def export_response(request: Request, factory: Factory) -> HttpResponse:
    return repository_zip(Actor.of(request), factory)
