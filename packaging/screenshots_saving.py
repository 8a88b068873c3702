"""Screenshots of the save states (resources/screenshots/save-*.png): read-only media and a full disk.

    xvfb-run -a -s '-screen 0 1400x900x24' .venv/bin/python packaging/screenshots_saving.py [OUT_FOLDER]

Needs root: it mounts two 1 MB tmpfs file systems, remounts one read-only and fills the other.
Settings and data go to a temporary folder, so the person's own are never touched.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "resources" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="riskwright-save-shots-"))
    os.environ["RISKWRIGHT_SETTINGS_DIR"] = str(work / "settings")
    os.environ["XDG_DATA_HOME"] = str(work / "data")
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")

    from PySide6.QtTest import QTest

    from app.interchange.examples import write_example
    from app.session.forms_cache import startup_forms
    from app.ui.main import _application
    from app.ui.window import MainWindow

    disks = {name: work / name for name in ("stick", "full")}
    for folder in disks.values():
        folder.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], check=True)
    try:
        write_example(disks["stick"] / "halcyon.rwa")
        subprocess.run(["mount", "-o", "remount,ro", str(disks["stick"])], check=True)
        write_example(disks["full"] / "halcyon.rwa")
        app = _application()
        forms = startup_forms()

        def settle(seconds: float = 2.5) -> None:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                app.processEvents()
                time.sleep(0.02)

        reader = MainWindow(forms, remember_window=False)
        reader.resize(1360, 860)
        assert reader.open_file(disks["stick"] / "halcyon.rwa")
        reader.show()
        settle()
        reader.grab().save(str(out / "save-read-only.png"))
        print(out / "save-read-only.png", "—", reader.saved_label.text())
        reader.close()

        writer = MainWindow(forms, remember_window=False)
        writer.resize(1360, 860)
        assert writer.open_file(disks["full"] / "halcyon.rwa")
        writer.show()
        settle()
        with open(disks["full"] / "filler", "wb") as filler:
            try:
                while True:
                    filler.write(b"\0" * 65536)
            except OSError:
                pass
        name = next(row.binding.widget for row in writer.current_page().all_rows()
                    if row.spec.path == "header.model.name")
        name.setFocus()
        name.end(False)
        QTest.keyClicks(name, " (renamed while the disk was full)")
        writer.session.flush()
        settle(1.5)
        writer.grab().save(str(out / "save-not-saved.png"))
        print(out / "save-not-saved.png", "—", writer.saved_label.text())
        writer.closing_without_asking = True  # the unsaved rename is rescued to the temporary data folder
        writer.close()
    finally:
        for folder in disks.values():
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
