"""What reading a file needs of its connection: ``execute``.

A plain ``sqlite3`` connection has it, and so has an sqlite-utils ``Database``
(what ``AssessmentFile`` holds to edit a file). Readers of a file typed with
``Readable`` need not import sqlite-utils, ~55 ms of a command's start: the
portfolio reads its files, and verifies them, through plain connections.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Protocol


class Readable(Protocol):
    def execute(self, sql: str, parameters: Any = ..., /) -> sqlite3.Cursor: ...
