"""The quarterly update as a compliance lead publishes it: the quarter's events, and nothing withheld in any channel."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from app.export.errors import ExportRefused
from app.export.quarterly import Quarter
from app.interchange.examples import write_example
from app.model.document import Batch, InsertRecord, Record, SetSensitivity, SetValue, Value
from app.model.paths import Address
from app.model.sensitivity import Sensitivity
from app.redaction.leak_scan import leak_scan
from app.session.quarterly import export_quarterly
from app.store.file import AssessmentFile

Q2 = Quarter(2026, 2)
SECRET_MODEL = "Zorblat-Canary-7731"
"""An unreleased model: its name is internal, so no public edition may reveal that it exists."""
SECRET_DATE = date(2026, 5, 19)
FORMATS = ("pdf", "md", "html", "json", "docx")


def riskwright(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True)


@pytest.mark.parametrize(("text", "quarter", "start", "end"), [
    ("2026-Q1", Quarter(2026, 1), date(2026, 1, 1), date(2026, 3, 31)),
    ("Q4 2025", Quarter(2025, 4), date(2025, 10, 1), date(2025, 12, 31)),
    ("2024q2", Quarter(2024, 2), date(2024, 4, 1), date(2024, 6, 30)),
])
def test_quarters_are_read_and_bounded(text: str, quarter: Quarter, start: date, end: date) -> None:
    assert Quarter.parse(text) == quarter
    assert (quarter.start, quarter.end) == (start, end)
    assert quarter.contains(end) and not quarter.contains(end.replace(day=end.day) + (end - end).__class__(days=1))
    assert Quarter.containing(start) == quarter == Quarter.containing(end)
    with pytest.raises(ValueError, match="YYYY-QN"):
        Quarter.parse("2026-Q5")


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("quarterly") / "models"
    folder.mkdir()
    for name, decided in (("Public-Alder", date(2026, 4, 14)), ("Public-Birch", date(2026, 1, 20))):
        path = folder / f"{name.lower()}.rwa"
        write_example(path)
        with AssessmentFile.open(path) as assessment:
            assessment.apply(Batch((SetValue(Address("header.model.name"), name),
                                    SetValue(Address("deployment_decision.decision_date"), decided))))
    hidden = folder / "unreleased.rwa"
    write_example(hidden)
    with AssessmentFile.open(hidden) as assessment:
        assessment.apply(Batch((
            SetValue(Address("header.model.name"), SECRET_MODEL),
            SetSensitivity(Address("header.model.name"), Sensitivity.INTERNAL),
            SetValue(Address("deployment_decision.decision_date"), SECRET_DATE))))
    # A re-assessment whose date is internal: it may not be placed in the quarter for the public.
    with AssessmentFile.open(folder / "public-alder.rwa") as assessment:
        assessment.apply(Batch((
            InsertRecord("deployment.reassessments", 0, Record("ra-9", {
                "date": Value(date(2026, 5, 2), Sensitivity.INTERNAL), "trigger": Value("incident")})),)))
    return folder


@pytest.fixture(scope="module")
def editions(portfolio: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], bytes]:
    out = tmp_path_factory.mktemp("editions")
    made = {}
    for audience in ("internal", "public"):
        for fmt in FORMATS:
            target = out / f"update.{audience}.{fmt}"
            export_quarterly([portfolio], Q2, audience, fmt, target, date(2026, 6, 30))
            made[(audience, fmt)] = target.read_bytes()
    return made


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_withheld_model_is_in_no_channel_of_the_public_update(editions: dict[tuple[str, str], bytes],
                                                                 fmt: str) -> None:
    public = leak_scan(editions[("public", fmt)], fmt, [SECRET_MODEL, "Zorblat", SECRET_DATE.isoformat()])
    assert public == []
    internal = leak_scan(editions[("internal", fmt)], fmt, [SECRET_MODEL])
    assert internal, "the internal edition names every model (the scanner's positive control)"


def test_the_quarter_lists_its_events_and_only_those_the_audience_may_place(
        editions: dict[tuple[str, str], bytes]) -> None:
    def events(audience: str) -> list[list[str]]:
        body = json.loads(editions[(audience, "json")])
        section = next(s for s in body["sections"] if s["id"] == "quarter")
        table = next(b for b in section["blocks"] if b["type"] == "table")
        return [[cell["text"] for cell in row] for row in table["rows"]]

    public = events("public")
    assert ["2026-04-14", "Public-Alder h3-2025-08-rc2", "Decision"] in [row[:3] for row in public]
    assert not any(row[1].startswith("Public-Birch") for row in public), "a January decision is not in Q2"
    assert not any(row[2] == "Re-assessment" for row in public), "an internal date cannot place an event"
    internal = events("internal")
    assert ["2026-05-02", "Public-Alder h3-2025-08-rc2", "Re-assessment"] in [row[:3] for row in internal]
    assert ["2026-05-19", f"{SECRET_MODEL} h3-2025-08-rc2", "Decision"] in [row[:3] for row in internal]


def test_open_flags_in_any_included_assessment_refuse_a_public_update(portfolio: Path, tmp_path: Path) -> None:
    flagged = tmp_path / "flagged"
    flagged.mkdir()
    path = flagged / "cedar.rwa"
    write_example(path)
    with AssessmentFile.open(path) as assessment:
        assessment.apply(SetValue(Address("header.scope"), "Questions to ada.redteam@halcyon-lab.test, please."))
    target = tmp_path / "update.md"
    with pytest.raises(ExportRefused, match="open flag"):
        export_quarterly([portfolio, flagged], Q2, "public", "md", target, date(2026, 6, 30))
    assert not target.exists()
    result = riskwright("export-portfolio", str(portfolio), str(flagged), "--audience", "public", "--quarter",
                        "2026-Q2", "--format", "md", "-o", str(target))
    assert result.returncode == 1 and "cedar.rwa" in result.stderr and not target.exists()


def test_the_command_writes_each_edition_and_refuses_bad_input(portfolio: Path, tmp_path: Path) -> None:
    target = tmp_path / "q.pdf"
    done = riskwright("export-portfolio", str(portfolio), "--audience", "reviewers", "--quarter", "2026-Q2",
                      "--as-of", "2026-06-30", "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert target.read_bytes().startswith(b"%PDF") and "Q2 2026" in done.stdout
    bad = riskwright("export-portfolio", str(portfolio), "--audience", "public", "--quarter", "2026-Q9")
    assert bad.returncode == 2 and "YYYY-QN" in bad.stderr


def test_files_read_on_worker_processes_give_the_same_bytes(portfolio: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The update reads its files on worker processes (``app.portfolio.reading.read_each``): each hands back
    only what the update uses, and every edition is the one read in this process, byte for byte — a bad
    file named in the internal edition's list alike."""
    import app.portfolio.reading as reading
    import app.session.quarterly as quarterly

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "aaa-damaged.rwa").write_bytes(b"not a database at all" * 100)
    places = [portfolio, broken]
    pools = []

    class Counted(reading.ProcessPoolExecutor):  # type: ignore[misc]
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            pools.append(kwargs.get("mp_context"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(reading, "ProcessPoolExecutor", Counted)
    for audience, fmt in (("internal", "md"), ("public", "md")):
        monkeypatch.setattr(quarterly, "_SPAWNED_WORKERS_FROM", 100)
        monkeypatch.setattr(quarterly, "_WORKERS_FROM", 100)
        alone = tmp_path / f"alone.{audience}.{fmt}"
        export_quarterly(places, Q2, audience, fmt, alone, date(2026, 6, 30))
        assert not pools
        monkeypatch.setattr(quarterly, "_SPAWNED_WORKERS_FROM", 2)
        monkeypatch.setattr(quarterly, "_WORKERS_FROM", 2)
        shared = tmp_path / f"shared.{audience}.{fmt}"
        export_quarterly(places, Q2, audience, fmt, shared, date(2026, 6, 30))
        assert len(pools) == 1, "read on worker processes"
        pools.clear()
        assert shared.read_bytes() == alone.read_bytes(), (audience, fmt)
    assert b"aaa-damaged.rwa" in (tmp_path / "shared.internal.md").read_bytes()
    assert b"aaa-damaged.rwa" not in (tmp_path / "shared.public.md").read_bytes()
