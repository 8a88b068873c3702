"""How hard the property tests try in this run: the ``normal`` profile or the ``extended`` one.

Every run of the suite (a developer before landing, CI on every push) uses ``normal``: each property test
draws a share of its examples, so the whole suite stays within minutes on a two-core machine. The
properties asserted are the same; only the number of random cases per run is smaller, and hypothesis
keeps any failing case in its example database, so it is tried first next time.

``extended`` draws every example the tests were written with; run it on purpose, with the benchmarks,
or before quoting figures::

    RISKWRIGHT_TEST_PROFILE=extended QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/test_redaction*.py

Tests without their own example count get hypothesis's profile of the same name (tests/conftest.py).
"""

from __future__ import annotations

import os

PROFILE = os.environ.get("RISKWRIGHT_TEST_PROFILE", "normal")
if PROFILE not in ("normal", "extended"):
    raise SystemExit(f"RISKWRIGHT_TEST_PROFILE={PROFILE!r}: use 'normal' (the default) or 'extended'")

NORMAL_SHARE = 4
"""The normal profile draws one example in NORMAL_SHARE (at least ``at_least``)."""


def examples(extended: int, *, normal: int | None = None, at_least: int = 10) -> int:
    """The number of examples for a property test written with ``extended`` examples, in this run's profile."""
    if PROFILE == "extended":
        return extended
    if normal is not None:
        return normal
    return min(extended, max(at_least, extended // NORMAL_SHARE))
