"""Where the content folders (forms/, schemas/, reports/, resources/) are.

In a source checkout they sit next to ``app/``; an installed wheel carries them
inside the package as ``app/_content/`` (see pyproject.toml). One function
answers for both so no caller guesses paths.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

CONTENT_FOLDERS = ("forms", "schemas", "reports", "resources")


@cache
def content_root() -> Path:
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
