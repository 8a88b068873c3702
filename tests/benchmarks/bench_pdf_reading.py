"""Reading a finished PDF for the leak scan, before issue 13 and now (one run), and what each reads.

Run on purpose: ``pytest tests/benchmarks/bench_pdf_reading.py -m benchmark -s``.

Both PDFs of the large example (internal and public, written by the code now)
are scanned by the leak scanner of ``before_after.BEFORE`` (pypdf) and of now
(PDFium + qpdf), each in a fresh process, with no withheld texts and the
bundled detectors; CPU seconds of the scan alone are printed. Then the words
of every page's text are compared: a word the old reader saw that the new one
does not would be a channel read less thoroughly (the run fails on one).
"""

from __future__ import annotations

import json
from pathlib import Path

from before_after import CHECKOUT, environment, timed_run, unpack_before

SCAN = """
import json, re, sys, time
from app.redaction import default_detectors, leak_scan
from app.redaction.normalise import word_view
data = open(sys.argv[1], "rb").read()
detectors = default_detectors()
word_view("warm")  # folding tables built (or read from the cache folder) outside the timing
started = time.process_time()
leaks = leak_scan(data, "pdf", [], detectors)
took = time.process_time() - started
scanner = sys.modules["app.redaction.leak_scan"]  # the module (the package's name ``leak_scan`` is the function)
reader = getattr(scanner, "pdf_channels")
words = set()
for channel, text in reader(data):
    if channel.startswith("pdf page ") and channel.endswith(" text"):
        words.update(re.findall(r"[^\\W_]+", text.lower()))
print(json.dumps({"seconds": took, "leaks": len(leaks), "words": sorted(words)}))
"""


def _scan(tree: Path, pdf: Path) -> dict[str, object]:
    _took, printed = timed_run(tree, ["-c", SCAN, str(pdf)], environment(tree))
    return json.loads(printed.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_pdf_leak_scan_before_and_now_reads_every_word(tmp_path: Path) -> None:
    before = unpack_before(tmp_path)
    source = tmp_path / "large.rwa"
    timed_run(CHECKOUT, ["-m", "app.cli", "example", str(source), "--size", "large"])
    print()
    for audience in ("internal", "public"):
        pdf = tmp_path / f"{audience}.pdf"
        if audience == "public":  # written without the scan: the scan is what is measured here
            code = ("import sys; import app.export.audience as a; a.leak_hits = lambda *x, **k: []; "
                    "from app.cli import main; sys.exit(main(sys.argv[1:]))")
            timed_run(CHECKOUT, ["-c", code, "export", str(source), "--audience", audience, "--format", "pdf",
                                 "-o", str(pdf)])
        else:
            timed_run(CHECKOUT, ["-m", "app.cli", "export", str(source), "--audience", audience, "--format",
                                 "pdf", "-o", str(pdf)])
        old, new = _scan(before, pdf), _scan(CHECKOUT, pdf)
        missing = sorted(set(old["words"]) - set(new["words"]))  # type: ignore[arg-type]
        extra = sorted(set(new["words"]) - set(old["words"]))  # type: ignore[arg-type]
        print(f"{audience:8} PDF ({pdf.stat().st_size / 1e6:.1f} MB): leak scan CPU before {old['seconds']:.2f} s, "
              f"now {new['seconds']:.2f} s ({old['seconds'] / new['seconds']:.1f}x); "  # type: ignore[operator]
              f"page-text words only before: {len(missing)}, only now: {len(extra)} {extra[:8]}")
        assert not missing, f"words the old reader saw and the new one does not: {missing[:20]}"
