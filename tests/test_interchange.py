"""YAML interchange: lossless round trips, and bad YAML refused with its position."""

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profiles import examples

from app.content.errors import ContentErrors
from app.content.forms import load_forms
from app.interchange import dump_document, load_document
from app.interchange.examples import example_document
from app.model import HAZARD_DOMAINS, Document, Record, Sensitivity, Value
from app.model.values import EARLIEST_DATE, LATEST_DATE

FORMS = load_forms()
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40).filter(
    lambda s: "[[" not in s and "]]" not in s)


def _plain_or_marked(draw) -> str:
    parts = draw(st.lists(st.tuples(TEXT, st.none() | st.sampled_from(HAZARD_DOMAINS)), min_size=1, max_size=4))
    return "".join(text if domain is None else f"[[hazard:{domain}]]{text}[[/hazard]]" for text, domain in parts)


@st.composite
def leaf_value(draw, spec):
    kind = spec.type
    if kind in ("text", "markdown"):
        data = _plain_or_marked(draw)
    elif kind == "integer":
        data = draw(st.integers(int(spec.minimum if spec.minimum is not None else -10**12),
                                int(spec.maximum if spec.maximum is not None else 10**12)))
    elif kind == "number":
        data = draw(st.floats(min_value=spec.minimum, max_value=spec.maximum, allow_nan=False,
                              allow_infinity=False, width=64))
    elif kind == "flop":
        data = draw(st.floats(min_value=1e-3, max_value=1e32, allow_nan=False))
    elif kind == "date":
        data = draw(st.dates(EARLIEST_DATE, LATEST_DATE))
    elif kind == "boolean":
        data = draw(st.booleans())
    elif kind == "enum":
        data = draw(st.sampled_from(spec.option_ids()))
    else:
        data = draw(st.from_regex(r"[a-z][a-z0-9_-]{0,12}", fullmatch=True))
    if data == "":
        data = None
    sensitivity = draw(st.none() | st.sampled_from(list(Sensitivity)))
    reason = draw(st.none() | TEXT.filter(bool)) if sensitivity is not None else None
    return Value(data, sensitivity, reason)


@st.composite
def documents(draw):
    doc = Document()
    leaves = [s for s in FORMS.leaves() if s.table is None]
    for spec in draw(st.lists(st.sampled_from(leaves), max_size=12, unique_by=lambda s: s.path)):
        value = draw(leaf_value(spec))
        if not value.is_empty:
            doc.values[spec.path] = value
    tables = list(FORMS.tables())
    for table in draw(st.lists(st.sampled_from(tables), max_size=3, unique_by=lambda s: s.path)):
        fields = list(FORMS.record_leaves(table.path))
        records = []
        for number in range(draw(st.integers(1, 3))):
            record = Record(f"{table.id_prefix}-{number + 1}",
                            sensitivity=draw(st.none() | st.sampled_from(list(Sensitivity))))
            for spec in draw(st.lists(st.sampled_from(fields), max_size=4, unique_by=lambda s: s.path)):
                value = draw(leaf_value(spec))
                if not value.is_empty:
                    record.values[spec.path.split("[].", 1)[1]] = value
            records.append(record)
        doc.tables[table.path] = records
    return doc


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_import_of_a_dump_is_the_same_document_and_dumps_identically(doc):
    text = dump_document(doc, FORMS)
    again = load_document(text, "dump.yaml", FORMS)
    assert again == doc
    assert dump_document(again, FORMS) == text


def test_the_example_round_trips_with_spans_and_sensitivities():
    doc = example_document()
    text = dump_document(doc, FORMS)
    assert "[[hazard:" in text and "sensitivity: hazardous" in text
    assert load_document(text, "x.yaml", FORMS) == doc


def _error_lines(text: str) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load_document(text, "bad.yaml", FORMS)
    return [str(e) for e in caught.value.errors]


@pytest.mark.parametrize("text, expected", [
    ("riskwright: 1\nheader: [unclosed\n", "bad.yaml:3:1: "),
    ("riskwright: 1\nheader:\n  colour: red\n", "bad.yaml:3:3: unknown field 'colour'"),
    ("riskwright: 1\nheadr:\n  framework: x\n", "bad.yaml:2:1: unknown stage 'headr'"),
    ("riskwright: 1\ntraining:\n  checkpoints:\n    - id: c1\n      effective_compute_flop: -3e25\n",
     "bad.yaml:5:31: Effective compute"),
    ("riskwright: 1\nheader:\n  model:\n    release_type: sideways\n", "bad.yaml:4:19: Release type"),
    ("riskwright: 1\nheader:\n  assessment_date: 14/03/2025\n", "bad.yaml:3:20: "),
    ("riskwright: 1\nheader:\n  scope: '[[hazard:bio]]never closed'\n", "bad.yaml:3:10: Scope: hazard span"),
    ("riskwright: 1\nheader:\n  scope: a\n  scope: b\n", "bad.yaml:4:3: duplicate key 'scope'"),
    ("riskwright: 2\n", "bad.yaml:1:13: expected 'riskwright: 1'"),
    ("riskwright: 1\ntraining:\n  checkpoints:\n    - id: c1\n    - id: c1\n",
     "bad.yaml:5:11: record id 'c1' is used twice"),
    ("riskwright: 1\nheader:\n  scope:\n    value: x\n    sensitivity: secret\n", "bad.yaml:5:18: unknown sensitivity"),
])
def test_bad_yaml_names_the_place(text, expected):
    errors = _error_lines(text)
    assert any(e.startswith(expected) for e in errors), errors


def test_cli_import_of_bad_yaml_exits_2_and_creates_nothing(tmp_path):
    source = tmp_path / "in.yaml"
    source.write_text("riskwright: 1\nheader:\n  colour: red\n")
    target = tmp_path / "out.rwa"
    result = subprocess.run([sys.executable, "-m", "app.cli", "import", str(source), "-o", str(target)],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert f"{source}:3:3: unknown field 'colour'" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.yaml"]


def test_cli_dump_then_import_then_dump_is_identical(tmp_path, example_file):
    run = [sys.executable, "-m", "app.cli"]
    first = subprocess.run(run + ["dump", str(example_file)], capture_output=True, text=True, check=True).stdout
    (tmp_path / "a.yaml").write_text(first)
    subprocess.run(run + ["import", str(tmp_path / "a.yaml"), "-o", str(tmp_path / "b.rwa")], check=True,
                   capture_output=True)
    second = subprocess.run(run + ["dump", str(tmp_path / "b.rwa")], capture_output=True, text=True,
                            check=True).stdout
    assert first == second
    assert "Halcyon" in first or "model:" in first
