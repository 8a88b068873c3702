"""The GUI thread's collector (app.ui.gc_guard): set-aside objects never make an edit walk the whole heap,
and cycles are still collected — young ones at once, those among set-aside objects at the next pause."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from app.ui import gc_guard


@pytest.fixture(autouse=True)
def fresh_collector(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(gc_guard, "_state", gc_guard._State())
    gc.collect()
    yield
    gc.unfreeze()


class Node:
    pass


def cycle(gone: list[str], name: str) -> Node:
    node = Node()
    node.itself = node  # type: ignore[attr-defined]
    weakref.finalize(node, gone.append, name)
    return node


def busy_tick() -> None:
    """A tick during which the GUI thread worked (typing, a committed edit)."""
    gc_guard._state.cpu_at_tick = -1.0
    gc_guard.collect_due()


def test_a_cycle_made_after_an_assessment_opened_goes_with_the_young_collections() -> None:
    gc_guard.assessment_opened()
    gone: list[str] = []
    cycle(gone, "young")
    ballast = [[] for _ in range(2 * gc.get_threshold()[0])]
    busy_tick()
    assert gone == ["young"]
    assert ballast


def test_a_cycle_among_what_an_opened_assessment_set_aside_goes_at_the_next_pause_not_mid_edit() -> None:
    gone: list[str] = []
    node = cycle(gone, "loaded")
    gc_guard.assessment_opened()  # the loaded assessment and everything else is set aside, unlooked-at
    del node
    for _ in range(gc_guard.QUIET_TICKS + 3):
        busy_tick()
    assert gone == [], "typing goes on: nothing walks the set-aside heap"
    for _ in range(gc_guard.QUIET_TICKS + 1):
        gc_guard.collect_due()  # the GUI thread idle between ticks
    assert gone == ["loaded"]
    assert gc.get_freeze_count() > 0, "what lived was set aside again"


def test_a_burst_is_collected_once_and_set_aside() -> None:
    gone: list[str] = []
    cycle(gone, "burst garbage")
    kept = [[number] for number in range(2 * gc_guard.BURST)]
    busy_tick()
    assert gone == ["burst garbage"]
    assert gc.get_freeze_count() >= len(kept)
    assert gc.get_count()[0] < 100


def test_without_a_pause_everything_is_still_looked_at_after_twice_the_settings_aside() -> None:
    gone: list[str] = []
    node = cycle(gone, "old")
    gc_guard.assessment_opened()
    del node
    for number in range(2 * gc_guard.FULL_EVERY):
        assert gone == [], number
        ballast = [[] for _ in range(2 * gc_guard.BURST)]  # a burst: collected and set aside
        busy_tick()
        del ballast
    busy_tick()
    assert gone == ["old"]


def test_what_lives_through_a_collection_of_an_older_generation_is_set_aside() -> None:
    kept = [[number] for number in range(1000)]
    gc.collect(0)  # the young collections have moved it up a generation
    for _ in range(gc.get_threshold()[1] + 1):
        gc.collect(0)
    before = gc.get_freeze_count()
    busy_tick()  # the middle generation is due: collected, and what lived set aside
    assert gc.get_freeze_count() >= before + len(kept)
    assert gc.get_count()[1] == 0
