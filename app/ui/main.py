"""Start the desktop app (a minimal window until the full editor lands)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QMainWindow, QMessageBox, QSplitter

from app import __version__
from app.content.forms import load_forms
from app.store import AssessmentFile, StoreError


def first_start_file() -> Path:
    """A personal copy of the bundled example, written on first start."""
    from app.interchange.examples import write_example
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "Example assessment.rwa"
    if not path.exists():
        write_example(path)
    return path


class MainWindow(QMainWindow):
    def __init__(self, assessment: AssessmentFile) -> None:
        super().__init__()
        self.assessment = assessment
        self.setWindowTitle(f"{assessment.path.name} — Riskwright")
        forms = load_forms()
        navigator = QListWidget()
        navigator.setAccessibleName("Stages")
        navigator.addItems([form.title for form in forms.forms])
        name = assessment.document.get("header.model.name") or "(unnamed model)"
        summary = QLabel(f"<h2>{name}</h2><p>Framework: {assessment.document.get('header.framework')}</p>")
        splitter = QSplitter()
        splitter.addWidget(navigator)
        splitter.addWidget(summary)
        self.setCentralWidget(splitter)
        self.resize(1100, 720)


def run_app(path: str | None, screenshot: str | None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Riskwright")
    app.setOrganizationName("Riskwright")
    app.setApplicationVersion(__version__)
    try:
        assessment = AssessmentFile.open(Path(path) if path else first_start_file())
    except StoreError as error:
        if screenshot:
            print(f"riskwright: {error}", file=sys.stderr)
        else:
            QMessageBox.critical(None, "Cannot open assessment", str(error))
        return 2
    window = MainWindow(assessment)
    window.show()
    if screenshot:
        def grab() -> None:
            window.grab().save(screenshot)
            app.quit()
        QTimer.singleShot(0, grab)
    code = app.exec()
    assessment.close()
    return code
