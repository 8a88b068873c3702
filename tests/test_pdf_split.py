"""The PDF laid out on two cores (``app.export.formats.pdf_split``) is byte for byte the one laid out alone."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.content.report_layout import load_styles
from app.export.formats import pdf, pdf_split, writer_for
from app.export.pipeline import build_for_audience
from app.interchange.examples import example_document
from app.redaction import beside


@pytest.fixture(scope="module")
def reports() -> dict[str, object]:
    doc = example_document()
    return {f"{kind}/{audience}": build_for_audience(doc, audience, kind=kind)
            for kind, audience in (("assessment", "internal"), ("assessment", "public"),
                                   ("eu-model-report", "reviewers"))}


def _alone(report: object, monkeypatch: pytest.MonkeyPatch) -> bytes:
    with monkeypatch.context() as patch:
        patch.setattr(pdf, "may_fork", lambda: False)
        return writer_for("pdf", load_styles()).write(report)  # type: ignore[arg-type]


def _spliced(report: object, monkeypatch: pytest.MonkeyPatch, share: float,
             idle: Callable[[], bool] = lambda: True) -> tuple[bytes, int]:
    """The PDF written with a child laying out beside (waited for, so its pages are always taken)."""
    taken: list[int] = []
    real_replay = pdf.replay

    def counting_replay(doc, pages, place_heading):  # type: ignore[no-untyped-def]
        taken.append(len(pages))
        real_replay(doc, pages, place_heading)

    with monkeypatch.context() as patch:
        patch.setattr(pdf, "may_fork", lambda: True)
        patch.setattr(pdf, "core_idle", idle)
        patch.setattr(pdf, "replay", counting_replay)
        patch.setattr(pdf_split, "SPLIT_MIN_WEIGHT", 0)
        patch.setattr(pdf_split, "SPLIT_SHARE", share)
        patch.setattr(pdf_split, "WAIT_FOR_CHILD", True)
        data = writer_for("pdf", load_styles()).write(report)  # type: ignore[arg-type]
    return data, sum(taken)


@pytest.mark.parametrize("name", ["assessment/internal", "assessment/public", "eu-model-report/reviewers"])
def test_pages_made_by_the_child_give_the_same_bytes(name: str, reports: dict[str, object],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    alone = _alone(reports[name], monkeypatch)
    for share in (0.2, 0.7):
        data, taken = _spliced(reports[name], monkeypatch, share)
        assert taken > 0, f"no page was taken from the child at share {share}"
        assert data == alone, f"share {share}: the spliced PDF differs"


def test_a_child_that_fails_leaves_the_layout_to_this_process(reports: dict[str, object],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    report = reports["assessment/internal"]
    alone = _alone(report, monkeypatch)

    def failing(self, page, state):  # type: ignore[no-untyped-def]  # called in the child only
        raise RuntimeError("the child breaks down")

    monkeypatch.setattr(pdf_split.Recorder, "page_begins", failing)
    data, taken = _spliced(report, monkeypatch, 0.5)
    assert taken == 0
    assert data == alone


def test_a_page_making_an_unrecorded_object_makes_the_child_give_up(reports: dict[str, object],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """An annotation the recording canvas does not hand over (here: any link) must not be lost: the child
    gives up and this process lays the pages out itself."""
    report = reports["assessment/internal"]
    alone = _alone(report, monkeypatch)
    monkeypatch.delattr(pdf_split._RecordingCanvas, "linkURL")
    monkeypatch.delattr(pdf_split._RecordingCanvas, "bookmarkPage")
    data, taken = _spliced(report, monkeypatch, 0.3)
    assert taken == 0
    assert data == alone


def test_a_child_forked_late_lays_out_only_what_is_left_and_gives_the_same_bytes(
        reports: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    """A core that becomes idle only after many pages (the export's other work beside the writer ended):
    the child is forked then, goes on from that page, and its pages make the same document."""
    report = reports["assessment/internal"]
    alone = _alone(report, monkeypatch)
    looks = [0]

    def idle_later() -> bool:
        looks[0] += 1
        return looks[0] > 12

    begun: list[int] = []
    real_start = pdf_split.start_recording

    def starting(canvas, frames, recorder):  # type: ignore[no-untyped-def]  # in the child
        begun.append(canvas.getPageNumber())
        real_start(canvas, frames, recorder)

    with monkeypatch.context() as patch:
        patch.setattr(pdf_split, "LOOK_EVERY", 0.0)
        patch.setattr(pdf, "start_recording", starting)
        data, taken = _spliced(report, monkeypatch, 0.5, idle=idle_later)
    assert looks[0] == 13, "the child was forked at the first look that found a core idle"
    assert taken > 0
    assert data == alone


def test_a_face_only_the_child_loaded_is_loaded_here_before_its_pages_are_taken() -> None:
    from app.export.fonts import FALLBACK, registered_face
    page = ([], [(0, "text", FALLBACK, 9.0, 10.8, 1, True, True, "漢字")], [], [])
    assert pdf_split._fonts_here([page])
    assert registered_face(FALLBACK)
    assert not pdf_split._fonts_here([([], [(0, "text", "No-Such-Face", 9.0, 10.8, 1, True, True, "x")], [], [])])


def test_a_busy_machine_gets_no_split_child(reports: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    forked: list[object] = []
    monkeypatch.setattr(pdf, "may_fork", lambda: True)
    monkeypatch.setattr(pdf, "core_idle", lambda: False)
    monkeypatch.setattr(pdf_split, "SPLIT_MIN_WEIGHT", 0)
    monkeypatch.setattr(pdf, "Branch", lambda *args, **kwargs: forked.append(args))
    writer_for("pdf", load_styles()).write(reports["assessment/internal"])  # type: ignore[arg-type]
    assert not forked
    assert isinstance(beside.core_idle(), bool)


def test_a_busy_machine_is_looked_at_no_more_often_than_every_look_interval(
        reports: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    """Each look reads /proc: on a busy machine it must not happen at every page begin."""
    looks: list[int] = []
    monkeypatch.setattr(pdf, "may_fork", lambda: True)
    monkeypatch.setattr(pdf, "core_idle", lambda: looks.append(1) or False)
    monkeypatch.setattr(pdf_split, "SPLIT_MIN_WEIGHT", 0)
    monkeypatch.setattr(pdf_split, "LOOK_EVERY", 3600.0)
    writer_for("pdf", load_styles()).write(reports["assessment/internal"])  # type: ignore[arg-type]
    assert len(looks) == 1  # the first page begin looked; every later one is within the interval


def test_a_recording_frame_keeps_what_its_frame_was() -> None:
    """The page frame's cheap copy (``pdf._Frame.__deepcopy__``) stays in a split layout's child."""
    frame = pdf._Frame(0, 0, 100, 100, id="body")
    kind = pdf_split.recording_frame(pdf_split.Recorder(0), type(frame))
    assert issubclass(kind, pdf._Frame) and issubclass(kind, pdf_split.RecordingFrame)
    assert kind.__deepcopy__ is pdf._Frame.__deepcopy__


def test_a_split_child_whose_forker_is_gone_knows_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A layout child orphaned (its writer process killed) gives up instead of laying out for nobody."""
    import os
    import time
    seen = tmp_path / "orphaned"
    middle = os.fork()
    if middle == 0:  # the writer process: forks the layout child, then ends at once
        try:
            branch = beside.Branch()
            if branch.here:
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    if branch.orphaned():
                        seen.write_text("yes")
                        break
                    time.sleep(0.005)
                branch.give_up()
        finally:
            os._exit(0)
    os.waitpid(middle, 0)
    deadline = time.monotonic() + 10
    while not seen.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert seen.read_text() == "yes"


def test_a_finished_child_is_seen_without_waiting() -> None:
    child = beside.Child(lambda: 42)
    while not child.finished():
        pass
    assert child.finished()
    assert child.answer() == (True, 42)
    assert child.answer() == (False, None)  # answered before: nothing to wait for



def test_pages_of_a_child_whose_layout_went_elsewhere_are_not_taken(reports: dict[str, object],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Should the child's layout ever go elsewhere than this one's (a flowable whose drawing changed what later
    layout reads), its pages are not this document's: this process lays out alone, and the bytes are right."""
    report = reports["assessment/internal"]
    alone = _alone(report, monkeypatch)
    real_add = pdf_split.RecordingFrame.add
    calls = [0]

    def pushed_once(self, flowable, canv, trySplit=0):  # type: ignore[no-untyped-def]  # noqa: N803
        calls[0] += 1
        if calls[0] == 10 and not self.recorder.drawing:  # in the child only (this process's frames are
            # plain), before the pages it draws: one element goes a page on
            from reportlab.platypus import PageBreak
            self._add(PageBreak(), canv, 0)
            return 0
        return real_add(self, flowable, canv, trySplit)

    monkeypatch.setattr(pdf_split.RecordingFrame, "add", pushed_once)
    data, taken = _spliced(report, monkeypatch, 0.5)
    assert taken == 0
    assert data == alone


def test_a_split_child_interrupted_as_it_is_forked_never_returns_into_the_writers_caller(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Ctrl-C reaches every process of the group: a layout child it meets just after the fork, before the
    layout knows it is the child, still ends there (exit 3, no answer) instead of going up into the code
    that called the writer (the command would then print "interrupted" and run its exit handlers twice);
    this process lays out alone, the same bytes."""
    import subprocess
    import sys
    import textwrap
    from pathlib import Path
    script = textwrap.dedent('''
        import os, sys
        from app.content.report_layout import load_styles
        from app.export.formats import pdf, pdf_split, writer_for
        from app.export.pipeline import build_for_audience
        from app.interchange.examples import example_document
        from app.redaction import beside

        class InterruptedBranch(beside.Branch):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if self.here:
                    raise KeyboardInterrupt  # as if Ctrl-C came right after the fork

        report = build_for_audience(example_document(), "internal")
        pdf.may_fork = lambda: False
        alone = writer_for("pdf", load_styles()).write(report)
        pdf.may_fork, pdf.core_idle, pdf.Branch = (lambda: True), (lambda: True), InterruptedBranch
        pdf_split.SPLIT_MIN_WEIGHT = 0
        me = os.getpid()
        try:
            data = writer_for("pdf", load_styles()).write(report)
        except KeyboardInterrupt:
            print("interrupted in", "this process" if os.getpid() == me else "the child", flush=True)
            os._exit(0)
        print("same bytes" if data == alone else "other bytes", flush=True)
    ''')
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                            cwd=str(Path(__file__).resolve().parent.parent))
    assert result.stdout.split("\n")[:-1] == ["same bytes"], result.stdout + result.stderr
