"""The services layer, enforced while the tests run: a model write (save, delete, queryset
update, delete or bulk create) whose call stack passes through a view, an API view or a
management command must also pass through :mod:`portal.services`, the only writers.

Installed for every test by ``tests/conftest.py``; a write that breaks the rule raises
:class:`WriteOutsideServices` naming the caller. Not layering writes: Django's sessions and
the sign-in's ``last_login``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db.models import Model, QuerySet

PORTAL = Path(__file__).resolve().parent.parent / "portal"
CALLERS = tuple(str(PORTAL / part) for part in ("views", "api", "management/commands"))
SERVICES = str(PORTAL / "services")
EXEMPT_APPS = frozenset({"sessions"})


class WriteOutsideServices(AssertionError):
    pass


def _check(what: str, model: type[Model] | None, update_fields: Any = None) -> None:
    if model is not None and model._meta.app_label in EXEMPT_APPS:
        return
    if update_fields is not None and set(update_fields) == {"last_login"}:
        return
    caller = None
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(SERVICES):
            return
        if caller is None and filename.startswith(CALLERS):
            caller = f"{filename}:{frame.f_lineno} ({frame.f_code.co_name})"
        frame = frame.f_back  # type: ignore[assignment]
    if caller is not None:
        name = model.__name__ if model is not None else "?"
        raise WriteOutsideServices(f"{what} of {name} from {caller}, not through portal/services")


def _guarded(original: Callable[..., Any], what: str, of_queryset: bool) -> Callable[..., Any]:
    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        model = self.model if of_queryset else type(self)
        _check(what, model, kwargs.get("update_fields"))
        return original(self, *args, **kwargs)

    return guarded


PATCHES = [
    (Model, "save", "save", False),
    (Model, "delete", "delete", False),
    (QuerySet, "update", "update", True),
    (QuerySet, "delete", "delete", True),
    (QuerySet, "bulk_create", "bulk_create", True),
    (QuerySet, "bulk_update", "bulk_update", True),
]


@contextmanager
def services_only() -> Iterator[None]:
    originals = [(owner, name, getattr(owner, name)) for owner, name, _, _ in PATCHES]
    try:
        for owner, name, what, of_queryset in PATCHES:
            setattr(owner, name, _guarded(getattr(owner, name), what, of_queryset))
        yield
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)
