"""The `.rwa` assessment file: SQLite, durable edits, migrations."""

from app.store.errors import StoreError
from app.store.file import SUFFIX, AssessmentFile, inspect_file

__all__ = ["SUFFIX", "AssessmentFile", "StoreError", "inspect_file"]
