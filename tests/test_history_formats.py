"""Files from every format version get (or keep) a verifiable history.

The fixtures in tests/_files are frozen: a signature made by an earlier version
must verify in every later one, so the canonical form can never drift.
"""

from pathlib import Path

import pytest

from app.model import Address, SetValue
from app.store import AssessmentFile, StoreError, history
from app.store.file import HISTORY_FORMAT
from app.store.revision import diff_documents, snapshot
from app.store.signoff import load_or_create_key, revision_status, sign_off
from app.store.verification import verify_file

FIXTURES = Path(__file__).parent / "_files"
ALL = sorted(FIXTURES.glob("format-*.rwa"), key=lambda p: int(p.stem.split("-")[1]))


def _version(path: Path) -> int:
    return int(path.stem.split("-")[1])


@pytest.mark.parametrize("fixture", [p for p in ALL if _version(p) < HISTORY_FORMAT], ids=lambda p: p.name)
def test_a_file_from_before_history_starts_one_when_opened(tmp_path, fixture):
    copy = tmp_path / fixture.name
    copy.write_bytes(fixture.read_bytes())
    with pytest.raises(StoreError, match="before Riskwright kept a history"):
        verify_file(copy)
    with AssessmentFile.open(copy) as assessment:
        (baseline,) = history.entries(assessment.db)
        assert baseline.kind == "baseline" and baseline.body["format"] == _version(fixture)
        assessment.apply(SetValue(Address.parse("header.model.version"), "after upgrade"))
    with AssessmentFile.open(copy) as reopened:  # the baseline is written once, not on every open
        assert [e.kind for e in history.entries(reopened.db)] == ["baseline", "value"]
    assert verify_file(copy).intact


@pytest.mark.parametrize("fixture", [p for p in ALL if _version(p) >= HISTORY_FORMAT], ids=lambda p: p.name)
def test_history_and_signatures_from_every_format_still_verify(tmp_path, fixture):
    copy = tmp_path / fixture.name
    copy.write_bytes(fixture.read_bytes())
    verdict = verify_file(copy)
    assert verdict.intact, verdict.problems
    assert [(s.name, s.role, valid) for s, valid in verdict.signoffs][:2] == [
        ("Fixture Assessor", "assessor", True), ("Fixture Lead", "compliance_lead", True)]
    with AssessmentFile.open(copy) as assessment:
        signed = snapshot(assessment.db, 1)
        changes = diff_documents(signed, assessment.document)
        changed = dict((c.address, c.after) for c in changes)
        assert changed["header.model.version"] == {"data": "fixture-rc4"}
        # From format 4 on the fixture also holds one dismissed flag in a changed text.
        assert set(changed) <= {"header.model.version", "retrospective.process_changes"}
        if _version(fixture) >= 5:  # a long text typed into and cut: compact entries, replayed by verify above
            assert sum("text_edit" in e.body for e in history.entries(assessment.db)) == 2
        status = revision_status(assessment)
        assert status.number == 2 and status.state == "unsigned" and status.last_signed[0] == 1
        assessment.apply(SetValue(Address.parse("header.model.version"), "upgraded"))
        sign_off(assessment, "assessor", "Today's Assessor", load_or_create_key(tmp_path / "k.pem"))
    assert verify_file(copy).intact
