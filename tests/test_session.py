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
