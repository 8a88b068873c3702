"""Where Riskwright keeps its own files on this machine: one answer for every package.

Each folder follows the XDG base-directory variables, with an environment
override of our own so tests (and portable installs) can point it elsewhere.
Only the standard library is used: the store (signing key, assessor name), the
application layer (forms cache, the first-start example) and the window
(remembered window state) all ask here.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

APP_FOLDER = "Riskwright"
CONFIG_FOLDER = "riskwright"
"""The one config folder: the signing key, ``settings.json`` (the assessor's name, required
approvals) and the window's ``riskwright.ini``."""
LEGACY_CONFIG_FOLDER = "Riskwright"
"""Where the window kept ``riskwright.ini`` before there was one config folder."""


def _xdg(variable: str, fallback: str) -> Path:
    return Path(os.environ.get(variable) or str(Path.home() / fallback))


def config_folder() -> Path:
    """The person's settings and signing key (``$RISKWRIGHT_SETTINGS_DIR`` overrides it)."""
    override = os.environ.get("RISKWRIGHT_SETTINGS_DIR")
    if override:
        return Path(override)
    return _xdg("XDG_CONFIG_HOME", ".config") / CONFIG_FOLDER


def config_file(name: str) -> Path:
    """``name`` in the config folder; a copy left in the legacy folder is carried over once.

    Copied, never moved: an older Riskwright still finds its own file. (On a
    file system that ignores case the two folders are one, and the file is
    simply there already.)
    """
    path = config_folder() / name
    if path.exists() or os.environ.get("RISKWRIGHT_SETTINGS_DIR"):
        return path
    legacy = _xdg("XDG_CONFIG_HOME", ".config") / LEGACY_CONFIG_FOLDER / name
    try:
        if legacy.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(legacy, path)
    except OSError:
        pass  # unreadable old settings: start fresh rather than refuse to start
    return path


def data_folder() -> Path:
    """Files of the app's own (the first-start copy of the example)."""
    override = os.environ.get("RISKWRIGHT_DATA_DIR")
    if override:
        return Path(override)
    return _xdg("XDG_DATA_HOME", ".local/share") / APP_FOLDER


def cache_folder() -> Path:
    """Things that can be rebuilt at any time (the checked forms)."""
    override = os.environ.get("RISKWRIGHT_CACHE_DIR")
    if override:
        return Path(override)
    return _xdg("XDG_CACHE_HOME", ".cache") / APP_FOLDER
