"""A synthetic portfolio for benchmarks, screenshots and tests: many fictional models from one example.

Each file starts as a byte copy of one generated assessment (the large
benchmark example, or the small bundled one) and is then edited through the
store like any assessment — model name, framework, dates, determinations,
incidents — so every file has its own history, verifies, and differs from
the others. Everything is fictional.
"""

from __future__ import annotations

import random
import shutil
from datetime import date, timedelta
from pathlib import Path

from app.interchange.examples import write_example
from app.checks import load_framework
from app.model.document import Batch, Document, Edit, InsertRecord, Record, RemoveRecord, SetValue, Value
from app.model.paths import Address
from app.store.file import AssessmentFile

_FRAMEWORKS = ("openai-preparedness-beta", "openai-preparedness-v2", "anthropic-rsp-2.2", "gdm-fsf-3.0",
               "eu-gpai-cop-safety-security")
_KINDS = ("critical_infrastructure", "cybersecurity_breach", "other_serious_harm", "not_serious")
_NAMES = ("Quill", "Marten", "Saffron", "Juniper", "Osprey", "Lumen", "Tansy", "Corvid", "Heron", "Wren")


def write_portfolio(folder: Path, count: int, size: str = "large", seed: int = 11,
                    start: date = date(2026, 1, 5)) -> list[Path]:
    """Write ``count`` varied assessments into ``folder`` (created if needed); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / ".base.rwa"
    write_example(base, size)
    rng = random.Random(seed)
    paths = []
    try:
        for number in range(1, count + 1):
            path = folder / f"model-{number:04d}.rwa"
            shutil.copyfile(base, path)
            with AssessmentFile.open(path) as assessment:
                assessment.apply(_variation(assessment.document, number, rng, start))
            paths.append(path)
    finally:
        base.unlink(missing_ok=True)
    return paths


def _variation(document: Document, number: int, rng: random.Random, start: date) -> Edit:
    determinations = document.records("pre_deployment.determinations")
    reassessments = document.records("deployment.reassessments")
    checkpoints = document.records("training.checkpoints")
    framework = _FRAMEWORKS[number % len(_FRAMEWORKS)]
    assessed = start + timedelta(days=rng.randint(0, 330))
    decided = assessed - timedelta(days=rng.randint(20, 200))
    edits: list[Edit] = [
        SetValue(Address("header.model.name"), f"{rng.choice(_NAMES)}-{number:04d}"),
        SetValue(Address("header.framework"), framework),
        SetValue(Address("header.assessment_date"), assessed),
        SetValue(Address("deployment_decision.decision_date"), decided),
    ]
    ladder = [level.id for level in load_framework(framework).levels]
    for record in determinations:
        pre = rng.choice(ladder)
        post = ladder[max(0, ladder.index(pre) - rng.randint(0, 1))]
        table = "pre_deployment.determinations"
        edits.append(SetValue(Address(f"{table}[].pre_mitigation_level", record.id), pre))
        edits.append(SetValue(Address(f"{table}[].post_mitigation_level", record.id), post))
    if checkpoints:  # the largest model of the portfolio is ten times the smallest
        edits.append(SetValue(Address("training.checkpoints[].effective_compute_flop", checkpoints[-1].id),
                              float(f"{9e25 * 10 ** rng.uniform(0, 1):.3g}")))
    # The large example's re-assessments run years ahead (it is sized for speed, not realism): a model keeps
    # only those between its decision and its assessment, so its next one falls due within months.
    for record in reassessments:
        when = record.get("date")
        if not isinstance(when, date) or not decided <= when <= assessed:
            edits.append(RemoveRecord("deployment.reassessments", record.id))
    if number % 4 == 0:
        happened = assessed - timedelta(days=rng.randint(0, 20))
        edits.append(InsertRecord("deployment.incidents", 0, Record(f"inc-{number}", {
            "date": Value(happened), "discovered_on": Value(happened), "title": Value(f"Fictional incident {number}"),
            "severity": Value("high"), "kind": Value(rng.choice(_KINDS)),
        })))
    return Batch(tuple(edits))
