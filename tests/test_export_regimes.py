"""The report's regime section (issue 14): regime x status matrix, findings behind each cell,
and each regime's incident deadline (internal edition only)."""

from __future__ import annotations

from datetime import date

from app.export.pipeline import build_for_audience
from app.export.report import DataTable
from app.interchange.examples import example_document
from app.model.document import Record, Value


def _multi():  # type: ignore[no-untyped-def]
    doc = example_document()
    doc.tables["header.regimes"] = [Record(f"reg-{i}", {"framework": Value(f)}) for i, f in
                                    enumerate(("openai-preparedness-beta", "ca-sb53-tfaia",
                                               "eu-gpai-cop-safety-security"), 1)]
    incident = doc.tables["deployment.incidents"][0]
    for key, value in {"discovered_on": date(2026, 3, 10), "reported_on": date(2026, 3, 26),
                       "critical_safety_incident": True}.items():
        incident.values[key] = Value(value)
    return doc


def _section(report):  # type: ignore[no-untyped-def]
    found = [s for s in report.sections if s.kind == "regimes"]
    return found[0] if found else None


def test_a_single_framework_report_has_no_regime_section() -> None:
    assert _section(build_for_audience(example_document(), "internal")) is None


def test_the_regime_section_shows_the_matrix_and_the_findings_behind_it() -> None:
    section = _section(build_for_audience(_multi(), "internal"))
    assert section is not None
    tables = {b.title: b for b in section.blocks if isinstance(b, DataTable)}
    matrix = tables["Regime by status"]
    assert [row[0].text for row in matrix.rows] == ["OpenAI Preparedness Framework (Beta)",
                                                    "California SB 53 (Transparency in Frontier AI Act)",
                                                    "EU GPAI Code of Practice, Safety and Security chapter"]
    assert matrix.rows[1][2].text.lower().startswith("non")
    behind = tables["Behind the cells: California SB 53 (Transparency in Frontier AI Act)"]
    assert "critical-incident-15-days" in {row[1].text for row in behind.rows}
    deadlines = tables["Incident reporting deadlines by regime"]
    assert {(row[0].text, row[2].text, row[3].text) for row in deadlines.rows} >= {("inc-1", "15 days", "Late")}


def test_wider_editions_leave_the_per_incident_table_to_the_internal_edition() -> None:
    section = _section(build_for_audience(_multi(), "public"))
    assert section is not None
    titles = {b.title for b in section.blocks if isinstance(b, DataTable)}
    assert "Regime by status" in titles and "Incident reporting deadlines by regime" not in titles
