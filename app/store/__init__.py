"""The `.rwa` assessment file: SQLite, durable edits, migrations, one writer at a time."""

from app.store.errors import StoreError
from app.store.file import SUFFIX, AssessmentFile, ReadOnlyFile, inspect_file
from app.store.lock import FileInUse, Holder
from app.store.write_failure import SaveFailed

__all__ = ["SUFFIX", "AssessmentFile", "FileInUse", "Holder", "ReadOnlyFile", "SaveFailed", "StoreError",
           "inspect_file"]
