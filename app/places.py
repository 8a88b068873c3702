"""Where Riskwright keeps its own files on this machine: one answer for every package.

Each folder follows the XDG base-directory variables, with an environment
override of our own so tests (and portable installs) can point it elsewhere.
Only the standard library is used: the store (signing key, assessor name), the
application layer (forms cache, the first-start example) and the window
(remembered window state) all ask here.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_FOLDER = "Riskwright"


def _xdg(variable: str, fallback: str) -> Path:
    return Path(os.environ.get(variable) or str(Path.home() / fallback))


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
