"""Property: whatever an assessor withholds in any included assessment, no wider quarterly update shows it.

Each example takes a portfolio of two public models and one whose facts carry canaries, withholds a random
selection of those facts (internal or hazardous), and exports the public or reviewers edition in a random format.
Every canary withheld must be absent from the finished bytes — by the leak scan, which reads every channel of
the format, and by a plain search of the decoded bytes (text formats) or every part of the package (DOCX) — while
the internal edition, the positive control, shows every canary. More examples: RISKWRIGHT_PROPERTY_EXAMPLES=200.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from app.export.quarterly import Quarter
from app.interchange.examples import write_example
from app.model.document import Batch, InsertRecord, Record, SetSensitivity, SetValue, Value
from app.model.paths import Address
from app.model.sensitivity import Sensitivity
from app.redaction.leak_scan import leak_scan
from app.session.quarterly import export_quarterly
from app.store.file import AssessmentFile

Q2 = Quarter(2026, 2)
AS_OF = date(2026, 6, 30)
EXAMPLES = int(os.environ.get("RISKWRIGHT_PROPERTY_EXAMPLES", "5"))


@dataclass(frozen=True)
class Canary:
    """A fact of the canary model: where it is stored and the text an edition would print for it."""

    key: str
    text: str


CANARIES = (
    Canary("name", "Zorblat-Canary-7731"),
    Canary("version", "zq-canary-4410"),
    Canary("developer", "Quibblewick Canary Foundry"),
    Canary("decision_date", "2026-05-19"),
    Canary("incident_title", "Frobnitz canary outage on the practice grid"),
    Canary("incident_date", "2026-04-23"),
    Canary("reassessment_date", "2026-06-07"),
    Canary("policy_change", "Snarfle canary clause about escalation quorum"),
)
BY_KEY = {canary.key: canary for canary in CANARIES}
WITHHELD_LEVELS = (Sensitivity.INTERNAL, Sensitivity.HAZARDOUS)


def _value(key: str, data: object, withheld: dict[str, Sensitivity]) -> Value:
    return Value(data, withheld.get(key), "canary under test" if key in withheld else None)


def _write_canary_model(path: Path, withheld: dict[str, Sensitivity]) -> None:
    """The third model: every canary stored in its place, those in ``withheld`` at the drawn sensitivity."""
    header = {"name": "header.model.name", "version": "header.model.version",
              "developer": "header.model.developer", "decision_date": "deployment_decision.decision_date"}
    edits: list = []
    for key, address in header.items():
        text = BY_KEY[key].text
        edits.append(SetValue(Address(address), date.fromisoformat(text) if key.endswith("date") else text))
        if key in withheld:
            edits.append(SetSensitivity(Address(address), withheld[key], "canary under test"))
    edits.append(InsertRecord("deployment.incidents", 0, Record("inc-canary", {
        "title": _value("incident_title", BY_KEY["incident_title"].text, withheld),
        "date": _value("incident_date", date.fromisoformat(BY_KEY["incident_date"].text), withheld),
        "kind": Value("not_serious"), "severity": Value("low")})))
    edits.append(InsertRecord("deployment.reassessments", 0, Record("ra-canary", {
        "date": _value("reassessment_date", date.fromisoformat(BY_KEY["reassessment_date"].text), withheld),
        "trigger": Value("scheduled")})))
    edits.append(InsertRecord("accountability.policy_changes", 0, Record("pc-canary", {
        "date": Value(date(2026, 5, 5)),
        "description": _value("policy_change", BY_KEY["policy_change"].text, withheld)})))
    with AssessmentFile.open(path) as assessment:
        assessment.apply(Batch(tuple(edits)))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example written once; every example copies it (writing one takes most of a second)."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "example.rwa"
    write_example(path)
    for name, decided in (("Public-Alder", date(2026, 4, 14)), ("Public-Birch", date(2026, 1, 20))):
        copy = folder / f"{name.lower()}.rwa"
        shutil.copyfile(path, copy)
        with AssessmentFile.open(copy) as assessment:
            assessment.apply(Batch((SetValue(Address("header.model.name"), name),
                                    SetValue(Address("deployment_decision.decision_date"), decided))))
    return folder


def _portfolio(template: Path, into: Path, withheld: dict[str, Sensitivity]) -> Path:
    folder = into / "models"
    folder.mkdir()
    for name in ("public-alder.rwa", "public-birch.rwa"):
        shutil.copyfile(template / name, folder / name)
    shutil.copyfile(template / "example.rwa", folder / "canary.rwa")
    _write_canary_model(folder / "canary.rwa", withheld)
    return folder


def _plain_texts(data: bytes, fmt: str) -> list[str]:
    """The finished file as a plain search sees it, independent of the leak scan's readers."""
    if fmt == "docx":
        with zipfile.ZipFile(BytesIO(data)) as package:
            return [package.read(name).decode("utf-8", "replace") for name in package.namelist()]
    if fmt == "pdf":
        return [data.decode("latin-1")]
    return [data.decode("utf-8")]


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(withheld=st.dictionaries(st.sampled_from([c.key for c in CANARIES]), st.sampled_from(WITHHELD_LEVELS),
                                min_size=1),
       audience=st.sampled_from(("public", "reviewers")),
       fmt=st.sampled_from(("pdf", "md", "html", "json", "docx")))
def test_no_withheld_canary_reaches_a_wider_quarterly_update(template: Path, tmp_path_factory: pytest.TempPathFactory,
                                                              withheld: dict[str, Sensitivity], audience: str,
                                                              fmt: str) -> None:
    work = tmp_path_factory.mktemp("example")
    folder = _portfolio(template, work, withheld)
    # Reviewers may see internal values; they are canaries only for the public.
    hidden = [BY_KEY[key].text for key, level in withheld.items()
              if audience == "public" or level is Sensitivity.HAZARDOUS]
    if withheld.get("name") and (audience == "public" or withheld["name"] is Sensitivity.HAZARDOUS):
        hidden = [c.text for c in CANARIES]  # a withheld model is left out entirely: none of its facts may show
    wide = work / f"update.{audience}.{fmt}"
    export_quarterly([folder], Q2, audience, fmt, wide, AS_OF)
    data = wide.read_bytes()
    assert leak_scan(data, fmt, hidden) == []
    for text in _plain_texts(data, fmt):
        for canary in hidden:
            assert canary not in text, f"{canary!r} in the {audience} {fmt}"

    internal = work / "update.internal.md"
    export_quarterly([folder], Q2, "internal", "md", internal, AS_OF)
    shown = internal.read_text(encoding="utf-8")
    missing = [c.text for c in CANARIES if c.text not in shown]
    assert missing == [], f"the internal edition (positive control) lacks {missing}"
