"""Where the content folders (forms/, schemas/, reports/, resources/) are.

In a source checkout they sit next to ``app/``; an installed wheel carries them
inside the package as ``app/_content/`` (see pyproject.toml), and so does the
desktop bundle, in its ``_internal`` folder (``sys._MEIPASS``, see
packaging/riskwright.spec). One function answers for all three so no caller
guesses paths.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

CONTENT_FOLDERS = ("forms", "schemas", "reports", "resources")


@cache
def content_root() -> Path:
    if getattr(sys, "frozen", False):
        # A frozen module's __file__ is only nominal; the bundle's own folder is authoritative.
        frozen = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "app" / "_content"
        if (frozen / "forms").is_dir():
            return frozen
    package = Path(__file__).resolve().parent.parent
    bundled = package / "_content"
    if (bundled / "forms").is_dir():
        return bundled
    checkout = package.parent
    if (checkout / "forms").is_dir():
        return checkout
    raise FileNotFoundError(
        f"Riskwright's content folders were not found next to {package} nor inside it; "
        f"reinstall the package")


def content_path(*parts: str) -> Path:
    return content_root().joinpath(*parts)
