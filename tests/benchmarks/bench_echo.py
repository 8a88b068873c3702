"""What echo detection and "detectors read what people wrote" cost on the large example (issue 11 items 7, 8).

Run on purpose: ``pytest tests/benchmarks/bench_echo.py -m benchmark -s``.

Figures are CPU seconds of the command's process (user + system, from
``getrusage``): on a shared two-core machine the wall clock mostly measures
waiting. Each revision of ``REVISIONS`` is unpacked from git and run beside the
checkout on the same file (made by the oldest code, so all read the same
document). The echo commits landed directly on "before echo", so "before echo"
against "echo landed" is what echo detection alone costs; "now" adds whatever
main gained since:

* ``riskwright scan`` of the large example (detectors, and now echoes too);
* ``riskwright export --audience public`` as Markdown and PDF (the gate and the
  finished-file scan now also compute echoes and the assessor-written hits);
* per edit, in process: the rescan after typing into a public text, and after
  changing a withheld value (every target is compared again).
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path


from before_after import CHECKOUT, environment, unpack

REVISIONS = {"before 7+8": "e5d5dd5", "before echo": "6bb5937", "echo landed": "ef48dbc"}
"""main before echo detection and the assessor-written detector rule (item 8); main just before echo
detection landed; main with only the echo commits on top of that."""


def _cpu(tree: Path, arguments: list[str]) -> float:
    """CPU seconds of ``python ARGUMENTS`` with ``tree``'s code (exit 0 or 1 both fine: scan says 1 for flags)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run([sys.executable, *arguments], capture_output=True, text=True, env=environment(tree),
                            cwd=tree)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def test_scan_and_public_exports_of_the_large_example_before_and_now(tmp_path: Path) -> None:
    trees = {name: unpack(tmp_path, revision) for name, revision in REVISIONS.items()}
    trees["now"] = CHECKOUT
    source = tmp_path / "large.rwa"
    _cpu(trees["before 7+8"], ["-m", "app.cli", "example", str(source), "--size", "large"])
    copies = {name: tmp_path / f"large-{index}.rwa" for index, name in enumerate(trees)}
    for copy in copies.values():  # one each: a newer version upgrades the file format the older cannot read
        shutil.copyfile(source, copy)
    for tree in trees.values():
        _cpu(tree, ["-m", "app.cli", "--version"])  # bytecode caches
    print()
    for name, tree in trees.items():
        scans = [_cpu(tree, ["-m", "app.cli", "scan", str(copies[name])]) for _ in range(3)]
        print(f"{name:11} scan of the large example: {min(scans):5.2f} s CPU (best of 3: "
              f"{', '.join(f'{s:.2f}' for s in scans)})")
    for fmt, runs in (("md", 2), ("pdf", 1)):
        for name, tree in trees.items():
            took = [_cpu(tree, ["-m", "app.cli", "export", str(copies[name]), "--audience", "public", "--format", fmt,
                                "-o", str(tmp_path / f"{name}.{fmt}")]) for _ in range(runs)]
            written = "" if (tmp_path / f"{name}.{fmt}").exists() else " — REFUSED, nothing written"
            print(f"{name:11} public {fmt:3} export: {min(took):5.2f} s CPU (best of {runs}){written}")


def test_per_edit_rescan_on_the_large_example(tmp_path: Path) -> None:
    from app.interchange.examples import write_example
    from app.model.document import SetValue
    from app.model.paths import Address
    from app.session.flags import FlagStore
    from app.store import AssessmentFile

    path = tmp_path / "large.rwa"
    write_example(path, "large")
    public = Address("training.summary")
    withheld = Address("pre_training.planned_evaluation_points")  # internal markdown
    with AssessmentFile.open(path) as file:
        store = FlagStore(file)
        started = time.process_time()
        store.rescan_all()
        print(f"\nrescan_all (detectors + echoes): {time.process_time() - started:.2f} s CPU")
        started = time.process_time()
        store.echoes.load(file.document)
        print(f"echo load alone: {time.process_time() - started:.3f} s CPU; "
              f"all echo hits: {len(store.echoes.all_hits())}")
        for label, address in (("public text", public), ("withheld text", withheld)):
            times = []
            for round_ in range(5):
                text = file.document.get(address) or ""
                edit = SetValue(address, f"{text} word{round_}")
                file.apply(edit)
                started = time.process_time()
                store.after_edit(edit)
                times.append(time.process_time() - started)
            print(f"per-edit rescan after typing into {label}: median {sorted(times)[2] * 1000:.1f} ms CPU")
