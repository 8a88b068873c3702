"""Which assessment a plain start opens: the last one, or a personal copy of the bundled example."""

from __future__ import annotations

from pathlib import Path

from app.places import data_folder


def first_start_file() -> Path:
    """A personal copy of the bundled example, written once (so the first start shows a full assessment)."""
    from app.interchange.examples import write_example
    folder = data_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "Example assessment.rwa"
    if not path.exists():
        write_example(path)
    return path


def start_file(last: Path | None) -> Path:
    """``last`` (the most recent file) while it exists, else the first-start example."""
    if last is not None and last.is_file():
        return last
    return first_start_file()
