"""A flag decision is attributed: it enters the history and the internal redaction log with its author."""

import json
import os
import subprocess
import sys

from app.model import Address, SetValue
from app.store import AssessmentFile


def riskwright(*args: str, who: str = "Dana Fictional") -> subprocess.CompletedProcess:
    env = dict(os.environ, RISKWRIGHT_ASSESSOR=who)
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, env=env)


def test_a_dismissal_names_its_author_in_history_and_in_the_internal_report(example_file, tmp_path):
    with AssessmentFile.open(example_file) as assessment:
        assessment.apply(SetValue(Address.parse("retrospective.process_changes"),
                                  "Say only that Bacillus anthracis is a listed category."))
    scan = riskwright("scan", str(example_file), "--audience", "public", "--format", "json")
    assert scan.returncode == 1, scan.stdout + scan.stderr
    flags = json.loads(scan.stdout)
    flag = next(f for f in (flags["flags"] if isinstance(flags, dict) else flags)
                if f["address"] == "retrospective.process_changes")
    reason = "a publicly listed category name, no procedure"
    resolved = riskwright("resolve", str(example_file), flag["id"], "--dismiss", reason)
    assert resolved.returncode == 0, resolved.stderr

    history = json.loads(riskwright("history", str(example_file), "--format", "json").stdout)
    entries = history["entries"] if isinstance(history, dict) else history
    event = next(e for e in entries if e.get("kind") == "event")
    assert event["who"] == "Dana Fictional"
    assert "flag_dismiss" in json.dumps(event) and reason in json.dumps(event)

    report = tmp_path / "internal.md"
    exported = riskwright("export", str(example_file), "--audience", "internal", "--format", "md", "-o", str(report))
    assert exported.returncode == 0, exported.stderr
    log = report.read_text().split("Detector flags resolved", 1)[1]
    assert reason in log and "Dana Fictional" in log
    assert riskwright("verify", str(example_file)).returncode == 0
