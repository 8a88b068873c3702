"""The GUI thread's collector (app.ui.gc_guard): set-aside objects never make an edit walk the whole heap,
and cycles are still collected — at the next pause, or once very many young objects piled up."""

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
    """A tick after one in which the GUI thread worked (typing, a committed edit)."""
    gc_guard._state.cpu_at_tick = -1.0
    gc_guard.tick()


def quiet_tick() -> None:
    """A tick after one in which the GUI thread was idle."""
    gc_guard._state.cpu_at_tick = gc_guard.time.thread_time()
    gc_guard.tick()


def test_a_cycle_made_while_the_person_works_goes_at_the_next_pause() -> None:
    gc_guard.assessment_opened()
    gone: list[str] = []
    cycle(gone, "young")
    ballast = [[] for _ in range(2 * gc_guard.YOUNG_AT_A_PAUSE)]
    busy_tick()
    assert gone == [], "no collection while the person works"
    quiet_tick()
    assert gone == ["young"]
    assert ballast


def test_a_pause_waits_for_enough_young_objects_and_four_seconds_for_fewer() -> None:
    gc_guard.collect_everything()
    gone: list[str] = []
    cycle(gone, "young")
    ballast = [[] for _ in range(2 * gc.get_threshold()[0])]  # an edit's worth: past the usual threshold
    quiet_tick()
    assert gone == [], "a few edits' young objects are walked together, not one edit's at each pause"
    for _ in range(gc_guard.YOUNG_WAIT_TICKS):
        quiet_tick()
    assert gone == ["young"]
    assert ballast


def test_without_a_pause_a_young_cycle_waits_four_seconds_at_most() -> None:
    gone: list[str] = []
    cycle(gone, "young")
    ballast = [[] for _ in range(2 * gc.get_threshold()[0])]
    for _ in range(gc_guard.YOUNG_WAIT_TICKS - 1):
        busy_tick()
    assert gone == []
    busy_tick()
    assert gone == ["young"]
    assert ballast


def test_very_many_young_objects_are_collected_without_a_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gc_guard, "YOUNG_LIMIT", 5000)
    gone: list[str] = []
    cycle(gone, "young")
    ballast = [[] for _ in range(6000)]
    busy_tick()
    assert gone == ["young"]
    assert ballast


def test_a_cycle_among_what_an_opened_assessment_set_aside_goes_at_a_pause_not_mid_edit() -> None:
    gone: list[str] = []
    node = cycle(gone, "loaded")
    gc_guard.assessment_opened()  # the loaded assessment and everything else is set aside, unlooked-at
    del node
    for _ in range(gc_guard.QUIET_TICKS - 1):
        quiet_tick()
    busy_tick()
    for _ in range(gc_guard.QUIET_TICKS - 1):
        quiet_tick()
    assert gone == [], "typing went on: nothing walked the set-aside heap"
    quiet_tick()
    assert gone == ["loaded"], "after QUIET_TICKS idle ticks in a row"
    assert gc.get_freeze_count() > 0, "what lived was set aside again"


def test_a_burst_is_collected_once_and_set_aside() -> None:
    gone: list[str] = []
    cycle(gone, "burst garbage")
    kept = [[number] for number in range(2 * gc_guard.BURST)]
    quiet_tick()
    assert gone == ["burst garbage"]
    assert gc.get_freeze_count() >= len(kept)
    assert gc.get_count()[0] < 100


def test_without_a_pause_everything_is_still_looked_at_after_twice_the_settings_aside(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gc_guard, "YOUNG_LIMIT", gc_guard.BURST)
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
    for _ in range(gc.get_threshold()[1] + 1):
        gc.collect(0)  # the young collections have moved it up a generation
    before = gc.get_freeze_count()
    gc_guard.collect_due()  # the middle generation is due: collected, and what lived set aside
    assert gc.get_freeze_count() >= before + len(kept)
    assert gc.get_count()[1] == 0
