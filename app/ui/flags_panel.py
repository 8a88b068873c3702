"""The Flags tab: detector hits and echoes of withheld values in text bound for a wider audience.

A flag is resolved by *redacting* (the passage becomes a hazardous span, or the
whole value is withheld — an ordinary, undoable edit) or by *dismissing* it with
a reason; both are recorded in the file's redaction log. A public export is
refused while a flag that would reach the public is open.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QSizePolicy,
    QCheckBox, QHBoxLayout, QInputDialog, QLabel, QMenu, QPushButton, QTreeWidget, QTreeWidgetItem,
    QVBoxLayout, QWidget,
)

from app.model.sensitivity import HAZARD_DOMAINS
from app.session.labels import address_label
from app.ui.hazard_markup import DOMAIN_LABELS
from app.ui.workspace import Workspace

_FLAG_ROLE = Qt.ItemDataRole.UserRole
CONTEXT_CHARS = 60


class DismissDialog:
    """Asks why a flagged passage may stay as it is."""

    @classmethod
    def get_reason(cls, parent: QWidget, flag: Any) -> tuple[str, bool]:
        question = (f"It repeats a value withheld from the {flag.audience} audience. Why may that audience "
                    f"read it here?" if flag.detector.startswith("echo_") else "Why is it not hazardous here?")
        text, accepted = QInputDialog.getText(
            parent, "Dismiss flag",
            f"“{flag.matched}” ({flag.category}) stays in the text.\n{question} "
            f"The reason is kept in the redaction log.")
        return text.strip(), bool(accepted and text.strip())


class FlagsPanel(QWidget):
    go_to = Signal(str, int, int)
    """Address, start and length of the flagged text."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.summary = QLabel("No assessment open.")
        self.summary.setObjectName("panelSummary")
        self.summary.setWordWrap(True)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.summary)
        self.show_dismissed = QCheckBox("Show &dismissed flags")
        self.show_dismissed.toggled.connect(lambda _on: self.refresh())
        layout.addWidget(self.show_dismissed)
        self.tree = QTreeWidget()
        self.tree.setObjectName("flagsList")
        self.tree.setAccessibleName("Detector flags")
        self.tree.setHeaderLabels(["Found", "Kind", "Where"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.header().resizeSection(0, 120)
        self.tree.header().resizeSection(1, 120)
        layout.addWidget(self.tree, 1)
        self.detail = QLabel()
        self.detail.setObjectName("flagDetail")
        self.detail.setWordWrap(True)
        self.detail.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.detail)
        self.skipped_note = QLabel()
        self.skipped_note.setObjectName("echoSkipped")
        self.skipped_note.setWordWrap(True)
        self.skipped_note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.skipped_note.setVisible(False)
        layout.addWidget(self.skipped_note)
        buttons = QHBoxLayout()
        self.go_button = QPushButton("&Go to")
        self.go_button.setToolTip("Show the flagged text in the form (Enter)")
        self.redact_button = QPushButton("&Redact")
        self.redact_button.setObjectName("primaryButton")
        self.redact_button.setToolTip("Withhold the flagged text from wider audiences")
        menu = QMenu(self.redact_button)
        self.redact_default = menu.addAction("Mark as a hazardous passage")
        domains = menu.addMenu("Mark as a hazardous passage in domain")
        for domain in HAZARD_DOMAINS:
            action = domains.addAction(DOMAIN_LABELS.get(domain, domain))
            action.setData(domain)
        self.redact_whole = menu.addAction("Withhold the &whole value")
        self.redact_button.setMenu(menu)
        self.redact_default.triggered.connect(lambda: self.redact_current())
        domains.triggered.connect(lambda action: self.redact_current(domain=action.data()))
        self.redact_whole.triggered.connect(lambda: self.redact_current(whole=True))
        self.dismiss_button = QPushButton("Di&smiss…")
        self.dismiss_button.setToolTip("Keep the text as it is, with a reason for the record")
        self.dismiss_button.clicked.connect(lambda: self.dismiss_current())
        self.go_button.clicked.connect(self._go)
        for button in (self.go_button, self.redact_button, self.dismiss_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.tree.currentItemChanged.connect(lambda *_: self._show_detail())
        self.tree.itemActivated.connect(lambda *_: self._go())
        self._show_detail()

    def focus_target(self) -> QWidget:
        return self.tree

    # -- filling -------------------------------------------------------------------------
    def refresh(self) -> None:
        watch = self.workspace.flag_watch
        session = self.workspace.session
        current = self.current_flag()
        self.tree.clear()
        if session is None or watch is None:
            self.summary.setText("No assessment open.")
            self._show_detail()
            return
        if not watch.ready:
            self.summary.setText(f"Scanning failed: {watch.error}" if watch.error else "Scanning for hazardous "
                                 "terms, sequences, exploit code, credentials and personal data…")
            self._show_detail()
            return
        flags = watch.all_flags() if self.show_dismissed.isChecked() else watch.open_flags()
        open_count = len(watch.open_flags())
        public = len(watch.open_flags("public"))
        if open_count:
            self.summary.setText(
                f"<b>{open_count} open flag{'s' if open_count != 1 else ''}</b>. "
                + (f"A public export is refused until the {public} that would reach the public "
                   f"{'are' if public != 1 else 'is'} redacted or dismissed." if public else
                   "None would reach the public report."))
        else:
            self.summary.setText("<b>No open flags.</b> Nothing the detectors know would reach a wider "
                                 "audience than it should.")
        for flag in flags:
            where = address_label(flag.address, session.forms, with_stage=False)
            item = QTreeWidgetItem([flag.matched, flag.category.replace("_", " "), where])
            item.setData(0, _FLAG_ROLE, flag)
            item.setToolTip(1, flag.category)
            item.setToolTip(2, flag.address)
            if not flag.is_open:
                for column in range(3):
                    item.setForeground(column, Qt.GlobalColor.gray)
                item.setToolTip(0, f"Dismissed: {flag.dismissed}")
            self.tree.addTopLevelItem(item)
            if current is not None and flag.id == current.id:
                self.tree.setCurrentItem(item)
        first = self.tree.topLevelItem(0)
        if self.tree.currentItem() is None and first is not None:
            self.tree.setCurrentItem(first)
        self._show_skipped(watch.echo_skipped())
        self._show_detail()

    def _show_skipped(self, skipped: list[Any]) -> None:
        """Withheld values echo detection does not search for (too generic): said, with where and why."""
        self.skipped_note.setVisible(bool(skipped))
        if not skipped:
            return
        count = len(skipped)
        self.skipped_note.setText(f"{count} withheld value{'s are' if count != 1 else ' is'} too generic to "
                                  f"search for echoes (hover for the list).")
        session = self.workspace.session
        lines = [f"{address_label(s.address, session.forms, with_stage=True) if session else s.address}: "
                 f"{s.reason}" for s in skipped[:40]]
        more = f"\n… and {count - 40} more" if count > 40 else ""
        self.skipped_note.setToolTip("Not searched for echoes:\n" + "\n".join(lines) + more)

    def current_flag(self) -> Any:
        item = self.tree.currentItem()
        return None if item is None else item.data(0, _FLAG_ROLE)

    def select_flag(self, flag_id: str) -> bool:
        for row in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(row)
            if item is not None and item.data(0, _FLAG_ROLE).id == flag_id:
                self.tree.setCurrentItem(item)
                return True
        return False

    def _show_detail(self) -> None:
        flag = self.current_flag()
        has = flag is not None
        self.go_button.setEnabled(has)
        self.redact_button.setEnabled(has and flag.is_open)
        self.dismiss_button.setEnabled(has and flag.is_open)
        store = self.workspace.flag_watch.store if self.workspace.flag_watch is not None else None
        whole = has and store is not None and store.redacts_whole_value(flag)
        self.redact_default.setText("Withhold the whole record" if has and flag.is_record_id else
                                    "Withhold the whole value (internal)" if whole else "Mark as a hazardous passage")
        self.detail.setVisible(has)
        if not has:
            self.detail.setText("")
            return
        session = self.workspace.session
        text = session.document.get(flag.address) if session else None
        context = ""
        if isinstance(text, str) and text[flag.start:flag.end] == flag.matched:
            before = text[max(0, flag.start - CONTEXT_CHARS):flag.start]
            after = text[flag.end:flag.end + CONTEXT_CHARS]
            context = (f"…{html.escape(before)}<b style='background:#fde8e6'>{html.escape(flag.matched)}</b>"
                       f"{html.escape(after)}…")
        detector = html.escape(flag.detector.replace("_", " "))
        if flag.detector.startswith("echo_"):  # which withheld value it repeats
            detector += f" — {html.escape(flag.category)}"
        reach = html.escape(flag.audience)
        dismissed = f"<br><i>Dismissed: {html.escape(flag.dismissed)}</i>" if flag.dismissed else ""
        self.detail.setText(f"{context}<br><span style='color:#5d6b7e'>Detector: {detector} · text "
                            f"seen by: {reach}</span>{dismissed}")

    # -- acting --------------------------------------------------------------------------
    def _go(self) -> None:
        flag = self.current_flag()
        if flag is not None:
            self.go_to.emit(flag.address, flag.start, flag.end - flag.start)

    def redact_current(self, domain: str | None = None, whole: bool = False) -> bool:
        flag = self.current_flag()
        if flag is None:
            return False
        from app.session.flags import FlagError
        watch = self.workspace.flag_watch
        if watch is None:
            return False
        try:
            watch.redact(flag.id, domain, whole)
        except FlagError as error:
            self.workspace.error.emit("Cannot redact", str(error))
            return False
        self.workspace.message.emit(f"Redacted “{flag.matched}” in {flag.address}.", 6000)
        return True

    def dismiss_current(self) -> bool:
        flag = self.current_flag()
        if flag is None:
            return False
        reason, accepted = DismissDialog.get_reason(self, flag)
        if not accepted:
            return False
        from app.session.flags import FlagError
        watch = self.workspace.flag_watch
        if watch is None:
            return False
        try:
            watch.dismiss(flag.id, reason)
        except FlagError as error:
            self.workspace.error.emit("Cannot dismiss", str(error))
            return False
        self.workspace.message.emit(f"Dismissed “{flag.matched}”: {reason}", 6000)
        return True
