"""Hostile interchange YAML: limits, positions, exit 2, and never a traceback (issue 12)."""

from __future__ import annotations

import re

import pytest
import yaml
from durability_helpers import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.content.errors import ContentError, ContentErrors
from app.content.forms import load_forms
from app.interchange import dump_document, load_document
from app.interchange.bounded_yaml import Limits, load_bounded
from app.model.validate import validate

FORMS = load_forms()
HEAD = "riskwright: 1\n"
POSITION = re.compile(r"^\S+:\d+:\d+: ", re.MULTILINE)


def _bomb(levels: int = 12) -> str:
    lines = [HEAD, 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 9)}]")
    return "\n".join(lines) + "\n"


HOSTILE = {
    "deep lists": (HEAD + "header: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than|nesting depth"),
    "deep maps": (HEAD + "header: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n", "nested more than"),
    "a 5000-digit integer": (HEAD + "deployment:\n  reassessment_interval_months: " + "9" * 5000 + "\n",
                             "digits"),
    "a lone surrogate": (HEAD + 'header:\n  model:\n    name: "\\ud800"\n', "surrogate|invalid Unicode"),
    "an alias bomb": (_bomb(), "aliases"),
    "a recursive alias": (HEAD + "header: &h\n  model: *h\n", "refers to no anchor"),
    "an unknown tag": (HEAD + "header: !!python/object:os.system {}\n", "tag"),
    "a binary tag": (HEAD + "header:\n  model:\n    name: !!binary aGVsbG8=\n", "tag"),
    "a merge key": (HEAD + "base: &b {name: x}\nheader:\n  model:\n    <<: *b\n", "merges"),
    "two documents": (HEAD + "---\nriskwright: 1\n", "more than one YAML document"),
    "interval of 100000 months": (HEAD + "deployment:\n  reassessment_interval_months: 100000\n", "at most 120"),
    "a date in year 10000": (HEAD + "header:\n  assessment_date: '10000-01-01'\n", "YYYY-MM-DD"),
    "a date in year 9999": (HEAD + "header:\n  assessment_date: 9999-12-31\n", "between 1900-01-01"),
    "a timestamp with a time": (HEAD + "header:\n  assessment_date: 2025-01-01T10:00:00\n", "YYYY-MM-DD"),
    "a huge integer field": (HEAD + "pre_deployment:\n  third_party_access:\n  - organisation: X\n"
                                    "    duration_days: 123456789012345678901\n", "15 digits"),
    "infinity": (HEAD + "pre_training:\n  planned_compute_flop: .inf\n", "positive number"),
    "a list where a value goes": (HEAD + "header:\n  model:\n    name: [a, b]\n", "single value"),
    "a key that is a list": (HEAD + "? [a]\n: 1\n", "plain text"),
    "a non-string record id": (HEAD + "pre_deployment:\n  evaluations:\n  - id: [1]\n", "record id"),
    "a null stage body": (HEAD + "header:\n", None),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_yaml_is_a_positioned_error_never_a_traceback(case):
    text, expected = HOSTILE[case]
    if expected is None:
        load_document(text, "hostile.yaml", FORMS)
        return
    with pytest.raises(ContentErrors) as errors:
        load_document(text, "hostile.yaml", FORMS)
    message = str(errors.value)
    assert re.search(expected, message), message
    assert POSITION.match(message) or message.startswith("hostile.yaml: "), message


def test_the_cli_exits_2_with_file_line_column(tmp_path):
    for case in ("deep lists", "a 5000-digit integer", "a lone surrogate", "an alias bomb",
                 "interval of 100000 months"):
        source = tmp_path / "hostile.yaml"
        source.write_text(HOSTILE[case][0], encoding="utf-8", errors="surrogatepass")
        result = run_cli("import", str(source), "-o", str(tmp_path / "out.rwa"))
        assert result.returncode == 2, (case, result.stderr)
        assert "Traceback" not in result.stderr and re.search(r"hostile\.yaml:\d+:\d+: ", result.stderr), \
            (case, result.stderr)
        assert not (tmp_path / "out.rwa").exists()


def test_size_and_count_limits_are_stated():
    small = Limits(max_bytes=1000, max_nodes=50, max_scalar_chars=10)
    for text, expected in (("x" * 2000, "bytes"), ("[" + "1, " * 60 + "]", "more than 50 values"),
                           ("a: " + "b" * 20, "characters")):
        with pytest.raises(ContentError, match=expected):
            load_bounded(text, "small.yaml", small)


def test_values_outside_a_fields_range_are_validation_errors_with_the_path(example_file):
    from app.model import Address, SetValue
    from app.store import AssessmentFile
    with AssessmentFile.open(example_file, "unlocked") as assessment:
        assessment.apply(SetValue(Address.parse("deployment.reassessment_interval_months"), 100000.0))
    result = run_cli("validate", str(example_file))
    assert result.returncode == 1
    assert "deployment.reassessment_interval_months: expected at most 120, got 100000" in result.stdout
    # ... and exporting such a file still works: it is a finding, not a crash.
    out = example_file.with_suffix(".pdf")
    exported = run_cli("export", str(example_file), "--audience", "internal", "-o", str(out))
    assert "Traceback" not in exported.stderr and exported.returncode in (0, 1), exported.stderr


# -- fuzzing -------------------------------------------------------------------------------------------
_KEYS = sorted({spec.id for spec in FORMS.all_fields()} | set(FORMS.stages) | {"riskwright", "id", "value",
                                                                                "sensitivity", "<<"})
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(), st.text(max_size=30),
    st.sampled_from(["2025-01-02", "9999-12-31", "0001-01-01", "1e999", "-0", "public", "hazardous",
                     "[[hazard:bio]]x[[/hazard]]", "[[hazard:bio]]", "\\ud800", "~", "yes", "0x1F"]),
)
_TREES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(_KEYS), inner, max_size=5)), max_leaves=30)


def _to_yaml(tree: object) -> str:
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.dictionaries(st.sampled_from(_KEYS), _TREES, max_size=6), mutation=st.integers(0, 400),
       junk=st.sampled_from(["", "{", "]", ": :", "&a", "*zz", "!!int x", "\t", "'", '"\\', "- - -", "? "]))
def test_fuzzed_yaml_is_accepted_or_refused_never_crashes(body, mutation, junk):
    text = _to_yaml({"riskwright": 1, **body})
    cut = mutation % (len(text) + 1)
    for candidate in (text, text[:cut] + junk + text[cut:]):
        try:
            doc = load_document(candidate, "fuzz.yaml", FORMS)
        except ContentErrors as errors:
            assert all(str(error).startswith("fuzz.yaml") for error in errors.errors)
            continue
        # Whatever is accepted can be stored, dumped again and validated.
        validate(doc, FORMS)
        again = load_document(dump_document(doc, FORMS), "again.yaml", FORMS)
        assert again == doc
