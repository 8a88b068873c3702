"""File › Export: choose the document, audience, format and file; the export runs off the GUI thread.

The documents offered are the assessment report and the kinds the
assessment's regimes call for (``reports/kinds/``: the SB 53 transparency
report when the header lists SB 53, the EU model report for the EU code …),
required ones first and marked so, then those offered to every assessment.

The whole export — flag gate, audience filter, report, writer, leak scan of
the finished bytes, atomic rename — is ``app.session.export.export_file``,
run in the worker process (``app.session.offload``) with its own connection to the
saved file. A refusal is shown
as the exporter words it; when open flags are the reason, they are listed here
with a button to jump to each one. The dialog is not modal, so a person can
resolve flags and export again without closing it.

For a wider audience, *Also write the internal edition* makes the lab's copy
in the same action: the internal edition of the same document and format,
beside the chosen file under its usual name. The two editions run side by side
in the two worker processes, each through the whole export on its own, and the
message says which were written and which refused.
"""

from __future__ import annotations

import html
from concurrent.futures import wait
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal

from app.model.outputs import AUDIENCES, FORMATS
from app.session import offload
from app.session.labels import address_label
from app.ui.workspace import Workspace
from PySide6.QtWidgets import (
    QButtonGroup, QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLayout, QLineEdit,
    QListWidget, QListWidgetItem, QProgressBar, QPushButton, QRadioButton, QVBoxLayout, QWidget,
)

CHOICE_TEXT = {
    "public": ("&Public", "safe to publish: internal and hazardous details are withheld, and the report says so"),
    "reviewers": ("Re&viewers", "external safety organisations under agreement: public and internal details"),
    "internal": ("&Internal", "everything, hazardous passages marked; for the lab only"),
}
"""How the dialog offers each audience of ``app.model.outputs.AUDIENCES`` (button text, explanation)."""
FORMAT_ORDER = ("pdf", "docx", "md", "html", "json")
"""The order the dialog offers ``app.model.outputs.FORMATS`` in (the documents people edit first)."""


class ExportDialog(QDialog):
    _jobs = 0
    """Numbers the exports, so Cancel stops this one and no other (``offload.cancel``)."""
    exported = Signal(object)
    """The ``Exported`` result of a finished export."""
    refused = Signal(str)
    flag_chosen = Signal(object)
    """*Go to flag*: the person wants to see this blocking flag (the window shows it)."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._document_names: dict[str, str] = {}
        self._writing = "report"
        self.setWindowTitle("Export report")
        self.setObjectName("exportDialog")
        self.setMinimumWidth(600)
        self.running = False
        self._cancelling = False
        self._job = 0
        self.last_result: Any = None
        self.last_refusal: str | None = None
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        # Never smaller than what it holds: a refusal or a list of flags makes the dialog taller
        # rather than squashing the Format and Save-as rows or cutting the message off.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        intro = QLabel("Reports are built from the saved assessment. What an audience may not see is removed "
                       "before the report is written, and the finished file is checked once more.")
        intro.setWordWrap(True)
        intro.setObjectName("pageSummary")
        layout.addWidget(intro)

        who = QLabel("<b>Audience</b>")
        layout.addWidget(who)
        self.audience_group = QButtonGroup(self)
        for audience in AUDIENCES:
            label, explanation = CHOICE_TEXT[audience]
            button = QRadioButton(f"{label} — {explanation}")
            button.setAccessibleName(label.replace("&", "") + " audience")
            button.setProperty("audience", audience)
            self.audience_group.addButton(button)
            layout.addWidget(button)
        self.audience_group.buttons()[0].setChecked(True)

        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.setAccessibleName("Document")
        self.kind.setToolTip("The document to write: the full assessment report, or the document a regime the "
                             "assessment answers to asks for, with the sections its source lists.")
        form.addRow("&Document:", self.kind)
        self.format = QComboBox()
        for fmt in sorted(FORMATS.values(), key=lambda f: FORMAT_ORDER.index(f.id)):
            self.format.addItem(fmt.label, fmt.id)
        self.format.setAccessibleName("Format")
        form.addRow("&Format:", self.format)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setAccessibleName("Save the report as")
        browse = QPushButton("&Browse…")
        browse.setAccessibleName("Choose where to save the report")
        browse.clicked.connect(self._browse)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        save_as = QLabel("Save &as:")
        save_as.setBuddy(self.path)
        form.addRow(save_as, row)
        layout.addLayout(form)
        self.also_internal = QCheckBox("Also write the internal edition beside it")
        self.also_internal.setAccessibleName("Also write the internal edition")
        self.also_internal.setToolTip("The lab's copy of the same document in the same format, written to the "
                                      "same folder under its usual name, in the same action")
        layout.addWidget(self.also_internal)

        self.warning = QLabel()
        self.warning.setObjectName("readinessWarning")
        self.warning.setWordWrap(True)
        self.warning.hide()
        layout.addWidget(self.warning)

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Export progress")
        self.progress.setTextVisible(True)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("exportMessage")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        layout.addWidget(self.message)
        self.flags = QListWidget()
        self.flags.setAccessibleName("Flags that block the export")
        self.flags.setMinimumHeight(96)
        self.flags.setMaximumHeight(170)
        self.flags.hide()
        self.flags.itemActivated.connect(self._go_to_flag)
        layout.addWidget(self.flags)
        self.go_button = QPushButton("&Go to flag")
        self.go_button.hide()
        self.go_button.clicked.connect(lambda: self._go_to_flag(self.flags.currentItem()))
        layout.addWidget(self.go_button, 0, Qt.AlignmentFlag.AlignLeft)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.export_button = QPushButton("&Export")
        self.export_button.setObjectName("primaryButton")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Ca&ncel export")
        self.cancel_button.setToolTip("Stop the export now; nothing is written")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        buttons.addWidget(self.cancel_button)
        close = QPushButton("&Close")
        close.clicked.connect(self.close)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.audience_group.buttonToggled.connect(lambda *_: self.suggest_path())
        self.audience_group.buttonToggled.connect(lambda *_: self.show_readiness())
        self.audience_group.buttonToggled.connect(lambda *_: self._offer_internal())
        self.format.currentIndexChanged.connect(lambda *_: self.suggest_path())
        self.kind.currentIndexChanged.connect(lambda *_: self.suggest_path())
        self.refresh_kinds()
        self.suggest_path()
        self._offer_internal()

    # -- choices -------------------------------------------------------------------------
    @property
    def audience(self) -> str:
        checked = self.audience_group.checkedButton()
        return str(checked.property("audience")) if checked else "public"

    def set_audience(self, audience: str) -> None:
        for button in self.audience_group.buttons():
            if button.property("audience") == audience:
                button.setChecked(True)

    def set_format(self, fmt: str) -> None:
        self.format.setCurrentIndex(max(0, self.format.findData(fmt)))

    def set_kind(self, kind: str) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))

    def refresh_kinds(self) -> None:
        """Offer the documents the open assessment's regimes call for (re-read when the dialog is shown)."""
        from app.checks.regimes import regime_ids
        from app.content.report_kinds import ASSESSMENT, kind_choices
        session = self.workspace.session
        chosen = self.kind.currentData() or ASSESSMENT
        regimes = regime_ids(session.document) if session is not None else []
        try:
            choices = kind_choices(regimes)
        except Exception as error:  # noqa: BLE001 - a broken kind file must not stop the assessment report
            self.kind.blockSignals(True)
            self.kind.clear()
            self.kind.addItem("Assessment report", ASSESSMENT)
            self.kind.setToolTip(f"Other documents are unavailable: {error}")
            self.kind.blockSignals(False)
            return
        self.kind.blockSignals(True)
        self.kind.clear()
        self._document_names.clear()
        for index, choice in enumerate(choices):
            label = "Assessment report" if choice.id == ASSESSMENT else choice.short_name or choice.title
            self._document_names[choice.id] = "report" if choice.id == ASSESSMENT else label
            self.kind.addItem(label + (" — required by the regimes" if choice.required else ""), choice.id)
            self.kind.setItemData(index, f"{choice.title}: {choice.regime}", Qt.ItemDataRole.ToolTipRole)
        self.kind.blockSignals(False)
        self.set_kind(chosen)

    def _document_name(self, kind: str) -> str:
        """How the dialog names the document being written: 'report', or the kind's short name."""
        return self._document_names.get(kind, "report" if kind == "assessment" else kind)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self.refresh_kinds()
        super().showEvent(event)
        self.show_readiness()

    def _folder(self) -> Path:
        remembered = self.workspace.settings.last_export_folder()
        if remembered is not None and remembered.is_dir():
            return remembered
        session = self.workspace.session
        return session.path.parent if session else Path.home()

    def show_readiness(self) -> None:
        """Warn, before Export is pressed, when a wider audience would get an incomplete or unsigned report."""
        session = self.workspace.session
        text = ""
        if session is not None and self.audience != "internal":
            from app.ui.readiness import readiness_warning
            analysis = self.workspace.analysis.latest if self.workspace.analysis is not None else None
            try:
                revision = session.core.revision_status()
            except Exception:  # noqa: BLE001 - a broken roles file: the sign-off dialog reports it
                revision = None
            text = readiness_warning(analysis, revision, self.audience)
        self.warning.setText(f"<b>Before you export:</b> {text}" if text else "")
        self.warning.setVisible(bool(text))
        self._fit()

    def _offer_internal(self) -> None:
        """*Also write the internal edition* is offered for a wider audience only."""
        self.also_internal.setVisible(self.audience != "internal")

    def internal_path(self) -> Path | None:
        """Where *Also write the internal edition* writes: beside the chosen file, under the usual name."""
        session = self.workspace.session
        if session is None or self.audience == "internal" or not self.also_internal.isChecked():
            return None
        output = Path(self.path.text().strip())
        kind = self.kind.currentData() or "assessment"
        from app.export.file_names import report_file_name
        name = report_file_name(session.document, "internal", "report" if kind == "assessment" else kind,
                                FORMATS[self.format.currentData()].suffix, session.path.stem)
        return output.parent / name

    def suggest_path(self) -> None:
        session = self.workspace.session
        if session is None:
            return
        current = Path(self.path.text()) if self.path.text() else None
        suffix = FORMATS[self.format.currentData()].suffix
        kind = self.kind.currentData() or "assessment"
        what = "report" if kind == "assessment" else kind
        # The model's name only when this audience may see it (a file name is a channel too).
        from app.export.file_names import report_file_name
        name = report_file_name(session.document, self.audience, what, suffix, session.path.stem)
        folder = current.parent if current is not None and current.parent.is_dir() else self._folder()
        self.path.setText(str(folder / name))

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Save the report as", self.path.text())
        if chosen:
            self.path.setText(chosen)

    # -- running -------------------------------------------------------------------------
    def start(self) -> None:
        """Export with the current choices (on a worker thread)."""
        session = self.workspace.session
        if session is None or self.running:
            return
        output = Path(self.path.text().strip())
        if not output.name:
            self._refuse("Choose a file name for the report.")
            return
        internal_output = self.internal_path()
        if internal_output is not None and internal_output == output:
            self._refuse(f"The internal edition would be written to {output} too; choose another file name.")
            return
        session.flush()
        watch = self.workspace.flag_watch
        if watch is not None:
            watch.settle()
        self.running = True
        self.export_button.setEnabled(False)
        self.flags.hide()
        self.go_button.hide()
        self.message.hide()
        self.progress.setRange(0, 0)
        kind = self.kind.currentData() or "assessment"
        self._writing = self._document_name(kind)
        both = f"{self.audience} and internal editions of the" if internal_output is not None else self.audience
        self.progress.setFormat(f"Writing the {both} {self._writing}…")
        self.progress.show()
        self.cancel_button.show()
        self._cancelling = False
        ExportDialog._jobs += 1
        self._job = job = ExportDialog._jobs
        path, audience, fmt = session.path, self.audience, self.format.currentData()
        if internal_output is None:
            self.workspace.jobs.start(
                lambda _progress: offload.run(offload.export, path, audience, fmt, output, kind, job=job),
                self._done, self._failed)
            return

        def both_editions(_progress: Any) -> tuple[str, list[tuple[str, Any]]]:
            # One edition in each worker process: the two run side by side on the two cores.
            beside = offload.submit(offload.export, path, "internal", fmt, internal_output, kind)

            def internal_outcome(timeout: float | None) -> tuple[str, Any]:
                wait([beside], timeout=timeout)
                if not beside.done():
                    return "error", (f"not known: its worker had not finished when the export stopped; look for "
                                     f"{internal_output} before relying on it")
                try:
                    return beside.result()  # type: ignore[no-any-return]
                except Exception as error:  # noqa: BLE001 - a worker that died: said, the other edition stands
                    return "error", f"the internal edition's worker stopped ({error or type(error).__name__})"

            try:
                chosen = offload.run(offload.export, path, audience, fmt, output, kind, job=job)
            except Exception as error:
                # Cancel ends both workers and a failure ends this edition; an internal edition that was
                # written (or may still be) is said, never folded into "nothing was written".
                internal = internal_outcome(10)  # an ended pool settles it at once: a result, or an error
                if beside.done() and internal[0] != "done":
                    raise
                said = ("Export cancelled: nothing was written for it." if isinstance(error, offload.Cancelled)
                        else f"The export failed: {error or type(error).__name__}")
                return "editions", [(audience, ("error", said)), ("internal", internal)]
            return "editions", [(audience, chosen), ("internal", internal_outcome(None))]

        self.workspace.jobs.start(both_editions, self._done, self._failed)

    def cancel(self) -> None:
        """Stop the running export: its worker is ended before the file is renamed into place."""
        if not self.running:
            return
        self._cancelling = True
        self.cancel_button.setEnabled(False)
        self.progress.setFormat("Cancelling…")
        offload.cancel(self._job)

    def _done(self, outcome: Any) -> None:
        self.running = False
        self.export_button.setEnabled(True)
        self.progress.hide()
        self._hide_cancel()
        self._cancelling = False  # finished before a cancel could stop it
        kind, payload = outcome
        if kind == "editions":
            self._done_editions(payload)
            return
        if kind == "refused":
            reason, message = payload
            self._refuse(message, reason)
            return
        if kind == "error":
            self._refuse(payload)
            return
        self.last_result = payload
        self.last_refusal = None
        self.workspace.settings.set_last_export_folder(payload.path.parent)
        size = f"{payload.size / 1024:.0f} KB" if payload.size >= 1024 else f"{payload.size} bytes"
        pages = f", {payload.pages} pages" if payload.pages else ""
        what = f"{payload.audience} {self._writing}"
        self.message.setText(f"<b>Written:</b> {payload.path}<br>{what[:1].upper()}{what[1:]}, "
                             f"{payload.format.upper()}, {size}{pages}.")
        self.message.setProperty("state", "ok")
        self._polish(self.message)
        self.message.show()
        self._fit()
        self.workspace.message.emit(f"Exported the {what} to {payload.path}", 8000)
        self.exported.emit(payload)

    def _done_editions(self, outcomes: list[tuple[str, Any]]) -> None:
        """Several editions: a line for each, written or not and why; open flags listed as for one."""
        lines, problems = [], []
        for audience, (kind, payload) in outcomes:
            if kind == "done":
                self.exported.emit(payload)
                size = f"{payload.size / 1024:.0f} KB" if payload.size >= 1024 else f"{payload.size} bytes"
                pages = f", {payload.pages} pages" if payload.pages else ""
                lines.append(f"<b>Written:</b> {html.escape(str(payload.path))}<br>{audience.capitalize()} "
                             f"{self._writing}, {payload.format.upper()}, {size}{pages}.")
                self.workspace.settings.set_last_export_folder(payload.path.parent)
            else:
                reason, message = payload if kind == "refused" else ("", payload)
                problems.append((audience, reason, message))
                shown = html.escape(message).replace("\n", "<br>")
                lines.append(f"<b>Not written — the {audience} edition:</b> {shown}")
        self.last_result = next((payload for _, (kind, payload) in outcomes if kind == "done"), None)
        self.last_refusal = "\n".join(f"{audience}: {message}" for audience, _, message in problems) or None
        self.message.setText("<br>".join(lines))
        self.message.setProperty("state", "refused" if problems else "ok")
        self._polish(self.message)
        self.message.show()
        if any(reason == "flags" for _, reason, _ in problems):
            self._list_flags()
        self._fit()
        if problems:
            self.refused.emit(self.last_refusal or "")
        else:
            self.workspace.message.emit(f"Exported the {' and '.join(a for a, _ in outcomes)} editions", 8000)

    def _failed(self, message: str) -> None:
        self.running = False
        self.export_button.setEnabled(True)
        self.progress.hide()
        self._hide_cancel()
        if self._cancelling:
            self._cancelling = False
            self._refuse("Export cancelled: nothing was written.")
            return
        self._refuse(f"The export failed: {message}")

    def _hide_cancel(self) -> None:
        self.cancel_button.hide()
        self.cancel_button.setEnabled(True)

    def _refuse(self, message: str, reason: str = "") -> None:
        self.last_refusal = message
        shown = html.escape(message).replace("\n", "<br>")
        if reason == "flags":
            blocking = self._blocking_flags()
            count = len(blocking) or "Some"
            shown = (f"<b>Not written.</b> {count} open flag{'s' if len(blocking) != 1 else ''} would reach the "
                     f"{self.audience} audience. Redact or dismiss each one (Go to flag opens it in the "
                     f"Flags tab), then export again.")
        elif reason == "leak":
            shown = "<b>Not written.</b> " + shown
        self.message.setText(shown)
        self.message.setProperty("state", "refused")
        self._polish(self.message)
        self.message.show()
        if reason == "flags":
            self._list_flags()
        self._fit()
        self.refused.emit(message)

    def _fit(self) -> None:
        """Grow to show the message (and flag list) whole; a wrapped label needs its height for this width."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        wanted = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else 0
        wanted = max(wanted, self.sizeHint().height(), self.minimumSizeHint().height())
        if self.height() < wanted:
            self.resize(self.width(), wanted)

    def _blocking_flags(self) -> list[Any]:
        watch = self.workspace.flag_watch
        return [] if watch is None else watch.open_flags(self.audience)

    def _list_flags(self) -> None:
        self.flags.clear()
        session = self.workspace.session
        for flag in self._blocking_flags():
            where = address_label(flag.address, session.forms, with_stage=False) if session else flag.address
            item = QListWidgetItem(f"“{flag.matched}” — {flag.category.replace('_', ' ')} — {where}")
            item.setToolTip(flag.address)
            item.setData(Qt.ItemDataRole.UserRole, flag)
            self.flags.addItem(item)
        if self.flags.count():
            self.flags.setCurrentRow(0)
            self.flags.show()
            self.go_button.show()

    def _go_to_flag(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        self.flag_chosen.emit(item.data(Qt.ItemDataRole.UserRole))

    @staticmethod
    def _polish(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)
