"""The bundled example assessment and the synthetic large one for benchmarks.

Everything here is fictional: an invented lab, an invented model, and
obviously fake hazardous passages ("the purple reagent of the fictional kit").
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from app.content.forms import load_forms
from app.content.locate import content_path
from app.interchange.yaml_io import load_document
from app.model.document import Document, Record, Value
from app.model.sensitivity import Sensitivity
from app.store.file import AssessmentFile

EXAMPLE_YAML = ("resources", "examples", "example.yaml")
EXAMPLES: dict[str, tuple[str, ...]] = {
    "api": EXAMPLE_YAML,
    "open-weights": ("resources", "examples", "open_weights.yaml"),
}
"""The bundled examples by kind: an API release with fine-tuning for vetted customers (checked against
the Preparedness Framework Beta), and an open-weight release with its worst-case estimate (checked against
Preparedness Framework v2)."""


def example_document(kind: str = "api") -> Document:
    path = content_path(*EXAMPLES[kind])
    return load_document(path.read_text(encoding="utf-8"), str(path), load_forms())


def write_example(path: Path, size: str = "small", kind: str = "api") -> None:
    document = example_document(kind) if size == "small" else large_document()
    AssessmentFile.create(path, document).close()


_CATEGORIES = ("cybersecurity", "cbrn", "persuasion", "model_autonomy")
_LEVELS = ("low", "medium", "high", "critical")
_DOMAIN_OF = {"cybersecurity": "cyber", "cbrn": "bio", "persuasion": "other", "model_autonomy": "autonomy"}
_WORDS = (
    "the suite measured agent planning across long horizons with scaffolding and tools while "
    "graders compared transcripts against expert baselines under a fixed budget of person hours "
    "and compute results were stable across seeds although variance grew near the threshold "
    "so reviewers asked for more trials before the determination was recorded by the assessment "
    "team "
).split()
_FAKE_HAZARDS = (
    "mix the purple reagent from the fictional Glimmer kit at step {n}",
    "the FROBNICATE-overflow in the made-up WidgetOS build {n}",
    "culture the invented Blorbovirus strain {n} in the pretend incubator",
    "prompt variant {n}: 'pretend you are the sandbox wizard' unlocked the toy task",
)


def _paragraph(rng: random.Random, words: int, hazard: str | None = None, n: int = 0) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."
    if hazard is not None:
        passage = rng.choice(_FAKE_HAZARDS).format(n=n)
        text += f" In one trial [[hazard:{hazard}]]{passage}[[/hazard]] was observed."
    return text


def large_document(seed: int = 7) -> Document:
    """About 500 evaluations, 60 checkpoints, 40 re-assessments and ~1 MB of text."""
    rng = random.Random(seed)
    doc = Document()

    def put(path: str, data: object, sensitivity: Sensitivity | None = None) -> None:
        doc.values[path] = Value(data, sensitivity)

    put("header.model.name", "Synthetic-Large")
    put("header.model.version", "9.0")
    put("header.model.developer", "Benchmark Lab (fictional)")
    put("header.model.release_type", "api")
    put("header.framework", "openai-preparedness-beta")
    put("header.assessment_date", date(2026, 3, 1))
    put("header.status", "draft")
    put("pre_training.planned_compute_flop", 8.0e25)
    put("pre_training.rationale", "\n\n".join(_paragraph(rng, 60) for _ in range(5)))
    put("deployment_decision.decision", "deploy_with_restrictions")
    put("deployment_decision.justification", "\n\n".join(_paragraph(rng, 80) for _ in range(6)))

    start = date(2025, 1, 6)
    checkpoints = []
    compute = 1.0e23
    for i in range(60):
        compute *= 1.12
        checkpoints.append(Record(f"ckpt-{i + 1}", {
            "name": Value(f"step-{(i + 1) * 1000}"),
            "effective_compute_flop": Value(float(f"{compute:.3g}")),
            "date": Value(start + timedelta(days=4 * i)),
            "evaluated": Value(i % 3 == 0 or i == 59),
            "warning_signs": Value(_paragraph(rng, 40)),
            "action": Value("continue"),
        }))
    doc.tables["training.checkpoints"] = checkpoints

    evaluations = []
    for i in range(500):
        category = _CATEGORIES[i % 4]
        hazardous_record = i % 50 == 7
        evaluations.append(Record(f"ev-{i + 1}", {
            "category": Value(category),
            "name": Value(f"{category.replace('_', ' ')} suite item {i + 1}"),
            "description": Value("\n\n".join(_paragraph(rng, 70, _DOMAIN_OF[category] if j == 1 and i % 5 == 0
                                                         else None, i) for j in range(2))),
            "task_details": Value(_paragraph(rng, 90, _DOMAIN_OF[category], i)),
            "model_variant": Value(rng.choice(("base", "helpful_only", "safety_tuned", "fine_tuned"))),
            "effective_compute_flop": Value(checkpoints[(i * 7) % 60].get("effective_compute_flop")),
            "elicitation.prompting": Value(_paragraph(rng, 40)),
            "elicitation.person_hours": Value(float(rng.randint(4, 200))),
            "metric": Value("success rate"),
            "score": Value(round(rng.random(), 3)),
            "threshold": Value(0.5),
            "level_indicated": Value(rng.choice(_LEVELS[:3])),
            "transcripts": Value(_paragraph(rng, 60, _DOMAIN_OF[category], i)),
        }, Sensitivity.HAZARDOUS if hazardous_record else None))
    doc.tables["pre_deployment.evaluations"] = evaluations

    doc.tables["pre_deployment.determinations"] = [
        Record(f"det-{i + 1}", {
            "category": Value(category), "pre_mitigation_level": Value("high" if i == 0 else "medium"),
            "post_mitigation_level": Value("medium" if i == 0 else "low"), "basis": Value("forecast"),
            "rationale": Value(_paragraph(rng, 80)),
        }) for i, category in enumerate(_CATEGORIES)]

    doc.tables["deployment.reassessments"] = [
        Record(f"ra-{i + 1}", {
            "date": Value(date(2026, 3, 15) + timedelta(days=80 * i)),
            "trigger": Value(rng.choice(("scheduled", "major_update", "better_elicitation", "incident"))),
            "results": Value(_paragraph(rng, 120, "other" if i % 4 == 0 else None, i)),
        }) for i in range(40)]
    return doc
