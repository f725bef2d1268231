"""An overall deadline shared by every step of one connection test."""

from __future__ import annotations

import time
from collections.abc import Callable

from connectors.net.errors import (
    DeadlineExceeded,
)


class Deadline:
    """A point in (monotonic) time after which no more waiting is allowed.

    Socket timeouts are derived from :meth:`io_timeout` before every read or
    write, so a slow peer that trickles bytes cannot stretch a test past it.
    """

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        if seconds <= 0:
            raise ValueError("deadline must be positive")
        self._clock = clock
        self.total_seconds = seconds
        self._expires_at = clock() + seconds

    def remaining(self) -> float:
        """Seconds left; zero or negative once the deadline has passed."""
        return self._expires_at - self._clock()

    def expired(self) -> bool:
        return self.remaining() <= 0

    def io_timeout(self, cap: float | None = None, *, waiting_for: str = "the server") -> float:
        """Timeout for the next blocking socket call, or raise if none is left."""
        left = self.remaining()
        if left <= 0:
            raise DeadlineExceeded(
                f"no answer from {waiting_for} within the {self.total_seconds:g} s deadline"
            )
        return min(left, cap) if cap is not None else left
