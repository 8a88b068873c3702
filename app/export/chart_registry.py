"""Which function draws a chart spec that lives with its own section (``app.export.worst_case_chart``).

Kept apart from ``app.export.chart_drawing`` (reportlab) so a section module can
register its drawing without importing reportlab: the report model is built for
every format, and a JSON export draws nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DRAWERS: dict[type, Callable[..., Any]] = {}
"""Spec type → ``drawer(spec, width, styles) -> reportlab Drawing``."""


def register_drawing(spec_type: type, drawer: Callable[..., Any]) -> None:
    """Let a section module draw its own chart spec, without ``chart_drawing`` importing it."""
    DRAWERS[spec_type] = drawer
