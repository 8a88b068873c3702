"""The form of one stage (or the header, or accountability), generated from ``forms/``.

Pages are built the first time they are shown, so opening a file costs one
page, not eight.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.model import Address, FormSpec
from app.model.validate import Problem
from app.ui.form_rows import FieldForm, FieldRow, Mnemonics, flash
from app.ui.session import AssessmentSession, Change
from app.ui.table_editor import TableEditor
from app.ui.wrapped_label import WrappedLabel

CONTENT_WIDTH = 880


class StagePage(QScrollArea):
    def __init__(self, session: AssessmentSession, form: FormSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.form_spec = form
        self._problems_shown: tuple[dict[str, str], tuple[str | None, ...]] | None = None
        self.setObjectName("stagePage")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName(f"{form.title} form")

        body = QWidget()
        body.setObjectName("pageBody")
        outer = QHBoxLayout(body)
        outer.setContentsMargins(28, 22, 28, 40)
        column = QWidget()
        column.setMaximumWidth(CONTENT_WIDTH)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        title = QLabel(form.title)
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        summary = WrappedLabel(form.summary)
        summary.setObjectName("pageSummary")
        layout.addWidget(summary)
        layout.addSpacing(8)

        mnemonics = Mnemonics()
        self.fields = FieldForm(session, form.fields, layout, mnemonics,
                                table_factory=lambda spec: TableEditor(session, spec, mnemonics))
        layout.addStretch(1)
        outer.addStretch(1)
        outer.addWidget(column, 100)
        outer.addStretch(1)
        self.setWidget(body)
        self.fields.load()
        self.update_conditions()

    @property
    def stage(self) -> str:
        return self.form_spec.stage

    @property
    def tables(self) -> dict[str, TableEditor]:
        return self.fields.tables  # type: ignore[return-value]

    def all_rows(self) -> Iterable[FieldRow]:
        yield from self.fields.rows.values()
        for table in self.tables.values():
            yield from table.form.rows.values()

    # -- following the document ---------------------------------------------------------
    def on_change(self, change: Change) -> None:
        conditions_may_change = False
        for address in change.addresses:
            if isinstance(address, Address):
                if address.stage != self.stage and address.record is None:
                    conditions_may_change = True
                    continue
                if address.record is None:
                    row = self.fields.rows.get(address.field)
                    if row is not None:
                        row.load()
                    conditions_may_change = True
        tables = self.tables
        if tables:
            # Only the tables the change is about (a table follows nothing else): typing in one record
            # used to ask each of the page's tables.
            touched = {address.table if isinstance(address, Address) else address for address in change.addresses}
            for path, table in tables.items():
                if path in touched:
                    table.on_change(change.addresses, change.edit)
        if conditions_may_change:
            self.update_conditions()

    def update_conditions(self) -> None:
        """Hide what does not apply (release type, decision, …) and show what now does."""
        conditions = self.session.conditions()
        doc = self.session.document
        context = None
        for path, block in self.fields.blocks.items():
            spec = self.session.forms.field(path)
            if not spec.applies_when:
                continue
            if context is None:
                context = conditions.context(doc)
            block.setVisible(conditions.applies(doc, spec, None, context))
        for table in self.tables.values():
            table.update_conditions(context)

    def show_problems(self, problems: dict[str, str]) -> None:
        """Put each stored-value problem under its field (address string → message).

        The same problems for the same records (every check while someone types a description) change
        nothing, and walking every row of a large page for them cost the window a quarter millisecond.
        """
        shown = (problems, tuple(table.current_id for table in self.tables.values()))
        if shown == self._problems_shown:
            return
        self._problems_shown = shown
        for row in self.fields.rows.values():
            row.set_stored_problem(problems.get(row.spec.path))
        for table in self.tables.values():
            for row in table.form.rows.values():
                key = str(Address(row.spec.path, table.current_id)) if table.current_id else ""
                row.set_stored_problem(problems.get(key))

    # -- jumping to a field -----------------------------------------------------------------
    def focus_address(self, address: Address | str) -> bool:
        if isinstance(address, str):
            try:
                address = Address.parse(address)
            except ValueError:
                return False
        table_path = address.table
        if table_path is not None:
            table = self.tables.get(table_path)
            if table is None:
                return False
            table.focus_address(address)
            target: QWidget = table.form.rows.get(address.field) or table
        else:
            target = self.fields.blocks.get(address.field)  # type: ignore[assignment]
            if target is None:
                table = self.tables.get(address.field)
                if table is None:
                    return False
                target = table
                table.view.setFocus()
                flash(table)
            elif isinstance(target, FieldRow):
                target.focus()
            else:
                flash(target)
        self.ensureWidgetVisible(target, 40, 60)
        return True

    def release(self) -> None:
        self.fields.release()
        for table in self.tables.values():
            table.form.release()


def problems_by_address(problems: Iterable[Problem]) -> dict[str, str]:
    found: dict[str, str] = {}
    for problem in problems:
        found.setdefault(problem.address, problem.message)
    return found
