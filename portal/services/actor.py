"""Who does something, and from where: what every service action takes and audits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Origin = Literal["ui", "api", "cli"]


@dataclass(frozen=True)
class Actor:
    """A user (None: a command run without one) acting through the pages, the API or the CLI.

    ``address`` is the client's address (``REMOTE_ADDR``) for the audit log."""

    user: Any
    origin: Origin
    address: str | None = None

    @classmethod
    def of(cls, request: Any) -> Actor:
        """The signed-in user of a page's or an API request (DRF's Request too)."""
        django_request = getattr(request, "_request", request)
        path = getattr(django_request, "path", "") or ""
        origin: Origin = "api" if path.startswith("/api/") else "ui"
        return cls(request.user, origin, django_request.META.get("REMOTE_ADDR"))

    @classmethod
    def cli(cls, user: Any = None) -> Actor:
        return cls(user, "cli")

    @property
    def signed_in(self) -> bool:
        return self.user is not None and bool(getattr(self.user, "is_authenticated", False))

    @property
    def username(self) -> str:
        return self.user.get_username() if self.signed_in else ""
