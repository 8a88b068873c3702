"""A plain observer: how the application layer announces changes without Qt.

The core must run with no display and no Qt (``design.md``), yet the window has
to follow every edit. So the session announces through an ``Event`` — a list of
callables — and the window adapts it to a Qt signal (``app.ui.session``), the
way napari's models emit events their Qt widgets subscribe to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Event(Generic[T]):
    """Listeners called in the order they connected, on the thread that emits."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[T], None]] = []

    def connect(self, listener: Callable[[T], None]) -> Callable[[], None]:
        """Call ``listener`` on every emit; returns the function that disconnects it."""
        self._listeners.append(listener)
        return lambda: self.disconnect(listener)

    def disconnect(self, listener: Callable[[T], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def emit(self, value: T) -> None:
        for listener in list(self._listeners):
            listener(value)

    def clear(self) -> None:
        self._listeners.clear()
