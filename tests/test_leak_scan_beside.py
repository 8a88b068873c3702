"""The leak scan shares a finished file's texts with a forked child (``app.redaction.beside``): same leaks.

The suite's process has Qt loaded, where no export forks; these tests fork on
purpose and compare the shared scan with the scan done in one process, leak for
leak and in the same order, and check that a child that fails has its share
read by the parent.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

import pytest

from app.content.report_layout import load_styles
from app.export.formats import writer_for
from app.export.pipeline import build_for_audience
from app.interchange.examples import example_document
from app.redaction import beside, default_detectors
from app.redaction.filtering import WithheldText
from app.redaction.leak_scan import leak_scan

FORMATS = ("md", "html", "json", "docx", "pdf")


@cache
def _internal(fmt: str) -> bytes:
    return writer_for(fmt, load_styles()).write(build_for_audience(example_document(), "internal"))


def _withheld() -> list[WithheldText]:
    """Texts the internal report holds (so the scan has something to find), as if withheld."""
    doc = example_document()
    texts = [WithheldText(value.data, str(address)) for address, value in doc.addresses()
             if isinstance(value.data, str) and len(value.data.split()) >= 3]
    return texts[:40]


def _scan(fmt: str) -> list[str]:
    return [str(leak) for leak in leak_scan(_internal(fmt), fmt, _withheld(), default_detectors(),
                                            file_name=f"report.{fmt}")]


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("forks only on Linux")
    monkeypatch.setattr(beside, "may_fork", lambda: True)
    monkeypatch.setattr(beside, "SPLIT_MIN_WEIGHT", 0)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_shared_scan_finds_what_one_process_finds(fmt: str, forking: None,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    children: list[int] = []
    start = beside.Child.__init__

    def counted(self: beside.Child, work: object) -> None:
        start(self, work)  # type: ignore[arg-type]
        children.append(self.pid)

    monkeypatch.setattr(beside.Child, "__init__", counted)
    shared = _scan(fmt)
    assert children, "the scan did not share its texts with a child"
    with monkeypatch.context() as alone:
        alone.setattr(beside, "may_fork", lambda: False)
        assert shared == _scan(fmt)
    assert shared  # the internal report holds the texts: a scan that found nothing proves nothing


def test_a_failing_child_has_its_share_read_here(forking: None, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as alone:
        alone.setattr(beside, "may_fork", lambda: False)
        expected = _scan("md")
    monkeypatch.setattr(beside.Child, "_child", lambda self, work: os._exit(3))
    assert _scan("md") == expected


def test_split_map_keeps_the_order_of_the_items(forking: None) -> None:
    items = [f"text {n}" * (n % 7 + 1) for n in range(50)]
    assert beside.split_map(str.upper, items, [len(item) for item in items]) == [item.upper() for item in items]


@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_a_report_written_in_a_child_is_the_report_written_here(fmt: str, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from app.export import pipeline

    def exported(name: str) -> bytes:
        target = tmp_path / f"{name}.{fmt}"
        pipeline.write_report(example_document(), "public", fmt, target, gate=lambda: ([], set()))
        return target.read_bytes()

    monkeypatch.setattr(pipeline, "may_fork", lambda: False)
    here = exported("here")
    if not sys.platform.startswith("linux"):
        pytest.skip("forks only on Linux")
    monkeypatch.setattr(pipeline, "may_fork", lambda: True)
    assert exported("child") == here
    monkeypatch.setattr(beside.Child, "_child", lambda self, work: os._exit(3))
    assert exported("failed-child") == here  # the child failed: the report was written here


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_markup_parsed_in_a_child_gives_the_channels_read_in_one_go(fmt: str, forking: None,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan searches a Markdown or HTML file's raw text while a child parses its markup: the channels are
    those of ``markdown_channels``/``html_channels``, in order, from the child or — when it dies — here."""
    import importlib
    module = importlib.import_module("app.redaction.leak_scan")  # the module (the package exports its function)
    data = _internal(fmt)
    expected = list((module.markdown_channels if fmt == "md" else module.html_channels)(data))
    children: list[int] = []
    start = beside.Child.__init__

    def counted(self: beside.Child, work: object) -> None:
        start(self, work)  # type: ignore[arg-type]
        children.append(self.pid)

    with monkeypatch.context() as counting:
        counting.setattr(beside.Child, "__init__", counted)
        with module._MarkupReading(fmt, data) as reading:
            assert [*reading.early, *reading.rest()] == expected
        assert children
    monkeypatch.setattr(beside.Child, "_child", lambda self, work: os._exit(3))
    with module._MarkupReading(fmt, data) as reading:
        assert [*reading.early, *reading.rest()] == expected
    assert _scan(fmt)  # and the scan still finds what the internal report holds
