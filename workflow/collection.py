"""Pausing Python's cycle collector while a large roadmap is read and stored.

Reading and storing 100,000 rows makes millions of objects that live until the import
ends; the collector, started by every few hundred allocations, walks them again and again
(a third of the time of a large read) and finds almost nothing: the importer makes few
reference cycles. Reference counting still frees everything else at once; the collector
resumes when the last import running in the process ends (imports may overlap in the web
server's threads).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
_RUNNING = [0, False]  # imports running, whether the collector was on before the first


@contextmanager
def collection_paused() -> Iterator[None]:
    """Run the body with the cycle collector off (as it was after the last one ends)."""
    with _LOCK:
        if _RUNNING[0] == 0:
            _RUNNING[1] = gc.isenabled()
            gc.disable()
        _RUNNING[0] += 1
    try:
        yield
    finally:
        with _LOCK:
            _RUNNING[0] -= 1
            if _RUNNING[0] == 0 and _RUNNING[1]:
                gc.enable()
