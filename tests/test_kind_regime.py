"""A regime's document gives, on its cover, the result against that regime — not the assessment's framework's.

An SB 53 transparency report of an assessment checked against a lab's policy
used to print "Result against the framework: Compliant" — the policy's result,
read by anyone as SB 53's. Now the cover names the regime asking for the
document and its result, says plainly when the assessment does not list it,
and never lets a wider edition tell a withheld regime from an absent one.
"""

from __future__ import annotations

import json

import pytest

from app.checks.regimes import check_regimes
from app.content.report_layout import load_styles
from app.export.formats import writer_for
from app.export.kind_sections import NOT_LISTED, NOT_SHOWN, REGIME_RESULT
from app.export.pipeline import build_for_audience
from app.export.report import cover_facts
from app.interchange.examples import example_document
from app.model import Value
from app.model.document import Record
from app.model.sensitivity import Sensitivity

SB53 = "ca-sb53-tfaia"


def _with_regimes(*regimes: tuple[str, Sensitivity | None]):  # type: ignore[no-untyped-def]
    doc = example_document()
    records = [Record("reg-1", {"framework": Value(doc.get("header.framework")), "reason": Value("Own policy")})]
    for number, (framework, level) in enumerate(regimes, start=2):
        records.append(Record(f"reg-{number}", {"framework": Value(framework), "reason": Value("Deployed there")},
                              level))
    doc.tables["header.regimes"] = records
    return doc


def _cover(doc, audience: str, kind: str = "sb53-transparency-report") -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {fact.label: fact.text for fact in cover_facts(build_for_audience(doc, audience, kind=kind))}


def test_the_cover_gives_the_result_against_the_regime_that_asks_for_the_document() -> None:
    doc = _with_regimes((SB53, None))
    expected = check_regimes(doc, [SB53]).results[0].status
    framework_result = build_for_audience(doc, "internal").overall_status
    assert expected != framework_result  # the example shows the difference: the policy's result is not SB 53's
    for audience in ("internal", "public"):
        report = build_for_audience(doc, audience, kind="sb53-transparency-report")
        cover = {fact.label: fact for fact in cover_facts(report)}
        assert "Result against the framework" not in cover
        assert cover["Asked for by"].text.startswith("California SB 53")
        assert cover[REGIME_RESULT].status == expected
        summary = json.loads(writer_for("json", load_styles()).write(report))["summary"]
        assert summary["regime"]["status"] == expected and summary["overall_status"] == framework_result
        markdown = writer_for("md", load_styles()).write(report).decode()
        assert f"**{REGIME_RESULT}** | {expected.replace('_', '-').capitalize()} |" in markdown


def test_a_regime_the_assessment_does_not_list_is_said_so_and_the_system_card_keeps_the_framework() -> None:
    doc = example_document()
    for kind in ("sb53-transparency-report", "eu-model-report", "rsp3-risk-report"):
        cover = _cover(doc, "public", kind)
        assert cover[REGIME_RESULT] == NOT_LISTED and "Result against the framework" not in cover
    card = _cover(doc, "public", "system-card")
    assert card["Result against the framework"] == "Compliant" and REGIME_RESULT not in card


@pytest.mark.parametrize("level, wider", [(Sensitivity.INTERNAL, ("public",)),
                                          (Sensitivity.HAZARDOUS, ("reviewers", "public"))])
def test_a_withheld_regime_reads_like_an_absent_one_in_wider_editions(level: Sensitivity,
                                                                      wider: tuple[str, ...]) -> None:
    withheld = _with_regimes((SB53, level))
    other_withheld = _with_regimes(("gdm-fsf-3.0", level))  # SB 53 absent, another regime withheld
    internal = _cover(withheld, "internal")
    assert internal[REGIME_RESULT] == check_regimes(withheld, [SB53]).results[0].status.replace("_", "-").capitalize()
    for audience in wider:
        assert _cover(withheld, audience)[REGIME_RESULT] == NOT_SHOWN
        shown, other = _cover(withheld, audience), _cover(other_withheld, audience)
        assert shown.pop("Revision") != other.pop("Revision") and shown == other  # only the content hash differs
