"""Every PDF of the large example through ``riskwright export``, a given revision against this checkout (one run).

Run on purpose: ``pytest tests/benchmarks/bench_pdf_exports.py -m benchmark -s``; the revision to compare
against is ``RISKWRIGHT_BENCH_BEFORE`` (default ``5b2e6f1``, main when the PDF speed work of session 3
began), ``RISKWRIGHT_BENCH_ROUNDS`` rounds (default 3).

What a person waits for: a fresh process per export (start-up and imports included) that opens the
file, gates, filters, builds, writes, scans the finished bytes (wider audiences) and renames it into
place. Timed: the internal and the public assessment report (issue 13: both together <= 4 s, judged in
``bench_export_end_to_end.py``, which runs the code before issue 13 to read that budget on this host) — as two
commands, and (this checkout only) as one command with ``--audience internal --audience public``, which
reads the file once and makes the internal edition in a forked child beside the public one — and the
public PDF of every report kind (issue 17: each <= 2 s). The two trees take turns, round by round, so
a burst of other work on a shared machine hits both; the best round of each is printed. CPU is the
command's own and its children's (the leak scan and the flag gate fork a child where a second core
is free), so on an idle machine the wall clock can be below it; on a busy one the wall clock mostly
measures waiting, and the CPU ratios are the figures to compare.
"""

from __future__ import annotations

import os
from pathlib import Path

from before_after import CHECKOUT, cpu_timed_run, environment, timed_run, unpack

KIND_BUDGET_S = 2.0
KINDS = ("sb53-transparency-report", "eu-model-report", "rsp3-risk-report", "system-card")


def test_every_pdf_of_the_large_example_against_a_revision(tmp_path: Path) -> None:
    revision = os.environ.get("RISKWRIGHT_BENCH_BEFORE", "5b2e6f1")
    rounds = int(os.environ.get("RISKWRIGHT_BENCH_ROUNDS", "3"))
    trees = {"before": unpack(tmp_path, revision), "now": CHECKOUT}
    source = tmp_path / "large.rwa"
    timed_run(CHECKOUT, ["-m", "app.cli", "example", str(source), "--size", "large"])
    jobs = [("internal", "assessment"), ("public", "assessment"), *(("public", kind) for kind in KINDS)]
    best: dict[tuple[str, str, str], tuple[float, float]] = {}
    for name, tree in trees.items():  # bytecode and the cache folder, as an installation has them
        timed_run(tree, ["-m", "compileall", "-q", str(tree / "app")], environment(tree))
        timed_run(tree, ["-m", "app.cli", "export", str(source), "--audience", "public", "--format", "json",
                         "-o", str(tmp_path / f"warm-{name}.json")], environment(tree))
    for _ in range(rounds):
        for name, tree in trees.items():
            for audience, kind in jobs:
                output = tmp_path / f"{name}.{kind}.{audience}.pdf"
                took, cpu, _ = cpu_timed_run(tree, ["-m", "app.cli", "export", str(source), "--audience", audience,
                                                    "--format", "pdf", "--kind", kind, "-o", str(output)],
                                             environment(tree))
                key = (name, audience, kind)
                best[key] = min(best.get(key, (took, cpu)), (took, cpu))
            if name == "now":  # both assessment PDFs in one command (--audience twice), this checkout only
                folder = tmp_path / "one-command"
                folder.mkdir(exist_ok=True)
                took, cpu, _ = cpu_timed_run(tree, ["-m", "app.cli", "export", str(source), "--audience", "internal",
                                                    "--audience", "public", "--format", "pdf", "-o", str(folder)],
                                             environment(tree))
                best["now", "both", "one command"] = min(best.get(("now", "both", "one command"), (took, cpu)),
                                                         (took, cpu))
    print(f"\nbest of {rounds} rounds, wall s / CPU s (before = {revision}):")
    for audience, kind in jobs:
        (bw, bc), (nw, nc) = best["before", audience, kind], best["now", audience, kind]
        print(f"  {audience:8} {kind:26} before {bw:5.2f} / {bc:5.2f}   now {nw:5.2f} / {nc:5.2f}   "
              f"CPU ratio {nc / bc:4.2f}")
    pair = {name: [best[name, audience, "assessment"] for audience in ("internal", "public")] for name in trees}
    both = {name: (sum(w for w, _ in pair[name]), sum(c for _, c in pair[name])) for name in trees}
    print(f"  both assessment PDFs, two commands: before {both['before'][0]:5.2f} / {both['before'][1]:5.2f}   "
          f"now {both['now'][0]:5.2f} / {both['now'][1]:5.2f}   (issue 13's budget: bench_export_end_to_end.py)")
    one = best["now", "both", "one command"]
    print(f"  both assessment PDFs, one command (--audience internal --audience public): now {one[0]:5.2f} / "
          f"{one[1]:5.2f}")
    both["now"] = min(both["now"], one)
    slow = {kind: round(best["now", "public", kind][0], 2) for kind in KINDS
            if best["now", "public", kind][0] > KIND_BUDGET_S}
    assert not slow, f"kinds over {KIND_BUDGET_S} s: {slow}"
