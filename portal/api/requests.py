"""Small helpers every API view uses: read a flag or the comment."""

from __future__ import annotations

from rest_framework.request import Request


def comment(request: Request) -> str:
    return str(request.query_params.get("comment", ""))[:500]


def flag(request: Request, name: str) -> bool:
    """A yes/no query parameter (``1``, ``true`` or ``yes`` mean yes)."""
    return str(request.query_params.get(name, "")).lower() in ("1", "true", "yes")
