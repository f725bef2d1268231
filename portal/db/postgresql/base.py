"""Django's PostgreSQL backend, whose health check asks the server only when the
connection has heard from it while idle.

``CONN_HEALTH_CHECKS`` runs :meth:`is_usable` before a request's (or a worker's) first
statement on a kept connection; Django's answers with a ``SELECT 1``: a round trip on every
request. An idle connection that the server closed (a restart, a terminated backend) has
something to read: the server's last message, or the end of the stream. So a socket with
nothing to read is usable as it was; one with something to read is asked as Django asks.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        raw = self.connection
        if raw is None or raw.closed or raw.broken:
            return False
        try:
            # poll, not select: a descriptor above 1023 is refused by select.
            poller = select.poll()
            poller.register(raw.pgconn.socket, select.POLLIN)
            heard = poller.poll(0)
        except (OSError, ValueError, base.Database.Error):  # no socket: closed
            return False
        if not heard:
            return True
        return bool(super().is_usable())
