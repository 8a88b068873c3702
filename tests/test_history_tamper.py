"""Tampering with a file behind Riskwright's back — plain ``sqlite3`` edits — is caught by ``verify``."""

import json
import shutil
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from app.cli import main
from app.model import Address, MoveRecord, Sensitivity, SetSensitivity, SetValue
from app.model.canonical import canonical_json
from app.store import AssessmentFile, history
from app.store.signoff import load_or_create_key, sign_off

EVALUATIONS = "pre_deployment.evaluations"


@pytest.fixture
def signed(tmp_path, example_file, monkeypatch):
    """The example, edited, signed by an assessor and a compliance lead, then edited once more."""
    monkeypatch.setenv("RISKWRIGHT_ASSESSOR", "Ada Lovelace")
    with AssessmentFile.open(example_file) as assessment:
        assessment.apply(SetValue(Address.parse("header.model.version"), "rc3"))
        assessment.apply(SetSensitivity(Address.parse("header.scope"), Sensitivity.INTERNAL, None))
        first = assessment.document.records(EVALUATIONS)[0].id
        assessment.apply(MoveRecord(EVALUATIONS, first, 2))
        sign_off(assessment, "assessor", "Ada Lovelace", load_or_create_key(tmp_path / "ada.pem"))
        sign_off(assessment, "compliance_lead", "Grace Hopper", load_or_create_key(tmp_path / "grace.pem"))
        assessment.apply(SetValue(Address.parse("header.model.version"), "rc4"))
    return example_file


def _verify(path, capsys):
    code = main(["verify", str(path)])
    return code, capsys.readouterr().out


def _sql(path, *statements):
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def _seq_of(path, kind, which=0):
    conn = sqlite3.connect(path)
    rows = [r[0] for r in conn.execute("SELECT seq FROM history WHERE kind = ? ORDER BY seq", [kind])]
    conn.close()
    return rows[which]


def test_an_untouched_file_verifies(signed, capsys):
    before = signed.read_bytes()
    code, out = _verify(signed, capsys)
    assert code == 0, out
    assert "intact" in out and "2 signatures valid" in out
    assert "signed by Ada Lovelace as assessor" in out and "signed by Grace Hopper as compliance_lead" in out
    assert signed.read_bytes() == before  # verifying never writes


def test_changing_a_value_in_an_entry_is_detected(signed, capsys):
    _sql(signed, "UPDATE history SET body = replace(body, '\"rc3\"', '\"rc9\"') WHERE seq = 2")
    code, out = _verify(signed, capsys)
    assert code == 1
    assert "TAMPERED — entry #2 was altered" in out


def test_deleting_an_entry_is_detected(signed, capsys):
    _sql(signed, "DELETE FROM history WHERE seq = 3")
    code, out = _verify(signed, capsys)
    assert code == 1
    assert "TAMPERED — entry #3 is missing" in out


def test_deleting_an_entry_and_renumbering_is_detected(signed, capsys):
    _sql(signed, "DELETE FROM history WHERE seq = 3", "UPDATE history SET seq = seq - 1 WHERE seq > 3")
    code, out = _verify(signed, capsys)
    assert code == 1
    assert "TAMPERED — entry #3 does not follow entry #2" in out


def test_swapping_two_entries_is_detected(signed, capsys):
    _sql(signed, "UPDATE history SET seq = -1 WHERE seq = 2", "UPDATE history SET seq = 2 WHERE seq = 3",
         "UPDATE history SET seq = 3 WHERE seq = -1")
    code, out = _verify(signed, capsys)
    assert code == 1
    assert "TAMPERED — entry #2 does not follow entry #1" in out


def test_deleting_the_latest_entry_is_detected(signed, capsys):
    _sql(signed, "DELETE FROM history WHERE seq = (SELECT max(seq) FROM history)")
    code, out = _verify(signed, capsys)
    assert code == 1
    assert "header.model.version" in out and "changed after it was signed" in out


def test_altering_a_signature_is_detected(signed, capsys):
    seq = _seq_of(signed, "signoff", 1)
    conn = sqlite3.connect(signed)
    body = json.loads(conn.execute("SELECT body FROM history WHERE seq = ?", [seq]).fetchone()[0])
    conn.close()
    signature = body["signature"]
    forged = ("B" if signature[0] != "B" else "C") + signature[1:]
    _sql(signed, f"UPDATE history SET body = replace(body, '{signature}', '{forged}') WHERE seq = {seq}",
         f"UPDATE signoff SET signature = '{forged}' WHERE history_seq = {seq}")
    code, out = _verify(signed, capsys)
    assert code == 1
    assert f"entry #{seq} was altered" in out
    assert f"sign-off in entry #{seq} (Grace Hopper as compliance_lead, revision 1): the signature does not " \
           f"match" in out
    assert "BAD revision 1" in out


def test_altering_the_signoff_table_copy_is_detected(signed, capsys):
    _sql(signed, "UPDATE signoff SET payload = replace(payload, 'Grace Hopper', 'Mallory')")
    code, out = _verify(signed, capsys)
    assert code == 1
    assert "the sign-off table's copy differs from the history" in out


def test_altering_content_after_signoff_is_detected_and_named(signed, capsys):
    _sql(signed, "UPDATE value SET data = '\"Meridian Foundry (renamed)\"' WHERE field = 'header.model.developer'")
    code, out = _verify(signed, capsys)
    assert code == 1
    assert "content of revision 1" in out and "changed after it was signed" in out
    assert "header.model.developer" in out


def test_content_changed_where_the_history_recorded_an_edit_is_detected(signed, capsys):
    _sql(signed, "UPDATE value SET data = '\"rc5\"' WHERE field = 'header.model.version'")
    code, out = _verify(signed, capsys)
    assert code == 1
    assert 'header.model.version holds "rc5", the entry says it was set to "rc4"' in out


def test_altering_a_signed_snapshot_is_detected(signed, capsys):
    conn = sqlite3.connect(signed)
    text = zlib.decompress(conn.execute("SELECT snapshot FROM revision WHERE number = 1").fetchone()[0])
    forged = zlib.compress(text.replace(b"rc3", b"rc0"))
    conn.execute("UPDATE revision SET snapshot = ? WHERE number = 1", [forged])
    conn.commit()
    conn.close()
    code, out = _verify(signed, capsys)
    assert code == 1
    assert "stored snapshot of revision 1 no longer matches its signed hash" in out


def test_rewriting_history_with_recomputed_hashes_is_caught_by_the_signatures(signed, capsys):
    """An attacker who knows the algorithm can rebuild the whole chain; the signed history head still differs."""
    conn = sqlite3.connect(signed)
    rows = conn.execute("SELECT seq, body FROM history ORDER BY seq").fetchall()
    prev = history.GENESIS
    for seq, text in rows:
        body = json.loads(text)
        if seq == 2:
            body["who"] = "Somebody Else"
        text = canonical_json(body)
        digest = history.chain_hash(prev, text)
        conn.execute("UPDATE history SET prev = ?, hash = ?, body = ?, who = ? WHERE seq = ?",
                     [prev, digest, text, body["who"], seq])
        prev = digest
    conn.commit()
    conn.close()
    code, out = _verify(signed, capsys)
    assert code == 1
    assert "the history before it is not the history that was signed" in out


def test_a_file_copied_from_another_document_is_detected(signed, capsys):
    _sql(signed, "UPDATE meta SET value = 'someone-elses-document' WHERE key = 'document_id'")
    code, out = _verify(signed, capsys)
    assert code == 1
    assert "made for another document" in out


def test_emptying_the_history_is_detected(signed, capsys):
    _sql(signed, "DELETE FROM history")
    code, out = _verify(signed, capsys)
    assert code == 1
    assert "the history is empty" in out
    # Opening the file must not paper over it with a fresh start.
    AssessmentFile.open(signed).close()
    assert _verify(signed, capsys)[0] == 1


def test_a_tampered_file_cannot_be_signed(signed, tmp_path, capsys):
    _sql(signed, "UPDATE value SET data = '\"rc5\"' WHERE field = 'header.model.version'")
    code = main(["signoff", str(signed), "--role", "assessor", "--name", "Mallory"])
    err = capsys.readouterr().err
    assert code == 1
    assert "sign-off refused" in err and "does not verify" in err


def test_verify_could_not_run_is_exit_2_without_traceback(tmp_path):
    fixture = tmp_path / "old.rwa"
    shutil.copy(Path(__file__).parent / "_files" / "format-1.rwa", fixture)
    not_ours = tmp_path / "notes.rwa"
    not_ours.write_text("shopping list")
    for path, message in ((fixture, "before Riskwright kept a history"), (not_ours, "not a Riskwright"),
                          (tmp_path / "missing.rwa", "no such file")):
        result = subprocess.run([sys.executable, "-m", "app.cli", "verify", str(path)],
                                capture_output=True, text=True)
        assert result.returncode == 2, result
        assert message in result.stderr and "Traceback" not in result.stderr


def test_verify_json_lists_problems_and_signatures(signed, capsys):
    _sql(signed, "DELETE FROM history WHERE seq = 3")
    assert main(["verify", str(signed), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["intact"] is False and report["problems"][0].startswith("entry #3 is missing")
    assert [s["role"] for s in report["signoffs"]] == ["assessor", "compliance_lead"]
    assert all(s["valid"] for s in report["signoffs"])
