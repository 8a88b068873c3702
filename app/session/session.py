"""One open assessment and what a person does with it: the application layer's centre.

``Session`` owns the open file, the form definitions and the live checks. An
edit goes through ``edit``: the file applies and saves it (one transaction with
its history entry) and the session announces a ``Change`` through the plain
observer ``changed``. The live checks listen; the window adapts the event to a
Qt signal for its widgets (``app.ui.session``); the command line simply calls
the same methods. Nothing here imports Qt.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.model import Address, Document, Edit, FormSet, touched_addresses
from app.model.validate import Vocabulary
from app.session.analysis import LiveChecks
from app.session.events import Event
from app.store import AssessmentFile


@dataclass(frozen=True)
class Change:
    """What one edit, undo or redo changed."""

    edit: Edit
    addresses: tuple[Address | str, ...]
    """Addresses for values, table paths for record edits."""
    via_history: bool
    """True for undo/redo: the form should show where the change happened."""


class Session:
    """The open file plus the use cases that act on it."""

    def __init__(self, assessment: AssessmentFile, forms: FormSet) -> None:
        self.assessment = assessment
        self.forms = forms
        self.changed: Event[Change] = Event()
        self._vocabulary: tuple[str | None, Vocabulary] | None = None
        self._labels: tuple[str | None, dict[str, str]] | None = None
        self._conditions: Any = None
        self.checks = LiveChecks(forms, self.conditions)
        self.changed.connect(lambda change: self.checks.note(change.addresses))

    @classmethod
    def open(cls, path: str | os.PathLike[str], forms: FormSet | None = None) -> Session:
        """Open ``path``; raises StoreError (or OSError) saying what is wrong, changing nothing."""
        if forms is None:
            from app.content.forms import load_forms
            forms = load_forms()
        return cls(AssessmentFile.open(path), forms)

    @property
    def document(self) -> Document:
        return self.assessment.document

    @property
    def path(self) -> Path:
        return self.assessment.path

    # -- editing -------------------------------------------------------------------------
    def edit(self, edit: Edit, via_history: bool = False, keep_unsaved: bool = False, later: bool = False) -> Edit:
        """Apply and save ``edit``, announce it, and return its inverse (for undo).

        ``keep_unsaved``: a save that fails keeps the edit in the document and
        queues it for ``retry_save`` (``assessment.save_problem`` says why)
        instead of raising — for a window, where the person's typing must not vanish.
        ``later``: save it on the file's writer thread when one runs (``AssessmentFile.apply_later``;
        implies ``keep_unsaved``): ``assessment.saving`` is true until the window has seen it committed.
        """
        if later:
            inverse = self.assessment.apply_later(edit)
        else:
            inverse = self.assessment.apply(edit, keep_unsaved=keep_unsaved)
        self.announce(edit, via_history)
        return inverse

    def announce(self, edit: Edit, via_history: bool = False) -> None:
        """Tell listeners about an edit already applied and saved (by ``edit`` or a flag resolution)."""
        self.changed.emit(Change(edit, tuple(touched_addresses(edit)), via_history))

    # -- what the forms need from the content ----------------------------------------------
    def framework(self) -> str | None:
        value = self.document.values.get("header.framework")  # what document.get("header.framework") reads
        data = None if value is None else value.data
        return data if isinstance(data, str) else None

    def vocabulary(self) -> Vocabulary:
        """Categories and ladders of the assessment's framework (cached per framework)."""
        framework = self.framework()
        if self._vocabulary is None or self._vocabulary[0] != framework:
            from app.content.frameworks import vocabulary_for
            self._vocabulary = (framework, vocabulary_for(framework))
        return self._vocabulary[1]

    def choice_labels(self) -> dict[str, str]:
        """Display labels of the framework's categories and levels, by id."""
        framework = self.framework()
        if self._labels is None or self._labels[0] != framework:
            self._labels = (framework, _choice_labels(framework))
        return self._labels[1]

    def conditions(self) -> Any:
        """``app.content.conditions.Conditions`` for these forms (compiled once)."""
        if self._conditions is None:
            from app.content.conditions import Conditions
            self._conditions = Conditions(self.forms)
        return self._conditions

    def field_choices(self, path: str, record_id: str | None) -> list[tuple[str, str]] | None:
        """What the choice field at ``path`` offers (None: the framework does not list them)."""
        from app.session.choices import field_choices
        spec = self.forms.field(path)
        frameworks: tuple[str, ...] = ()
        if spec.type == "framework":
            from app.content.frameworks import framework_ids
            frameworks = tuple(framework_ids())
        return field_choices(spec, self.document, record_id, self.vocabulary(), self.choice_labels(), frameworks)

    # -- accountability ----------------------------------------------------------------------
    def revision_status(self, digest: str | None = None) -> Any:
        """``app.store.signoff.RevisionStatus`` of the current revision (``digest``: its hash, if known)."""
        from app.session.accountability import status_of
        return status_of(self.assessment, digest=digest)

    def verify(self) -> Any:
        """``app.store.verification.Verdict`` for the saved file."""
        from app.session.accountability import verify_open
        self.assessment.wait_for_saves()
        return verify_open(self.assessment)

    def sign_off(self, role: str, name: str) -> Any:
        """``app.session.accountability.Signed``; raises StoreError with a message."""
        from app.session.accountability import sign_current
        self.assessment.wait_for_saves()
        return sign_current(self.assessment, role, name, remember_name=True)

    def close(self) -> None:
        self.changed.clear()
        self.assessment.close()


def _choice_labels(framework: str | None) -> dict[str, str]:
    labels: dict[str, str] = {}
    if not framework:
        return labels
    from app.content.frameworks import framework_ids, load_framework
    if framework not in framework_ids():
        return labels
    try:
        loaded = load_framework(framework)
    except Exception:  # noqa: BLE001 - a broken framework is reported by the check
        return labels
    for category in loaded.categories:
        labels[category.id] = category.label
        for step in category.ladder:
            labels.setdefault(step.level, step.label)
    for level in loaded.security_levels:
        labels.setdefault(level.id, level.label)
    return labels
