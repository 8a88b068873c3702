"""Work done in a forked child beside this process: the second core of the machine, used safely.

A wider-audience export of the large example does three things that need
nothing from each other until the end, each in a child of its own (``Child``):
the flags of the whole document (``app.redaction.authored``, beside the
report's build), the writer (``app.export.pipeline``, beside the leak scan's
search for the withheld texts; PDF page text likewise, ``pdf_channels``), and
half of the leak scan of the finished file's texts (``split_map``, used by
``app.redaction.leak_scan``). A child hands its answer back through an
anonymous in-memory file (or a pipe) and exits with ``os._exit``: nothing of
the parent's — its open files, temp folders, exit handlers — is run twice.

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
import select
import signal
import struct
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeVar

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


def core_idle() -> bool:
    """Whether a core is idle right now (fewer tasks running than the machine has cores, this process
    included): a child started now for work that is only worth doing *beside* this process (``pdf_split``
    lays out pages a second time to draw some of them) would have a core of its own. False where the
    other cores are busy — other programs, the exporting process's own leak-scan preparation beside its
    writer, or the editions of a several-audience export side by side — where such a child would only take
    CPU time from the processes already working. Read from ``/proc/loadavg``'s count of running tasks,
    which is a snapshot, not an average."""
    try:
        with open("/proc/loadavg", encoding="ascii") as file:
            running = int(file.read().split()[3].split("/")[0])
        return running < len(os.sched_getaffinity(0))
    except (OSError, ValueError, IndexError):
        return True


class Child:
    """A forked child working out ``work()``; ``answer`` waits for it. The value goes through ``marshal``
    (strings, numbers, tuples, lists) unless a ``codec`` (dumps, loads) is given — e.g. ``pickle``'s for
    objects; either way only this process's own child ever writes what is read back.

    The child says it is done with one byte through a pipe, written after the last byte of its answer:
    this process reads the answer as soon as that byte comes, not once the child has ended (a child's end
    after ``os._exit`` — freeing a copy of a large heap — took 10-17 ms on a loaded machine, several times
    on an export's path). A child that ends without the byte, in any way, has no answer: never a part of
    one. A child that answered is reaped once it has ended (``_reap_later``), without waiting for it; one
    that did not is stopped and reaped at ``close``."""

    def __init__(self, work: Callable[[], Any],
                 codec: tuple[Callable[[Any], bytes], Callable[[bytes], Any]] = (marshal.dumps, marshal.loads)) -> None:
        self._dumps, self._loads = codec
        forker = os.getpid()
        try:
            if self._fork("riskwright-beside"):
                self._child(work)
        except BaseException:
            if os.getpid() != forker:  # the child, met by an interrupt before its work began: never the caller's code
                os._exit(3)
            raise

    def _fork(self, name: str) -> bool:
        """Fork, with the answer's file and the done pipe; True on the child's side."""
        self.pid = 0
        self._status: int | None = None  # the exit status, once reaped without an answer
        self._answered = False  # the done byte came: the whole answer is in the file
        self._fd = os.memfd_create(name, os.MFD_CLOEXEC)
        self._done = self._done_write = -1
        try:
            self._done, self._done_write = os.pipe2(os.O_CLOEXEC)
            _reap_ended()
            self.pid = os.fork()
        except OSError:
            self._close_files()
            raise
        if self.pid == 0:
            import gc
            gc.disable()  # a collection would walk (and so copy) the parent's whole heap
            os.close(self._done)
            self._done = -1
            for inherited in _HANDING_BACK:  # a process this child forks must not hold its parent's pipe open
                with contextlib.suppress(OSError):
                    os.close(inherited)
            _HANDING_BACK[:] = [self._done_write]
            _ENDED_LATER.clear()  # the parent's children, not this one's (a child ends with os._exit: no atexit)
            return True
        os.close(self._done_write)
        self._done_write = -1
        os.set_blocking(self._done, False)
        return False

    def _child(self, work: Callable[[], Any]) -> None:
        """Work, write, exit — never return into the parent's code."""
        self._hand_back(work)

    def _hand_back(self, value: Callable[[], Any]) -> NoReturn:
        """In the child: write ``value()`` to the answer's file, then the done byte, and exit; any failure
        exits without the byte."""
        status = 3
        try:
            view = memoryview(self._dumps(value()))
            while view:
                view = view[os.write(self._fd, view):]
            os.write(self._done_write, b"1")
            status = 0
        finally:
            try:
                _reap_at_exit()  # children of its own that answered (a Branch): their time counts in its own
            finally:
                os._exit(status)

    def _reply(self) -> bool | None:
        """True once the child has answered, False when it ended without the done byte, None while it works
        on; never waits."""
        if self._answered:
            return True
        if self._done < 0:
            return False
        try:
            byte = os.read(self._done, 1)
        except BlockingIOError:  # nothing yet, and the pipe still open: ended? (a process it forked
            if not self._ended():  # outside this module may hold its end open)
                return None
            try:
                byte = os.read(self._done, 1)  # the byte may have come just before its end
            except BlockingIOError:
                return False
        except OSError:
            return False
        self._answered = byte == b"1"
        return self._answered

    def _ended(self) -> bool:
        """Whether the child has ended (it is then reaped here); never waits."""
        if not self.pid:
            return True
        try:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            pid, status = self.pid, 1 << 8  # reaped elsewhere
        if pid == 0:
            return False
        self._status, self.pid = status, 0
        return True

    def finished(self) -> bool:
        """Whether the child has answered or ended (so ``answer`` will not wait); never waits itself."""
        return self._reply() is not None

    def answer(self) -> tuple[bool, Any]:
        """(True, the child's value), or (False, None) when it failed."""
        try:
            waiting: select.poll | None = None
            while (replied := self._reply()) is None:
                if waiting is None:
                    waiting = select.poll()
                    waiting.register(self._done, select.POLLIN)
                waiting.poll(_LOOK_AGAIN_MS)
            if not replied:
                return False, None  # ended without the done byte, or answered (or closed) before
            with os.fdopen(os.dup(self._fd), "rb") as file:
                file.seek(0)
                return True, self._loads(file.read())
        except Exception:  # noqa: BLE001 - an answer that cannot be read is worked out again by the caller
            return False, None
        finally:
            self.close()

    def close(self) -> None:
        """Stop and reap the child if it has not answered; one that has is reaped once it has ended
        (``_reap_later``). Release the files."""
        if self.pid:
            if self._answered:
                _reap_later(self.pid)
            else:
                with contextlib.suppress(OSError):
                    os.kill(self.pid, signal.SIGKILL)
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(self.pid, 0)
            self.pid = 0
        self._answered = False  # asked again, it has no answer
        self._close_files()

    def _close_files(self) -> None:
        for name in ("_fd", "_done", "_done_write"):
            fd = getattr(self, name)
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
                setattr(self, name, -1)


_LOOK_AGAIN_MS = 50
"""Milliseconds between looks at whether a child that has not answered has ended, in case a process it forked
still holds its end of the done pipe open (a child's own end closes when it ends)."""

_HANDING_BACK: list[int] = []
"""In a forked child: the done pipe's end it answers through (closed in any process it forks in turn)."""

_ENDED_LATER: list[int] = []
"""Children that answered and were still ending when let go: reaped at the next fork or let-go."""


def _reap_later(pid: int) -> None:
    """Reap ``pid``, a child that has answered, if it has ended; else at a later look (``_reap_ended``), and
    at the latest as this process exits (``_reap_at_exit``)."""
    if not _EXIT_REAP:
        import atexit
        atexit.register(_reap_at_exit)
        _EXIT_REAP.append(True)
    _ENDED_LATER.append(pid)
    _reap_ended()


_EXIT_REAP: list[bool] = []
"""Whether ``_reap_at_exit`` is registered with ``atexit`` in this process."""


def _reap_at_exit() -> None:
    """Wait for the children still ending: a process that ends leaves none behind, and the time they spent
    is counted where it belongs (a process's children's time is added to its own only once reaped — what
    ``time`` and the like report)."""
    for pid in _ENDED_LATER:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    _ENDED_LATER.clear()


def _reap_ended() -> None:
    """Reap the children in ``_ENDED_LATER`` that have ended; never waits."""
    for pid in list(_ENDED_LATER):
        try:
            ended = os.waitpid(pid, os.WNOHANG)[0] != 0
        except ChildProcessError:
            ended = True
        if ended:
            _ENDED_LATER.remove(pid)


class Branch(Child):
    """A forked child that goes on from where this process stands — down the same call stack — instead of
    running a function (``pdf_split``: the rest of a layout already under way, without laying its first part
    out again). ``here`` is True on the child's side. The child must end through ``reply`` or ``give_up``
    and never return into the code above the place it was forked at: the caller that forks it makes sure
    of that (it forks only inside a ``try`` that ends the child whatever happens). This process's side is
    a ``Child``'s: ``finished``, ``answer``, ``close``."""

    def __init__(self, codec: tuple[Callable[[Any], bytes], Callable[[bytes], Any]] = (marshal.dumps, marshal.loads)
                 ) -> None:
        self._dumps, self._loads = codec
        self._parent = os.getpid()
        self.here = self._fork("riskwright-branch")

    def reply(self, value: Any) -> NoReturn:
        """In the child: hand ``value`` back and exit."""
        self._hand_back(lambda: value)

    @staticmethod
    def give_up() -> NoReturn:
        """In the child: exit without an answer (this process then works everything out itself)."""
        os._exit(3)

    def orphaned(self) -> bool:
        """In the child: whether the process that forked it has ended (killed, say, while its own caller
        gave up): the child's work would be for nobody."""
        return os.getppid() != self._parent


class Awaiting:
    """A forked child started before its input exists: it works out ``ready()`` at once (imports, fonts …)
    while this process goes on, then waits for the value ``send`` hands it and answers
    ``work(ready(), value)`` (``answer``, as ``Child``).

    The value travels through an anonymous in-memory file (``pickle``; only this process writes what the
    child reads, as only the child writes what this process reads back) and a one-byte "go" through a pipe.
    A child that is never sent anything (this process closed it first, or died) stops at its read.
    """

    def __init__(self, ready: Callable[[], Any], work: Callable[[Any, Any], Any],
                 codec: tuple[Callable[[Any], bytes], Callable[[bytes], Any]] = (marshal.dumps, marshal.loads)
                 ) -> None:
        import pickle
        self._input = os.memfd_create("riskwright-beside-input", os.MFD_CLOEXEC)
        go_read, self._go = -1, -1
        try:
            go_read, self._go = os.pipe()
            go = self._go

            def run() -> Any:
                os.close(go)  # only this process's end stays open: a parent gone means end of file
                prepared = ready()
                if os.read(go_read, 1) != b"1":
                    return None
                with os.fdopen(os.dup(self._input), "rb") as file:
                    file.seek(0)
                    value = pickle.loads(file.read())
                return work(prepared, value)

            self._child: Child | None = Child(run, codec)
        except OSError:
            self._close_fds(go_read)
            raise
        os.close(go_read)

    def send(self, value: Any) -> bool:
        """Hand the child its input; False (and the child is stopped) when that cannot be done."""
        import pickle
        try:
            view = memoryview(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            while view:
                view = view[os.write(self._input, view):]
            os.write(self._go, b"1")
        except Exception:  # noqa: BLE001 - the caller then works it out itself
            self.close()
            return False
        os.close(self._go)
        self._go = -1
        return True

    def answer(self) -> tuple[bool, Any]:
        """(True, the child's value), or (False, None) when it failed or was never sent its input."""
        child, self._child = self._child, None
        try:
            return child.answer() if child is not None else (False, None)
        finally:
            self.close()

    def close(self) -> None:
        """Stop and reap the child if nobody waited for it; release the files."""
        child, self._child = self._child, None
        if child is not None:
            child.close()
        self._close_fds()

    def _close_fds(self, *more: int) -> None:
        for fd in (self._go, self._input, *more):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._go = self._input = -1


def split_map(work: Callable[[Item], Any], items: Sequence[Item], weights: Sequence[int],
              min_weight: int | None = None) -> list[Any]:
    """``[work(item) for item in items]``, shared with a forked child as the work goes.

    The items, heaviest first and the light ones in small batches, are handed out one batch at a
    time through a pipe both processes read (a read of a few bytes from a pipe is atomic): whichever
    process is free takes the next, so the two finish together even when the weights misjudge the
    work or the machine slows one of them. ``work``'s results must be marshal-able (strings, numbers,
    None, tuples, lists). The results are in the order of ``items`` whatever process worked each out;
    whatever the child did not hand back (it failed) is worked out here.
    """
    total = sum(weights)
    if len(items) < 2 or total < (SPLIT_MIN_WEIGHT if min_weight is None else min_weight) or not may_fork():
        return [work(item) for item in items]
    batches = _batches(weights, max(1, total // _BATCHES))
    tokens = b"".join(_TOKEN.pack(number) for number in range(len(batches)))
    try:
        read, write = os.pipe()
    except OSError:
        return [work(item) for item in items]
    try:
        with os.fdopen(write, "wb") as stream:  # at most _BATCHES * 2 tokens: well within a pipe's buffer
            stream.write(tokens)

        def share() -> list[tuple[int, Any]]:
            done: list[tuple[int, Any]] = []
            while len(token := os.read(read, _TOKEN.size)) == _TOKEN.size:
                done.extend((index, work(items[index])) for index in batches[_TOKEN.unpack(token)[0]])
            return done

        try:
            child: Child | None = Child(share)
        except OSError:
            child = None
        results: list[Any] = [None] * len(items)
        worked = [False] * len(items)
        try:
            mine = share()
            answered = child.answer() if child is not None else (False, None)
        finally:
            if child is not None:
                child.close()
    finally:
        os.close(read)
    ok, theirs = answered
    pairs = [*mine, *(theirs if ok and isinstance(theirs, list) else [])]
    for pair in pairs:
        if isinstance(pair, (list, tuple)) and len(pair) == 2 and isinstance(pair[0], int) \
                and 0 <= pair[0] < len(items):
            results[pair[0]] = pair[1]
            worked[pair[0]] = True
    for index, done in enumerate(worked):
        if not done:  # the child failed: what it took is worked out here
            results[index] = work(items[index])
    return results


_TOKEN = struct.Struct("<I")
_BATCHES = 600
"""About how many batches the work is cut into (a batch is one heavy item or several light ones)."""


def _batches(weights: Sequence[int], target: int) -> list[list[int]]:
    """Item indexes in batches of about ``target`` weight at least, heaviest items first."""
    batches: list[list[int]] = []
    current: list[int] = []
    load = 0
    for index in sorted(range(len(weights)), key=lambda i: -weights[i]):
        current.append(index)
        load += weights[index]
        if load >= target:
            batches.append(current)
            current, load = [], 0
    if current:
        batches.append(current)
    return batches
