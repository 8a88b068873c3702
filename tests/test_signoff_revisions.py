"""Sign-off freezes a revision; the next edit starts a new one; revisions can be compared field by field."""

import json
import os
import sqlite3
import stat

import pytest

from app.cli import main
from app.content.roles import load_roles
from app.model import Address, InsertRecord, MoveRecord, Record, Sensitivity, SetSensitivity, SetValue, Value
from app.model.canonical import revision_hash
from app.store import AssessmentFile, history
from app.store.identity import config_folder
from app.store.revision import diff_documents, snapshot
from app.store.signoff import (
    SignOffRefused,
    load_or_create_key,
    public_key_text,
    required_approvals,
    revision_status,
    sign_off,
    signoffs,
)
from app.store.verification import verify_file

EVALUATIONS = "pre_deployment.evaluations"


@pytest.fixture
def keys(tmp_path):
    return {name: load_or_create_key(tmp_path / f"{name}.pem") for name in ("ada", "grace", "kate")}


@pytest.fixture
def assessment(example_file, monkeypatch):
    monkeypatch.setenv("RISKWRIGHT_ASSESSOR", "Ada Lovelace")
    with AssessmentFile.open(example_file) as opened:
        yield opened


def test_a_revision_is_signed_off_once_every_required_role_has_signed(assessment, keys):
    assert revision_status(assessment).state == "unsigned"
    sign_off(assessment, "assessor", "Ada Lovelace", keys["ada"])
    partly = revision_status(assessment)
    assert partly.state == "partly signed" and dict(partly.missing) == {"compliance_lead": 1}
    assert partly.summary().endswith("partly signed; needs compliance_lead")
    sign_off(assessment, "compliance_lead", "Grace Hopper", keys["grace"])
    status = revision_status(assessment)
    assert status.state == "signed off" and status.number == 1 and status.frozen
    assert status.hash == revision_hash(assessment.document)
    assert [(s.name, s.role) for s in status.signoffs] == [("Ada Lovelace", "assessor"),
                                                          ("Grace Hopper", "compliance_lead")]
    assert all(s.signature_is_valid() for s in status.signoffs)


def test_the_next_edit_starts_a_new_revision_and_signoffs_do_not_carry_over(assessment, keys):
    sign_off(assessment, "assessor", "Ada Lovelace", keys["ada"])
    sign_off(assessment, "compliance_lead", "Grace Hopper", keys["grace"])
    signed_hash = revision_status(assessment).hash
    assessment.apply(SetValue(Address.parse("header.model.version"), "rc4"))
    status = revision_status(assessment)
    assert status.number == 2 and not status.frozen and status.state == "unsigned"
    assert status.signoffs == () and status.hash != signed_hash
    assert status.last_signed is not None and status.last_signed[:2] == (1, signed_hash)
    assert history.entries(assessment.db)[-1].revision == 2
    # Revision 1 stays exactly as signed, and still verifies.
    frozen = snapshot(assessment.db, 1)
    assert frozen is not None and revision_hash(frozen) == signed_hash
    assert frozen.get("header.model.version") != "rc4"
    assert verify_file(assessment.path).intact
    # Further edits stay in revision 2 until it is signed.
    assessment.apply(SetValue(Address.parse("header.model.version"), "rc5"))
    assert revision_status(assessment).number == 2
    sign_off(assessment, "assessor", "Ada Lovelace", keys["ada"])
    assessment.apply(SetValue(Address.parse("header.model.version"), "rc6"))
    assert revision_status(assessment).number == 3


def test_one_key_signs_a_revision_once(assessment, keys):
    sign_off(assessment, "assessor", "Ada Lovelace", keys["ada"])
    entries = history.count(assessment.db)
    with pytest.raises(SignOffRefused, match="already signed with this key"):
        sign_off(assessment, "compliance_lead", "Ada Lovelace", keys["ada"])
    assert history.count(assessment.db) == entries and len(signoffs(assessment.db)) == 1


def test_unknown_roles_are_refused(assessment, keys):
    with pytest.raises(SignOffRefused, match="unknown role 'ceo'"):
        sign_off(assessment, "ceo", "X", keys["ada"])


def test_the_file_carries_the_public_key_and_fingerprint(assessment, keys):
    made = sign_off(assessment, "assessor", "Ada Lovelace", keys["ada"])
    row = assessment.db.execute("SELECT public_key, payload FROM signoff").fetchone()
    assert row[0] == public_key_text(keys["ada"]) == made.public_key
    assert json.loads(row[1])["fingerprint"] == made.fingerprint and len(made.fingerprint) == 64


def test_diff_between_revisions_is_field_level(assessment, keys):
    sign_off(assessment, "assessor", "Ada Lovelace", keys["ada"])
    first = assessment.document.records(EVALUATIONS)[0].id
    assessment.apply(SetValue(Address.parse("header.model.version"), "rc4"))
    assessment.apply(SetSensitivity(Address.parse("header.scope"), Sensitivity.INTERNAL, None))
    assessment.apply(InsertRecord("training.checkpoints", 0, Record("ckpt-99", {"notes": Value("new")})))
    assessment.apply(MoveRecord(EVALUATIONS, first, 3))
    changes = diff_documents(snapshot(assessment.db, 1), assessment.document)
    summary = {(c.change, c.address) for c in changes}
    assert summary == {
        ("changed", "header.model.version"), ("changed", "header.scope"),
        ("record added", "training.checkpoints[ckpt-99]"), ("record moved", f"{EVALUATIONS}[{first}]"),
    }
    scope = next(c for c in changes if c.address == "header.scope")
    assert scope.after["sensitivity"] == "internal" and "sensitivity" not in scope.before


def test_diff_command_compares_revisions_by_number_hash_or_current(assessment, keys, capsys):
    sign_off(assessment, "assessor", "Ada Lovelace", keys["ada"])
    signed_hash = revision_status(assessment).hash
    assessment.apply(SetValue(Address.parse("header.model.version"), "rc4"))
    path = str(assessment.path)
    assert main(["diff", path, "1", "current"]) == 1
    out = capsys.readouterr().out
    assert "1 change" in out and '~ header.model.version: "h3-2025-08-rc2" → "rc4"' in out
    assert main(["diff", path, signed_hash[:8], "r2", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["from"] == {"revision": 1, "hash": signed_hash}
    assert report["changes"] == [{"change": "changed", "address": "header.model.version",
                                  "before": {"data": "h3-2025-08-rc2"}, "after": {"data": "rc4"}}]
    assert main(["diff", path, "1", "1"]) == 0
    assert main(["diff", path, "1", "7"]) == 2
    assert "no revision 7; revisions: 1, 2 (current)" in capsys.readouterr().err


def test_signoff_command_creates_the_key_on_first_use(example_file, capsys, monkeypatch):
    monkeypatch.setenv("RISKWRIGHT_ASSESSOR", "Ada Lovelace")
    key = config_folder() / "signing-key.pem"
    assert not key.exists()
    assert main(["signoff", str(example_file), "--role", "assessor"]) == 0
    out = capsys.readouterr().out
    assert f"created your signing key at {key}" in out
    assert "as Assessor: Ada Lovelace" in out and "partly signed; needs compliance_lead" in out
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    # Second sign-off of the same revision with the same key: refused, exit 1, nothing written.
    before = example_file.read_bytes()
    assert main(["signoff", str(example_file), "--role", "compliance_lead", "--name", "Grace"]) == 1
    assert "already signed with this key" in capsys.readouterr().err
    assert example_file.read_bytes() == before


def test_signoff_command_rejects_an_unknown_role_as_bad_arguments(example_file, capsys):
    before = example_file.read_bytes()
    assert main(["signoff", str(example_file), "--role", "ceo"]) == 2
    assert "unknown role 'ceo'; roles: assessor, compliance_lead, safety_committee" in capsys.readouterr().err
    assert example_file.read_bytes() == before
    assert not (config_folder() / "signing-key.pem").exists()


def test_required_approvals_come_from_content_and_can_be_raised_in_settings(assessment, keys):
    roles = load_roles()
    assert dict(roles.required) == {"assessor": 1, "compliance_lead": 1}
    config_folder().mkdir(parents=True)
    (config_folder() / "settings.json").write_text(json.dumps({"required_approvals": {"compliance_lead": 2}}))
    required = required_approvals(roles.required, roles.ids)
    assert required == {"assessor": 1, "compliance_lead": 2}
    sign_off(assessment, "assessor", "Ada Lovelace", keys["ada"])
    sign_off(assessment, "compliance_lead", "Grace Hopper", keys["grace"])
    status = revision_status(assessment, required)
    assert status.state == "partly signed" and dict(status.missing) == {"compliance_lead": 1}
    sign_off(assessment, "compliance_lead", "Katherine Johnson", keys["kate"])
    assert revision_status(assessment, required).state == "signed off"


def test_history_command_lists_changes_for_each_audience(assessment, keys, tmp_path, capsys):
    assessment.apply(SetValue(Address.parse("header.model.version"), "rc4"))
    sign_off(assessment, "assessor", "Ada Lovelace", keys["ada"])
    path = str(assessment.path)
    assert main(["history", path]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "created the assessment" in lines[0]
    assert 'Ada Lovelace' in lines[1] and 'header.model.version: "h3-2025-08-rc2" → "rc4"' in lines[1]
    assert "signed off revision 1" in lines[2] and "as assessor" in lines[2]
    assert main(["history", path, "--format", "json", "--field", "header.model"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [e["address"] for e in report["entries"]] == ["header.model.version"]
    assert report["entries"][0]["hash"] and report["entries"][0]["before"] == {"data": "h3-2025-08-rc2"}
    output = tmp_path / "public-history.txt"
    assert main(["history", path, "--audience", "public", "-o", str(output)]) == 0
    public = output.read_text()
    assert "signed off revision 1" in public and "Ada Lovelace" not in public  # names are internal


def test_snapshots_survive_reopening(assessment, keys):
    sign_off(assessment, "assessor", "Ada Lovelace", keys["ada"])
    expected = assessment.document.copy()
    assessment.apply(SetValue(Address.parse("header.model.version"), "rc4"))
    path = assessment.path
    assessment.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM revision").fetchone()[0] == 1
    conn.close()
    with AssessmentFile.open(path) as reopened:
        assert diff_documents(snapshot(reopened.db, 1), expected) == []


def test_reports_get_the_revision_its_signoffs_and_an_audit_summary(assessment, keys):
    sign_off(assessment, "assessor", "Ada Lovelace", keys["ada"])
    sign_off(assessment, "compliance_lead", "Grace Hopper", keys["grace"])
    signed = revision_status(assessment).for_report()
    assert signed["state"] == "signed off" and signed["number"] == 1
    assert [(s["role"], s["name"]) for s in signed["signoffs"]] == [("assessor", "Ada Lovelace"),
                                                                    ("compliance_lead", "Grace Hopper")]
    assessment.apply(SetValue(Address.parse("header.model.version"), "rc4"))
    draft = revision_status(assessment).for_report()
    assert draft["state"] == "unsigned" and draft["signoffs"] == () and draft["hash"] != signed["hash"]
    assert draft["last_signed"] == {"number": 1, "hash": signed["hash"], "signoffs": signed["signoffs"]}
    summary = history.audit_summary(assessment.db)
    assert summary.entries == 4 and summary.people[-2:] == ("Ada Lovelace", "Grace Hopper")
    assert summary.head == history.head(assessment.db).hash and summary.first_at <= summary.last_at


def test_an_all_digit_hash_prefix_still_names_its_revision(tmp_path, monkeypatch):
    """A hash prefix made only of digits is tried as a prefix when no revision has that number."""
    from app.interchange.examples import example_document
    from app.model import Address, SetValue
    from app.model.canonical import revision_hash
    from app.store import AssessmentFile
    from app.store.revision import resolve

    with AssessmentFile.create(tmp_path / "a.rwa", example_document()) as assessment:
        for attempt in range(2000):
            assessment.apply(SetValue(Address.parse("header.model.version"), f"probe-{attempt}"))
            digest = revision_hash(assessment.document)
            if digest[:8].isdigit():
                break
        else:
            raise AssertionError("no all-digit hash prefix in 2000 tries")
        found = resolve(assessment.db, assessment.document, digest[:8])
        assert found.hash == digest
        assert resolve(assessment.db, assessment.document, "1").number == 1
