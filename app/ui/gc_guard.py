"""Python's cycle collector runs only on the GUI thread.

Left to itself, the collector runs in whichever thread happens to allocate past its threshold —
often a worker thread computing a check or a flag scan. If the garbage it finds holds a Qt object
(a job's signal holder kept alive by a lambda that refers back to the job), that object is destroyed
on the worker thread: ``~QObject`` takes Qt's connection lock, then waits for the interpreter lock to
ask Python about overrides, while the GUI thread holds the interpreter lock and waits for the same
connection lock to build a widget. Both wait for ever (seen in the suite: opening an assessment from
the Portfolio window while a flag scan ran). So automatic collection is switched off and the GUI
thread collects, generation by generation as the collector would, on a timer and whenever asked.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


def collect_due() -> None:
    """Collect the oldest generation whose count passed its threshold (what automatic collection does)."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    for generation in (2, 1, 0):
        if thresholds[generation] and counts[generation] > thresholds[generation]:
            gc.collect(generation)
            return


def collect_on_this_thread(owner: QObject) -> QTimer:
    """Switch automatic collection off and collect on ``owner``'s thread (the GUI thread) every half second."""
    gc.disable()
    timer = QTimer(owner)
    timer.setInterval(INTERVAL_MS)
    timer.timeout.connect(collect_due)
    timer.start()
    return timer
