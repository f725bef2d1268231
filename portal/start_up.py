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
