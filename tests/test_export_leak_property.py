"""The leak property on finished files: random assessments, disguised canaries, every format, every channel.

Each generated assessment hides unique canary words, disguised the ways
redaction.md lists (case, fullwidth and mathematical letters, zero-width
characters, soft hyphens, combining marks, Cyrillic look-alikes, Markdown
emphasis inside the word, hyphen + line break, dotted I, sharp s), in the
places a report prints text: the model name (cover, running header, PDF
title and HTML <title>), record titles (overview tables, PDF bookmarks),
Markdown list items and table cells, determinations (summary, JSON),
the decision's justification, fields hazardous by default or raised by an
assessor, whole hazardous records, and internal fields.

The reports are produced by the report model and the writers alone (not by
the pipeline, whose own output scan would refuse a leak before a test could
see it), then read with the output leak scanner's channel readers with the
canaries as the only withheld texts. No public file may hold any canary in
any channel; the internal file must hold every one of them — the positive
control that each format's reader sees what it should — and the internal
PDF's bookmarks and metadata must hold the canaries placed in titles and in
the model name.

Examples per run: RISKWRIGHT_LEAK_EXAMPLES (default 12, 40 in the extended
profile: tests/profiles.py; the figures in the issue report come from a run of 600).
"""

from __future__ import annotations

import os
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profiles import examples

from app.content.report_layout import load_styles
from app.export.formats import writer_for
from app.export.pipeline import build_for_audience
from app.model.document import Document, Record, Value
from app.model.sensitivity import HAZARD_DOMAINS, Sensitivity
from app.redaction import WithheldText, leak_scan
from app.redaction.normalise import word_view

EXAMPLES = int(os.environ.get("RISKWRIGHT_LEAK_EXAMPLES", examples(40, normal=12)))
STYLES = load_styles()
WORDS = ("assessors reviewed the suite results with external graders and recorded a stable determination "
         "after several trials across seeds").split()
LOOKALIKE = str.maketrans({"a": "\u0430", "e": "\u0435", "o": "\u043e", "c": "\u0441", "p": "\u0440"})


def _at(text: str, at: int, mark: str) -> str:
    at = max(1, min(at, len(text) - 1))
    return text[:at] + mark + text[at:]


DISGUISES = {
    "plain": lambda t, at: t,
    "upper case": lambda t, at: t.upper(),
    "fullwidth": lambda t, at: "".join(chr(ord(c) + 0xFEE0) for c in t),
    "mathematical bold": lambda t, at: "".join(chr(0x1D41A + ord(c) - 97) for c in t),
    "zero-width space": lambda t, at: _at(t, at, "\u200b"),
    "soft hyphen": lambda t, at: _at(t, at, "\u00ad"),
    "combining accent": lambda t, at: _at(t, at, "\u0301"),
    "cyrillic look-alikes": lambda t, at: t.translate(LOOKALIKE),
    "emphasis inside": lambda t, at: _at(t, at, "**") + "**",
    "hyphen and line break": lambda t, at: _at(t, at, "-\n"),
    "dotted capital I": lambda t, at: t.replace("i", "\u0130"),
}
MARKDOWN_ONLY = {"emphasis inside", "hyphen and line break"}
"""Disguises that only mean something in Markdown text (in a one-line title they are literal)."""


@st.composite
def canary_words(draw, index: int) -> str:  # type: ignore[no-untyped-def]
    body = draw(st.text(alphabet="bdfghkmnrstvwz", min_size=5, max_size=8))
    return f"zq{body}{'abcdefghijklmnopqrstuvwxy'[index]}qz"


@st.composite
def assessments(draw):  # type: ignore[no-untyped-def]
    """(document, {canary: (sensitivity, where)})."""
    canaries: dict[str, tuple[Sensitivity, str]] = {}

    def canary(level: Sensitivity, where: str, markdown: bool = False) -> str:
        word = draw(canary_words(len(canaries)))
        canaries[word] = (level, where)
        allowed = sorted(DISGUISES if markdown else set(DISGUISES) - MARKDOWN_ONLY)
        disguise = draw(st.sampled_from(allowed))
        text = DISGUISES[disguise](word, draw(st.integers(1, 6)))
        assert word_view(text) == word, (disguise, text)
        return text

    def words() -> str:
        return " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=7)))

    def span(text: str) -> str:
        return f"[[hazard:{draw(st.sampled_from(HAZARD_DOMAINS))}]]{text}[[/hazard]]"

    doc = Document()
    doc.values["header.framework"] = Value("openai-preparedness-beta")
    doc.values["header.model.name"] = Value("Kestrel-9")
    doc.values["header.status"] = Value("draft")
    places = draw(st.lists(st.sampled_from([
        "model name", "checkpoint title", "evaluation title", "list item", "table cell", "hazardous field",
        "raised field", "hazardous record", "determination", "justification", "internal field"]),
        min_size=2, max_size=6, unique=True))
    evaluations: list[Record] = []
    checkpoints: list[Record] = []
    for number, category in enumerate(("cybersecurity", "cbrn", "persuasion")):
        evaluations.append(Record(f"ev-{number + 1}", {
            "category": Value(category), "name": Value(f"Suite {number + 1} {words()}"),
            "description": Value(words()), "score": Value(0.2 + number / 10), "threshold": Value(0.5)}))
        checkpoints.append(Record(f"ckpt-{number + 1}", {
            "name": Value(f"step-{number + 1}"), "effective_compute_flop": Value(1e24 * 2 ** number),
            "evaluated": Value(True)}))
    if "model name" in places:
        doc.values["header.model.name"] = Value(f"Kestrel {span(canary(Sensitivity.HAZARDOUS, 'model name'))}")
    if "checkpoint title" in places:
        checkpoints[0].values["name"] = Value(f"step {span(canary(Sensitivity.HAZARDOUS, 'checkpoint title'))}")
    if "evaluation title" in places:
        evaluations[0].values["name"] = Value(f"Suite {span(canary(Sensitivity.HAZARDOUS, 'evaluation title'))}")
    if "list item" in places:
        evaluations[1].values["description"] = Value(
            f"{words()}:\n\n- {words()}\n- {span(canary(Sensitivity.HAZARDOUS, 'list item', True))} {words()}\n")
    if "table cell" in places:
        evaluations[2].values["description"] = Value(
            f"| step | note |\n| --- | --- |\n| 1 | {span(canary(Sensitivity.HAZARDOUS, 'table cell', True))} |\n")
    if "hazardous field" in places:
        evaluations[0].values["task_details"] = Value(f"{words()} {canary(Sensitivity.HAZARDOUS, 'hazardous field')}")
    if "raised field" in places:
        evaluations[1].values["metric"] = Value(canary(Sensitivity.HAZARDOUS, "raised field"), Sensitivity.HAZARDOUS)
    if "hazardous record" in places:
        word = canary(Sensitivity.HAZARDOUS, "hazardous record")
        evaluations.append(Record(f"ev-{word_view(word)}", {
            "category": Value("cbrn"), "name": Value(f"Trial {word}"), "description": Value(f"{words()} {word}")},
            Sensitivity.HAZARDOUS))
    if "determination" in places:
        doc.tables["pre_deployment.determinations"] = [Record("det-1", {
            "category": Value("cybersecurity"), "pre_mitigation_level": Value("high"),
            "post_mitigation_level": Value("medium"), "basis": Value("forecast"),
            "rationale": Value(f"{words()} {span(canary(Sensitivity.HAZARDOUS, 'determination', True))}")})]
    if "justification" in places:
        doc.values["deployment_decision.justification"] = Value(
            f"**Why.** {words()} {span(canary(Sensitivity.HAZARDOUS, 'justification', True))} {words()}")
    if "internal field" in places:
        doc.values["header.assessors"] = Value(f"{words()} {canary(Sensitivity.INTERNAL, 'internal field')}")
    doc.tables["pre_deployment.evaluations"] = evaluations
    doc.tables["training.checkpoints"] = checkpoints
    return doc, canaries


def _found(data: bytes, fmt: str, canaries: dict[str, tuple[Sensitivity, str]]) -> dict[str, set[str]]:
    """Canary → the channels it was found in."""
    texts = [WithheldText(word, where) for word, (_, where) in canaries.items()]
    found: dict[str, set[str]] = defaultdict(set)
    for leak in leak_scan(data, fmt, texts):
        assert leak.kind != "structure", str(leak)
        for word in canaries:
            if word in leak.matched:
                found[word].add(leak.channel)
    return found


def _check(case, fmt: str) -> None:  # type: ignore[no-untyped-def]
    doc, canaries = case
    public = writer_for(fmt, STYLES).write(build_for_audience(doc, "public"))
    leaked = _found(public, fmt, canaries)
    assert not leaked, f"public {fmt} leaks: " + "; ".join(
        f"{canaries[w][1]} canary in {sorted(c)}" for w, c in leaked.items())
    internal = writer_for(fmt, STYLES).write(build_for_audience(doc, "internal"))
    seen = _found(internal, fmt, canaries)
    missing = [canaries[w][1] for w in canaries if w not in seen]
    assert not missing, f"positive control: the internal {fmt} reader missed the canaries in {missing}"
    if fmt == "pdf":
        for word, (_, where) in canaries.items():
            if where in ("checkpoint title", "evaluation title"):
                assert "pdf outline" in seen[word], f"bookmarks: {where}"
            if where == "model name":
                assert "pdf metadata /Title" in seen[word], "PDF metadata: model name"


SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("fmt", ["md", "html", "json", "docx"])
def test_no_public_text_file_holds_a_canary_and_the_internal_one_holds_all(fmt: str) -> None:
    @SETTINGS
    @given(assessments())
    def run(case) -> None:  # type: ignore[no-untyped-def]
        _check(case, fmt)
    run()


def test_no_public_pdf_holds_a_canary_in_any_channel_and_the_internal_one_holds_all() -> None:
    @SETTINGS
    @given(assessments())
    def run(case) -> None:  # type: ignore[no-untyped-def]
        _check(case, "pdf")
    run()
