"""Entry point of the frozen desktop bundle (PyInstaller runs this file).

It is the same ``app.cli:main`` that ``pip install`` puts on PATH. The one
difference: the desktop file launches ``riskwright open %f``, and a desktop
environment drops ``%f`` when the app is started without a file. ``open`` with
no file then means "start the app", exactly like ``riskwright`` alone.
"""

from __future__ import annotations

import multiprocessing
import sys

from app.cli import main

if __name__ == "__main__":
    # A frozen program that ever starts worker processes must call this first.
    multiprocessing.freeze_support()
    arguments = sys.argv[1:]
    if arguments == ["open"]:
        arguments = []
    sys.exit(main(arguments))
