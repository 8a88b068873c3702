"""History and revision comparisons for reviewers and the public never carry what they may not see.

Canaries (unique strings) are planted where a naive history export would leak
them: a passage typed before it was marked hazardous, a value raised to
hazardous later, an internal figure, a hazardous record removed, a flag
decision's detail. The internal listing (positive control) must contain them.
"""

import json
import sqlite3
from datetime import date

import pytest

from app.cli import main
from app.model import (
    Address, InsertRecord, MoveRecord, Record, RemoveRecord, Sensitivity, SetRecordSensitivity, SetSensitivity,
    SetValue, Value,
)
from app.store import AssessmentFile, history
from app.store.signoff import load_or_create_key, sign_off

TYPED = "CANARY-typed-before-marking-7f3a"
RAISED = "CANARY-raised-later-19bd"
FLOP = 7.123456e25
RECORD = "CANARY-hazardous-record-c0de"
FLAG = "CANARY-flag-detail-5e5e"
RECORD_ID = "ckpt-CANARY-id-4b1d"
"""Issue #11 case 3: the id of a withheld record was printed in addresses and summaries."""
CANARIES = (TYPED, RAISED, "7.123456e+25", RECORD, FLAG, RECORD_ID)
SCOPE = Address.parse("header.scope")


@pytest.fixture
def planted(example_file, tmp_path, monkeypatch):
    monkeypatch.setenv("RISKWRIGHT_ASSESSOR", "Ada Lovelace")
    with AssessmentFile.open(example_file) as assessment:
        apply = assessment.apply
        # Typed in the clear, then marked: the first entry holds the passage unmarked.
        apply(SetValue(SCOPE, f"Covers the release. The fictional step is {TYPED}."))
        apply(SetValue(SCOPE, f"Covers the release. The fictional step is [[hazard:bio]]{TYPED}[[/hazard]]."))
        # A public value later recognised as hazardous.
        version = Address.parse("header.model.version")
        apply(SetValue(version, RAISED))
        apply(SetSensitivity(version, Sensitivity.HAZARDOUS, None))
        apply(SetValue(Address.parse("pre_training.planned_compute_flop"), FLOP))
        # A record that is hazardous as a whole, then removed.
        apply(InsertRecord("training.checkpoints", 0,
                           Record(RECORD_ID, {"notes": Value(RECORD), "date": Value(date(2025, 3, 1))})))
        apply(MoveRecord("training.checkpoints", RECORD_ID, 1))
        apply(SetValue(Address("training.checkpoints[].date", RECORD_ID), date(2025, 3, 2)))
        with assessment.db.atomic():
            history.record_event(assessment.db, "note_added", Address("training.checkpoints[].notes", RECORD_ID))
        apply(SetRecordSensitivity("training.checkpoints", RECORD_ID, Sensitivity.HAZARDOUS, None))
        sign_off(assessment, "assessor", "Ada Lovelace", load_or_create_key(tmp_path / "ada.pem"))
        apply(RemoveRecord("training.checkpoints", RECORD_ID))
        apply(SetValue(Address.parse("header.started"), date(2024, 12, 1)))
        with assessment.db.atomic():
            history.record_event(assessment.db, "flag_dismissed", SCOPE, {"matched": FLAG, "reason": FLAG})
    return example_file


def _listing(path, capsys, *args):
    code = main(["history", str(path), "--format", "json", *args])
    out = capsys.readouterr().out
    assert code == 0, out
    return out, json.loads(out)["entries"]


def _strings(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    else:
        yield str(node)


def test_the_internal_history_holds_everything(planted, capsys):
    raw, entries = _listing(planted, capsys)
    every = " ".join(_strings(entries))
    for canary in CANARIES:
        assert canary in every, canary


@pytest.mark.parametrize("audience", ["reviewers", "public"])
def test_wider_audiences_get_no_canary_in_any_string(planted, capsys, audience):
    raw, entries = _listing(planted, capsys, "--audience", audience)
    every = " ".join(_strings(entries)) + raw
    hidden = CANARIES if audience == "public" else tuple(c for c in CANARIES if c != "7.123456e+25")
    for canary in hidden:  # reviewers may see internal detail such as planned compute
        assert canary not in every, canary
    assert all("hash" not in entry and "prev" not in entry for entry in entries)
    assert len(entries) == len(history.entries(AssessmentFile.open(planted).db))


def test_what_the_public_still_learns(planted, capsys):
    _, entries = _listing(planted, capsys, "--audience", "public")
    by_kind = {}
    for entry in entries:
        by_kind.setdefault(entry["kind"], []).append(entry)
    started = next(e for e in entries if e.get("address") == "header.started")
    assert started["after"] == {"data": {"date": "2024-12-01"}}  # a public date is shown as it is
    assert started["who"] == "[redacted: internal detail]"  # assessors' names are internal by default
    version = [e for e in entries if e.get("address") == "header.model.version"]
    assert version[-1]["after"]["sensitivity"] == "hazardous"  # the level change is visible, the value not
    assert "changed (the detail is withheld" in version[0]["summary"]
    removed = by_kind["record_removed"][0]
    assert removed["record"]["id"] == "[redacted: hazardous record]"
    moved = by_kind["record_moved"][0]
    assert moved["record_id"] == "[redacted: hazardous record]" and moved["summary"].startswith("moved record [red")
    assert by_kind["event"][0]["detail"] == {}
    assert by_kind["signoff"][0]["role"] == "assessor" and by_kind["signoff"][0]["name"].startswith("[redacted")


def test_reviewers_see_names_and_internal_figures(planted, capsys):
    _, entries = _listing(planted, capsys, "--audience", "reviewers")
    flop = next(e for e in entries if e.get("address") == "pre_training.planned_compute_flop")
    assert flop["after"] == {"data": FLOP} and flop["who"] == "Ada Lovelace"


def test_a_history_that_does_not_verify_is_not_filtered(planted, capsys, tmp_path):
    conn = sqlite3.connect(planted)
    conn.execute("UPDATE value SET data = '\"tampered\"' WHERE field = 'header.model.version'")
    conn.commit()
    conn.close()
    output = tmp_path / "public.txt"
    assert main(["history", str(planted), "--audience", "public", "-o", str(output)]) == 1
    assert "does not match the content" in capsys.readouterr().err
    assert not output.exists()


@pytest.mark.parametrize("audience", ["reviewers", "public"])
def test_comparing_revisions_for_an_audience_withholds_the_same(planted, capsys, audience):
    assert main(["diff", str(planted), "1", "current", "--format", "json", "--audience", audience]) == 1
    out = capsys.readouterr().out
    report = json.loads(out)
    for canary in CANARIES if audience == "public" else (TYPED, RAISED, RECORD, FLAG, RECORD_ID):
        assert canary not in out, canary
    addresses = {change["address"] for change in report["changes"]}
    assert "header.started" in addresses
    assert report["withheld"] >= 1  # the hazardous record's removal is counted, not shown
    assert main(["diff", str(planted), "1", "current", "--format", "json"]) == 1
    assert RECORD in capsys.readouterr().out  # positive control: internal shows it
