"""The portfolio as a compliance lead reads it: every model, every running clock, bad files named."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from app.interchange.examples import write_example
from app.model.document import Batch, InsertRecord, Record, RemoveRecord, SetValue, Value
from app.model.paths import Address
from app.portfolio import portfolio_files, read_portfolio
from app.store.file import AssessmentFile


def riskwright(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True)


def _assessment(path: Path, name: str, *edits) -> Path:  # type: ignore[no-untyped-def]
    write_example(path)
    with AssessmentFile.open(path) as assessment:
        assessment.apply(Batch((SetValue(Address("header.model.name"), name), *edits)))
    return path


def _only_incident(doc_path: Path, kind: str, happened: date,
                   discovered: date | None = None) -> tuple:  # type: ignore[type-arg]
    """Edits that replace the example's incidents with one unreported incident of ``kind`` (EU code)."""
    with AssessmentFile.open(doc_path) as assessment:
        ids = [record.id for record in assessment.document.records("deployment.incidents")]
    return (*(RemoveRecord("deployment.incidents", record_id) for record_id in ids),
            InsertRecord("deployment.incidents", 0, Record("inc-9", {
                "date": Value(happened), "discovered_on": Value(discovered or happened),
                "title": Value("Fictional outage"), "severity": Value("high"), "kind": Value(kind)})),
            SetValue(Address("header.framework"), "eu-gpai-cop-safety-security"))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    good = tmp_path / "portfolio"
    good.mkdir()
    _assessment(good / "alder.rwa", "Alder")
    _assessment(good / "birch.rwa", "Birch")
    return good


def test_every_good_file_is_a_row_and_bad_files_are_named_without_stopping_the_rest(folder: Path) -> None:
    (folder / "damaged.rwa").write_bytes(b"SQLite format 3\x00" + b"\x00" * 40)
    newer = _assessment(folder / "newer.rwa", "Newer")
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    tampered = _assessment(folder / "tampered.rwa", "Tampered")
    with sqlite3.connect(tampered) as conn:
        conn.execute("UPDATE value SET data = '\"Quietly changed\"' WHERE field = 'header.model.version'")
    portfolio = read_portfolio(portfolio_files([folder]), date(2026, 3, 2))
    assert [row.model for row in portfolio.rows] == ["Alder", "Birch"]
    problems = {bad.path.name: bad.kind for bad in portfolio.unreadable}
    assert problems == {"damaged.rwa": "damaged", "newer.rwa": "newer_format", "tampered.rwa": "tampered"}
    assert not portfolio.all_clear

    result = riskwright("portfolio", str(folder), "--as-of", "2026-03-02")
    assert result.returncode == 1
    assert "Alder" in result.stdout and "Birch" in result.stdout
    for name in ("damaged.rwa", "newer.rwa", "tampered.rwa"):
        assert name in result.stdout
    assert "Traceback" not in result.stderr


def test_a_file_tampered_after_a_cached_read_is_caught(folder: Path) -> None:
    first = read_portfolio(portfolio_files([folder]), date(2026, 3, 2))
    assert not first.unreadable
    with sqlite3.connect(folder / "birch.rwa") as conn:
        conn.execute("UPDATE value SET data = '\"Swapped\"' WHERE field = 'header.model.version'")
    again = read_portfolio(portfolio_files([folder]), date(2026, 3, 2))
    assert [(bad.path.name, bad.kind) for bad in again.unreadable] == [("birch.rwa", "tampered")]


@pytest.mark.parametrize(("as_of", "left", "overdue"), [
    ("2026-05-06", 0, False),    # 5 days for a cybersecurity breach: the fifth day is still on time
    ("2026-05-07", -1, True),    # one day later it is overdue
    ("2026-05-02", 4, False),
])
def test_an_unreported_incident_runs_the_regimes_clock_to_its_boundary(tmp_path: Path, as_of: str, left: int,
                                                                       overdue: bool) -> None:
    path = tmp_path / "p" / "cedar.rwa"
    path.parent.mkdir()
    write_example(path)
    with AssessmentFile.open(path) as assessment:
        assessment.apply(Batch(_only_incident(path, "cybersecurity_breach", date(2026, 5, 1))))
    result = riskwright("portfolio", str(path.parent), "--as-of", as_of, "--format", "json")
    body = json.loads(result.stdout)
    incident = [clock for clock in body["clocks"] if clock["kind"] == "incident_report"]
    assert [(c["regime"], c["due"], c["days_left"], c["overdue"]) for c in incident] == [
        ("eu-gpai-cop-safety-security", "2026-05-06", left, overdue)]
    if overdue:
        assert result.returncode == 1


def test_the_clock_runs_from_when_the_incident_was_discovered(tmp_path: Path) -> None:
    path = tmp_path / "p" / "elm.rwa"
    path.parent.mkdir()
    write_example(path)
    with AssessmentFile.open(path) as assessment:
        assessment.apply(Batch(_only_incident(path, "critical_infrastructure", date(2026, 4, 1), date(2026, 4, 20))))
    clocks = [c for c in read_portfolio([path], date(2026, 4, 21)).rows[0].clocks if c.kind == "incident_report"]
    assert [(c.started, c.due, c.overdue) for c in clocks] == [(date(2026, 4, 20), date(2026, 4, 22), False)]


def test_a_reported_incident_runs_no_clock_and_a_not_serious_one_has_none(tmp_path: Path) -> None:
    path = tmp_path / "p" / "fir.rwa"
    path.parent.mkdir()
    write_example(path)
    with AssessmentFile.open(path) as assessment:
        assessment.apply(Batch(_only_incident(path, "not_serious", date(2026, 5, 1))))
    portfolio = read_portfolio([path], date(2026, 6, 1))
    assert [clock for clock in portfolio.rows[0].clocks if clock.kind == "incident_report"] == []


def test_clocks_across_models_come_most_urgent_first(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    for name, happened in (("Late", date(2026, 4, 1)), ("Soon", date(2026, 4, 28)), ("Later", date(2026, 4, 20))):
        path = folder / f"{name.lower()}.rwa"
        write_example(path)
        with AssessmentFile.open(path) as assessment:
            assessment.apply(Batch((SetValue(Address("header.model.name"), name),
                                    *_only_incident(path, "other_serious_harm", happened))))
    portfolio = read_portfolio(portfolio_files([folder]), date(2026, 5, 1))
    incidents = [(row.model, clock.days_left) for row, clock in portfolio.clocks if clock.kind == "incident_report"]
    assert incidents == [("Late", -15), ("Later", 4), ("Soon", 12)]


def test_the_command_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    missing = riskwright("portfolio", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr
    empty = riskwright("portfolio", str(tmp_path))
    assert empty.returncode == 2 and "no assessment files" in empty.stderr
    bad_date = riskwright("portfolio", str(tmp_path), "--as-of", "31/12/2026")
    assert bad_date.returncode == 2 and "YYYY-MM-DD" in bad_date.stderr


def test_reading_a_portfolio_never_writes_to_a_file(folder: Path) -> None:
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    read_portfolio(portfolio_files([folder]), date(2026, 3, 2), use_cache=False)
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


def test_each_regime_the_assessment_names_gets_its_own_status(tmp_path: Path) -> None:
    path = tmp_path / "p" / "yew.rwa"
    path.parent.mkdir()
    write_example(path)
    with AssessmentFile.open(path) as assessment:
        assessment.apply(InsertRecord("header.regimes", 0, Record("reg-1", {
            "framework": Value("eu-gpai-cop-safety-security"), "reason": Value("placed on the EU market")})))
    row = read_portfolio([path], date(2026, 3, 2)).rows[0]
    assert [regime.framework_id for regime in row.regimes] == ["openai-preparedness-beta",
                                                                "eu-gpai-cop-safety-security"]
    assert all(regime.status in ("compliant", "non_compliant", "incomplete") for regime in row.regimes)


def test_worker_processes_read_the_same_portfolio_as_one_process(tmp_path: Path) -> None:
    """The cold read on every core (batches handed to forked workers) finds what one process finds."""
    from app.portfolio.synthetic import write_portfolio

    paths = write_portfolio(tmp_path / "many", 9, size="small", start=date(2025, 6, 1))
    with sqlite3.connect(paths[4]) as conn:
        conn.execute("UPDATE value SET data = '\"Quietly changed\"' WHERE field = 'header.model.version'")
    alone = read_portfolio(paths, date(2026, 3, 2), workers=1, use_cache=False)
    shared = read_portfolio(paths, date(2026, 3, 2), workers=2, use_cache=False)
    assert [row.as_json() for row in shared.rows] == [row.as_json() for row in alone.rows]
    assert [bad.as_json() for bad in shared.unreadable] == [bad.as_json() for bad in alone.unreadable]
    assert len(alone.rows) == 8 and [bad.kind for bad in alone.unreadable] == ["tampered"]


def test_a_worker_that_stops_suddenly_leaves_its_files_to_the_parent(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Workers read through a memory map, where a failed read (a network folder gone) ends the process with
    SIGBUS instead of an error: the parent then reads what was left itself, and every file still has its row."""
    import os
    import signal

    import app.portfolio.reading as reading
    from app.portfolio.synthetic import write_portfolio
    from app.portfolio.summary import _MAPPED

    paths = write_portfolio(tmp_path / "many", 9, size="small", start=date(2025, 6, 1))
    parent, summarise_many = os.getpid(), reading.summarise_many
    markers = tmp_path / "mapped"
    markers.mkdir()

    def stops_in_a_worker(batch, as_of, use_cache):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            # One file per worker: a worker the broken pool ends while it writes leaves only its own file
            # short (one shared file was once found empty that way).
            (markers / str(os.getpid())).write_text(str(_MAPPED[0]))
            if paths[4] in batch:
                os.kill(os.getpid(), signal.SIGKILL)
        return summarise_many(batch, as_of, use_cache)

    monkeypatch.setattr(reading, "summarise_many", stops_in_a_worker)
    alone = read_portfolio(paths, date(2026, 3, 2), workers=1, use_cache=False)
    shared = read_portfolio(paths, date(2026, 3, 2), workers=2, use_cache=False)
    said = {marker.read_text() for marker in markers.iterdir()}
    assert "True" in said and "False" not in said and not _MAPPED[0]
    assert [row.as_json() for row in shared.rows] == [row.as_json() for row in alone.rows]
    assert len(shared.rows) == 9 and not shared.unreadable


def test_a_worker_that_stops_while_batches_are_still_handed_out_leaves_the_rest_to_the_parent(
        tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Once a worker has stopped suddenly the pool refuses more work: the batches not yet handed out are read by
    the parent too, not lost to a traceback (here each hand-out waits for its batch, so the second finds the
    pool broken by the first)."""
    import os
    import signal
    from concurrent.futures import ProcessPoolExecutor, wait

    import app.portfolio.reading as reading
    from app.portfolio.synthetic import write_portfolio

    paths = write_portfolio(tmp_path / "many", 9, size="small", start=date(2025, 6, 1))
    parent, summarise_many = os.getpid(), reading.summarise_many

    def stops_in_a_worker(batch, as_of, use_cache):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return summarise_many(batch, as_of, use_cache)

    class OneAtATime(ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            future = super().submit(fn, *args, **kwargs)
            wait([future])
            return future

    monkeypatch.setattr(reading, "summarise_many", stops_in_a_worker)
    monkeypatch.setattr(reading, "ProcessPoolExecutor", OneAtATime)
    alone = read_portfolio(paths, date(2026, 3, 2), workers=1, use_cache=False)
    shared = read_portfolio(paths, date(2026, 3, 2), workers=2, use_cache=False)
    assert [row.as_json() for row in shared.rows] == [row.as_json() for row in alone.rows]
    assert len(shared.rows) == 9 and not shared.unreadable
