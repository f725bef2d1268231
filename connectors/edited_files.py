"""An edited resource's file: the file it was imported from, changing only what the edits
changed.

Plain Python: :mod:`portal.imports` exports with it, and the repository benchmark measures
it.
"""

from __future__ import annotations

from typing import Any

from connectors.adf_repository import export_bytes, masked_document
from connectors.json_patch import patched
from connectors.json_spans import SpanNotFound


def edited_bytes(document: Any, original: bytes) -> bytes:
    """``original`` with only the values that differ from ``document`` changed, every other
    line as written (key order, layout, spelling), secrets masked; written afresh in the
    file's style when its text cannot be edited in place (duplicate keys, say)."""
    try:
        return patched(original, masked_document(document))
    except (SpanNotFound, ValueError):
        return export_bytes(document, original=original)


__all__ = ["edited_bytes"]
