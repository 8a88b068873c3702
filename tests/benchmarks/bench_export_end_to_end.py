"""``riskwright export`` of the large example, end to end, before issue 13 and now (one run).

Run on purpose: ``pytest tests/benchmarks/bench_export_end_to_end.py -m benchmark -s``.

The path a person takes: the command opens the file, gates on open flags,
filters for the audience, builds the report, writes it, scans the finished
bytes for leaks and renames the file into place — in a fresh process, start-up
included. Both PDFs (internal and public) are timed for the code before issue
13 (``before_after.BEFORE``) and now, and WeasyPrint renders the same content's
HTML export for comparison (``pip install .[bench]``). Every public text format
is timed too. Targets (issue 13): both PDFs together ≤ 4 s, each public text
format ≤ 1.5 s (wall clock on a quiet machine); the CPU time of each command is
printed beside it, since on a busy two-core machine the wall clock mostly
measures waiting. That CPU time includes the processes a wider-audience export
forks to use the second core (``app.redaction.beside``: flag scan, writer, half
of the leak scan), so "now" can show more CPU than wall. Before timing, each tree makes one public export, so what a
run keeps in the cache folder (parsed content, folding tables) is there, as it
is for every export but a new installation's first.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from before_after import CHECKOUT, cpu_timed_run, timed_run, unpack_before

BOTH_PDFS_BUDGET_S = 4.0
TEXT_BUDGET_S = 1.5
TEXT_FORMATS = ("md", "html", "json", "docx")


def _large_example(tree: Path, folder: Path) -> Path:
    path = folder / f"large-{tree.name}.rwa"
    if not path.exists():
        timed_run(tree, ["-m", "app.cli", "example", str(path), "--size", "large"])
    return path


def _export(tree: Path, source: Path, audience: str, fmt: str, folder: Path) -> tuple[float, Path]:
    output = folder / f"{tree.name}.{audience}.{fmt}"
    took, cpu, _ = cpu_timed_run(tree, ["-m", "app.cli", "export", str(source), "--audience", audience,
                                        "--format", fmt, "-o", str(output)])
    assert output.is_file()
    CPU[(tree.name, audience, fmt)] = cpu
    return took, output


CPU: dict[tuple[str, str, str], float] = {}


def _warm(tree: Path, source: Path, folder: Path) -> None:
    """One public export, so the cache folder holds what a run keeps (as for every export but the first)."""
    timed_run(tree, ["-m", "compileall", "-q", str(tree / "app")])  # bytecode, as an installation has it
    timed_run(tree, ["-m", "app.cli", "export", str(source), "--audience", "public", "--format", "json",
                     "-o", str(folder / f"warm-{tree.name}.json")])


def test_both_pdfs_end_to_end_before_and_now_and_weasyprint(tmp_path: Path) -> None:
    before = unpack_before(tmp_path)
    trees = {"before": before, "now": CHECKOUT}
    sources = {name: _large_example(tree, tmp_path) for name, tree in trees.items()}
    for name, tree in trees.items():
        _warm(tree, sources[name], tmp_path)
    print()
    totals: dict[str, float] = {}
    for name, tree in trees.items():
        parts = []
        for audience in ("internal", "public"):
            took, output = _export(tree, sources[name], audience, "pdf", tmp_path)
            parts.append(took)
            print(f"{name:6} {audience:8} PDF: {took:5.2f} s, CPU {CPU[(tree.name, audience, 'pdf')]:5.2f} s "
                  f"({output.stat().st_size / 1e6:.1f} MB)")
        totals[name] = sum(parts)
        cpu = sum(CPU[(tree.name, audience, "pdf")] for audience in ("internal", "public"))
        print(f"{name:6} both PDFs: {totals[name]:5.2f} s, CPU {cpu:5.2f} s")
    print(f"both PDFs end to end: before {totals['before']:.2f} s, now {totals['now']:.2f} s "
          f"({totals['before'] / totals['now']:.1f}x faster; budget {BOTH_PDFS_BUDGET_S:.0f} s)")

    weasyprint = pytest.importorskip("weasyprint")
    weasy = 0.0
    for audience in ("internal", "public"):
        _took, html = _export(CHECKOUT, sources["now"], audience, "html", tmp_path)
        started = time.perf_counter()
        weasyprint.HTML(filename=str(html)).write_pdf(str(html.with_suffix(".weasy.pdf")))
        weasy += time.perf_counter() - started
    print(f"WeasyPrint on the same content's HTML exports (rendering alone, no leak scan): {weasy:.2f} s; "
          f"riskwright's whole export is {weasy / totals['now']:.1f}x faster")
    assert totals["now"] <= BOTH_PDFS_BUDGET_S


def test_every_public_text_format_end_to_end(tmp_path: Path) -> None:
    before = unpack_before(tmp_path)
    print()
    slowest = 0.0
    for name, tree in (("before", before), ("now", CHECKOUT)):
        source = _large_example(tree, tmp_path)
        _warm(tree, source, tmp_path)
        for fmt in TEXT_FORMATS:
            if fmt == "docx" and name == "before":
                continue  # the DOCX writer came after BEFORE
            took, output = _export(tree, source, "public", fmt, tmp_path)
            print(f"{name:6} public {fmt:4}: {took:5.2f} s, CPU {CPU[(tree.name, 'public', fmt)]:5.2f} s "
                  f"({output.stat().st_size / 1e6:.2f} MB)")
            if name == "now":
                slowest = max(slowest, took)
    print(f"slowest public text format now: {slowest:.2f} s (budget {TEXT_BUDGET_S} s)")
    assert slowest <= TEXT_BUDGET_S
