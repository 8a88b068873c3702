"""The application layer without a window: open, edit, hear about it, check again, choose."""

from __future__ import annotations

from app.checks import check, load_framework
from app.model import Address, RemoveRecord, SetValue
from app.session import Change, Session


def test_an_edit_is_saved_announced_and_rechecked_like_a_full_check(example_file, forms) -> None:
    session = Session.open(example_file, forms)
    heard: list[Change] = []
    session.changed.connect(heard.append)
    checks = session.checks
    first = checks.run(*checks.take(session.document))
    assert first.status is not None and not first.framework_error

    address = Address("pre_deployment.determinations[].post_mitigation_level", "det-1")
    inverse = session.edit(SetValue(address, "critical"))
    session.edit(RemoveRecord("pre_deployment.evaluations", "ev-2"))
    assert [change.addresses for change in heard] == [(address,), ("pre_deployment.evaluations",)]
    document, touched = checks.take(session.document)
    assert touched == [address, "pre_deployment.evaluations"]
    again = checks.run(document, touched)
    full = check(session.document, load_framework(session.framework() or ""))
    assert again.findings == list(full.findings)
    assert again.status == full.status

    session.edit(inverse, via_history=True)
    assert heard[-1].via_history
    session.close()
    reopened = Session.open(example_file, forms)
    assert reopened.document.get(address) == inverse.data  # type: ignore[union-attr]
    assert reopened.document.record("pre_deployment.evaluations", "ev-2") is None
    reopened.close()


def test_choices_follow_the_framework_and_the_record_category(example_file, forms) -> None:
    session = Session.open(example_file, forms)
    levels = session.field_choices("pre_deployment.determinations[].post_mitigation_level", "det-1")
    categories = session.field_choices("pre_deployment.determinations[].category", "det-1")
    assert levels and categories
    assert all(label for _id, label in levels)
    frameworks = session.field_choices("header.framework", None)
    assert frameworks and (session.framework(), session.framework()) in frameworks
    session.close()


def test_the_live_checks_snapshot_copies_only_what_changed_and_equals_a_full_copy(example_file, forms) -> None:
    from app.model import InsertRecord, MoveRecord, Record, SetRecordSensitivity, SetSensitivity
    from app.model.sensitivity import Sensitivity
    from app.session.analysis import snapshot
    session = Session.open(example_file, forms)
    checks = session.checks
    taken, _ = checks.take(session.document)
    evaluation = Address("pre_deployment.evaluations[].description", "ev-1")
    edits = [
        [SetValue(evaluation, "changed once")],
        [SetValue(evaluation, "changed twice"), SetValue(Address("header.scope"), "a new scope")],
        [SetSensitivity(evaluation, Sensitivity.INTERNAL, "a reason")],
        [InsertRecord("pre_deployment.evaluations", 0, Record("ev-new", {}))],
        [MoveRecord("pre_deployment.evaluations", "ev-new", 2)],
        [SetRecordSensitivity("pre_deployment.evaluations", "ev-1", Sensitivity.INTERNAL, "why")],
        [RemoveRecord("pre_deployment.evaluations", "ev-new")],
    ]
    for step in edits:
        before = taken
        for edit in step:
            session.edit(edit)
        taken, touched = checks.take(session.document)
        assert touched is not None
        assert taken == snapshot(session.document)
        assert taken.tables["pre_deployment.evaluations"] is not session.document.tables["pre_deployment.evaluations"]
        untouched = [t for t in taken.tables if t != "pre_deployment.evaluations"]
        assert untouched and all(taken.tables[t] is before.tables[t] for t in untouched)  # shared, not copied
    record = session.document.record("pre_deployment.evaluations", "ev-1")
    copy = taken.record("pre_deployment.evaluations", "ev-1")
    assert record is not None and copy is not None and copy is not record and copy.values is not record.values
    session.close()


def test_the_live_check_reworks_only_touched_records_and_equals_a_full_one(example_file, forms, monkeypatch) -> None:
    """Problems and revision hash are kept per snapshot record (RecordProblems, RecordTexts): after every kind
    of edit they equal those of the whole document worked out afresh, and an edit of one value re-checks
    only its record."""
    import importlib
    validation = importlib.import_module("app.model.validate")
    from app.content.frameworks import vocabulary_for
    from app.model import InsertRecord, MoveRecord, Record, SetRecordSensitivity, SetSensitivity
    from app.model.canonical import revision_hash
    from app.model.sensitivity import Sensitivity
    from app.session.analysis import listing
    session = Session.open(example_file, forms)
    checks = session.checks
    checks.run(*checks.take(session.document))
    level = Address("pre_deployment.determinations[].post_mitigation_level", "det-1")
    category = Address("pre_deployment.determinations[].category", "det-1")
    other = [choice for choice in session.field_choices(str(category.field), "det-1") or []
             if choice[0] != session.document.get(category)]
    edits = [
        [SetValue(level, "not-a-level")],
        [SetValue(Address("pre_deployment.evaluations[].description", "ev-1"), "changed")],
        [SetValue(category, other[0][0])] if other else [],
        [SetSensitivity(Address("pre_deployment.evaluations[].description", "ev-1"), Sensitivity.PUBLIC, None)],
        [SetValue(level, None)],
        [InsertRecord("pre_deployment.evaluations", 0, Record("ev-new", {}))],
        [MoveRecord("pre_deployment.evaluations", "ev-new", 3)],
        [RemoveRecord("pre_deployment.evaluations", "ev-new")],
        [SetRecordSensitivity("pre_deployment.evaluations", "ev-2", Sensitivity.PUBLIC, None)],
        [SetValue(Address("header.framework"), "not-installed")],
        [SetValue(Address("header.framework"), session.framework())],
    ]
    checked: list[str] = []
    original = validation._check_stored

    def counting(doc, forms_, vocabulary, applies, address, *rest):  # type: ignore[no-untyped-def]
        checked.append(str(address))
        return original(doc, forms_, vocabulary, applies, address, *rest)
    monkeypatch.setattr(validation, "_check_stored", counting)
    for step in edits:
        for edit in step:
            session.edit(edit)
        checked.clear()
        document, touched = checks.take(session.document)
        result = checks.run(document, touched)
        rechecked = {address for address in checked if "[" in address}
        framework = document.get("header.framework")
        assert result.problems == validation.validate(
            document, forms, vocabulary_for(framework if isinstance(framework, str) else None),
            session.conditions().applies_fn(document))
        assert result.revision_hash == revision_hash(document) == revision_hash(session.document)
        assert result.listing == listing(result, forms)
        if step and isinstance(step[0], SetValue) and step[0].address.record == "ev-1":
            assert rechecked and all("[ev-1]" in address for address in rechecked)  # not the other records
    again = checks.run(*checks.take(session.document))
    assert again.listing == result.listing and all(
        mine is theirs for mine, theirs in zip(again.listing or (), result.listing or (), strict=True))  # same lines
    session.close()


def test_the_memos_answer_as_a_full_pass_for_odd_documents(forms) -> None:
    """Record ids twice (a damaged file), dates, text beyond ASCII, empty tables and lowered sensitivities."""
    from datetime import date
    from app.model import Document, Record
    from app.model.canonical import RecordTexts, revision_hash
    from app.model.document import Value
    from app.model.sensitivity import Sensitivity
    from app.model.validate import RecordProblems, validate
    table = "pre_deployment.evaluations"
    twice = [Record("ev-1", {"description": Value("ä \u2028 \"q\"")}), Record("ev-1", {"description": Value(3)}),
             Record("ev-2", {"date": Value(date(2026, 1, 2), Sensitivity.PUBLIC)}, Sensitivity.PUBLIC)]
    doc = Document({"header.scope": Value(["x", date(2025, 5, 6)], Sensitivity.PUBLIC, "because")},
                   {table: twice, "training.checkpoints": []})
    problems, texts = RecordProblems(), RecordTexts()
    for _ in range(2):
        assert validate(doc, forms, memo=problems) == validate(doc, forms)
        assert texts.document(doc) and revision_hash(doc, texts) == revision_hash(doc)


def test_after_another_programs_change_the_live_check_checks_everything_again(example_file, forms) -> None:
    """The file's document is read again when another program changed it (``follow_outside_changes``): nothing
    this session edited names what changed, so the check must not re-run only the rules its own edits touch
    (it kept the findings, status and score of the content before the change)."""
    from app.checks.documents import document_findings
    from app.store import AssessmentFile
    session = Session.open(example_file, forms)
    checks = session.checks
    before = checks.run(*checks.take(session.document))
    address = Address("pre_deployment.determinations[].post_mitigation_level", "det-1")
    with AssessmentFile.open(example_file, "unlocked") as other:  # a program that ignores the lock
        other.apply(SetValue(address, "critical"))
    assert session.assessment.follow_outside_changes()
    assert session.document.get(address) == "critical"
    again = checks.run(*checks.take(session.document))
    full = check(session.document, load_framework(session.framework() or ""))
    assert full.findings != before.findings  # the change is one the check reports
    assert again.findings == list(full.findings) + document_findings(session.document, forms)
    assert (again.status, again.score) == (full.status, full.score)
    session.close()
