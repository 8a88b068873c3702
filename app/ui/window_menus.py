"""The window's menus and the File commands (new, open, import, export), as a mixin.

Kept out of ``window`` so that module stays about layout, navigation and
following changes. Everything here acts through the window's public methods
(``open_file``, ``set_assessment``, ``show_error``) and the core API.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu

from app.model import Document, Value
from app.store import AssessmentFile, StoreError
from app.ui.dialogs import NewAssessmentDialog

ASSESSMENT_FILTER = "Riskwright assessments (*.rwa);;All files (*)"


class MenuCommands:
    """Actions, menus and File commands of ``MainWindow`` (mixed into it).

    ``self`` is the ``MainWindow``; it is typed ``Any`` because a mixin cannot name
    the class it is mixed into without a circular import.
    """

    def _action(self: Any, text: str, slot, shortcut=None, tip: str = "") -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, (list, tuple)):
                action.setShortcuts([QKeySequence(k) for k in shortcut])
            else:
                action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self: Any) -> None:
        key = QKeySequence.StandardKey
        self.new_action = self._action("&New…", self.new_assessment, key.New, "Create a new assessment")
        self.open_action = self._action("&Open…", self.open_dialog, key.Open, "Open an assessment file")
        self.portfolio_action = self._action("Open Port&folio…", self.open_portfolio_dialog, "Ctrl+Shift+O",
                                             "Every assessment in a folder: status, regimes, deadlines")
        self.import_action = self._action("&Import YAML…", self.import_yaml, None,
                                          "Create an assessment from a YAML file")
        self.export_action = self._action("&Export…", self.export, "Ctrl+E",
                                          "Write the internal or public report")
        self.save_copy_action = self._action("Save a &copy…", self.save_as, key.SaveAs,
                                             "Write the assessment, unsaved changes included, to a new file "
                                             "and go on working there")
        self.export_yaml_action = self._action("Export &YAML…", self.export_yaml, None,
                                               "Write the assessment as it is in this window as readable YAML")
        self.close_action = self._action("&Close", self.close_file, key.Close, "Close this assessment")
        quit_keys = QKeySequence.keyBindings(key.Quit) or [QKeySequence("Ctrl+Q")]
        self.quit_action = self._action("&Quit", self.close, quit_keys, "Quit Riskwright")
        self.undo_action = self._action("&Undo", self.undo, key.Undo)
        self.redo_action = self._action("&Redo", self.redo, [QKeySequence(key.Redo), QKeySequence("Ctrl+Y")])
        self.cut_action = self._action("Cu&t", lambda: self._to_focus("cut"), key.Cut)
        self.copy_action = self._action("&Copy", lambda: self._to_focus("copy"), key.Copy)
        self.paste_action = self._action("&Paste", lambda: self._to_focus("paste"), key.Paste)
        self.find_action = self._action("&Find in assessment…", self.find_bar.open, key.Find,
                                        "Search every field of every stage")
        self.hazard_action = self._action("Mark &hazardous / unmark", self.toggle_hazard, "Ctrl+Shift+H",
                                          "Mark the selected passage hazardous, or unmark the passage "
                                          "under the cursor")
        self.sensitivity_action = self._action("&Sensitivity…", self.choose_sensitivity, "Ctrl+Shift+L",
                                               "Change the sensitivity of the field you are in")
        self.recheck_action = self._action("&Re-run checks", self.recheck, "F5", "Check the assessment again")
        self.next_action = self._action("&Next part", lambda: self._step_stage(1), "Ctrl+PgDown")
        self.previous_action = self._action("&Previous part", lambda: self._step_stage(-1), "Ctrl+PgUp")
        self.focus_parts_action = self._action("Parts &list", self.navigator.setFocus, "Ctrl+1")
        self.focus_form_action = self._action("&Form", self._focus_form, "Ctrl+2")
        self.help_action = self._action("&Help for this field", self.show_help, key.HelpContents,
                                        "The user guide, opened at what you are working on")
        self.shortcuts_action = self._action("&Keyboard shortcuts", self.show_shortcuts, "Ctrl+F1")
        self.about_action = self._action("&About Riskwright", self.show_about)

    def _build_menus(self: Any) -> None:
        bar = self.menuBar()
        file_menu = self.file_menu = bar.addMenu("&File")
        file_menu.addActions([self.new_action, self.open_action])
        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addMenu(self.recent_menu)
        file_menu.addAction(self.portfolio_action)
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        file_menu.addActions([self.save_copy_action, self.export_yaml_action])
        file_menu.addSeparator()
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addActions([self.close_action, self.quit_action])
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addActions([self.cut_action, self.copy_action, self.paste_action])
        edit_menu.addSeparator()
        edit_menu.addActions([self.find_action, self.hazard_action, self.sensitivity_action])
        view_menu = bar.addMenu("&View")
        toggle = self.dock.toggleViewAction()
        toggle.setText("&Checks panel")
        view_menu.addAction(toggle)
        view_menu.addAction(self.recheck_action)
        go_menu = self.go_menu = bar.addMenu("&Go")
        go_menu.addActions([self.next_action, self.previous_action])
        go_menu.addSeparator()
        go_menu.addActions([self.focus_parts_action, self.focus_form_action, *self.panel_actions])
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.help_action, self.shortcuts_action, self.about_action])
        self.add_late_actions()

    def add_late_actions(self: Any) -> None:
        """Put the history panel's actions (Sign off…, History) in the menus once they exist."""
        sign = getattr(self, "signoff_action", None)
        if sign is not None and sign not in self.file_menu.actions():
            self.file_menu.insertAction(self.export_action, sign)
            sign.setEnabled(self.session is not None)
            self.workspace.opened.connect(lambda session: sign.setEnabled(session is not None))
        for action in self.panel_actions:
            if action not in self.go_menu.actions():
                self.go_menu.addAction(action)

    def _fill_recent(self: Any) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_files()
        for number, path in enumerate(recent, start=1):
            label = f"&{number} {path.name}" if number < 10 else path.name
            action = self.recent_menu.addAction(label)
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.open_file(p))
        if not recent:
            none = self.recent_menu.addAction("No recent files")
            none.setEnabled(False)

    def open_dialog(self: Any) -> None:
        start = str(self.session.path.parent) if self.session else str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(self, "Open assessment", start, ASSESSMENT_FILTER)
        if chosen:
            self.open_file(Path(chosen))

    def open_portfolio_dialog(self: Any) -> None:
        start = str(self.session.path.parent) if self.session else str(Path.home())
        chosen = QFileDialog.getExistingDirectory(self, "Open portfolio: a folder of assessments", start)
        if chosen:
            self.open_portfolio([Path(chosen)])

    def open_portfolio(self: Any, places: list[Path], as_of: Any = None) -> Any:
        """Show the Portfolio window for ``places``; its rows open here (at a deadline's field)."""
        from app.ui.portfolio_window import PortfolioWindow
        window = PortfolioWindow(places, self.open_at, as_of)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.portfolio_windows.append(window)
        window.destroyed.connect(lambda _=None, w=window: self.portfolio_windows.remove(w)
                                 if w in self.portfolio_windows else None)
        window.show()
        return window

    def open_at(self: Any, path: Path, address: str | None = None) -> None:
        """Open ``path`` (unless it is already open) and show ``address`` or its stage."""
        already = self.session is not None and self.session.path.resolve() == path.resolve()
        if not already and not self.open_file(path):
            return
        self.show()
        if address and not self.go_to(address):
            self.show_stage(address.split(".", 1)[0])
        self.raise_()
        self.activateWindow()

    def open_example(self: Any) -> None:
        from app.session.start import first_start_file
        try:
            self.open_file(first_start_file())
        except (StoreError, OSError) as error:
            self.show_error("Cannot open the example", str(error))

    def new_assessment(self: Any) -> None:
        from app.ui.dialogs import framework_choices
        if not self.may_leave():
            return
        folder = self.session.path.parent if self.session else Path.home()
        answer, accepted = NewAssessmentDialog.ask(self, framework_choices(), self.settings.last_framework(), folder)
        if not accepted or answer is None:
            return
        doc = Document()
        doc.values["header.framework"] = Value(answer.framework)
        doc.values["header.model.name"] = Value(answer.model_name)
        doc.values["header.status"] = Value("draft")
        try:
            assessment = AssessmentFile.create(answer.path, doc, mode="edit")
        except (StoreError, OSError) as error:
            self.show_error("Cannot create the assessment", str(error))
            return
        self.settings.set_last_framework(answer.framework)
        self.set_assessment(assessment)

    def import_yaml(self: Any) -> None:
        from app.content.errors import ContentError, ContentErrors
        from app.interchange import load_document
        chosen, _ = QFileDialog.getOpenFileName(self, "Import YAML", str(Path.home()),
                                                "YAML (*.yaml *.yml);;All files (*)")
        if not chosen:
            return
        source = Path(chosen)
        try:
            doc = load_document(source.read_text(encoding="utf-8"), str(source), self.forms)
        except (ContentError, ContentErrors) as error:
            self.show_error("Cannot import the YAML file", str(error))
            return
        except (OSError, UnicodeDecodeError) as error:
            self.show_error("Cannot import the YAML file", f"{source}: {error}")
            return
        target, _ = QFileDialog.getSaveFileName(self, "Save the imported assessment as",
                                                str(source.with_suffix(".rwa")), ASSESSMENT_FILTER)
        if not target or not self.may_leave():
            return
        try:
            assessment = AssessmentFile.create(Path(target), doc, mode="edit")
        except (StoreError, OSError) as error:
            self.show_error("Cannot create the assessment", str(error))
            return
        self.set_assessment(assessment)

    def export(self: Any) -> None:
        if self.session is not None:
            self.session.flush()
            self.open_export_dialog()
