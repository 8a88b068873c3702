"""Take the README's screenshots (resources/screenshots/) of the bundled example, on a real X display.

    xvfb-run -a -s '-screen 0 1400x900x24' .venv/bin/python packaging/screenshots.py [OUT_FOLDER] [--dark]

Each stage is shown as `riskwright open FILE --stage STAGE --screenshot OUT.png` would show it;
the flags, the refused public export, the previews, find, history, help, the new-assessment and
sign-off dialogs are driven the way a person would drive them. Settings and the example live in a
temporary folder, so the person's own are never touched. ``--dark`` takes them in the dark scheme
(for looking at, not for the README).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("header", "pre_training", "training", "pre_deployment", "deployment_decision", "deployment",
          "retrospective", "accountability")
SIZE = (1400, 860)


def main(argv: list[str]) -> int:
    dark = "--dark" in argv
    args = [a for a in argv if not a.startswith("--")]
    out = Path(args[0]) if args else ROOT / "resources" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="riskwright-shots-"))
    os.environ["RISKWRIGHT_SETTINGS_DIR"] = str(work / "settings")
    os.environ["XDG_DATA_HOME"] = str(work / "data")
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")
    os.environ["RISKWRIGHT_SCHEME"] = "dark" if dark else "light"
    os.environ["RISKWRIGHT_ASSESSOR"] = "Ada Example"

    from PySide6.QtCore import QEventLoop, QTimer

    from app.interchange.examples import write_example
    from app.session.forms_cache import startup_forms
    from app.ui.main import _application
    from app.ui.settings import AppSettings
    from app.ui.window import MainWindow

    app = _application()
    example = work / "Example assessment.rwa"
    write_example(example)

    def settle(ms: int = 300) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait(condition, timeout_ms: int = 120000) -> None:  # type: ignore[no-untyped-def]
        waited = 0
        while not condition() and waited < timeout_ms:
            settle(100)
            waited += 100

    def save(widget, name: str) -> None:  # type: ignore[no-untyped-def]
        settle(250)
        widget.grab().save(str(out / name))
        print(out / name)

    window = MainWindow(startup_forms(), AppSettings(), remember_window=False)
    window.resize(*SIZE)
    window.open_file(example)
    window.show()
    wait(lambda: window.analysis is not None and window.analysis.latest is not None)
    wait(lambda: window.flag_watch is not None and window.flag_watch.ready)
    for number, stage in enumerate(STAGES, start=1):
        window.show_stage(stage)
        save(window, f"{number:02d}-{stage}.png")

    # A hazardous passage: the example's own, shown as a marked region with its domain.
    window.go_to("pre_deployment.evaluations[ev-1].elicitation.prompting")
    settle(600)
    save(window, "17-hazardous-passage.png")
    window.current_page().verticalScrollBar().setValue(0)  # the later shots of this stage start at its top

    # A flag: a public select-agent name typed into the scope, then the Flags tab.
    window.show_stage("header")
    scope = next(r for r in window.current_page().all_rows() if r.spec.path == "header.scope").binding.widget
    scope.setFocus()
    scope.moveCursor(scope.textCursor().MoveOperation.End)
    scope.insertPlainText(" Testers asked about anthrax; the model refused.")
    window.session.flush()
    window.flag_watch.settle()
    window.show_panel("flags")
    wait(lambda: window.flags_panel.tree.topLevelItemCount() > 0, 20000)
    save(window, "09-flags.png")

    from app.ui.export_dialog import ExportDialog
    dialog = ExportDialog(window.workspace, window)
    dialog.set_audience("public")
    dialog.set_format("pdf")
    dialog.path.setText(str(work / "public.pdf"))
    dialog.show()
    dialog.start()
    wait(lambda: not dialog.running)
    save(dialog, "10-export-refused.png")
    dialog.close()
    window.flags_panel.redact_current()
    window.session.flush()

    for audience in ("public", "internal"):
        window.show_panel("preview")
        preview = window.preview_panel
        preview.audience.setCurrentIndex(preview.audience.findData(audience))
        preview.refresh()
        wait(lambda p=preview: not p.rendering)
        save(window, f"11-preview-{audience}.png")

    window.show_stage("pre_deployment")
    window.find_bar.open()
    window.find_bar.query.setText("Glimmerpox")
    window.find_bar.search()
    settle(600)
    save(window, "12-find.png")
    window.find_bar.hide()

    window.show_panel("history")
    save(window, "13-history.png")

    window.show_stage("training")
    window.activateWindow()
    settle(300)
    field = next(iter(window.current_page().all_rows()))
    field.binding.widget.setFocus()
    window.show_help()
    save(window.help_window, "14-help.png")
    window.help_window.close()

    from app.ui.dialogs import NewAssessmentDialog, framework_choices
    new = NewAssessmentDialog(framework_choices(), None, Path.home(), window)
    new.show()
    save(new, "15-new-assessment.png")
    new.close()

    from app.content.roles import load_roles
    from app.session.accountability import key_note
    from app.ui.readiness import readiness_warning
    from app.ui.signoff_dialog import SignOffDialog
    from app.model import Address, SetValue
    window.session.apply(SetValue(Address.parse("header.model.developer"), None), "Clear developer")
    window.session.flush()
    window.analysis.run_now()
    wait(lambda: window.analysis.latest is not None and bool(window.analysis.latest.problems), 20000)
    status = window.session.core.revision_status()
    warning = readiness_warning(window.analysis.latest, status, "signoff")
    sign = SignOffDialog(status, load_roles(), "Ada Example", key_note(), window, warning)
    sign.show()
    save(sign, "16-signoff.png")
    sign.close()
    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
