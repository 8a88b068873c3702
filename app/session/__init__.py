"""The application layer: what a person does with an assessment, for the window and the command line.

Both front ends call these use cases instead of reaching into the core
packages themselves:

- *open*: ``Session.open(path)`` — the file, its forms, live checks.
- *edit*: ``Session.edit(edit)`` — apply, save (one transaction with its history
  entry) and announce a ``Change`` on ``Session.changed``, a plain observer
  (``app.session.events.Event``) the window adapts to Qt signals.
- *check*: ``Session.checks`` (``LiveChecks``) — validation and the framework
  check, re-run with ``Checker.recheck`` for what the edits touched.
- *choices*: ``Session.field_choices`` / ``app.session.choices`` — what a
  choice field offers under the assessment's framework.
- *sign off / verify*: ``app.session.accountability``.
- *scan / resolve / export*: ``app.session.flags`` and ``app.session.export``.
- heavy work in a separate process: ``app.session.offload``; the checked forms
  remembered between starts: ``app.session.forms_cache``.

It may import every core package (model, content, store, checks, redaction,
export); the core packages never import it, and it never imports Qt (a test
imports the core with PySide6 blocked).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.session.analysis import Analysis, LiveChecks, StageCounts, snapshot
    from app.session.events import Event
    from app.session.session import Change, Session

__all__ = ["Analysis", "Change", "Event", "LiveChecks", "Session", "StageCounts", "snapshot"]

_HOMES = {"Analysis": "analysis", "LiveChecks": "analysis", "StageCounts": "analysis", "snapshot": "analysis",
          "Event": "events", "Change": "session", "Session": "session"}
"""Where each name above lives: imported when first asked for (PEP 562), so a command that needs only a
submodule (``riskwright export`` imports ``app.session.export``) does not build the window's live checks
and session classes (~0.01 s of every export's start)."""


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:  # a submodule (``from app.session import offload``) is then imported as usual
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"app.session.{home}"), name)
    globals()[name] = value
    return value
