"""The revision hash of a document and of earlier states replayed from it, encoding as little as possible.

Verifying a file hashes the content at every point its history states a hash
(each sign-off, the creation), after replaying the later entries backwards;
the portfolio then needs the hash of the current content too. Each is
``revision_hash`` of a whole assessment — thousands of values, megabytes of
text — while only the few records an entry touched differ between them.

``ContentHasher`` builds the canonical JSON from pieces: JSON with sorted keys
and no spaces is the concatenation of its members' own canonical JSON, so the
bytes, and the hash, are exactly ``revision_hash``'s (a test holds them to it).
It keeps every record's piece, keyed by the record object, and encodes again
only records it has not seen. A remembered piece is only right while its record
is unchanged: whoever changes a record must change a copy (``detached``) —
replaying for verification does exactly that (``app.store.verification``).

Stored text: a value as the store wrote it is, for text, numbers and
true/false, already its canonical JSON; re-escaping megabytes of text only to
find that out is most of the cost of a hash. The reader can spell each record
with its values' stored texts (``StoredPieces``: only texts its scan found to
be exactly one JSON scalar each). ``digest_against(state, recorded)`` tries
those pieces first and believes the trial only when it equals the hash the
history recorded for that state: then the hashed bytes *are* the canonical
JSON that was recorded (SHA-256), every stored text in them sits where the
canonical form has a value and is that value's canonical JSON, and the pieces
are kept as proven. A trial that does not match proves nothing: the digest is
worked out again from the values themselves, so the verdict is always
``revision_hash``'s own. ``digest`` never uses an unproven piece.
"""

from __future__ import annotations

import hashlib
import math
from datetime import date
from json.encoder import encode_basestring as _quoted
from typing import Any

from app.model.canonical import CANONICAL_FORM, canonical_json, encode_data, record_form, value_form
from app.model.document import Document, Record, Value
from app.model.sensitivity import Sensitivity

_HEAD = '{"form":' + canonical_json(CANONICAL_FORM) + ',"tables":{'



class StoredPieces:
    """Each record's canonical JSON as spelled with its values' stored texts: a trial for ``ContentHasher``.

    Filled by the reader (``app.store.file._read_document``), which reads a record's values in the order
    of their names — the canonical form's order — and hands each member over as two parts: ``"},"`` +
    ``member_start(name)`` (the previous member's closing brace, a comma, the name; ``keep`` drops the
    ``"},"`` of the first), then the stored text when it is exactly one JSON scalar (its scan says so) and
    the value has no label of its own, else what ``member`` writes. The last member's brace is written when
    the record is hashed, where the parts are joined once. Two parts a member, not four: a large file has
    ~7,000 values.
    """

    def __init__(self) -> None:
        self._records: dict[int, tuple[Record, list[str]]] = {}

    def member(self, value: Value, text: str | None) -> str:
        """A value the reader does not write itself, after its ``{"data":`` and without its closing brace;
        ``text``: its stored text if clean, else None."""
        shown = _value_text(value, text)
        return shown[:-1] if shown is not None else "\\u0000"  # not JSON: the trial cannot match

    def keep(self, record: Record, parts: list[str]) -> None:
        """``parts``: the record's members in order, two parts each (``"},"`` + the member's start, its data)."""
        if parts:
            parts[0] = parts[0][2:]
        self._records[id(record)] = (record, parts)

    def piece(self, record: Record) -> str | None:
        entry = self._records.get(id(record))
        if entry is None or entry[0] is not record:
            return None
        ident, reason, sensitivity = record.id, record.sensitivity_reason, record.sensitivity
        if type(ident) is not str or not (reason is None or type(reason) is str) \
                or not (sensitivity is None or type(sensitivity) is Sensitivity):  # _optional_*, inline: per record
            return None
        head = '{"id":' + _quoted(ident)
        if reason is not None:
            head += ',"reason":' + _quoted(reason)
        if sensitivity is not None:
            head += ',"sensitivity":' + _quoted(sensitivity.value)
        parts = entry[1]
        if not parts:
            return head + ',"values":{}}'
        return "".join([head, ',"values":{', *parts, "}}}"])  # one copy of the record's text, not three


class ContentHasher:
    """``revision_hash`` for one document and states replayed from it (one verification, one file)."""

    def __init__(self, stored: StoredPieces | None = None) -> None:
        self._pieces: dict[int, tuple[Record, bytes]] = {}
        """id(record) → (the record, kept alive; its canonical JSON in UTF-8, encoded or proven)."""
        self._stored = stored

    def digest(self, document: Document) -> str:
        """The same hex digest as ``app.model.canonical.revision_hash(document)``."""
        return self._digest(document, None)

    def digest_against(self, document: Document, recorded: object) -> str:
        """``digest(document)``, tried first on the values' stored texts when some were read: if that trial
        equals ``recorded`` (the hash the history recorded for this state), it is the digest and the stored
        texts in it are proven canonical; otherwise the digest is worked out without stored text."""
        if self._stored is not None:
            tried: list[tuple[Record, bytes]] = []
            trial = self._digest(document, tried)
            if trial == recorded:
                for record, piece in tried:
                    self._pieces[id(record)] = (record, piece)
                return trial
        return self._digest(document, None)

    def _digest(self, document: Document, tried: list[tuple[Record, bytes]] | None) -> str:
        """A table's pieces go to SHA-256 in one call, joined with their commas: a large table has hundreds of
        records, and two calls per record (its piece, the comma) cost more than copying the pieces once."""
        sha = hashlib.sha256()
        update = sha.update
        update(_HEAD.encode("utf-8"))
        pieces = self._pieces
        stored = self._stored
        first = True
        for table in sorted(document.tables):
            records = document.tables[table]
            if not records:
                continue  # the canonical form leaves out a table with no records
            update((("" if first else ",") + canonical_json(table) + ":[").encode("utf-8"))
            first = False
            written: list[bytes] = []
            add = written.append
            for record in records:
                known = pieces.get(id(record))
                if known is not None and known[0] is record:
                    add(known[1])
                    continue
                if tried is not None:
                    text = (stored.piece(record) if stored else None) or record_text(record)
                    piece = text.encode("utf-8")
                    tried.append((record, piece))
                else:
                    piece = record_text(record).encode("utf-8")
                    pieces[id(record)] = (record, piece)
                add(piece)
            update(b",".join(written))
            update(b"]")
        values = {path: form for path, value in document.values.items() if (form := value_form(value)) is not None}
        update(('},"values":' + canonical_json(values) + "}").encode("utf-8"))
        return sha.hexdigest()


def record_text(record: Record) -> str:
    """``canonical_json(record_form(record))``, written directly for the shapes the store holds.

    A record's canonical JSON is ``{"id":…,"reason":…,"sensitivity":…,"values":{…}}`` (keys sorted,
    the optional ones only when set), each value ``{"data":…,"reason":…,"sensitivity":…}`` likewise;
    text is escaped by the very function ``json.dumps`` uses (``ensure_ascii=False``). Anything else —
    a list, a mapping, a number that is not finite, a type the store does not write — goes through
    ``canonical_json`` itself, which also raises what ``revision_hash`` would raise.
    """
    try:
        text = _record_text(record)
    except (TypeError, ValueError, AttributeError):
        text = None
    return canonical_json(record_form(record)) if text is None else text


def _record_text(record: Record) -> str | None:
    ident, reason, sensitivity = record.id, record.sensitivity_reason, record.sensitivity
    if type(ident) is not str or not _optional_text(reason) or not _optional_level(sensitivity):
        return None
    values = record.values
    members: list[str] = []
    append = members.append
    for relative in sorted(values):
        value = values[relative]
        data = value.data
        key = _KEYS.get(relative)
        if key is None:
            if type(relative) is not str:
                return None
            key = _KEYS[relative] = _quoted(relative) + ':{"data":'
        if type(data) is str and value.sensitivity is None and value.sensitivity_reason is None:
            append(key + _quoted(data) + "}")  # most values: text with the form's own label
            continue
        if data is None and value.sensitivity is None:
            continue  # empty: left out, as the store leaves it out
        shown = _value_text(value, None)
        if shown is None:
            return None
        append(key + shown)
    head = '{"id":' + _quoted(ident)
    if reason is not None:
        head += ',"reason":' + _quoted(reason)
    if sensitivity is not None:
        head += ',"sensitivity":' + _quoted(sensitivity.value)
    return head + ',"values":{' + ",".join(members) + "}}"


_KEYS: dict[str, str] = {}
"""A value's name inside its record, quoted and followed by the start of its form (a few dozen names)."""


def member_start(relative: str) -> str:
    """``"name":{"data":`` — how a value named ``relative`` starts inside its record's canonical JSON."""
    key = _KEYS.get(relative)
    if key is None:
        key = _KEYS[relative] = _quoted(relative) + ':{"data":'
    return key


def _value_text(value: Value, raw: str | None) -> str | None:
    """A value's form after its ``{"data":`` (written by the caller); ``raw``: its data as stored, if clean."""
    reason, sensitivity = value.sensitivity_reason, value.sensitivity
    if not _optional_text(reason) or not _optional_level(sensitivity):
        return None
    data = raw if raw is not None else _data_text(value.data)
    if data is None:
        data = canonical_json(encode_data(value.data))
    text = data
    if reason is not None:
        text += ',"reason":' + _quoted(reason)
    if sensitivity is not None:
        text += ',"sensitivity":' + _quoted(sensitivity.value)
    return text + "}"


def _data_text(data: Any) -> str | None:
    """Scalar data as ``json.dumps`` writes it; None for the rest (left to ``canonical_json``)."""
    kind = type(data)
    if kind is str:
        return str(_quoted(data))
    if kind is bool:
        return "true" if data else "false"
    if kind is int:
        return int.__repr__(data)
    if kind is float:
        return float.__repr__(data) if math.isfinite(data) else None
    if data is None:
        return "null"
    if kind is date:
        return '{"date":"' + str(data.isoformat()) + '"}'
    return None


def _optional_text(text: object) -> bool:
    return text is None or type(text) is str


def _optional_level(level: object) -> bool:
    return level is None or type(level) is Sensitivity


def detached(record: Record) -> Record:
    """A copy of ``record`` that can be changed without changing it (its values are replaced, never edited)."""
    return Record(record.id, dict(record.values), record.sensitivity, record.sensitivity_reason)
