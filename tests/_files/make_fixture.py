"""Write the frozen fixture for the NEWEST file format: ``python tests/_files/make_fixture.py``.

Run it once, when a migration introduces a new format version, and commit the
file. Never regenerate an existing fixture: each one must stay as the version
that introduced it wrote it, so the migration tests keep meaning something.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from sqlite_utils import Database

from app.interchange.examples import example_document
from app.store import file as store_file
from app.store.schema import APPLICATION_ID, format_version, migrations


def main() -> int:
    version = format_version()
    path = Path(__file__).parent / f"format-{version}.rwa"
    if path.exists():
        print(f"{path} exists; fixtures are frozen once written", file=sys.stderr)
        return 1
    db = Database(sqlite3.connect(path, isolation_level=None), execute_plugins=False)
    store_file._configure(db)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrations.apply(db)
    with db.atomic():
        db.execute("INSERT INTO meta (key, value) VALUES ('document_id', ?), ('created_by', ?)",
                   [f"format-{version}-fixture", "riskwright fixture"])
        store_file._write_document(db, example_document())
    db.close()
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
