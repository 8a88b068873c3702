"""Who is making a change: the name written into history and sign-offs.

Order of precedence, so a person is named the same way by the app and the CLI:
``$RISKWRIGHT_ASSESSOR``; else ``assessor_name`` in the settings file the
desktop app writes (``settings.json`` in the config folder); else the operating
system's user name. The signing key lives in the same config folder.

The config folder is ``app.places.config_folder()``: ``$XDG_CONFIG_HOME/riskwright``
or ``~/.config/riskwright``. The settings file is read once and again only when it
changes on disk, so naming the assessor on every edit costs one ``stat``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from app import places
from app.model.fast_dataclass import dataclass
from app.store.atomic import write_atomically

ASSESSOR_VARIABLE = "RISKWRIGHT_ASSESSOR"
SETTINGS_FILE = "settings.json"
ASSESSOR_KEY = "assessor_name"
"""Key of the person's display name in ``settings.json``."""


def config_folder() -> Path:
    return places.config_folder()


_located: tuple[tuple[str | None, ...], Path] | None = None
"""The settings file's path and the environment it was worked out in."""


def settings_path() -> Path:
    """Where ``settings.json`` is; worked out (and a legacy copy carried over) once per environment.

    Every edit names its assessor and every revision status reads the approvals, so this is asked
    several times per pause in typing: building the path each time cost the window more than the
    ``stat`` that tells whether the file changed.
    """
    global _located
    key = tuple(os.environ.get(name) for name in ("RISKWRIGHT_SETTINGS_DIR", "XDG_CONFIG_HOME", "HOME"))
    if _located is None or _located[0] != key:
        _located = (key, places.config_file(SETTINGS_FILE))
    return _located[1]


@dataclass(frozen=True)
class Identity:
    name: str
    source: str
    """Where the name came from: ``environment``, ``settings`` or ``system``."""


_read: tuple[Path, tuple[int, int, int] | None, dict[str, Any]] | None = None
"""The last settings read: which file, its (inode, size, mtime) then, and what it held."""


def read_settings() -> dict[str, Any]:
    """The settings file as a dict (a copy); an absent or unreadable file counts as empty."""
    global _read
    path = settings_path()
    try:
        stat = path.stat()
        stamp: tuple[int, int, int] | None = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    except OSError:
        stamp = None
    if _read is not None and _read[0] == path and _read[1] == stamp:
        return dict(_read[2])
    settings: Any = {}
    if stamp is not None:
        try:
            settings = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            settings = {}
    settings = settings if isinstance(settings, dict) else {}
    _read = (path, stamp, settings)
    return dict(settings)


def current_identity() -> Identity:
    named = os.environ.get(ASSESSOR_VARIABLE, "").strip()
    if named:
        return Identity(named, "environment")
    configured = read_settings().get(ASSESSOR_KEY)
    if isinstance(configured, str) and configured.strip():
        return Identity(configured.strip(), "settings")
    import getpass  # here, not at the top: only when no name is set (an export's start never asks)
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment nor in the password database
        user = f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown user"
    return Identity(user, "system")


def assessor_name() -> str:
    """The name history entries are written under; cheap enough to call per edit."""
    return current_identity().name


def save_assessor_name(name: str) -> None:
    """Store the person's name in ``settings.json``, keeping every other setting."""
    folder = config_folder()
    folder.mkdir(parents=True, exist_ok=True)
    settings = read_settings()
    settings[ASSESSOR_KEY] = name.strip()
    write_atomically(settings_path(), (json.dumps(settings, indent=2, ensure_ascii=False) + "\n").encode())
