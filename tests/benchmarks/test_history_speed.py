"""History costs per edit, on the benchmark-scale assessment: `pytest tests/benchmarks -m benchmark -s -k history`.

Figures printed as ratios from one run: an edit with its history entry vs the
same edit without it, and appending at 10,000 entries vs at a few (O(1)).
"""

import time

from app.interchange.examples import write_example
from app.model import Address, SetValue
from app.model.canonical import revision_hash
from app.store import AssessmentFile, history
from app.store.signoff import load_or_create_key, sign_off
from app.store.verification import verify_file

EDITS = 300


def _edits_per_second(assessment: AssessmentFile, label: str) -> float:
    address = Address.parse("header.scope")
    start = time.perf_counter()
    for n in range(EDITS):
        assessment.apply(SetValue(address, f"{label} scope text, keystroke batch {n}"))
    return (time.perf_counter() - start) / EDITS


def test_history_cost_per_edit_and_scaling(tmp_path, monkeypatch):
    path = tmp_path / "large.rwa"
    write_example(path, "large")
    with AssessmentFile.open(path) as assessment:
        with_history_short = _edits_per_second(assessment, "early")
        # Grow the history to 10,000 entries, then measure again.
        rows = []
        for _ in range(10_000 - history.count(assessment.db)):
            rows.append(("value", {"address": "header.scope", "before": None, "after": {"data": "x"}}))
        history.append(assessment.db, rows)
        with_history_long = _edits_per_second(assessment, "late")
        monkeypatch.setattr(history, "record_edit", lambda *args, **kwargs: [])
        without_history = _edits_per_second(assessment, "bare")
    print(f"\nper edit on the large assessment ({EDITS} edits each, synchronous=FULL):")
    print(f"  without history entry: {without_history * 1000:.2f} ms")
    print(f"  with entry, history of ~{EDITS} entries: {with_history_short * 1000:.2f} ms "
          f"(x{with_history_short / without_history:.2f})")
    print(f"  with entry, history of 10,000+ entries: {with_history_long * 1000:.2f} ms "
          f"(x{with_history_long / with_history_short:.2f} vs short history)")


def test_revision_hash_signoff_and_verify_on_the_large_assessment(tmp_path):
    path = tmp_path / "large.rwa"
    write_example(path, "large")
    with AssessmentFile.open(path) as assessment:
        start = time.perf_counter()
        revision_hash(assessment.document)
        hashing = time.perf_counter() - start
        for n in range(1000):
            assessment.apply(SetValue(Address.parse("header.scope"), f"revision text {n}"))
        start = time.perf_counter()
        sign_off(assessment, "assessor", "Bench Assessor", load_or_create_key(tmp_path / "k.pem"))
        signing = time.perf_counter() - start
    start = time.perf_counter()
    verdict = verify_file(path)
    verifying = time.perf_counter() - start
    assert verdict.intact
    size = path.stat().st_size / 1e6
    print(f"\nlarge assessment ({size:.1f} MB file, {verdict.entries} history entries):")
    print(f"  revision hash (canonical form + SHA-256): {hashing * 1000:.0f} ms")
    print(f"  sign-off (verify + hash + snapshot + sign): {signing * 1000:.0f} ms")
    print(f"  verify (chain, signature, replay of {verdict.entries} entries): {verifying * 1000:.0f} ms")
