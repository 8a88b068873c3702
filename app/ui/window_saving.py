"""The window's file-safety commands, as a mixin: Save a copy, Export YAML, leaving safely, read-only pages.

Kept out of ``window`` (layout and navigation) and ``window_menus`` (menus and
the other File commands). Everything acts through the window's public parts
(``session``, ``set_assessment``, ``close_assessment``, ``show_error``,
``pages``) and the core API.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractButton, QAbstractSpinBox, QComboBox, QFileDialog, QLabel, QLineEdit, QPlainTextEdit, QTextEdit, QWidget,
)

from app.store import AssessmentFile, StoreError
from app.ui.file_access import PROGRAM, LeaveDialog, copy_name

ASSESSMENT_FILTER = "Riskwright assessments (*.rwa);;All files (*)"


def make_read_only(page: QWidget) -> None:
    """Let a page be read, scrolled and copied from, but not changed."""
    for widget in page.findChildren(QWidget):
        if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox)):
            widget.setReadOnly(True)
        elif isinstance(widget, (QAbstractButton, QComboBox)):
            widget.setEnabled(False)


def save_banner() -> QLabel:
    """The line above the form that says, while it is true, that the file is read-only or not saved."""
    banner = QLabel()
    banner.setObjectName("saveBanner")
    banner.setWordWrap(True)
    banner.hide()
    return banner


class SavingCommands:
    """``self`` is the ``MainWindow`` (typed ``Any``: a mixin cannot name its host class)."""

    closing_without_asking = False
    """Set when the system ends the program (SIGTERM): there is nobody to ask."""

    def update_save_banner(self: Any) -> None:
        """Show the read-only or not-saved state above the form as well as in the status bar."""
        banner: QLabel = self.save_banner
        session = self.session
        state = self.save_status.state if session is not None else ""
        if state == "readonly":
            text = (f"Read-only: {session.assessment.read_only_reason}. To make changes, use "
                    f"File ▸ Save a copy… and work on the copy.")
        elif state == "unsaved" and session.assessment.save_problem is not None:
            problem = session.assessment.save_problem
            text = (f"Not saved: {problem.reason}. Your changes are kept in this window; "
                    f"{problem.advice}.")
        else:
            banner.hide()
            return
        banner.setText(text)
        if banner.property("state") != state:
            banner.setProperty("state", state)
            banner.style().unpolish(banner)
            banner.style().polish(banner)
        banner.show()

    # -- leaving the open file ------------------------------------------------------------------
    def may_leave(self: Any) -> bool:
        """Before closing, quitting or opening another file: True when nothing would be lost.

        Otherwise asks: go back (and show the entry that cannot be saved), save a
        copy of unsaved edits, or discard.
        """
        session = self.session
        if session is None:
            return True
        if self.closing_without_asking:
            self.rescue_unsaved()
            return True
        session.flush()
        problem = session.assessment.save_problem
        if problem is not None and session.retry_save():
            problem = None
        invalid = list(session.invalid_entries.values())
        if problem is None and not invalid:
            return True
        choice, accepted = LeaveDialog.ask(self, problem.reason if problem else None, invalid)
        if not accepted or choice == LeaveDialog.BACK:
            if invalid:
                self.go_to(invalid[0].address)
            return False
        if choice == LeaveDialog.COPY:
            return self.save_as()
        session.invalid_entries.clear()
        return True

    def rescue_unsaved(self: Any) -> Path | None:
        """The program is being ended (SIGTERM) with work that is not in the file: write it as YAML.

        Goes to ``rescued/`` in the data folder, with any entries that could not
        be saved listed at the top; the path is printed on standard error.
        """
        from app.places import data_folder
        session = self.session
        if session is None:
            return None
        session.flush()
        if session.assessment.save_problem is not None:
            session.retry_save()
        invalid = list(session.invalid_entries.values())
        if not session.assessment.unsaved and not invalid:
            return None
        folder = data_folder() / "rescued"
        target = folder / f"{session.path.stem}-{time.strftime('%Y%m%d-%H%M%S')}.yaml"
        notes = "".join(f"# not saved, as typed in {entry.label} ({entry.address}): {entry.text!r}\n"
                        for entry in invalid)
        try:
            from app.interchange import dump_document
            from app.store.atomic import write_atomically
            folder.mkdir(parents=True, exist_ok=True)
            write_atomically(target, (notes + dump_document(session.document, self.forms)).encode("utf-8"))
        except Exception as error:  # noqa: BLE001 - the last chance to say something
            print(f"riskwright: unsaved changes could not be rescued: {error}", file=sys.stderr)
            return None
        print(f"riskwright: unsaved changes of {session.path} rescued to {target}", file=sys.stderr)
        return target

    def close_file(self: Any) -> None:
        if self.may_leave():
            self.close_assessment()

    # -- Save a copy (Save As) ----------------------------------------------------------------------
    def save_as(self: Any) -> bool:
        """Ask where, write everything there (unsaved edits included) and continue in the copy."""
        if self.session is None:
            return False
        self.session.flush()
        current = self.session.path
        folder = current.parent if current.parent.is_dir() else Path.home()
        suggested = folder / copy_name(current).name if current.parent.is_dir() else folder / current.name
        chosen, _ = QFileDialog.getSaveFileName(self, "Save a copy as", str(suggested), ASSESSMENT_FILTER)
        if not chosen:
            return False
        return self.save_copy_to(Path(chosen))

    def save_copy_to(self: Any, target: Path) -> bool:
        """Write a complete copy to ``target`` and make it the open, editable file."""
        if self.session is None:
            return False
        if target.suffix != ".rwa":
            target = target.with_name(target.name + ".rwa")
        try:
            self.session.assessment.save_copy(target)
            copy = AssessmentFile.open(target, "edit", program=PROGRAM)
        except (StoreError, OSError) as error:
            self.show_error("Cannot save a copy", str(error))
            return False
        self.session.invalid_entries.clear()
        self.set_assessment(copy)
        self.statusBar().showMessage(f"Saved a copy as {target}; you are now working on the copy.", 10000)
        return True

    # -- Export YAML -------------------------------------------------------------------------------------
    def export_yaml(self: Any) -> None:
        if self.session is None:
            return
        self.session.flush()
        folder = self.session.path.parent if self.session.path.parent.is_dir() else Path.home()
        chosen, _ = QFileDialog.getSaveFileName(self, "Export YAML", str(folder / f"{self.session.path.stem}.yaml"),
                                                "YAML (*.yaml *.yml);;All files (*)")
        if chosen:
            self.export_yaml_to(Path(chosen))

    def export_yaml_to(self: Any, target: Path) -> bool:
        """Write the document as it is in the window (unsaved edits included) as YAML."""
        from app.interchange import InterchangeError, dump_document
        from app.store.atomic import write_atomically
        if self.session is None:
            return False
        try:
            text = dump_document(self.session.document, self.forms)
            write_atomically(target, text.encode("utf-8"))
        except InterchangeError as error:
            self.show_error("Cannot export YAML", str(error))
            return False
        except OSError as error:
            self.show_error("Cannot export YAML", f"{target}: {error.strerror or error}")
            return False
        self.statusBar().showMessage(f"Exported the assessment as YAML to {target}", 10000)
        return True

    def refresh_snapshot(self: Any) -> None:
        """A read-only window: read the file again after the program editing it saved a change."""
        session = self.session
        if session is None or not session.read_only:
            return
        path, reason = session.path, session.assessment.read_only_reason
        try:
            fresh = AssessmentFile.open(path, "read", reason=reason)
        except (StoreError, OSError):
            return  # mid-save or gone for a moment: the next check tries again
        self.set_assessment(fresh)
        self.statusBar().showMessage("Read again: the file was changed by the program editing it.", 8000)

    # -- another program changed the file ----------------------------------------------------------------
    def reload_from_disk(self: Any) -> None:
        """Show the file's content after another program changed it (never overwrite its change)."""
        if self.session is None:
            return
        stage = self.navigator.current_stage() or "header"
        for page in self.pages.values():
            page.release()
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages.clear()
        self.session.undo_stack.clear()
        self.show_stage(stage)
        if self.analysis is not None:
            self.analysis.run_now()
        if self.flag_watch is not None:
            self.flag_watch.document_replaced()
        self.statusBar().showMessage("The file was changed by another program; showing what it holds now.", 10000)
