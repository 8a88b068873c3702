"""A wider-audience export forks its writer's child before the report is built (``beside.Awaiting``).

The child gets the writer ready (its module, the PDF's fonts) while the
exporting process builds the report, then writes the report it is sent; the
exporting process asks the flag gate meanwhile. The suite's process has Qt
loaded, where no export forks, so these tests fork on purpose. What a user
would notice is only the bytes and the refusals: the same file as one written
in a single process, a child that dies changes nothing, and open flags or a
gate that cannot answer still refuse the export with nothing written.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from app.export import pipeline
from app.export.errors import ExportRefused
from app.interchange.examples import example_document
from app.redaction import beside

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")


def _exported(target: Path, gate: pipeline.FlagGate = lambda: ([], set())) -> bytes:
    pipeline.write_report(example_document(), "public", "pdf", target, gate=gate)
    return target.read_bytes()


def _written_by_the_child_or_here(export: Callable[[Path], bytes], here: bytes, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """``export`` gives ``here``'s bytes when its report goes to the ready child, and again when that child
    dies (the report is then written here); what was sent to children, for the caller to look at further."""
    sent: list[object] = []
    real_send = beside.Awaiting.send
    monkeypatch.setattr(beside.Awaiting, "send", lambda self, value: sent.append(value) or real_send(self, value))
    assert export(tmp_path / "child.pdf") == here
    assert len(sent) == 1  # the report did go to the child
    monkeypatch.setattr(beside.Child, "_child", lambda self, work: os._exit(3))
    assert export(tmp_path / "failed.pdf") == here  # the child died: the report was written here
    return sent


@linux_only
def test_the_pdf_written_by_the_ready_child_is_the_pdf_written_here(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "may_fork", lambda: False)
    here = _exported(tmp_path / "here.pdf")
    monkeypatch.setattr(pipeline, "may_fork", lambda: True)
    _written_by_the_child_or_here(_exported, here, tmp_path, monkeypatch)


@linux_only
@pytest.mark.parametrize("forks", [False, True])
def test_open_flags_and_a_failing_gate_still_refuse_with_nothing_written(forks: bool, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "may_fork", lambda: forks)
    target = tmp_path / "public.pdf"
    with pytest.raises(ExportRefused) as refused:
        _exported(target, lambda: (["f1  risks[r-1].notes  email (email)"], set()))
    assert refused.value.reason == "flags" and "1 detector flag is open" in str(refused.value)

    def broken() -> tuple[list[str], set[tuple[str, str]]]:
        raise OSError("the flag table cannot be read")

    with pytest.raises(OSError, match="flag table"):
        _exported(target, broken)
    assert not target.exists() and list(tmp_path.iterdir()) == []


@linux_only
def test_awaiting_works_on_what_it_is_sent_and_stops_when_sent_nothing() -> None:
    child = beside.Awaiting(lambda: 2, lambda ready, value: ready * value)
    assert child.send(21)
    assert child.answer() == (True, 42)
    idle = beside.Awaiting(lambda: None, lambda ready, value: value)
    pid = idle._child.pid if idle._child is not None else 0
    idle.close()  # never sent anything: stopped and reaped
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    unsendable = beside.Awaiting(lambda: None, lambda ready, value: value)
    assert not unsendable.send(lambda: None)  # cannot be pickled: the caller works it out itself
    assert unsendable.answer() == (False, None)


@linux_only
def test_the_internal_pdf_written_by_the_ready_child_is_the_pdf_written_here(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    def internal(target: Path) -> bytes:
        pipeline.write_report(example_document(), "internal", "pdf", target)
        return target.read_bytes()

    monkeypatch.setattr(pipeline, "may_fork", lambda: False)
    here = internal(tmp_path / "here.pdf")
    monkeypatch.setattr(pipeline, "may_fork", lambda: True)
    monkeypatch.setattr(pipeline, "_writer_loaded", lambda fmt: False)  # the suite's process has it loaded
    monkeypatch.setattr(pipeline, "core_idle", lambda: True)
    monkeypatch.setattr(pipeline.collection, "ends_at_once", lambda: True)  # as the command's process does
    sent = _written_by_the_child_or_here(internal, here, tmp_path, monkeypatch)
    monkeypatch.setattr(pipeline, "_writer_loaded", lambda fmt: True)  # an edition of several: no child
    sent.clear()
    assert internal(tmp_path / "loaded.pdf") == here and not sent


@linux_only
def test_export_file_starts_the_writer_before_reading_and_reaps_it_when_refused(
        example_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.session import export as session_export
    monkeypatch.setattr(pipeline, "may_fork", lambda: False)
    here = {audience: session_export.export_file(example_file, audience, "pdf", tmp_path / f"here.{audience}.pdf")
            for audience in ("internal", "public")}
    monkeypatch.setattr(pipeline, "may_fork", lambda: True)
    monkeypatch.setattr(pipeline, "_writer_loaded", lambda fmt: False)
    monkeypatch.setattr(pipeline, "core_idle", lambda: True)
    monkeypatch.setattr(pipeline.collection, "ends_at_once", lambda: True)  # as the command's process does
    started = []
    real_start = pipeline.start_writer
    monkeypatch.setattr(session_export, "start_writer",
                        lambda fmt, audience: real_start(fmt, audience) or started.extend(
                            entry[2]._child.pid for entry in pipeline._STARTED if entry[2]._child is not None))
    for audience in ("internal", "public"):
        target = tmp_path / f"child.{audience}.pdf"
        session_export.export_file(example_file, audience, "pdf", target)
        assert target.read_bytes() == here[audience].path.read_bytes(), audience
    assert len(started) == 2 and not pipeline._STARTED  # each export took the child started for it
    # A refusal before the report (the file does not verify): the child started for it is stopped and reaped.
    from app.store import verification
    monkeypatch.setattr(verification, "verify", lambda *args: (_ for _ in ()).throw(OSError("cannot read")))
    started.clear()
    with pytest.raises(OSError, match="cannot read"):
        session_export.export_file(example_file, "public", "pdf", tmp_path / "refused.pdf")
    assert len(started) == 1 and not pipeline._STARTED
    with pytest.raises(ChildProcessError):
        os.waitpid(started[0], os.WNOHANG)
    assert not (tmp_path / "refused.pdf").exists()


@linux_only
def test_the_command_starts_the_writer_before_its_checks_and_export_file_keeps_it(
        example_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``riskwright export`` forks the writer's child before it loads the report kinds; ``export_file`` takes
    that very child, and a command stopped by an unknown kind reaps it."""
    from app.cli import main
    from app.session import export as session_export
    monkeypatch.setattr(pipeline, "may_fork", lambda: True)
    monkeypatch.setattr(pipeline, "_writer_loaded", lambda fmt: False)
    monkeypatch.setattr(pipeline.collection, "ends_at_once", lambda: True)  # as the command's process does
    forked: list[int] = []
    real_early = pipeline._early_writer

    def early(fmt: str, styles: object) -> beside.Awaiting | None:
        writer = real_early(fmt, styles)  # type: ignore[arg-type]
        forked.extend([writer._child.pid] if writer is not None and writer._child is not None else [])
        return writer

    monkeypatch.setattr(pipeline, "_early_writer", early)
    taken = []
    real_export = session_export.export_file
    monkeypatch.setattr(session_export, "export_file", lambda *args: taken.append(list(pipeline._STARTED))
                        or real_export(*args))
    target = tmp_path / "public.pdf"
    assert main(["export", str(example_file), "--audience", "public", "-o", str(target)]) == 0
    assert len(forked) == 1 and len(taken) == 1 and taken[0][0][2]._child is None  # sent its report
    assert not pipeline._STARTED and target.read_bytes().startswith(b"%PDF")
    forked.clear()
    assert main(["export", str(example_file), "--audience", "public", "--kind", "nosuch",
                 "-o", str(tmp_path / "no.pdf")]) == 2
    assert len(forked) == 1 and not pipeline._STARTED
    with pytest.raises(ChildProcessError):
        os.waitpid(forked[0], os.WNOHANG)
