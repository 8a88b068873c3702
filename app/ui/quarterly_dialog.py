"""Choosing a quarterly update to write from the Portfolio window: quarter, audience, format and file.

The window runs the export itself (``PortfolioWindow.export_quarterly``) in a worker process, through
the same path as ``riskwright export-portfolio``: every included assessment filtered for the audience,
refused on open flags, and the finished file leak-scanned before it is put in place.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QWidget,
)

from app.export.quarterly import Quarter
from app.model.outputs import AUDIENCES, FORMATS
from app.session.quarterly import default_file_name

RECENT_QUARTERS = 8


def recent_quarters(day: date, count: int = RECENT_QUARTERS) -> list[Quarter]:
    """The quarter holding ``day`` and the ``count - 1`` before it, newest first."""
    quarters = [Quarter.containing(day)]
    while len(quarters) < count:
        last = quarters[-1]
        quarters.append(Quarter(last.year - 1, 4) if last.number == 1 else Quarter(last.year, last.number - 1))
    return quarters


class QuarterlyDialog(QDialog):
    """Asks what to write; ``choice()`` gives (quarter, audience, format, path) once accepted."""

    def __init__(self, as_of: date, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Quarterly update — Riskwright")
        self.folder = folder
        self._named_by_hand = False
        form = QFormLayout(self)
        self.quarter = QComboBox()
        for quarter in recent_quarters(as_of):
            self.quarter.addItem(f"{quarter.label} ({quarter.span})", quarter)
        self.audience = QComboBox()
        for audience in AUDIENCES:
            self.audience.addItem(audience.capitalize(), audience)
        self.format = QComboBox()
        for output in FORMATS.values():
            self.format.addItem(output.label, output.id)
        self.path = QLineEdit()
        self.path.setAccessibleName("File to write")
        self.path.setMinimumWidth(420)
        browse = QPushButton("&Browse…")
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("&Quarter:", self.quarter)
        form.addRow("&Audience:", self.audience)
        form.addRow("&Format:", self.format)
        save_as = QLabel("&Save as:")
        save_as.setBuddy(self.path)
        form.addRow(save_as, row)
        note = QLabel("Wider editions leave out every model, date and detail an assessment withholds from that "
                      "audience, and are refused while any included assessment has open flags.")
        note.setWordWrap(True)
        form.addRow(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton("&Export", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        for combo in (self.quarter, self.audience, self.format):
            combo.currentIndexChanged.connect(self._suggest)
        self.path.textEdited.connect(self._typed)
        browse.clicked.connect(self._browse)
        self._suggest()

    def choice(self) -> tuple[Quarter, str, str, Path]:
        return (self.quarter.currentData(), self.audience.currentData(), self.format.currentData(),
                Path(self.path.text()).expanduser())

    def _typed(self, text: str) -> None:
        self._named_by_hand = bool(text)
        self.export_button.setEnabled(bool(text.strip()))

    def _suggest(self) -> None:
        """Keep the suggested name in step with the choices until the person names the file."""
        quarter, audience, fmt = self.quarter.currentData(), self.audience.currentData(), self.format.currentData()
        if self._named_by_hand:
            current = Path(self.path.text())
            self.path.setText(str(current.with_suffix(FORMATS[fmt].suffix)))
        else:
            self.path.setText(str(self.folder / default_file_name(quarter, audience, fmt)))
        self.export_button.setEnabled(bool(self.path.text().strip()))

    def _browse(self) -> None:
        fmt = FORMATS[self.format.currentData()]
        chosen, _filter = QFileDialog.getSaveFileName(self, "Save the quarterly update as", self.path.text(),
                                                      f"{fmt.label} (*{fmt.suffix})")
        if chosen:
            self.path.setText(chosen)
            self._named_by_hand = True
