"""A forked child's answer is read once its done byte comes, not once it has ended
(``app.redaction.beside.Child``); a child that ends without the byte has no answer, never a part of one."""

from __future__ import annotations

import marshal
import os
import sys
import time

import pytest

from app.redaction import beside

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")


def _slow_to_end(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Children forked from now on take ``seconds`` to end after answering (as freeing a large heap can)."""
    real_exit = os._exit

    def slow_exit(status: int) -> None:
        time.sleep(seconds)
        real_exit(status)

    monkeypatch.setattr(os, "_exit", slow_exit)


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_answer_comes_before_the_child_has_ended_and_it_is_reaped_later(monkeypatch: pytest.MonkeyPatch) -> None:
    _slow_to_end(monkeypatch, 1.0)
    started = time.monotonic()
    child = beside.Child(lambda: ["whole", 2])
    pid = child.pid
    while not child.finished():
        time.sleep(0.01)
    assert child.answer() == (True, ["whole", 2])
    assert time.monotonic() - started < 0.8  # not the second the child takes to end
    assert pid in beside._ENDED_LATER and not _reaped(pid)  # let go, not waited for
    time.sleep(1.2)
    beside._reap_ended()  # the next fork or let-go looks again
    assert pid not in beside._ENDED_LATER and _reaped(pid)


def test_a_branch_replies_through_the_done_byte_too(monkeypatch: pytest.MonkeyPatch) -> None:
    _slow_to_end(monkeypatch, 1.0)
    started = time.monotonic()
    branch = beside.Branch()
    if branch.here:
        branch.reply(("pages", 7))
    assert branch.answer() == (True, ("pages", 7))
    assert time.monotonic() - started < 0.8
    time.sleep(1.2)
    beside._reap_ended()
    assert not beside._ENDED_LATER


def test_a_child_that_ends_without_the_done_byte_has_no_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its whole value in the file and exit status 0 are not enough: only the byte says the answer is whole."""

    def written_without_the_byte(self: beside.Child, value: object) -> None:
        os.write(self._fd, marshal.dumps(value()))  # type: ignore[operator]
        os._exit(0)

    monkeypatch.setattr(beside.Child, "_hand_back", written_without_the_byte)
    monkeypatch.setattr(beside, "may_fork", lambda: True)  # the suite's process has Qt loaded
    child = beside.Child(lambda: "whole")
    pid = child.pid
    assert child.answer() == (False, None)
    assert _reaped(pid)
    assert beside.split_map(str.upper, ["a" * 10] * 40, [400_000] * 40) == ["A" * 10] * 40  # worked out here


def test_a_process_the_child_forked_cannot_keep_the_parent_waiting() -> None:
    """The child ends without an answer while a process it forked (outside this module) holds the pipe's
    end open: the answer is a failure once the child has ended, not once that process has."""

    def fork_and_die() -> None:
        if os.fork() == 0:
            time.sleep(1.5)
            os._exit(0)
        os._exit(3)

    started = time.monotonic()
    assert beside.Child(fork_and_die).answer() == (False, None)
    assert time.monotonic() - started < 1.0


def test_a_child_forked_from_a_child_does_not_hold_its_parents_pipe() -> None:
    """A Branch forked inside a child closes the pipe end its parent answers through: when that parent ends
    without answering, the pipe's end of file tells this process at once."""

    def branch_and_look() -> tuple[bool, bool]:
        parents_end = beside._HANDING_BACK[0]
        branch = beside.Branch()
        if branch.here:
            try:
                os.fstat(parents_end)
            except OSError:
                branch.reply(False)
            branch.reply(True)
        here = os.fstat(parents_end) is not None
        done, still_open_there = branch.answer()
        return here, done and still_open_there

    assert beside.Child(branch_and_look).answer() == (True, (True, False))


def test_a_child_interrupted_as_it_is_forked_never_returns_into_the_callers_code(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Ctrl-C reaches every process of the group: a child it meets after the fork but before it starts its
    work ends there without an answer instead of raising KeyboardInterrupt up into the code that made the
    Child (run in a process of its own: such a child would go on running this test's caller)."""
    import subprocess
    import textwrap
    from pathlib import Path
    script = textwrap.dedent('''
        import os
        from app.redaction import beside
        real_fork = beside.Child._fork

        def fork_then_interrupted(self, name):
            here = real_fork(self, name)
            if here:
                raise KeyboardInterrupt  # as if Ctrl-C came right after the fork
            return here

        beside.Child._fork = fork_then_interrupted
        me = os.getpid()
        try:
            print("answer", beside.Child(lambda: 42).answer(), flush=True)
        except KeyboardInterrupt:
            print("interrupted in", "this process" if os.getpid() == me else "the child", flush=True)
            os._exit(0)
    ''')
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            cwd=str(Path(__file__).resolve().parent.parent))
    assert result.stdout.split("\n")[:-1] == ["answer (False, None)"], result.stdout + result.stderr
