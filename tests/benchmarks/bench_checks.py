"""Speed of checking the large example against every framework, in full and after one edit.

Run on purpose: ``pytest tests/benchmarks/bench_checks.py -m benchmark -s``. Figures are
printed (medians over repeated runs in one process); the asserts are the issue's targets:
a full check of the large example in at most 20 ms, a re-check after a single-field edit
in at most 2 ms.
"""

from __future__ import annotations

import statistics
import time
from datetime import date

import pytest

from app.checks import Checker, check, framework_ids, load_framework
from app.interchange.examples import large_document
from app.model import Address, Document, SetValue, touched_addresses

FULL_BUDGET_MS = 20.0
RECHECK_BUDGET_MS = 2.0
RUNS = 31

# One edit per kind of rule input: a value read by per-record evidence rules in the
# 500-row evaluations table, a record title quoted in messages, a category (coverage),
# a determination level (commitments), the decision, a checkpoint's compute (cadence),
# a re-assessment date (calendar cadence) and a field no rule reads.
EDITS = [
    SetValue(Address("pre_deployment.evaluations[].elicitation.prompting", "ev-250"), "Three prompt rounds."),
    SetValue(Address("pre_deployment.evaluations[].name", "ev-250"), "Renamed suite item"),
    SetValue(Address("pre_deployment.evaluations[].category", "ev-250"), "cbrn"),
    SetValue(Address("pre_deployment.determinations[].post_mitigation_level", "det-1"), "high"),
    SetValue(Address("deployment_decision.decision"), "delay"),
    SetValue(Address("training.checkpoints[].effective_compute_flop", "ckpt-30"), 5.0e24),
    SetValue(Address("deployment.reassessments[].date", "ra-20"), date(2030, 1, 1)),
    SetValue(Address("header.model.name"), "Renamed model"),
]


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


@pytest.fixture(scope="module")
def large() -> Document:
    return large_document()


@pytest.mark.parametrize("framework_id", framework_ids())
def test_full_check_of_the_large_example(large: Document, framework_id: str) -> None:
    framework = load_framework(framework_id)
    result = check(large, framework)
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        check(large, framework)
        samples.append(time.perf_counter() - started)
    median = _median_ms(samples)
    print(f"\nfull check   {framework_id:32} median {median:6.2f} ms "
          f"({median / FULL_BUDGET_MS:.0%} of the {FULL_BUDGET_MS:g} ms budget; "
          f"{len(result.findings)} findings, {result.status})")
    assert median <= FULL_BUDGET_MS


@pytest.mark.parametrize("framework_id", framework_ids())
def test_recheck_after_a_single_field_edit(large: Document, framework_id: str) -> None:
    doc = large.copy()
    checker = Checker(load_framework(framework_id))
    checker.check(doc)
    worst = 0.0
    lines = []
    for edit in EDITS:
        samples = []
        for _ in range(RUNS):
            inverse = doc.apply(edit)
            started = time.perf_counter()
            checker.recheck(doc, list(touched_addresses(edit)))
            samples.append(time.perf_counter() - started)
            doc.apply(inverse)
            checker.recheck(doc, list(touched_addresses(inverse)))
        median = _median_ms(samples)
        worst = max(worst, median)
        lines.append(f"    {str(edit.address):58} {median:6.3f} ms")
    print(f"\nre-check     {framework_id:32} worst median {worst:6.3f} ms "
          f"({worst / RECHECK_BUDGET_MS:.0%} of the {RECHECK_BUDGET_MS:g} ms budget)")
    print("\n".join(lines))
    assert worst <= RECHECK_BUDGET_MS
