"""Small dialogs: a new assessment, keyboard shortcuts, about.

Each dialog that asks for something has a classmethod returning
``(answer, accepted)``, so tests replace one function instead of driving a
modal event loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget, QHeaderView, QAbstractItemView,
)

from app import __version__


@dataclass(frozen=True)
class NewAssessment:
    path: Path
    framework: str
    model_name: str


@dataclass(frozen=True)
class FrameworkChoice:
    """One installed framework as the dialog offers it: by its published name, newest first."""

    id: str
    name: str
    date: str = ""

    @property
    def text(self) -> str:
        return f"{self.name} ({self.date[:4]})" if self.date else self.name


def framework_choices() -> list[FrameworkChoice]:
    """Every installed framework, newest first (a framework that fails to load is listed by its id)."""
    from app.checks import load_framework
    from app.content.frameworks import framework_ids
    choices = []
    for framework_id in framework_ids():
        try:
            framework = load_framework(framework_id)
            choices.append(FrameworkChoice(framework_id, str(framework.name), str(framework.date or "")))
        except Exception:  # noqa: BLE001 - `riskwright frameworks` reports a broken file; still offer the id
            choices.append(FrameworkChoice(framework_id, framework_id))
    return sorted(choices, key=lambda c: (c.date, c.id), reverse=True)


def visible_folder(folder: Path | None) -> Path:
    """Where a new file goes by default: never a hidden folder (``~/.local/share/…``) a person cannot find."""
    if folder is not None and folder.is_dir() and not any(part.startswith(".") for part in folder.parts):
        return folder
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


class NewAssessmentDialog(QDialog):
    def __init__(self, frameworks: list[FrameworkChoice], last_framework: str | None, folder: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New assessment")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel("An assessment is one file. Choose the framework it will be checked against and the "
                       "model it is about; everything is saved as you type.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.framework = QComboBox()
        for choice in frameworks:
            self.framework.addItem(choice.text, choice.id)
            self.framework.setItemData(self.framework.count() - 1, f"{choice.id}: published {choice.date}",
                                       Qt.ItemDataRole.ToolTipRole)
        self.framework.setAccessibleName("Framework")
        ids = [choice.id for choice in frameworks]
        self.framework.setCurrentIndex(ids.index(last_framework) if last_framework in ids else 0)
        form.addRow("&Framework:", self.framework)
        self.model_name = QLineEdit()
        self.model_name.setPlaceholderText("e.g. Aurora-2")
        self.model_name.setAccessibleName("Model name")
        form.addRow("&Model name:", self.model_name)
        row = QHBoxLayout()
        self.path = QLineEdit(str(visible_folder(folder) / "New assessment.rwa"))
        self.path.setAccessibleName("File")
        browse = QPushButton("&Browse…")
        browse.setAccessibleName("Choose where to save the file")
        browse.clicked.connect(self._browse)
        row.addWidget(self.path)
        row.addWidget(browse)
        file_label = QLabel("F&ile:")
        file_label.setBuddy(self.path)
        form.addRow(file_label, row)
        layout.addLayout(form)
        self.problem = QLabel()
        self.problem.setObjectName("fieldMessage")
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Create")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.model_name.textChanged.connect(self._suggest_name)

    def _suggest_name(self, name: str) -> None:
        current = Path(self.path.text())
        if current.stem in ("New assessment",) or current.stem.endswith(" assessment"):
            stem = f"{name.strip()} assessment" if name.strip() else "New assessment"
            self.path.setText(str(current.with_name(f"{stem}.rwa")))

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "New assessment file", self.path.text(),
                                                "Riskwright assessments (*.rwa)")
        if chosen:
            self.path.setText(chosen if chosen.endswith(".rwa") else chosen + ".rwa")

    def _accept(self) -> None:
        problem = None
        path = Path(self.path.text().strip())
        if not self.model_name.text().strip():
            problem = "Give the model's name."
        elif not self.framework.currentData():
            problem = "No framework is installed."
        elif path.exists():
            problem = f"{path} already exists; choose another name."
        elif not path.parent.is_dir():
            problem = f"The folder {path.parent} does not exist."
        if problem:
            self.problem.setText(problem)
            self.problem.show()
            return
        self.accept()

    def answer(self) -> NewAssessment:
        path = Path(self.path.text().strip())
        if path.suffix != ".rwa":
            path = path.with_name(path.name + ".rwa")
        return NewAssessment(path, str(self.framework.currentData()), self.model_name.text().strip())

    @classmethod
    def ask(cls, parent: QWidget, frameworks: list[FrameworkChoice], last_framework: str | None,
            folder: Path) -> tuple[NewAssessment | None, bool]:
        dialog = cls(frameworks, last_framework, folder, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None, False
        return dialog.answer(), True


SHORTCUTS = (
    ("File", "New assessment", "Ctrl+N"), ("File", "Open", "Ctrl+O"), ("File", "Export", "Ctrl+E"),
    ("File", "Close", "Ctrl+W"), ("File", "Quit", "Ctrl+Q"),
    ("Edit", "Undo", "Ctrl+Z"), ("Edit", "Redo", "Ctrl+Shift+Z / Ctrl+Y"),
    ("Edit", "Cut / Copy / Paste", "Ctrl+X / Ctrl+C / Ctrl+V"), ("Edit", "Find in assessment", "Ctrl+F"),
    ("Edit", "Mark selection hazardous / unmark passage", "Ctrl+Shift+H"),
    ("Edit", "Sensitivity of this field", "Ctrl+Shift+L"),
    ("Go", "Next part / previous part", "Ctrl+PgDown / Ctrl+PgUp"),
    ("Go", "Parts list", "Ctrl+1"), ("Go", "Form", "Ctrl+2"),
    ("Go", "Findings / Flags / Preview / History", "Ctrl+3 / Ctrl+4 / Ctrl+5 / Ctrl+6"),
    ("Tables", "Add record", "Insert (in a record list)"), ("Tables", "Duplicate record", "Ctrl+D"),
    ("Tables", "Remove record", "Delete"), ("Tables", "Move record up / down", "Alt+Up / Alt+Down"),
    ("Forms", "Next / previous field", "Tab / Shift+Tab"), ("Forms", "Jump to a field", "Alt+underlined letter"),
    ("Checks", "Re-run checks", "F5"), ("Help", "Help for this field and stage", "F1"),
    ("Help", "Keyboard shortcuts", "Ctrl+F1"),
)


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(560, 560)
        layout = QVBoxLayout(self)
        table = QTableWidget(len(SHORTCUTS), 3)
        table.setAccessibleName("Keyboard shortcuts")
        table.setHorizontalHeaderLabels(["Where", "What", "Keys"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, (where, what, keys) in enumerate(SHORTCUTS):
            for column, text in enumerate((where, what, keys)):
                table.setItem(row, column, QTableWidgetItem(text))
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.resizeColumnToContents(0)
        table.resizeColumnToContents(2)
        layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


ABOUT = (f"<h3>Riskwright {__version__}</h3>"
         "<p>Write risk assessments of frontier AI models, check them against published safety "
         "frameworks, keep hazardous details out of public reports, and export internal and public "
         "reports.</p><p>Works offline. Every edit is saved to the assessment file as you make it.</p>")
