"""Kill a process in the middle of its edits, again and again, and check that nothing acknowledged is lost.

The editor (``python tests/kill_harness.py FILE SEED``) opens the file for
editing through ``AssessmentFile.apply`` — the path every window edit takes —
and applies a deterministic stream of edits (long texts, inserted and removed
records, sensitivities, batches), printing ``ack N`` after each ``apply``
returns. The parent kills it with SIGKILL at a random moment, then reopens the
file: it must open (journal rolled back, stale lock taken over), verify, and hold
exactly the state after the last acknowledged edit, or after the one that was
in flight (which may have reached the disk before its ack was printed).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.model import (  # noqa: E402
    Address, Batch, Document, Edit, InsertRecord, Record, RemoveRecord, Sensitivity, SetSensitivity, SetValue, Value,
)

TEXT_FIELDS = ("header.model.name", "pre_training.rationale", "deployment_decision.justification",
               "deployment.monitoring")
TABLE = "pre_deployment.evaluations"


def edit_for(seed: int, index: int, doc: Document) -> Edit:
    """The ``index``-th edit of run ``seed`` on ``doc``: the same on every call with the same state."""
    rng = random.Random(seed * 1_000_003 + index)
    kind = rng.randrange(6)
    records = doc.records(TABLE)
    if kind == 0 and records:
        return RemoveRecord(TABLE, rng.choice(records).id)
    if kind == 1:
        record_id = f"k{seed}-{index}"
        return InsertRecord(TABLE, rng.randint(0, len(records)), Record(record_id, {
            "name": Value(f"killed evaluation {seed}/{index}"), "description": Value("x" * rng.randint(0, 20_000))}))
    if kind == 2:
        address = Address.parse(rng.choice(TEXT_FIELDS))
        return SetSensitivity(address, rng.choice([None, Sensitivity.INTERNAL, Sensitivity.HAZARDOUS]))
    if kind == 3:
        return Batch(tuple(SetValue(Address.parse(name), f"batch {seed}/{index} " + "b" * rng.randint(0, 8000))
                           for name in TEXT_FIELDS), "batch")
    return SetValue(Address.parse(rng.choice(TEXT_FIELDS)), f"edit {seed}/{index} " + "t" * rng.randint(0, 30_000))


def run_editor(path: Path, seed: int) -> None:
    from app.store import AssessmentFile
    assessment = AssessmentFile.open(path, "edit", program="kill test")
    print("ready", flush=True)
    index = 0
    while True:
        index += 1
        assessment.apply(edit_for(seed, index, assessment.document))
        print(f"ack {index}", flush=True)


@dataclass
class KillStats:
    kills: int = 0
    acknowledged: int = 0
    lost: int = 0
    unopenable: int = 0
    not_verified: int = 0
    hot_journals: int = 0
    stale_locks: int = 0
    in_flight_saved: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.kills} kills, {self.acknowledged} acknowledged edits, {self.lost} lost, "
                f"{self.unopenable} files unopenable, {self.not_verified} failed verify, "
                f"{self.hot_journals} hot journals recovered, {self.stale_locks} stale locks taken over, "
                f"{self.in_flight_saved} in-flight edits that reached the disk")


def kill_runs(path: Path, kills: int, seed: int = 1, max_delay: float = 0.8) -> KillStats:
    """Run ``kills`` editor processes on ``path``, each killed at a random moment."""
    from app.store import AssessmentFile, StoreError
    from app.store.recovery import has_journal
    from app.store.verification import verify_file

    rng = random.Random(seed)
    stats = KillStats()
    with AssessmentFile.open(path, "read") as start:
        state = start.document
    for run in range(kills):
        run_seed = seed * 10_000 + run
        editor = subprocess.Popen([sys.executable, __file__, str(path), str(run_seed)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        assert editor.stdout is not None
        first = editor.stdout.readline()
        if first.strip() != "ready":
            editor.kill()
            stats.unopenable += 1
            stats.problems.append(f"run {run}: the editor could not open the file: {editor.stderr.read()[-500:]}")
            continue
        time.sleep(rng.uniform(0.0, max_delay))
        os.kill(editor.pid, signal.SIGKILL)
        rest, _ = editor.communicate(timeout=60)
        acked = [int(line.split()[1]) for line in rest.splitlines() if line.startswith("ack ")]
        last = max(acked, default=0)
        stats.kills += 1
        stats.acknowledged += last
        expected = state.copy()
        for index in range(1, last + 1):
            expected.apply(edit_for(run_seed, index, expected))
        in_flight = expected.copy()
        in_flight.apply(edit_for(run_seed, last + 1, in_flight))
        stats.hot_journals += has_journal(path)
        try:
            with AssessmentFile.open(path, "edit", program="kill test checker") as reopened:
                found = reopened.document
                stats.stale_locks += reopened.lock is not None and reopened.lock.stale is not None
        except StoreError as error:
            stats.unopenable += 1
            stats.problems.append(f"run {run}: cannot reopen: {error}")
            break
        if found == expected:
            state = expected
        elif found == in_flight:
            state = in_flight
            stats.in_flight_saved += 1
        else:
            stats.lost += 1
            stats.problems.append(f"run {run}: the file holds neither edit {last} nor {last + 1}")
            state = found
        verdict = verify_file(path)
        if not verdict.intact:
            stats.not_verified += 1
            stats.problems.append(f"run {run}: verify: {verdict.problems[:2]}")
    return stats


if __name__ == "__main__":
    run_editor(Path(sys.argv[1]), int(sys.argv[2]))
