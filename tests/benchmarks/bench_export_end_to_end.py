"""``riskwright export`` of the large example, end to end, before issue 13 and now (one run).

Run on purpose: ``pytest tests/benchmarks/bench_export_end_to_end.py -m benchmark -s``.

The path a person takes: the command opens the file, gates on open flags,
filters for the audience, builds the report, writes it, scans the finished
bytes for leaks and renames the file into place — in a fresh process, start-up
included. Both PDFs (internal and public) are timed, the two ways a person can
make them:

* **two commands**, one after the other: ``riskwright export FILE --audience
  internal`` then ``... --audience public`` (the only way before session 4);
* **one command**: ``riskwright export FILE --audience internal --audience
  public -o FOLDER`` (session 4): the file is read once and the internal
  edition is made in a forked child while the public one is made in the
  command's process — the same bytes as the two commands.

The trees: ``before`` is the code before issue 13 (``before_after.BEFORE``),
``start`` main when session 4 began (``RISKWRIGHT_BENCH_START``, default
704616b; two commands only — one command did not exist), ``now`` this checkout
(both ways). ``RISKWRIGHT_BENCH_ROUNDS`` rounds (default 2), the trees taking
turns round by round, best round printed. WeasyPrint renders the same content's
HTML export for comparison (``pip install .[bench]``). Every public text format
is timed too, ``before`` and ``now`` taking turns in the same way. Targets (issue
13): both PDFs together ≤ 4 s, each public text format ≤ 1.5 s (wall clock on a
quiet machine) — on the machine the issue was filed on, where ``before`` took
13.8 s for both PDFs and 3.9 s for the public Markdown. Sessions run on other
hosts, some twice as slow, so each budget is read as a ratio to ``before`` in
the same run (``before_after.budget_here``), and both figures are printed: the
budget in seconds here, and the ratio now / before against the issue's ratio
(4 / 13.8 = 0.29, 1.5 / 3.9 = 0.38). The CPU time of each command is
printed beside it, since on a busy two-core machine the wall clock mostly
measures waiting. That CPU time includes the processes a wider-audience export
forks to use the second core (``app.redaction.beside``: flag scan, writer, half
of the leak scan), so "now" can show more CPU than wall. Before timing, each tree makes one public export, so what a
run keeps in the cache folder (parsed content, folding tables) is there, as it
is for every export but a new installation's first.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


from before_after import (CHECKOUT, FILED_BOTH_PDFS_S, FILED_PUBLIC_MD_S, budget_here, cpu_timed_run, said_budget,
                          timed_run, unpack, unpack_before)

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


def _both_in_one_command(tree: Path, source: Path, folder: Path) -> tuple[float, float]:
    """``riskwright export SOURCE --audience internal --audience public -o FOLDER``: (wall s, CPU s)."""
    folder.mkdir(exist_ok=True)
    took, cpu, _ = cpu_timed_run(tree, ["-m", "app.cli", "export", str(source), "--audience", "internal",
                                        "--audience", "public", "--format", "pdf", "-o", str(folder)])
    for audience in ("internal", "public"):
        assert (folder / f"{source.stem}.{audience}.pdf").is_file()
    return took, cpu


def test_both_pdfs_end_to_end_before_and_now_and_weasyprint(tmp_path: Path) -> None:
    rounds = int(os.environ.get("RISKWRIGHT_BENCH_ROUNDS", "2"))
    trees = {"before": unpack_before(tmp_path), "start": unpack(tmp_path, os.environ.get("RISKWRIGHT_BENCH_START",
                                                                                       "704616b")),
             "now": CHECKOUT}
    sources = {name: _large_example(tree, tmp_path) for name, tree in trees.items()}
    for name, tree in trees.items():
        _warm(tree, sources[name], tmp_path)
    best: dict[tuple[str, str], tuple[float, float]] = {}
    for _ in range(rounds):
        for name, tree in trees.items():
            parts = []
            for audience in ("internal", "public"):
                took, output = _export(tree, sources[name], audience, "pdf", tmp_path)
                parts.append((took, CPU[(tree.name, audience, "pdf")]))
                key = (name, audience)
                best[key] = min(best.get(key, parts[-1]), parts[-1])
            two = (sum(w for w, _ in parts), sum(c for _, c in parts))
            best[name, "two commands"] = min(best.get((name, "two commands"), two), two)
            if name == "now":
                one = _both_in_one_command(tree, sources[name], tmp_path / "one-command")
                best[name, "one command"] = min(best.get((name, "one command"), one), one)
                same = all((tmp_path / "one-command" / f"{sources[name].stem}.{audience}.pdf").read_bytes()
                           == (tmp_path / f"{tree.name}.{audience}.pdf").read_bytes()
                           for audience in ("internal", "public"))
                assert same, "one command wrote other bytes than two commands"
    print(f"\nboth PDFs of the large example, best of {rounds} rounds, wall s / CPU s (CPU incl. forked children):")
    for name in trees:
        for what in ("internal", "public", "two commands", "one command"):
            if (name, what) in best:
                wall, cpu = best[name, what]
                print(f"  {name:6} {what:13} {wall:5.2f} / {cpu:5.2f}")
    wall_before = best["before", "two commands"][0]
    for name, what in (("start", "two commands"), ("now", "two commands"), ("now", "one command")):
        wall, cpu = best[name, what]
        print(f"both PDFs, {name} {what}: {wall:.2f} s wall ({wall_before / wall:.1f}x faster than before issue 13; "
              f"CPU ratio to session start {cpu / best['start', 'two commands'][1]:.2f})")
    totals = {"now": min(best["now", "two commands"][0], best["now", "one command"][0])}
    before_here = best["before", "two commands"][0]
    budget = budget_here(BOTH_PDFS_BUDGET_S, before_here, FILED_BOTH_PDFS_S)
    print(said_budget(BOTH_PDFS_BUDGET_S, "s", before_here, FILED_BOTH_PDFS_S, "both PDFs")
          + f". Now / before: two commands {best['now', 'two commands'][0] / before_here:.2f}, one command "
          f"{best['now', 'one command'][0] / before_here:.2f}")

    try:
        import weasyprint
    except ImportError:
        print("WeasyPrint is not installed (pip install .[bench]): not compared")
    else:
        weasy = 0.0
        for audience in ("internal", "public"):
            _took, html = _export(CHECKOUT, sources["now"], audience, "html", tmp_path)
            started = time.perf_counter()
            weasyprint.HTML(filename=str(html)).write_pdf(str(html.with_suffix(".weasy.pdf")))
            weasy += time.perf_counter() - started
        print(f"WeasyPrint on the same content's HTML exports (rendering alone, no leak scan): {weasy:.2f} s; "
              f"riskwright's whole export is {weasy / totals['now']:.1f}x faster")
    assert totals["now"] <= budget, f"both PDFs {totals['now']:.2f} s, over the {budget:.2f} s budget here"


def test_every_public_text_format_end_to_end(tmp_path: Path) -> None:
    rounds = int(os.environ.get("RISKWRIGHT_BENCH_ROUNDS", "2"))
    trees = {"before": unpack_before(tmp_path), "now": CHECKOUT}
    sources = {name: _large_example(tree, tmp_path) for name, tree in trees.items()}
    for name, tree in trees.items():
        _warm(tree, sources[name], tmp_path)
    best: dict[tuple[str, str], tuple[float, float, float]] = {}
    for _ in range(rounds):
        for name, tree in trees.items():
            for fmt in TEXT_FORMATS:
                if fmt == "docx" and name == "before":
                    continue  # the DOCX writer came after BEFORE
                took, output = _export(tree, sources[name], "public", fmt, tmp_path)
                timing = (took, CPU[(tree.name, "public", fmt)], output.stat().st_size / 1e6)
                best[name, fmt] = min(best.get((name, fmt), timing), timing)
    print(f"\npublic text formats of the large example, best of {rounds} rounds:")
    for (name, fmt), (took, cpu, size) in best.items():
        print(f"{name:6} public {fmt:4}: {took:5.2f} s, CPU {cpu:5.2f} s ({size:.2f} MB)")
    slowest_fmt = max(TEXT_FORMATS, key=lambda fmt: best["now", fmt][0])
    slowest = best["now", slowest_fmt][0]
    before_md = best["before", "md"][0]
    budget = budget_here(TEXT_BUDGET_S, before_md, FILED_PUBLIC_MD_S)
    print(f"slowest public text format now: {slowest_fmt} {slowest:.2f} s; "
          + said_budget(TEXT_BUDGET_S, "s", before_md, FILED_PUBLIC_MD_S, "the public Markdown")
          + f". Now / before Markdown: slowest {slowest / before_md:.2f}, "
          f"Markdown {best['now', 'md'][0] / before_md:.2f}")
    assert slowest <= budget, f"public {slowest_fmt} {slowest:.2f} s, over the {budget:.2f} s budget here"
