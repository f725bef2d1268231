"""What the portal's log says of a refused request: one line, never a traceback.

Django logs a view's ``PermissionDenied`` on ``django.request`` with its traceback, as if it
were a fault. A refusal is no fault: :class:`RefusalsInOneLine` (a filter on that logger)
keeps such a record to its one line, and drops it when the portal logged the refusal
already: :class:`LoggedRefusal`, raised by the pages' role checks after their own line
saying who was refused what, and the API's 403 answers to a request marked
:func:`refusal_logged` (Django logs those as ``Forbidden: <path>``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied

_LOGGED = "_linkwright_refusal_logged"


class LoggedRefusal(PermissionDenied):
    """A refusal whose log line is written already."""


def refusal_logged(request: Any) -> None:
    """Mark ``request`` (Django's, or DRF's around it) refused with its log line written."""
    setattr(getattr(request, "_request", request), _LOGGED, True)


class RefusalsInOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        refused = record.exc_info[1] if record.exc_info else None
        if isinstance(refused, LoggedRefusal):
            return False
        request = getattr(record, "request", None)
        if getattr(record, "status_code", None) == 403 and getattr(request, _LOGGED, False):
            return False
        if isinstance(refused, PermissionDenied):
            record.exc_info, record.exc_text = None, None
        return True
