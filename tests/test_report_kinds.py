"""Report kinds (reports/kinds/): the documents regimes ask for, built from one assessment.

Each kind's sections follow its source's list and cite it; a section without
evidence says so in the document and, for the regimes that call for the
document, in `riskwright check`; every kind goes through the same filter,
gate and output scan as the assessment report.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.checks.documents import document_findings
from app.cli import main
from app.content.errors import ContentErrors
from app.content.forms import load_forms
from app.content.report_kinds import ASSESSMENT, kind_choices, load_kind_file, load_kinds, missing_evidence
from app.export.pipeline import build_for_audience
from app.export.report import Prose
from app.interchange.examples import example_document
from app.model import Value
from app.model.document import Record
from app.store import AssessmentFile

KINDS = ("sb53-transparency-report", "eu-model-report", "rsp3-risk-report", "system-card")


def test_every_kind_loads_and_every_required_section_cites_its_source() -> None:
    kinds = load_kinds()
    assert set(KINDS) <= set(kinds)
    for kind in kinds.values():
        assert kind.source.url.startswith("https://") and kind.source.checked and kind.source.version
        for section in kind.sections:
            if section.kind == "fields":
                assert section.cite or not section.verified or section.id in ("intended_behaviour",
                                                                               "external_testing"), \
                    f"{kind.file}: section {section.id} names no passage of its source"
                assert section.fields and section.requirement


def test_sb53_report_has_the_statutes_items_in_order() -> None:
    sb53 = load_kinds()["sb53-transparency-report"]
    cited = [s.cite for s in sb53.sections if s.kind == "fields"]
    letters = [c.rsplit("(", 1)[1].rstrip(")") for c in cited]
    assert cited[:7] == [f"§ 22757.12(c)(1)({x})" for x in "ABCDEFG"]
    assert cited[7:] == [f"§ 22757.12(c)(2)({x})" for x in "ABCD"] and letters == list("ABCDEFGABCD")
    assert any(s.kind == "redaction_summary" and s.cite == "§ 22757.12(f)(2)" for s in sb53.sections)


def test_eu_model_report_follows_measures_7_1_to_7_5() -> None:
    eu = load_kinds()["eu-model-report"]
    measures = [s.cite.split(",")[0] for s in eu.sections if s.kind == "fields"]
    assert measures == sorted(measures) and measures[0] == "Measure 7.1" and measures[-1] == "Measure 7.5"
    assert {"Measure 7.2", "Measure 7.3", "Measure 7.4"} <= set(measures)


def test_rsp3_risk_report_follows_the_contents_list_of_section_3_3() -> None:
    rsp = load_kinds()["rsp3-risk-report"]
    cited = [s.cite.split(", p.")[0] for s in rsp.sections if s.kind == "fields"]
    assert cited == ["RSP v3.3 § 3.1",
                     *(f"RSP v3.3 § 3.3, factual information, item {n}" for n in range(1, 6)),
                     *(f"RSP v3.3 § 3.3, risk analyses, item {n}" for n in range(1, 5)),
                     "RSP v3.3 § 3.3, review of past Risk Reports and decisions, items 1–3",
                     "RSP v3.3 § 3.3, marginal risk and ecosystem analysis, items 1–4", "RSP v3.3 § 3.6"]
    conditional = {s.id for s in rsp.sections if s.kind == "fields" and not s.evidence}
    assert conditional == {"additional_factors", "marginal_risk", "external_review"}  # "any", "if", "at a minimum when"
    assert all(s.verified for s in rsp.sections)


def _kind_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "broken-kind.yaml"
    path.write_text(
        "id: broken-kind\ntitle: T\nshort_name: T\nregime: R\n"
        "source: {title: S, url: 'https://example.org', version: '1', checked: '2026-01-01'}\n" + body,
        encoding="utf-8")
    return path


@pytest.mark.parametrize("body, line, column, words", [
    ("sections:\n  - id: a\n    title: A\n    fields: [header.model.nmae]\n", 9, 14, "is not a field"),
    ("sections:\n  - id: a\n    title: A\n    kind: redaction_log\n    audiences: [public]\n", 10, 5,
     "only go to the internal audience"),
    ("sections:\n  - id: a\n    title: A\n    fields: [pre_deployment.evaluations]\n    tables:\n"
     "      pre_deployment.evaluations: {columns: [scroe]}\n", 11, 46, "'scroe' is not a field"),
    ("sections:\n  - id: a\n    titel: A\n", 7, 5, "titel"),
])
def test_a_mistake_in_a_kind_file_is_reported_with_its_position(tmp_path: Path, body: str, line: int, column: int,
                                                                  words: str) -> None:
    with pytest.raises(ContentErrors) as caught:
        load_kind_file(_kind_file(tmp_path, body), load_forms())
    message = str(caught.value)
    assert f"broken-kind.yaml:{line}:{column}:" in message and words in message, message


def test_the_kinds_offered_follow_the_assessments_regimes() -> None:
    beta = [c.id for c in kind_choices(["openai-preparedness-beta"])]
    assert beta == [ASSESSMENT, "system-card"]
    several = kind_choices(["ca-sb53-tfaia", "eu-gpai-cop-safety-security"])
    assert [c.id for c in several][:3] == [ASSESSMENT, "eu-model-report", "sb53-transparency-report"]
    assert [c.required for c in several] == [False, True, True, False]
    assert "rsp3-risk-report" in [c.id for c in kind_choices(["anthropic-rsp-3.0"])]


def test_a_section_without_evidence_is_a_visible_note_and_a_check_finding() -> None:
    doc = example_document()
    del doc.values["deployment_decision.release.languages"]
    forms = load_forms()
    sb53 = load_kinds()["sb53-transparency-report"]
    languages = next(s for s in sb53.sections if s.id == "languages")
    assert missing_evidence(doc, languages, forms)
    report = build_for_audience(doc, "public", kind=sb53.id)
    section = next(s for s in report.sections if s.id == "languages")
    notes = [b.markdown for b in section.blocks if isinstance(b, Prose) and b.tone == "note"]
    assert notes and "No evidence recorded for this section" in notes[0] and "Languages supported" in notes[0]
    assert document_findings(doc, forms) == []  # the example's framework does not call for the report
    found = document_findings(doc, forms, regimes=["ca-sb53-tfaia"])
    assert [f.rule_id for f in found] == ["document:sb53-transparency-report/languages"]
    assert found[0].message.startswith("SB 53 transparency report: section “Languages supported” has no evidence")
    assert found[0].citation.section == "§ 22757.12(c)(1)(D)" and found[0].severity == "missing_evidence"


def test_check_lists_missing_document_sections_and_exits_1(tmp_path: Path, capsys) -> None:
    doc = example_document()
    doc.tables["header.regimes"] = [Record("reg-1", {"framework": Value("openai-preparedness-beta")}),
                                    Record("reg-2", {"framework": Value("ca-sb53-tfaia")})]
    del doc.values["deployment_decision.release.languages"]
    target = tmp_path / "sb53.rwa"
    AssessmentFile.create(target, doc).close()
    code = main(["check", str(target)])
    out = capsys.readouterr().out
    assert code == 1 and "== Documents the regimes ask for ==" in out
    assert "SB 53 transparency report: section “Languages supported” has no evidence" in out
    main(["check", str(target), "--format", "json"])
    payload = json.loads(capsys.readouterr().out)
    assert [d["rule_id"] for d in payload["documents"]] == ["document:sb53-transparency-report/languages"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_exports_through_the_gate_and_the_scan(example_file: Path, tmp_path: Path, capsys,
                                                          kind: str) -> None:
    code = main(["export", str(example_file), "--kind", kind, "--audience", "public", "--format", "html"])
    out, err = capsys.readouterr()
    target = example_file.with_name(f"example.{kind}.public.html")
    assert (code, err) == (0, "") and out.startswith(f"wrote the public {kind} to {target}")
    text = target.read_text(encoding="utf-8")
    assert "FROBNICATE" not in text and "Glimmerpox" not in text and "About this document" in text


def test_an_unknown_kind_is_refused_with_the_installed_ones(example_file: Path, capsys) -> None:
    code = main(["export", str(example_file), "--kind", "sb35", "--audience", "public"])
    err = capsys.readouterr().err
    assert code == 2 and "unknown kind 'sb35'" in err and "sb53-transparency-report" in err


def test_every_kinds_json_follows_the_report_schema() -> None:
    import jsonschema

    import app.content
    from app.content.report_layout import load_styles
    from app.export.formats import writer_for
    schema = json.loads((Path(app.content.__file__).parent / "jsonschema" / "report_export.schema.json").read_text())
    doc = example_document()
    for kind in KINDS:
        data = json.loads(writer_for("json", load_styles()).write(build_for_audience(doc, "public", kind=kind)))
        jsonschema.Draft202012Validator(schema).validate(data)
        assert data["sections"][0]["title"] == "About this document"
