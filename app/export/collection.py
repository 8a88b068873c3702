"""Python's cyclic garbage collector, paused while an export runs.

An export builds hundreds of thousands of small objects (report model, text
runs, flowables, the leak scan's phrase index) beside a large live document.
Every so many allocations the collector walks its generations, and a full
collection walks every live object: four to six of those per export of the
large example cost 0.2-0.3 s of CPU and found almost nothing to free (peak
memory with collection paused: +2 MB for the internal PDF, +10 MB for the
public one). Objects are still freed as soon as nothing refers to them; only
reference cycles wait until collection resumes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Automatic collection off inside the block; back on afterwards if it was on before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_SET_ASIDE: list[tuple[object, ...]] = []
_ENDS_AT_ONCE = [False]


def process_ends_at_once() -> None:
    """Say that this process ends without tearing the interpreter down once its command is done
    (``app.cli.__main__``'s quick exit): ``set_aside`` then keeps what it is given."""
    _ENDS_AT_ONCE[0] = True


def ends_at_once() -> bool:
    """Whether this process ends once its command is done (``process_ends_at_once``): one export, then the
    exit — not the window, nor its export worker, which makes export after export."""
    return _ENDS_AT_ONCE[0]


def set_aside(*objects: object) -> None:
    """Keep ``objects`` alive until the process ends, where it ends at once (``process_ends_at_once``):
    freeing an export's report, filtered copy and leak-scan index one object at a time took ~35 ms after
    the large example's file was already in place, time the person waits for nothing. Anywhere else
    (the window, tests) nothing is kept."""
    if _ENDS_AT_ONCE[0]:
        _SET_ASIDE.append(objects)
