"""Serious-incident reporting deadlines (EU GPAI Code of Practice: 2, 5, 10, 15 days by kind).

Boundaries sit next to each other: a report exactly N days after the incident
is on time and one day later is a violation. Kinds without a deadline are
skipped, an empty date is missing evidence, a re-check after an edit equals a
full check, and a broken rule in a framework file is reported at its
file:line:column.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.checks import Checker, check, load_framework, load_framework_file
from app.cli import main
from app.content.errors import ContentErrors
from app.content.frameworks import frameworks_folder
from app.interchange.examples import example_document
from app.model import Address, Document, InsertRecord, Record, RemoveRecord, SetValue, Value, touched_addresses
from app.store import AssessmentFile

EU = "eu-gpai-cop-safety-security"
RULE = "serious-incident-deadlines"
TABLE = "deployment.incidents"
HAPPENED = date(2026, 2, 3)


def _incident(record_id: str, kind: str | None, happened: date | None, reported: date | None,
              title: str = "Weights copied to an unknown host", discovered: date | None = None) -> Record:
    """``happened`` is also the day of discovery unless ``discovered`` says otherwise."""
    values = {"title": title, "severity": "high", "kind": kind, "date": happened,
              "discovered_on": discovered or happened, "reported_on": reported,
              "reported_to": "AI Office", "response": "Contained and reported.", "last_report_on": reported}
    return Record(record_id, {key: Value(data) for key, data in values.items() if data is not None})


def _with_incidents(*records: Record) -> Document:
    doc = example_document()
    doc.tables[TABLE] = list(records)
    return doc


def _findings(doc: Document) -> list[tuple[str, str, str]]:
    return [(f.severity, f.address, f.message) for f in check(doc, load_framework(EU)).for_rule(RULE)]


def _after(days: int) -> date:
    return HAPPENED + timedelta(days=days)


DEADLINES = {"critical_infrastructure": 2, "cybersecurity_breach": 5, "death": 10, "other_serious_harm": 15}

# (scenario, kind, incident date, report date, severity the rule must give)
SCENARIOS: list[tuple[str, str | None, date | None, date | None, str]] = [
    *[(f"{kind}: exactly {days} days is on time", kind, HAPPENED, _after(days), "satisfied")
      for kind, days in DEADLINES.items()],
    *[(f"{kind}: {days + 1} days is late", kind, HAPPENED, _after(days + 1), "violation")
      for kind, days in DEADLINES.items()],
    ("same day is on time", "critical_infrastructure", HAPPENED, HAPPENED, "satisfied"),
    ("calendar days across a short month: 27 Feb to 1 Mar 2026 is 2 days", "critical_infrastructure",
     date(2026, 2, 27), date(2026, 3, 1), "satisfied"),
    ("calendar days across a short month: 27 Feb to 2 Mar 2026 is 3 days", "critical_infrastructure",
     date(2026, 2, 27), date(2026, 3, 2), "violation"),
    ("a kind without a deadline is skipped, however late", "not_serious", HAPPENED, _after(400), "satisfied"),
    ("an incident with no kind yet is skipped by this rule", None, HAPPENED, _after(400), "satisfied"),
    ("no report date for a kind with a deadline", "death", HAPPENED, None, "missing_evidence"),
    ("no incident date for a kind with a deadline", "death", None, _after(3), "missing_evidence"),
    ("reported before it happened", "death", HAPPENED, _after(-1), "missing_evidence"),
]


@pytest.mark.parametrize(("kind", "happened", "reported", "expected"), [s[1:] for s in SCENARIOS],
                         ids=[s[0] for s in SCENARIOS])
def test_reporting_deadline_scenarios(kind: str | None, happened: date | None, reported: date | None,
                                      expected: str) -> None:
    doc = _with_incidents(_incident("inc-1", kind, happened, reported))
    found = _findings(doc)
    assert [severity for severity, _, _ in found] == [expected], found
    result = check(doc, load_framework(EU))
    if expected == "violation":
        assert result.status == "non_compliant"


def test_a_late_report_names_the_record_dates_days_taken_and_deadline() -> None:
    doc = _with_incidents(_incident("inc-1", "other_serious_harm", date(2026, 1, 5), date(2026, 1, 12),
                                    title="Harmful advice reached a patient"),
                          _incident("inc-2", "cybersecurity_breach", HAPPENED, date(2026, 2, 10)))
    ((severity, address, message),) = _findings(doc)
    assert severity == "violation"
    assert address == "deployment.incidents[inc-2].reported_on"
    assert message == ("Incident inc-2 (Weights copied to an unknown host), a serious cybersecurity breach, "
                       "discovered on 2026-02-03, was reported on 2026-02-10: 7 days; this framework requires a "
                       "report within 5 days, by 2026-02-08.")
    (late,) = check(doc, load_framework(EU)).for_rule(RULE)
    assert set(late.quotes) == {"deployment.incidents[inc-2].discovered_on", "deployment.incidents[inc-2].reported_on",
                                "deployment.incidents[inc-2].kind", "deployment.incidents[inc-2].title"}


def test_missing_dates_say_which_date_and_when_the_report_was_due() -> None:
    doc = _with_incidents(_incident("inc-1", "death", HAPPENED, None, title="Fatal misdirection"),
                          _incident("inc-2", "critical_infrastructure", None, HAPPENED, title="Grid outage"))
    found = _findings(doc)
    assert found == [
        ("missing_evidence", "deployment.incidents[inc-1].reported_on",
         "Incident inc-1 (Fatal misdirection), a death of a person, discovered on 2026-02-03, has no report date "
         "(Reported on is empty); this framework requires a report within 10 days, by 2026-02-13."),
        ("missing_evidence", "deployment.incidents[inc-2].discovered_on",
         "Incident inc-2 (Grid outage), a disruption of critical infrastructure: Discovered on is empty, so the "
         "time to its report cannot be measured; this framework requires a report within 2 days."),
    ]


def test_on_time_reports_are_listed_in_the_satisfied_finding() -> None:
    doc = _with_incidents(_incident("inc-1", "death", HAPPENED, _after(10)),
                          _incident("inc-2", "not_serious", HAPPENED, None),
                          _incident("inc-3", "critical_infrastructure", HAPPENED, _after(1)))
    ((severity, address, message),) = _findings(doc)
    assert (severity, address) == ("satisfied", TABLE)
    assert message.endswith("(each reported in time: inc-1 in 10 of 10 days; inc-3 in 1 of 2 days).")


def test_the_bundled_example_reports_its_incidents_in_time() -> None:
    found = _findings(example_document())
    assert [severity for severity, _, _ in found] == ["satisfied"]
    assert "inc-1 in 4 of 15 days" in found[0][2]


# -- re-checking ---------------------------------------------------------------------

EDITS = [
    SetValue(Address(f"{TABLE}[].reported_on", "inc-1"), date(2025, 11, 20)),   # 20 days: late
    SetValue(Address(f"{TABLE}[].reported_on", "inc-1"), None),                 # missing
    SetValue(Address(f"{TABLE}[].reported_on", "inc-1"), date(2025, 11, 15)),   # exactly 15 days
    SetValue(Address(f"{TABLE}[].kind", "inc-1"), "cybersecurity_breach"),      # now 5 days allowed
    SetValue(Address(f"{TABLE}[].discovered_on", "inc-1"), date(2025, 11, 12)), # 3 days again
    SetValue(Address(f"{TABLE}[].kind", "inc-2"), "death"),                     # 24 days after: late
    SetValue(Address(f"{TABLE}[].title", "inc-2"), "Renamed in the message"),
    InsertRecord(TABLE, 0, _incident("inc-3", "critical_infrastructure", HAPPENED, _after(9))),
    RemoveRecord(TABLE, "inc-2"),
    SetValue(Address(f"{TABLE}[].kind", "inc-3"), "not_serious"),
]


def test_recheck_after_each_deadline_edit_equals_a_full_check() -> None:
    doc = example_document()
    framework = load_framework(EU)
    checker = Checker(framework)
    before = checker.check(doc).for_rule(RULE)
    seen = {tuple(f.message for f in before)}
    for edit in EDITS:
        doc.apply(edit)
        result = checker.recheck(doc, list(touched_addresses(edit)))
        expected = check(doc, framework)
        assert result.findings == expected.findings, edit
        assert result.counts == expected.counts and result.status == expected.status
        seen.add(tuple(f.message for f in result.for_rule(RULE)))
    assert len(seen) >= len(EDITS) - 1  # the edits really changed what the rule says


def test_the_clock_starts_at_discovery_not_when_the_incident_happened() -> None:
    """Measured from the incident date (the old encoding) this report is 20 days late; the Code counts
    from awareness of the model's involvement, 3 days before the report."""
    doc = _with_incidents(_incident("inc-1", "cybersecurity_breach", date(2026, 1, 20), date(2026, 2, 9),
                                    discovered=date(2026, 2, 6)))
    ((severity, _, message),) = _findings(doc)
    assert severity == "satisfied" and "inc-1 in 3 of 5 days" in message


def test_the_rule_depends_on_the_dates_the_kind_and_the_title() -> None:
    rule = load_framework(EU).rule(RULE)
    assert {f"{TABLE}[]", f"{TABLE}[].discovered_on", f"{TABLE}[].reported_on", f"{TABLE}[].kind",
            f"{TABLE}[].title"} <= rule.depends
    assert f"{TABLE}[].reported_to" not in rule.depends


# -- end to end ----------------------------------------------------------------------

def test_riskwright_check_reports_a_late_incident(example_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with AssessmentFile.open(example_file) as assessment:
        assessment.apply(SetValue(Address(f"{TABLE}[].reported_on", "inc-1"), date(2025, 11, 16)))
    code = main(["check", str(example_file), "--framework", EU, "--format", "json"])
    out = capsys.readouterr().out
    assert code == 1
    late = [f for f in json.loads(out)["findings"] if f["rule_id"] == RULE]
    assert [(f["severity"], f["address"]) for f in late] == [("violation", "deployment.incidents[inc-1].reported_on")]
    assert "was reported on 2025-11-16: 16 days; this framework requires a report within 15 days" in late[0]["message"]
    assert late[0]["citation"]["section"].startswith("Commitment 9: Serious incident reporting")


# -- broken framework files ----------------------------------------------------------

def _broken(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    text = (frameworks_folder() / f"{EU}.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    text = text.replace(old, new)
    path = tmp_path / f"{EU}.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def _position(text: str, needle: str) -> tuple[int, int]:
    index = text.index(needle)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _errors(path: Path) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load_framework_file(path)
    return str(caught.value).splitlines()


def test_a_deadline_for_a_kind_the_forms_do_not_offer(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, "      death: 10\n", "      fatality: 10\n")
    line, column = _position(text, "fatality: 10")
    assert _errors(path) == [
        f"{path}:{line}:{column}: 'fatality' is not an option of deployment.incidents[].kind "
        f"(critical_infrastructure, cybersecurity_breach, death, other_serious_harm, not_serious)"]


def test_a_clock_field_that_is_not_a_date(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, "    to: reported_on\n", "    to: reported_to\n")
    line, column = _position(text, "reported_to\n    by:")
    assert _errors(path) == [
        f"{path}:{line}:{column}: 'to' needs a date field of deployment.incidents; 'reported_to' is a text field "
        f"(its date fields: date, discovered_on, reported_on, last_report_on, resolved_on, final_report_on)"]


def test_a_deadline_chooser_that_is_not_a_choice(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, "    by: kind\n", "    by: date\n")
    line, column = _position(text, "date\n    noun:")
    assert _errors(path) == [
        f"{path}:{line}:{column}: 'by' needs a choice (enum) field of deployment.incidents; 'date' is a date "
        f"field (its enum fields: severity, kind)"]


def test_a_misspelt_record_field(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, "    to: reported_on\n", "    to: reported_at\n")
    line, column = _position(text, "reported_at")
    assert _errors(path) == [
        f"{path}:{line}:{column}: deployment.incidents records have no field 'reported_at'; "
        f"did you mean 'reported_on'?"]


def test_a_table_that_is_not_a_table(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, "    table: deployment.incidents\n    from: discovered_on\n    to: reported_on\n",
                         "    table: deployment.monitoring\n    from: discovered_on\n    to: reported_on\n")
    line, column = _position(text, "deployment.monitoring")
    assert _errors(path) == [
        f"{path}:{line}:{column}: 'deployment.monitoring' is not a table; name a table such as "
        f"'deployment.incidents'"]


def test_days_that_are_not_whole_numbers_fail_the_schema(tmp_path: Path) -> None:
    path, text = _broken(tmp_path, "      death: 10\n", "      death: ten\n")
    (error,) = _errors(path)
    line, column = _position(text, "ten\n")
    assert error.startswith(f"{path}:{line}:{column}: ")
    assert "'ten'" in error
