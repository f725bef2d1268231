"""What the portal's log says of a refused request: one line, never a traceback.

Django logs a view's ``PermissionDenied`` on ``django.request`` with its traceback, as if it
were a fault. A refusal is no fault: :class:`RefusalsInOneLine` (a filter on that logger)
keeps such a record to its one line, and drops it when the portal logged the refusal
already (:class:`LoggedRefusal`, raised by the pages' role checks after their own line
saying who was refused what).
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class LoggedRefusal(PermissionDenied):
    """A refusal whose log line is written already."""


class RefusalsInOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        refused = record.exc_info[1] if record.exc_info else None
        if isinstance(refused, LoggedRefusal):
            return False
        if isinstance(refused, PermissionDenied):
            record.exc_info, record.exc_text = None, None
        return True
