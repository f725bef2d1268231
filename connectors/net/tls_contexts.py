"""A bounded, thread-safe cache of client ``ssl.SSLContext`` objects per set of trust options.

Loading the system trust store costs about 28 ms of CPU; a configured context is safe to
share between threads for ``wrap_socket``, so each distinct set of options builds one
context and reuses it. The key holds the flags, a SHA-256 of any uploaded CA PEM (so a new
upload builds a new context) and, when the system store is loaded, the modification times of
its file and directory (so an updated trust store is read again).
"""

from __future__ import annotations

import hashlib
import os
import ssl
import threading
from collections import OrderedDict
from collections.abc import Callable

MAX_CONTEXTS = 32

ContextKey = tuple[bool, bool, bool, str, tuple[float, ...]]


def _mtime(path: str | None) -> float:
    if not path:
        return 0.0
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


def system_store_stamp() -> tuple[float, ...]:
    """Modification times of the system trust store's file and directory."""
    paths = ssl.get_default_verify_paths()
    return (_mtime(paths.cafile), _mtime(paths.capath))


def context_key(
    *, verify_chain: bool, check_hostname: bool, use_system_store: bool, ca_pem: str | None
) -> ContextKey:
    digest = hashlib.sha256(ca_pem.encode()).hexdigest() if ca_pem else ""
    loads_system = verify_chain and (use_system_store or not ca_pem)
    stamp = system_store_stamp() if loads_system else ()
    return (verify_chain, check_hostname, use_system_store, digest, stamp)


class ContextCache:
    """Least-recently-used contexts, at most ``size`` of them; builds happen outside
    the lock (two threads may build the same context once; either result is kept)."""

    def __init__(self, size: int = MAX_CONTEXTS) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._contexts: OrderedDict[ContextKey, ssl.SSLContext] = OrderedDict()
        self.builds = 0

    def get(self, key: ContextKey, build: Callable[[], ssl.SSLContext]) -> ssl.SSLContext:
        with self._lock:
            found = self._contexts.get(key)
            if found is not None:
                self._contexts.move_to_end(key)
                return found
        context = build()  # may raise: failures are not cached
        with self._lock:
            self.builds += 1
            self._contexts[key] = context
            self._contexts.move_to_end(key)
            while len(self._contexts) > self.size:
                self._contexts.popitem(last=False)
        return context

    def __len__(self) -> int:
        with self._lock:
            return len(self._contexts)

    def clear(self) -> None:
        with self._lock:
            self._contexts.clear()


CONTEXTS = ContextCache()
