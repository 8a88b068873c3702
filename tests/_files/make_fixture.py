"""Write the frozen fixture for the NEWEST file format: ``python tests/_files/make_fixture.py``.

Run it once, when a migration introduces a new format version, and commit the
file. Never regenerate an existing fixture: each one must stay as the version
that introduced it wrote it, so the migration tests keep meaning something.

From format 3 on, a fixture also carries history and sign-offs (two throwaway
keys, discarded after signing), so later versions prove that signatures made
by earlier ones still verify: the canonical form must never drift.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
from pathlib import Path

from sqlite_utils import Database

from app.interchange.examples import example_document
from app.store import file as store_file
from app.store.schema import APPLICATION_ID, format_version, migrations

HISTORY_FORMAT = 3


def main() -> int:
    version = format_version()
    path = Path(__file__).parent / f"format-{version}.rwa"
    if path.exists():
        print(f"{path} exists; fixtures are frozen once written", file=sys.stderr)
        return 1
    if version >= HISTORY_FORMAT:
        _write_with_history(path)
    else:
        _write_plain(path, version)
    print(f"wrote {path}")
    return 0


def _write_plain(path: Path, version: int) -> None:
    db = Database(sqlite3.connect(path, isolation_level=None), execute_plugins=False)
    store_file._configure(db)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrations.apply(db)
    with db.atomic():
        db.execute("INSERT INTO meta (key, value) VALUES ('document_id', ?), ('created_by', ?)",
                   [f"format-{version}-fixture", "riskwright fixture"])
        store_file._write_document(db, example_document())
    db.close()


def _write_with_history(path: Path) -> None:
    """The example, a few edits, revision 1 signed by two fictional people, then one more edit."""
    from app.model import Address, MoveRecord, Sensitivity, SetSensitivity, SetValue
    from app.store.signoff import load_or_create_key, sign_off

    os.environ["RISKWRIGHT_ASSESSOR"] = "Fixture Assessor"
    with tempfile.TemporaryDirectory() as keys, store_file.AssessmentFile.create(path, example_document()) as rwa:
        rwa.apply(SetValue(Address.parse("header.model.version"), "fixture-rc3"))
        rwa.apply(SetSensitivity(Address.parse("header.scope"), Sensitivity.INTERNAL, None))
        _type_into_a_long_text(rwa)
        evaluations = rwa.document.records("pre_deployment.evaluations")
        rwa.apply(MoveRecord("pre_deployment.evaluations", evaluations[0].id, 2))
        sign_off(rwa, "assessor", "Fixture Assessor", load_or_create_key(Path(keys) / "a.pem"))
        sign_off(rwa, "compliance_lead", "Fixture Lead", load_or_create_key(Path(keys) / "b.pem"))
        rwa.apply(SetValue(Address.parse("header.model.version"), "fixture-rc4"))
        _resolve_a_flag(rwa)


def _type_into_a_long_text(rwa: store_file.AssessmentFile) -> None:
    """From format 5 on, a long text's history entries are compact: paste one, type into it, cut from it."""
    from app.model import Address, SetValue
    address = Address.parse("retrospective.predicted_well")
    pasted = "\n".join(f"Fixture paragraph {n}: the zorvex variant scored as forecast on synthetic tasks."
                       for n in range(40))
    rwa.apply(SetValue(address, pasted))
    middle = pasted.index("Fixture paragraph 20")
    typed = pasted[:middle] + "Typed into the middle. " + pasted[middle:]
    rwa.apply(SetValue(address, typed))
    rwa.apply(SetValue(address, typed[:100] + typed[900:]))


def _resolve_a_flag(rwa: store_file.AssessmentFile) -> None:
    """From format 4 on, flag decisions carry who made them: dismiss one flag if there is one."""
    from app.model import Address, SetValue
    from app.session.flags import FlagStore
    rwa.apply(SetValue(Address.parse("retrospective.process_changes"),
                       "Name the agent category (Bacillus anthracis) only as listed publicly."))
    flags = FlagStore(rwa)
    flags.rescan_all()
    open_flags = flags.flags()
    assert open_flags, "the fixture needs one flag to dismiss"
    flags.dismiss(open_flags[0].id, "fixture: a publicly listed category name, no detail")


if __name__ == "__main__":
    sys.exit(main())
