"""The audience filter: placeholders, counts, whole records, fail-closed behaviour."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.content.errors import ContentErrors
from app.interchange.examples import example_document
from app.model.document import Document, Record, Value
from app.model.sensitivity import Sensitivity
from app.redaction import FilterRefused, for_audience, load_audiences
from app.redaction.audiences import load_audiences as load_audiences_file
from app.redaction.filtering import REASON_WITHHELD

EVAL = "pre_deployment.evaluations"
DESCRIPTION = "pre_deployment.evaluations[].description"   # markdown, public by default
TASKS = "pre_deployment.evaluations[].task_details"        # markdown, hazardous by default


def _doc(*records: Record, **values: Value) -> Document:
    doc = Document()
    doc.values.update({path.replace("__", "."): value for path, value in values.items()})
    if records:
        doc.tables[EVAL] = list(records)
    return doc


def _record(record_id: str, description: str, **extra: Value) -> Record:
    values = {"name": Value(f"Suite {record_id}"), "description": Value(description), **extra}
    return Record(record_id, values)


def test_hazardous_span_becomes_a_fixed_placeholder_that_hides_its_length(forms) -> None:  # type: ignore[no-untyped-def]
    short = _record("ev-1", "Before [[hazard:bio]]Kit Q[[/hazard]] after.")
    long = _record("ev-2", "Before [[hazard:bio]]" + "a much longer imaginary protocol " * 20 + "[[/hazard]] after.")
    filtered = for_audience(_doc(short, long), "public", forms)
    texts = [r.values["description"].data for r in filtered.document.records(EVAL)]
    assert texts == ["Before [redacted: hazardous detail — biology] after."] * 2
    assert filtered.counts[("bio", "hazardous")] == 2
    assert {w.text for w in filtered.withheld_texts} >= {"Kit Q"}


def test_internal_sees_everything_with_markup_kept(forms) -> None:  # type: ignore[no-untyped-def]
    doc = _doc(_record("ev-1", "A [[hazard:chem]]step[[/hazard]] b.", task_details=Value("secret tasks")))
    filtered = for_audience(doc, "internal", forms)
    record = filtered.document.records(EVAL)[0]
    assert record.values["description"].data == "A [[hazard:chem]]step[[/hazard]] b."
    assert record.values["task_details"].data == "secret tasks"
    assert filtered.total == 0 and filtered.withheld_texts == []
    assert filtered.document is not doc and filtered.document.records(EVAL)[0] is not doc.records(EVAL)[0]


def test_values_above_the_audience_are_replaced_and_counted(forms) -> None:  # type: ignore[no-untyped-def]
    doc = _doc(_record("ev-1", "Public words.", task_details=Value("the imaginary recipe")))
    doc.values["pre_training.planned_compute_flop"] = Value(3.2e25)   # a flop field, internal by default
    for audience in ("reviewers", "public"):
        filtered = for_audience(doc, audience, forms)
        record = filtered.document.records(EVAL)[0]
        assert record.values["task_details"].data == "[redacted: hazardous detail]"
        assert f"{EVAL}[ev-1].task_details" in filtered.withheld_values
        assert record.values["description"].data == "Public words."
    public = for_audience(doc, "public", forms)
    assert public.document.values["pre_training.planned_compute_flop"].data == "[redacted: internal detail]"
    assert "pre_training.planned_compute_flop" in public.withheld_values
    assert public.counts[(None, "internal")] == 1 and public.counts[(None, "hazardous")] == 1
    reviewers = for_audience(doc, "reviewers", forms)
    assert reviewers.document.values["pre_training.planned_compute_flop"].data == 3.2e25


def test_raising_and_lowering_sensitivity(forms) -> None:  # type: ignore[no-untyped-def]
    raised = _record("ev-1", "Raised to internal by the assessor.")
    raised.values["description"].sensitivity = Sensitivity.INTERNAL
    lowered_no_reason = _record("ev-2", "x", task_details=Value("still hazardous", Sensitivity.PUBLIC))
    lowered_with_reason = _record("ev-3", "y", task_details=Value("cleared text", Sensitivity.PUBLIC,
                                                                  "published in the 2024 paper"))
    filtered = for_audience(_doc(raised, lowered_no_reason, lowered_with_reason), "public", forms)
    by_id = {r.id: r for r in filtered.document.records(EVAL)}
    assert by_id["ev-1"].values["description"].data == "[redacted: internal detail]"
    assert by_id["ev-2"].values["task_details"].data == "[redacted: hazardous detail]"
    assert by_id["ev-3"].values["task_details"].data == "cleared text"
    # The assessor's reasons are notes, not publication text: only their presence travels, so the
    # copy still counts the value at the level it was lowered to.
    assert by_id["ev-3"].values["task_details"].sensitivity_reason == REASON_WITHHELD
    assert "cleared" not in REASON_WITHHELD


def test_hazardous_record_is_withheld_whole_and_disclosed(forms) -> None:  # type: ignore[no-untyped-def]
    secret = _record("ev-glimmer", "Public-looking words about Glimmerpox-7.")
    secret.sensitivity = Sensitivity.HAZARDOUS
    doc = _doc(_record("ev-1", "Kept."), secret, _record("ev-3", "Kept too."))
    filtered = for_audience(doc, "reviewers", forms)
    records = filtered.document.records(EVAL)
    assert [r.id for r in records] == ["ev-1", "withheld-1", "ev-3"]
    placeholder = records[1]
    assert placeholder.values == {"name": Value("[redacted: hazardous record]", Sensitivity.HAZARDOUS)}
    assert (EVAL, "withheld-1") in filtered.withheld_records
    assert filtered.counts[(None, "hazardous")] == 1
    assert filtered.by_kind() == {"record": 1}
    assert any("Glimmerpox-7" in w.text for w in filtered.withheld_texts)
    assert "1 record withheld as hazardous" in filtered.disclosure()


@pytest.mark.parametrize("markup", [
    "[[hazard:bio]]never closed",
    "[[hazard:biology]]bad domain[[/hazard]]",
    "[[ Hazard : bio ]]odd spelling[[/hazard]]",
    "closes nothing[[/hazard]]",
    "[[hazard:bio]]a [[hazard:chem]]nested[[/hazard]][[/hazard]]",
])
def test_malformed_markup_anywhere_refuses_with_the_field_path(forms, markup: str) -> None:  # type: ignore[no-untyped-def]
    withheld_record = _record("ev-9", "fine", task_details=Value(markup))
    withheld_record.sensitivity = Sensitivity.HAZARDOUS
    for doc, where in ((_doc(_record("ev-1", markup)), f"{EVAL}[ev-1].description"),
                       (_doc(withheld_record), f"{EVAL}[ev-9].task_details"),
                       (_doc(header__model__name=Value(markup)), "header.model.name")):
        for audience in ("public", "reviewers"):
            with pytest.raises(FilterRefused) as refused:
                for_audience(doc, audience, forms)
            assert refused.value.address == where
            assert str(refused.value).startswith(where)


def test_markup_in_a_non_text_field_or_record_id_refuses(forms) -> None:  # type: ignore[no-untyped-def]
    doc = _doc(header__status=Value("[[hazard:bio]]x[[/hazard]]"))
    with pytest.raises(FilterRefused, match="header.status"):
        for_audience(doc, "public", forms)
    with pytest.raises(FilterRefused, match="record id"):
        for_audience(_doc(_record("[[hazard:bio]]", "x")), "public", forms)


def test_values_the_filter_cannot_vouch_for_are_withheld(forms) -> None:  # type: ignore[no-untyped-def]
    doc = _doc(_record("ev-1", "ok", model_variant=Value("a free-text protocol smuggled into an enum")),
               **{"header__no_such_field": Value("stray text"), "header__status": Value("not an option")})
    doc.tables["no_such.table"] = [Record("r-1", {"x": Value("stray record text")})]
    filtered = for_audience(doc, "public", forms)
    record = filtered.document.records(EVAL)[0]
    assert record.values["model_variant"].data == "[redacted: unchecked value]"
    assert "header.no_such_field" not in filtered.document.values
    assert filtered.document.values["header.status"].data == "[redacted: unchecked value]"
    assert "no_such.table" not in filtered.document.tables
    assert filtered.by_reason() == {"unchecked": 4}
    texts = {w.text for w in filtered.withheld_texts}
    assert {"a free-text protocol smuggled into an enum", "stray text", "stray record text"} <= texts


def test_example_assessment_counts_per_domain_and_reason(forms) -> None:  # type: ignore[no-untyped-def]
    doc = example_document()
    public = for_audience(doc, "public", forms)
    reviewers = for_audience(doc, "reviewers", forms)
    assert public.total > reviewers.total > 0
    assert set(public.by_reason()) <= {"hazardous", "internal"}
    assert "internal" not in reviewers.by_reason()
    # Every hazardous passage of the example is gone from the public copy.
    for _, value in public.document.addresses():
        assert "[[hazard:" not in str(value.data)
    assert for_audience(doc, "internal", forms).document == doc


def test_unknown_audience_is_a_clear_error(forms) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(KeyError, match="unknown audience 'press'"):
        for_audience(Document(), "press", forms)


def _broken_audiences(tmp_path: Path, old: str, new: str) -> str:
    text = (Path(__file__).resolve().parent.parent / "schemas" / "audiences.yaml").read_text()
    assert old in text
    broken = tmp_path / "audiences.yaml"
    broken.write_text(text.replace(old, new))
    with pytest.raises(ContentErrors) as raised:
        load_audiences_file(broken)
    return str(raised.value)


def test_audiences_file_errors_are_located(tmp_path: Path) -> None:
    message = _broken_audiences(tmp_path, "sees: public", "sees: internal")
    assert "audiences.yaml:20:11: audience 'public' must see public, not internal" in message
    message = _broken_audiences(tmp_path, '"[redacted: internal detail]"', '"[redacted: {length} chars]"')
    assert "audiences.yaml:38:19: a placeholder is fixed text" in message
    message = _broken_audiences(tmp_path, '"[redacted: hazardous record]"', '"[[hazard:bio]]"')
    assert "placeholder 'hazardous_record' looks like hazard-span markup" in message


def test_shipped_audiences(forms) -> None:  # type: ignore[no-untyped-def]
    audiences = load_audiences()
    assert audiences.ids() == ("internal", "reviewers", "public")
    assert audiences.passage("cyber") == "[redacted: hazardous detail — cybersecurity]"
