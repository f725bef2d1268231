"""The garbage collector during a command's start-up (``manage.py``).

Starting Django and the portal makes some 50,000 objects that live as long as the process
(modules, classes, functions, models): the collector's passes over them while they are made,
and its last pass at exit, free nothing and cost a short command (``test_connection``) about
a tenth of its time. So ``manage.py`` pauses the collector (:func:`pause`) until the apps
are ready (:func:`resume`, called by the portal's app config), then moves what start-up made
to the permanent generation (``gc.freeze``) where no pass looks at it, and lets the collector
run as usual on everything made after. A web server's worker loading the WSGI application
(``portal.wsgi``) freezes what loading made the same way (:func:`settle`): without it, each
pass of a request that makes many objects (an import of thousands of files) walked every
object of Django and the portal again, about a quarter of that request's time. pytest and a
Celery worker are not affected.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_paused = False


def pause() -> None:
    """Pause the collector until :func:`resume` (``manage.py``, before Django loads)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Start is over: freeze what it made and let the collector run again (if paused)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def settle() -> None:
    """What was made so far lives as long as the process: move it where no pass looks."""
    gc.collect()
    gc.freeze()


_lock = threading.Lock()
_holders = 0
_enable_after = False


@contextmanager
def collector_between_chunks() -> Iterator[None]:
    """The collector's automatic passes paused for a large piece of work done a chunk at a
    time (an import), which calls :func:`collect_chunk` after each chunk instead.

    Such work keeps what it has done so far (a report line, an outcome per file): while it
    runs, the automatic passes walk all of it again and again, the full ones most (a
    quarter of an import of thousands of files, as much as its parsing). A pass after each
    chunk looks only at what was made since the one before, and frees what the chunk left
    in cycles; memory still follows the chunk. Nested and concurrent holders share the one
    pause: the collector runs again (if it ran before) when the last one is done."""
    global _holders, _enable_after
    with _lock:
        if _holders == 0:
            _enable_after = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _enable_after:
                gc.enable()


def collect_chunk() -> None:
    """Collect what was made since the last pass (the young generations), after a chunk of
    work inside :func:`collector_between_chunks`: what survives moves to the old
    generation, which is left alone until the work is over."""
    gc.collect(1)
