"""The portfolio for a terminal (an aligned table, then the clocks) and as JSON for scripts.

The terminal view is the compliance lead's own, an internal view: model names
are shown as they are; the public quarterly update goes through the export.
"""

from __future__ import annotations

from typing import Any

from app.portfolio.reading import Portfolio
from app.portfolio.summary import ModelRow

JSON_FORMAT = 1
_STATUS_WORDS = {"compliant": "ok", "non_compliant": "NON-COMPLIANT", "incomplete": "incomplete",
                 "unknown": "unknown framework"}


def render_json(portfolio: Portfolio) -> dict[str, Any]:
    return {
        "format": JSON_FORMAT, "as_of": portfolio.as_of.isoformat(), "all_clear": portfolio.all_clear,
        "models": [row.as_json() for row in portfolio.rows],
        "clocks": [{"file": str(row.path), "model": row.model, **clock.as_json()} for row, clock in portfolio.clocks],
        "unreadable": [bad.as_json() for bad in portfolio.unreadable],
    }


def _regimes(row: ModelRow) -> str:
    return "; ".join(f"{regime.framework_id}: {_STATUS_WORDS.get(regime.status, regime.status)}"
                     for regime in row.regimes) or "no framework named"


def _cells(row: ModelRow) -> list[str]:
    due = row.next_reassessment
    return [row.model + (f" {row.version}" if row.version else ""), f"r{row.revision} {row.signoff_state}",
            _regimes(row), "–" if row.rubric_score is None else f"{row.rubric_score:.0f}",
            "–" if due is None else due.isoformat(), str(row.open_flags),
            f"{len(row.overdue)} overdue" if row.overdue else "–"]


_HEADINGS = ["Model", "Revision", "Regimes", "Score", "Next re-assessment", "Flags", "Deadlines"]


def render_text(portfolio: Portfolio) -> str:
    lines = [f"Portfolio as of {portfolio.as_of.isoformat()}: {len(portfolio.rows)} assessment"
             f"{'s' if len(portfolio.rows) != 1 else ''}"
             + (f", {len(portfolio.unreadable)} unreadable" if portfolio.unreadable else ""), ""]
    table = [_HEADINGS] + [_cells(row) for row in portfolio.rows]
    widths = [max(len(cells[i]) for cells in table) for i in range(len(_HEADINGS))]
    for number, cells in enumerate(table):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    clocks = portfolio.clocks
    if clocks:
        lines += ["", "Running deadlines, most urgent first:"]
        lines += [f"  {'!' if clock.overdue else ' '} {row.model}: {clock.describe()}" for row, clock in clocks]
    if portfolio.unreadable:
        lines += ["", "Could not be read:"]
        lines += [f"  {bad.message}" for bad in portfolio.unreadable]
    lines.append("")
    lines.append("All clear." if portfolio.all_clear else
                 "Needs attention: something is overdue, non-compliant or unreadable.")
    return "\n".join(lines) + "\n"
