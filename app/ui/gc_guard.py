"""Python's cycle collector runs only on the GUI thread, and never walks an open assessment's whole heap mid-edit.

Left to itself, the collector runs in whichever thread happens to allocate past its threshold —
often a worker thread computing a check or a flag scan. If the garbage it finds holds a Qt object
(a job's signal holder kept alive by a lambda that refers back to the job), that object is destroyed
on the worker thread: ``~QObject`` takes Qt's connection lock, then waits for the interpreter lock to
ask Python about overrides, while the GUI thread holds the interpreter lock and waits for the same
connection lock to build a widget. Both wait for ever (seen in the suite: opening an assessment from
the Portfolio window while a flag scan ran). So automatic collection is switched off and the GUI
thread collects, generation by generation as the collector would, on a timer and whenever asked.

A collection of the oldest generation walks every object the program holds: with the large example
open that is ~130,000 objects and 35–100 ms on the GUI thread, and counting generations alone brings
one every hundred or so young collections — in the middle of typing, where an edit has 5 ms. So what
an opened assessment loaded, what a burst of work (a page built) left, and what lived through a
collection of an older generation are set aside (``gc.freeze``, which moves lists and walks nothing):
later collections walk only what came after. Cycles among the set-aside objects are garbage no
collection of the generations sees, so every object is looked at again after an assessment is opened
and after every ``FULL_EVERY``-th setting aside — at a pause, when the GUI thread has had next to nothing
to do for ``QUIET_TICKS`` ticks, or regardless once ``FULL_EVERY`` more went by without one. And the timer
collects even the young generation at a pause, or after four seconds without one: an edit's young objects
are mostly gone by then, and the collection walks only those still alive.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500
BURST = 20_000
"""Young objects (allocated less freed since the last collection) that mark a burst — a file loaded, a page of
the form built — rather than an edit's work (a few thousand on the large example)."""
FULL_EVERY = 10
"""Settings aside between two looks at every object. With the large example open and a person typing, one
comes with every tenth young collection (the middle generation's) or a burst — about every 40 edits — so
everything is looked at after ~400 edits, at a pause; 1,000 edits without a pause gave one look, at ~900."""
YOUNG_LIMIT = 100_000
YOUNG_WAIT_TICKS = 8
"""The young generation is collected without waiting for a pause once over this many young objects (allocated
less freed: an edit of the large example leaves ~8,000 by that count, ~2,000 of them alive at the next tick)
piled up, or after this many ticks (four seconds) without a collection: garbage never waits long."""
YOUNG_AT_A_PAUSE = 4_000
"""Young objects (allocated less freed) a pause waits for before it collects them; after ``YOUNG_WAIT_TICKS``
the usual threshold (700) is enough. What a collection walks is what is still alive, not what piled up: an
edit of the large example leaves ~750 by this count, ~2,000 objects alive in the young list, nearly all of them
its flag re-scan's and check's results, which the next edit's replace. Collected at every pause that cost
~0.5 ms per edit; collected every few edits, about the same per collection."""
QUIET_CPU_S = 0.003
QUIET_TICKS = 4
"""A pause is a tick in which the GUI thread used less than ``QUIET_CPU_S`` of CPU (idle, the window's own
timers use ~0.8-1.6 ms per tick; a committed edit, its check's result or a few keystrokes use more); everything
is looked at only after ``QUIET_TICKS`` of them in a row (two seconds)."""


class _State:
    set_asides = 0
    """Settings aside since every object was last looked at."""
    full_due = False
    quiet_ticks = 0
    cpu_at_tick = 0.0
    ticks_waited = 0
    """Ticks since the young generation was last looked at."""


_state = _State()


def collect_due(young_at: int = 0) -> bool:
    """Collect the oldest generation whose count passed its threshold (what automatic collection does), except
    that what survives a burst's or an older generation's collection is set aside (the young collections of the
    large example's edits find no garbage: what lives through two collections lives on). ``young_at``: the young
    generation waits for at least this many. True when something was collected."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    if counts[0] > BURST:
        # A file was loaded or a page built since the last look: collect the young once and set the
        # survivors aside, rather than walk them again in each older generation over the next edits.
        gc.collect(1)
        _set_aside()
        return True
    for generation in (2, 1, 0):
        limit = max(thresholds[generation], young_at) if generation == 0 else thresholds[generation]
        if thresholds[generation] and counts[generation] > limit:
            gc.collect(generation)
            if generation:
                _set_aside()
            return True
    return False


def tick() -> None:
    """The timer: collect what is due at a pause, and look at everything when that is due and the pause has
    lasted. While the person works, young objects wait for the pause — most are gone by then (the check
    result the next edit replaces), so the collection walks far fewer — and for ``YOUNG_AT_A_PAUSE`` of them,
    for at most ``YOUNG_WAIT_TICKS``."""
    state = _state
    quiet = time.thread_time() - state.cpu_at_tick < QUIET_CPU_S
    state.quiet_ticks = state.quiet_ticks + 1 if quiet else 0
    if state.set_asides >= FULL_EVERY:
        state.full_due = True
    state.ticks_waited += 1
    if state.full_due and (state.quiet_ticks >= QUIET_TICKS or state.set_asides >= 2 * FULL_EVERY):
        collect_everything()
        state.ticks_waited = 0
    elif quiet or state.ticks_waited >= YOUNG_WAIT_TICKS or gc.get_count()[0] > YOUNG_LIMIT:
        waited = state.ticks_waited >= YOUNG_WAIT_TICKS or gc.get_count()[0] > YOUNG_LIMIT
        if collect_due(0 if waited else YOUNG_AT_A_PAUSE) or waited:
            state.ticks_waited = 0
    state.cpu_at_tick = time.thread_time()  # a collection is not the person's work


def _set_aside() -> None:
    gc.freeze()
    _state.set_asides += 1


def collect_everything() -> None:
    """Look at every object, those set aside included; the survivors are set aside again."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    _state.set_asides = 0
    _state.full_due = False


def assessment_opened() -> None:
    """Set aside what is held now — chiefly the assessment just loaded and its window — so the collections
    that follow its edits walk only what came after; what was set aside unlooked-at is looked at, once, at the
    next pause (the previous assessment's cycles are among it)."""
    gc.freeze()
    _state.full_due = True


def assessment_closed() -> None:
    """Put the set-aside objects back with the oldest generation: what the closed assessment left in
    cycles is found by its next collection rather than the next full one."""
    gc.unfreeze()


def collect_on_this_thread(owner: QObject) -> QTimer:
    """Switch automatic collection off and collect on ``owner``'s thread (the GUI thread): a tick every half second."""
    gc.disable()
    _state.cpu_at_tick = time.thread_time()
    timer = QTimer(owner)
    timer.setInterval(INTERVAL_MS)
    timer.timeout.connect(tick)
    timer.start()
    return timer
