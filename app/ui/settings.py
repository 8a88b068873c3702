"""What the app remembers between runs: recent files, window geometry, last framework.

Settings live in one INI file. Its folder is read from the environment each time
settings are opened (``RISKWRIGHT_SETTINGS_DIR``, else the XDG config folder), not
from Qt's per-process cache, so tests that point ``HOME``/``XDG_CONFIG_HOME`` at a
temp folder never see each other's settings, nor the developer's.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from app.places import config_file

SETTINGS_FILE = "riskwright.ini"
MAX_RECENT = 8
SETTINGS_VERSION = 1


def settings_file() -> Path:
    """``riskwright.ini`` in the one config folder (``app.places``), carried over from the old one."""
    return config_file(SETTINGS_FILE)


class AppSettings:
    """Typed access to the few things worth remembering.

    Qt writes changes to disk on its own shortly after they are made (and when
    the settings object goes away); ``sync`` forces it, for tests and on close.
    """

    def __init__(self) -> None:
        self._qt = QSettings(str(settings_file()), QSettings.Format.IniFormat)
        if self._qt.value("settings_version") is None:
            self._qt.setValue("settings_version", SETTINGS_VERSION)

    def sync(self) -> None:
        self._qt.sync()

    @property
    def path(self) -> Path:
        return Path(self._qt.fileName())

    # -- recent files --------------------------------------------------------
    def recent_files(self) -> list[Path]:
        raw = self._qt.value("recent_files", [])
        names = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, (list, tuple)) else []
        return [Path(name) for name in names if name]

    def add_recent_file(self, path: Path) -> None:
        resolved = str(path.resolve())
        names = [str(p) for p in self.recent_files() if str(p) != resolved]
        self._qt.setValue("recent_files", [resolved, *names][:MAX_RECENT])

    def forget_recent_file(self, path: Path) -> None:
        names = [str(p) for p in self.recent_files() if p != path]
        self._qt.setValue("recent_files", names)
        self._qt.sync()

    def last_file(self) -> Path | None:
        recent = self.recent_files()
        return recent[0] if recent else None

    # -- window ----------------------------------------------------------------
    def geometry(self) -> QByteArray | None:
        value = self._qt.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def window_state(self) -> QByteArray | None:
        value = self._qt.value("window/state")
        return value if isinstance(value, QByteArray) else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self._qt.setValue("window/geometry", geometry)
        self._qt.setValue("window/state", state)
        self._qt.sync()

    # -- choices ---------------------------------------------------------------
    def place_in(self, path: Path) -> tuple[str | None, str | None]:
        """(stage, side-panel tab) the person last had open in the assessment at ``path``."""
        value = self._qt.value(f"places/{_file_key(path)}")
        if not isinstance(value, str) or "|" not in value:
            return None, None
        stage, panel = value.split("|", 1)
        return stage or None, panel or None

    def set_place_in(self, path: Path, stage: str | None, panel: str | None) -> None:
        self._qt.setValue(f"places/{_file_key(path)}", f"{stage or ''}|{panel or ''}")

    def last_framework(self) -> str | None:
        value = self._qt.value("last_framework")
        return str(value) if value else None

    def set_last_framework(self, framework: str) -> None:
        self._qt.setValue("last_framework", framework)

    def last_export_folder(self) -> Path | None:
        value = self._qt.value("export/folder")
        return Path(str(value)) if value else None

    def set_last_export_folder(self, folder: Path) -> None:
        self._qt.setValue("export/folder", str(folder))
        self._qt.sync()


def _file_key(path: Path) -> str:
    """A settings key for a file: a digest of its resolved path (no path characters in the key)."""
    import hashlib
    return hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:20]
