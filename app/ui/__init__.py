"""The Qt desktop app. The only package that imports Qt."""

import sys


def _keep_the_singletons() -> None:
    """PySide6 6.12 (its abi3 wheel) hands back None from every void Qt method and True from every
    Signal.emit without a reference of their own, as if they were immortal — they are from CPython 3.12
    on, not on 3.11: each call takes one reference away, and once enough are gone the interpreter aborts
    ("Fatal Python error: bool_dealloc"/"none_dealloc"), at exit or in the middle of a session. These
    objects are static and never freed; give them the reference count 3.12's immortality amounts to."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    import ctypes
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 48


_keep_the_singletons()
