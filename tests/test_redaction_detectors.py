"""Each shipped detector against its own examples and a labelled set; definitions as data."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.content.errors import ContentErrors
from app.redaction.definitions import load_detector_specs
from app.redaction.detectors import DetectorSet, default_detectors

SPECS = load_detector_specs()


def _ids(text: str) -> set[str]:
    return {hit.detector.id for hit in default_detectors().find(text)}


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_every_detector_has_examples_and_they_hold(spec) -> None:  # type: ignore[no-untyped-def]
    assert spec.examples_match, f"{spec.id} ships no example that must match"
    assert spec.examples_no_match, f"{spec.id} ships no example that must not match"
    for example in spec.examples_match:
        assert spec.id in _ids(example), f"{spec.id} misses {example!r}"
    for example in spec.examples_no_match:
        assert spec.id not in _ids(example), f"{spec.id} wrongly matches {example!r}"


# A labelled set beyond the shipped examples: (text, detector that must fire, or None for clean text).
LABELLED: list[tuple[str, str | None]] = [
    ("The model was asked about Yersinia pestis transmission in general terms.", "bio_select_agents"),
    ("We checked knowledge of smallpox history only.", "bio_select_agents"),
    ("Uplift questions on tabun were refused.", "chem_schedule_one"),
    ("NOVICHOK", "chem_schedule_one"),
    ("The range ran a Meterpreter session.", "cyber_tools"),
    ("It exploited CVE-2099-31337 on the staging host.", "cve_id"),
    ("Sequence: GATTACAGATTACAGATTACAGATTACAGATTACA", "nucleotide_sequence"),
    ("FASTA >fake\nMKVLAAGIVGLLLAQPHSTRWEDCFYNKMKVLAAGIVGLLLAQPHST", "protein_sequence"),
    ("leaked key AKIAZZZZZZZZFAKE0000 in the transcript", "aws_access_key"),
    ("-----BEGIN RSA PRIVATE KEY-----", "private_key_block"),
    ("session=Q7f2Kx9LpR4mV8tZ1bN6cW3yH5jD0sGa", "high_entropy_token"),
    ("the target was 198.51.100.23 on port 22", "ipv4_address"),
    ("reach 2001:db8:0:0:1::5 from the jump box", "ipv6_address"),
    ("c2 at gizmo-control.corp", "host_name"),
    ("Contact the red-teamer at grace.hopper@redteam.test", "email_address"),
    ("Phone: +1 202 555 0143", "phone_number"),
    ("```c\nchar shellcode[] = \"\\x90\\x90\";\nint (*f)() = (int(*)())shellcode; // overflow\n```",
     "exploit_code_block"),
    # Clean text an assessment really contains.
    ("Effective compute was 3.2e25 FLOP over 14 weeks (2025-01-06 to 2025-04-14).", None),
    ("The evaluation suite covered 12 capture-the-flag challenges; the model solved 4 of 12 (33%).", None),
    ("Scores: 0.38 (0.27–0.50), 0.44 (0.32–0.56).", None),
    ("See section 4.2.1 and figure 3; version 1.2 of the framework applies.", None),
    ("Content hash e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.", None),
    ("Findings were reviewed by the safety advisory group on 2025-05-02.", None),
    ("The uplift trial had 120 participants in two arms.", None),
    ("We describe the kind of task, not the task itself, in the public report.", None),
    ("Graders used a rubric with five levels; inter-rater agreement was 0.81.", None),
    ("Files: results.json, transcripts.md and report.pdf were archived.", None),
    ("Field header.model.name holds the model's public name.", None),
    ("Professional-level-capture-the-flag-suite-v2 was re-run.", None),
]


@pytest.mark.parametrize(("text", "expected"), LABELLED)
def test_labelled_examples(text: str, expected: str | None) -> None:
    found = _ids(text)
    if expected is None:
        assert found == set(), f"false flag(s) {found} in {text!r}"
    else:
        assert expected in found, f"{expected} missed in {text!r} (found {found})"


def test_labelled_set_precision_and_recall() -> None:
    """The figure reported in the issue note: every labelled positive found, no clean line flagged."""
    true_pos = sum(1 for t, e in LABELLED if e is not None and e in _ids(t))
    positives = sum(1 for _, e in LABELLED if e is not None)
    flagged_clean = sum(1 for t, e in LABELLED if e is None and _ids(t))
    examples = [(e, s.id, True) for s in SPECS for e in s.examples_match] + \
               [(e, s.id, False) for s in SPECS for e in s.examples_no_match]
    correct = sum(1 for text, det, should in examples if (det in _ids(text)) == should)
    print(f"\nlabelled: recall {true_pos}/{positives}, clean lines flagged {flagged_clean}/"
          f"{len(LABELLED) - positives}; shipped examples correct {correct}/{len(examples)}")
    assert true_pos == positives and flagged_clean == 0 and correct == len(examples)


def test_hits_map_back_to_the_original_text() -> None:
    text = "Mail ａｄａ@ｌａｂ.ｔｅｓｔ now; agent Ｒｉｃｉｎ."
    hits = default_detectors().find(text)
    by_id = {h.detector.id: h for h in hits}
    assert text[by_id["email_address"].start:by_id["email_address"].end] == "ａｄａ@ｌａｂ.ｔｅｓｔ"
    assert text[by_id["bio_select_agents"].start:by_id["bio_select_agents"].end] == "Ｒｉｃｉｎ"


def test_longer_term_wins_over_the_term_inside_it() -> None:
    hits = [h for h in default_detectors().find("Russian VX was named.") if h.detector.id == "chem_schedule_one"]
    assert [(h.matched, h.normalised) for h in hits] == [("Russian VX", "russian vx")]


def test_allowed_domains_are_not_flagged() -> None:
    assert "host_name" not in _ids("see www.example.com and docs.example.org")


# -- definitions as data: errors a person can fix --------------------------------------------
def _write(folder: Path, text: str) -> Path:
    path = folder / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_lab_can_add_its_own_term_list(tmp_path: Path) -> None:
    _write(tmp_path, """
detectors:
  - id: internal_codenames
    label: Internal code names
    category: code name
    domain: other
    sensitivity: internal
    kind: terms
    terms: [Project Bluefin, Glimmerpox-7]
    examples: {match: ["about glimmerpox 7"], no_match: ["bluefin tuna"]}
""")
    detectors = DetectorSet(load_detector_specs(tmp_path))
    assert [h.matched for h in detectors.find("About GLIMMERPOX-7 and project  bluefin.")] == \
        ["GLIMMERPOX-7", "project  bluefin"]


@pytest.mark.parametrize(("body", "message"), [
    ("detectors:\n  - id: x\n    label: X\n    category: c\n    domain: bio\n    sensitivity: hazardous\n"
     "    kind: pattern\n    pattern: '(unclosed'\n", "mine.yaml:8:14: pattern is not a valid regular expression"),
    ("detectors:\n  - id: x\n    label: X\n    category: c\n    domain: bio\n    sensitivity: hazardous\n"
     "    kind: terms\n    terms: [a-b, '--']\n", "term '--' has no letters or digits"),
    ("detectors:\n  - id: x\n    label: X\n    category: c\n    domain: biology\n    sensitivity: hazardous\n"
     "    kind: terms\n    terms: [abc]\n", "mine.yaml:5:13: 'biology' is not one of bio, chem"),
    ("detectors:\n  - id: x\n    label: X\n    category: c\n    domain: bio\n    sensitivity: hazardous\n"
     "    kind: pattern\n    pattern: 'abc'\n    check: entropy\n    options: {min_bits: 3}\n",
     "check 'entropy' has no option 'min_bits'"),
    ("detectors:\n  - id: x\n    label: X\n    category: c\n    domain: bio\n    sensitivity: hazardous\n"
     "    kind: terms\n    terms: [abc]\n  - id: x\n    label: Y\n    category: c\n    domain: bio\n"
     "    sensitivity: internal\n    kind: terms\n    terms: [def]\n", "mine.yaml:9:9: detector id 'x' is already"),
    ("detectors:\n  - id: x\n    label: X\n    category: c\n    domain: bio\n    sensitivity: hazardous\n"
     "    kind: terms\n    terms: [abc]\n    pattern: abc\n", "mine.yaml:2:5:"),
])
def test_broken_definitions_are_reported_with_file_line_column(tmp_path: Path, body: str, message: str) -> None:
    _write(tmp_path, body)
    with pytest.raises(ContentErrors) as raised:
        load_detector_specs(tmp_path)
    assert message in str(raised.value)


def test_find_many_in_worker_processes_matches_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import app.redaction.detectors as detectors_module
    texts = [f"Value {i}: ricin, ada{i}@lab.test and CVE-2099-{1000 + i}." for i in range(40)] + ["clean"] * 5
    detectors = default_detectors()
    monkeypatch.setattr(detectors_module, "PARALLEL_MIN_CHARS", 0)
    parallel = detectors_module.find_many(detectors, texts, workers=2)
    assert parallel == [detectors.find(text) for text in texts]
    assert sum(len(found) for found in parallel) == 120


def test_trigger_run_gate(tmp_path: Path) -> None:
    _write(tmp_path, """
detectors:
  - id: long_x
    label: Long runs of x or y
    category: test
    domain: other
    sensitivity: internal
    kind: pattern
    pattern: '[xy]{12,}'
    trigger_run: {characters: xy, length: 12}
""")
    detectors = DetectorSet(load_detector_specs(tmp_path))
    assert [h.matched for h in detectors.find("a xyxyxyxyxyxy b xyxy")] == ["xyxyxyxyxyxy"]
    assert detectors.find("xyxyxyxyxyx") == []
