"""Installed commitment frameworks (``schemas/*.yaml``).

Placeholder index until the framework loader lands: it only lists the ids.
"""

from __future__ import annotations

from app.content.locate import content_path
from app.model.validate import Vocabulary


def framework_ids() -> list[str]:
    folder = content_path("schemas")
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def vocabulary_for(framework_id: str | None) -> Vocabulary:
    return Vocabulary(frameworks=framework_ids())
