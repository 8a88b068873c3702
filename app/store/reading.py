"""Reading a whole assessment: every value decoded, and each record's stored pieces for the content hash.

``read_document`` is what ``app.store.file._read_document`` does (the editor's
open, ``verify``) and what the portfolio reads 200 large files with: ~7,000
values a file, so the loop over them is written for the common case — a value
with no label of its own, in a record that exists, stored as exactly one JSON
scalar — and hands everything else to ``_value_slowly``, which decides as the
general rule does. The result is the same either way: the same document with
its values in the same order, the same stored pieces, and for a damaged file
the same error naming the same value.

Values are read field by field along the primary key (a field's name is sent
once, not once per value); a record's values therefore arrive in the order of
their names, which is the canonical order of its stored pieces. A field whose
values are all the common case is taken in one go (``_as_one``): the same
checks, made by C-level passes over the field instead of Python code per value.
"""

from __future__ import annotations

from collections import deque
from itertools import compress, repeat
from operator import is_not, itemgetter, setitem
from typing import Any

from app.model.document import Document, Record, Value
from app.model.paths import Address
from app.model.sensitivity import Sensitivity
from app.store import codec
from app.store.hashing import StoredPieces, member_start
from app.store.readable import Readable

_FIELDS = ("WITH RECURSIVE named(field) AS (SELECT min(field) FROM value UNION ALL "
           "SELECT (SELECT min(field) FROM value WHERE field > named.field) FROM named WHERE field IS NOT NULL) "
           "SELECT field FROM named WHERE field IS NOT NULL")
"""Every field with a value, in order: one step along the primary key's index per field (``SELECT DISTINCT``
reads every entry of it)."""
_VALUES = "SELECT record_id, data FROM value WHERE field = ? ORDER BY record_id"
_RECORDS = ("SELECT table_path, id, sensitivity, sensitivity_reason FROM record NOT INDEXED "
            "ORDER BY table_path, position, id")
"""Every record in its table's order. Sorting the table's rows as they lie takes half the time of walking the
primary key's index and fetching each row from it (which SQLite would otherwise choose); the order is the same,
records of equal position (only a damaged file has them) in the order of their ids, as that walk gives them."""
_LABELLED = ("SELECT field, record_id, sensitivity, sensitivity_reason FROM value "
             "WHERE sensitivity IS NOT NULL OR sensitivity_reason IS NOT NULL")


def read_document(db: Readable, stored: StoredPieces | None = None) -> Document:
    """The document as stored; with ``stored``, also each record's canonical JSON as spelled with the values'
    stored texts, for ``app.store.hashing.ContentHasher`` to try.

    Which problem is reported for a damaged file is as if every text were decoded first: an unreadable text
    is raised at once, a wrong label or a value of a missing record only after every text was read.
    The caller holds one read transaction around this and whatever else it reads, when another program may
    be writing the file meanwhile (``app.portfolio.summary``).
    """
    document = Document()
    tables = document.tables
    # table → record id → (the record's values, its stored pieces: two parts a member, see ``StoredPieces``;
    # the record)
    by_table: dict[str, dict[str, tuple[dict[str, Value], list[str], Record]]] = {}
    for table, record_id, sensitivity, reason in db.execute(_RECORDS):
        record = Record(record_id, {}, None if sensitivity is None else Sensitivity(sensitivity), reason)
        tables.setdefault(table, []).append(record)
        by_table.setdefault(table, {})[record_id] = (record.values, [], record)
    labels: dict[str, dict[str, tuple[str | None, str | None]]] = {}
    # Few values carry a label of their own: they are read apart, so the rows of all the others need not bring
    # two empty columns each.
    for field, record_id, sensitivity, reason in db.execute(_LABELLED):
        labels.setdefault(field, {})[record_id] = (sensitivity, reason)
    problems: list[ValueError] = []  # the first is raised once every text was read
    top = document.values
    none: dict[str, tuple[dict[str, Value], list[str], Record]] = {}
    scan = codec.scan_one
    with _whole_file_cache(db):
        for (field,) in db.execute(_FIELDS).fetchall():
            table, _, relative = field.partition("[].")
            start = "}," + member_start(relative)  # closes the record's previous member (StoredPieces.keep)
            by_id = by_table.get(table, none)
            labelled = labels.get(field)
            rows = db.execute(_VALUES, [field]).fetchall()
            if labelled is None and _as_one(rows, by_id, relative, start, stored):
                continue
            for record_id, text in rows:
                entry = by_id.get(record_id) if record_id else None
                if entry is None or labelled is not None:
                    _value_slowly(field, record_id, text, top, entry, labelled, start, stored, problems)
                    continue
                try:
                    data, end = scan(text, 0)
                except (StopIteration, ValueError, TypeError):  # no JSON value at its start, or no text
                    _value_slowly(field, record_id, text, top, entry, labelled, start, stored, problems)
                    continue
                if end != len(text) or type(data) is list or type(data) is dict:
                    _value_slowly(field, record_id, text, top, entry, labelled, start, stored, problems)
                    continue
                # The common case: exactly one JSON scalar as stored, with the form's label: its piece is its text.
                entry[0][relative] = Value(data)
                if data is not None and stored is not None:  # a stored 'null' is an empty value: left out
                    entry[1].extend((start, text))
    if problems:
        raise problems[0]
    if stored is not None:
        keep = stored.keep
        for records in by_table.values():
            for _values, parts, record in records.values():
                keep(record, parts)
    return document


def _as_one(rows: list[tuple[str, str | None]], by_id: dict[str, tuple[dict[str, Value], list[str], Record]],
            relative: str, start: str, stored: StoredPieces | None) -> bool:
    """One field's values in one go, when every one of them is the common case (see ``read_document``): a
    value of a record that exists, stored as exactly one JSON scalar. False, with nothing changed, when any is
    not: the caller then reads the field value by value, which decides (and reports damage) as always.

    The same checks as the loop's, made by C-level passes over the whole field instead of Python code per
    value — a large file has ~7,000 values, and the per-value bookkeeping was a third of reading them.
    """
    if not rows:
        return True
    ids, texts = zip(*rows, strict=True)
    if not all(ids):  # an empty id (a value outside tables) is the general rule's: an empty BLOB sorts last
        return False
    try:
        entries = list(map(by_id.__getitem__, ids))
    except KeyError:  # a value of a missing record
        return False
    try:
        scanned = list(map(codec.scan_one, texts, repeat(0)))
    except Exception:  # noqa: BLE001 - any text the scan refuses is read value by value, as the loop reads it
        return False
    if len(scanned) != len(texts):  # the scan's StopIteration (no value at the start) ends ``map`` early
        return False
    datas, ends = zip(*scanned, strict=True)
    kinds = set(map(type, datas))
    # A scan never ends past its text's end, so the ends add up to the texts' lengths only when each is its text's.
    if not kinds <= _SCALARS or sum(ends) != sum(map(len, texts)):
        return False
    deque(map(setitem, map(_VALUES_OF, entries), repeat(relative), map(Value, datas)), 0)
    if stored is not None:
        if _NONE in kinds:  # a stored 'null' is an empty value: left out of the pieces
            given = list(map(is_not, datas, repeat(None)))
            entries, texts = list(compress(entries, given)), tuple(compress(texts, given))
        deque(map(list.extend, map(_PARTS_OF, entries), zip(repeat(start), texts)), 0)
    return True


_NONE = type(None)
_SCALARS = frozenset((str, int, float, bool, _NONE))
_VALUES_OF = itemgetter(0)
_PARTS_OF = itemgetter(1)


def _value_slowly(field: str, record_id: str, text: str | None, top: dict[str, Value],
                  entry: tuple[dict[str, Value], list[str], Record] | None,
                  labelled: dict[str, tuple[str | None, str | None]] | None, start: str,
                  stored: StoredPieces | None, problems: list[ValueError]) -> None:
    """One value by the general rule: any text (an unreadable one raises ``DamagedValue`` now), a label of its
    own, a value outside tables, a value of a missing record (a problem, raised later)."""
    sensitivity, reason = (None, None) if labelled is None else labelled.get(record_id, (None, None))
    clean = False
    if text is None:
        data = None
    else:
        try:
            data, end = codec.scan_one(text, 0)
        except (StopIteration, ValueError, TypeError):
            end = -1
        if end != len(text):
            data = codec.decode(text, str(Address(field, record_id or None)))
        elif type(data) is list or type(data) is dict:
            data = codec.decode_scanned(data, text, str(Address(field, record_id or None)))
        else:
            clean = True  # exactly one JSON scalar, as stored: it may spell the value's piece
    if sensitivity is None and reason is None:
        value = Value(data)
    else:
        try:
            value = Value(data, None if sensitivity is None else Sensitivity(sensitivity), reason)
        except ValueError as error:
            problems.append(error)
            return
    if not record_id:
        top[field] = value
        return
    if entry is None:
        problems.append(ValueError(f"value {field} belongs to a missing record {record_id!r}"))
        return
    entry[0][field.partition("[].")[2]] = value
    if stored is None:
        return
    if clean and data is not None and sensitivity is None and reason is None:
        entry[1].extend((start, text))  # type: ignore[arg-type]  # clean: a text
    elif data is not None or sensitivity is not None:  # an empty value is left out
        entry[1].extend((start, stored.member(value, text if clean else None)))


class _whole_file_cache:  # noqa: N801 - used as a context manager, like contextlib's
    """The values are read along the primary key, which visits the table's pages out of order: with SQLite's
    default page cache (2 MB) a large file's pages would be read again and again, so the cache is made to hold
    the whole file while reading (and set back after)."""

    def __init__(self, db: Readable) -> None:
        self._db = db
        self._size: int | None = None

    def __enter__(self) -> None:
        db = self._db
        size = int(db.execute("PRAGMA cache_size").fetchone()[0])
        pages = int(db.execute("PRAGMA page_count").fetchone()[0])
        page_size = int(db.execute("PRAGMA page_size").fetchone()[0])
        if (size if size >= 0 else -size * 1024 // max(page_size, 1)) < pages:
            db.execute(f"PRAGMA cache_size = {pages + 64}")
            self._size = size

    def __exit__(self, *_exc: Any) -> None:
        if self._size is not None:
            self._db.execute(f"PRAGMA cache_size = {self._size}")
