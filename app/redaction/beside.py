"""Work done in a forked child beside this process: the second core of the machine, used safely.

An export of the large example spends most of its time in two scans that need
nothing from each other's results until the end: the flags of the whole
document (``app.redaction.authored``) and the leak scan of the finished file's
channels (``app.redaction.leak_scan``). ``split_map`` runs part of a list of
independent computations in a forked child and the rest here; the child hands
its answers back through an anonymous in-memory file and exits.

Nothing is trusted more than before: the child runs the same code on a copy of
the same data, and when it fails in any way its share is worked out here
again — the answer is always the complete one. A process forks only where it
is safe and pays: Linux, a second core, a single thread, Qt not loaded (a
forked copy of a process running other threads may find their locks held
forever), and ``RISKWRIGHT_NO_FORK`` unset.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
SPLIT_MIN_WEIGHT = 300_000
"""Below this much work (characters, roughly) a fork costs more than the second core saves."""


def may_fork() -> bool:
    """Whether this process may hand work to a forked child (see the module's docstring)."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    if "PySide6.QtCore" in sys.modules or os.environ.get("RISKWRIGHT_NO_FORK"):
        return False
    try:
        return len(os.sched_getaffinity(0)) > 1
    except OSError:
        return False


class Child:
    """A forked child working out ``work()`` (a marshal-able value); ``answer`` waits for it."""

    def __init__(self, work: Callable[[], Any]) -> None:
        self.pid = 0
        self._fd = os.memfd_create("riskwright-beside", os.MFD_CLOEXEC)
        try:
            self.pid = os.fork()
        except OSError:
            os.close(self._fd)
            raise
        if self.pid == 0:
            self._child(work)

    def _child(self, work: Callable[[], Any]) -> None:
        """Work, write, exit — never return into the parent's code."""
        status = 3
        try:
            import gc
            gc.disable()  # a collection would walk (and so copy) the parent's whole heap
            view = memoryview(marshal.dumps(work()))
            while view:
                view = view[os.write(self._fd, view):]
            status = 0
        finally:
            os._exit(status)

    def answer(self) -> tuple[bool, Any]:
        """(True, the child's value), or (False, None) when it failed."""
        pid, self.pid = self.pid, 0
        try:
            _, status = os.waitpid(pid, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                return False, None
            with os.fdopen(os.dup(self._fd), "rb") as file:
                file.seek(0)
                return True, marshal.loads(file.read())
        except (OSError, ValueError, EOFError, TypeError):
            return False, None
        finally:
            self.close()

    def close(self) -> None:
        """Stop and reap the child if nobody waited for it; release the file."""
        if self.pid:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.pid = 0
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def split_map(work: Callable[[Item], Any], items: Sequence[Item], weights: Sequence[int],
              min_weight: int | None = None) -> list[Any]:
    """``[work(item) for item in items]``, about half of the weight worked out in a forked child.

    ``work``'s results must be marshal-able (strings, numbers, None, tuples, lists). The order of the
    results is the order of ``items`` whatever process worked each out.
    """
    total = sum(weights)
    if len(items) < 2 or total < (SPLIT_MIN_WEIGHT if min_weight is None else min_weight) or not may_fork():
        return [work(item) for item in items]
    here: list[int] = []
    there: list[int] = []
    loads = [0, 0]
    for index in sorted(range(len(items)), key=lambda i: -weights[i]):
        side = 0 if loads[0] <= loads[1] else 1
        (here if side == 0 else there).append(index)
        loads[side] += weights[index]
    try:
        child = Child(lambda: [work(items[i]) for i in there])
    except OSError:
        return [work(item) for item in items]
    results: list[Any] = [None] * len(items)
    try:
        for index in here:
            results[index] = work(items[index])
        ok, answers = child.answer()
    finally:
        child.close()
    if not ok or not isinstance(answers, list) or len(answers) != len(there):
        answers = [work(items[i]) for i in there]  # the child failed: its share is worked out here
    for index, answer in zip(there, answers, strict=True):
        results[index] = answer
    return results
