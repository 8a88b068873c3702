"""Field-level validation of a document against the forms.

Each problem names the address of the value and says what was expected, so
the command line, the form widgets and reports can all show it as is.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import field

from app.model.document import Document, Record
from app.model.fast_dataclass import dataclass
from app.model.forms import FieldSpec, FormSet
from app.model.paths import Address, table_field
from app.model.sensitivity import Sensitivity
from app.model.spans import SpanError, parse_spans
from app.model.values import TEXT_TYPES, out_of_range, parse_value


@dataclass(frozen=True, order=True)
class Problem:
    address: str
    message: str

    def __str__(self) -> str:
        return f"{self.address}: {self.message}"


@dataclass
class Vocabulary:
    """The choices that come from the framework rather than the forms."""

    frameworks: Collection[str] | None = None
    categories: Collection[str] | None = None
    ladders: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Level ids per category, lowest first."""
    security_levels: Sequence[str] | None = None


Applies = Callable[[FieldSpec, Record | None], bool]


def _always(_spec: FieldSpec, _record: Record | None) -> bool:
    return True


def effective_sensitivity(default: Sensitivity, chosen: Sensitivity | None, reason: str | None) -> Sensitivity:
    """The sensitivity a value is treated with: the form's default, raised by the assessor,
    lowered only when a reason is given (an unreasoned lowering is ignored, failing safe).

    The one definition: validation, the audience filter and the reports all use it.
    """
    if chosen is None:
        return default
    if chosen < default and not (reason and reason.strip()):
        return default
    return chosen


def check_value(spec: FieldSpec, data: object, record: Record | None,
                vocabulary: Vocabulary) -> str | None:
    """What is wrong with one value, or None."""
    try:
        canonical = parse_value(spec.type, data)
    except ValueError as error:
        return str(error)
    if canonical != data or type(canonical) is not type(data):
        return f"stored as {data!r}; expected {canonical!r}"
    outside = out_of_range(canonical, spec.minimum, spec.maximum)
    if outside:
        return outside
    if spec.type == "enum" and data not in spec.option_ids():
        return f"{data!r} is not one of {', '.join(spec.option_ids())}"
    if spec.type == "category" and vocabulary.categories is not None \
            and data not in vocabulary.categories:
        return f"{data!r} is not a risk category of this framework ({', '.join(vocabulary.categories)})"
    if spec.type == "framework" and vocabulary.frameworks is not None \
            and data not in vocabulary.frameworks:
        return f"{data!r} is not an installed framework ({', '.join(sorted(vocabulary.frameworks))})"
    if spec.type == "level":
        return _check_level(spec, str(data), record, vocabulary)
    if spec.type in TEXT_TYPES:
        try:
            parse_spans(str(data))
        except SpanError as error:
            return str(error)
    return None


def _check_level(spec: FieldSpec, level: str, record: Record | None,
                 vocabulary: Vocabulary) -> str | None:
    if spec.ladder == "security":
        allowed = vocabulary.security_levels
        if allowed is not None and level not in allowed:
            return f"{level!r} is not a security level of this framework ({', '.join(allowed)})"
        return None
    category = record.get("category") if record is not None else None
    if category is None:
        return None
    ladder = vocabulary.ladders.get(str(category))
    if ladder is not None and level not in ladder:
        return f"{level!r} is not a level of category {category!r} ({', '.join(ladder)})"
    return None


class RecordProblems:
    """The problems of each record's values, kept from one ``validate`` to the next (``validate(memo=…)``).

    For documents that share the records nobody changed: the live check's snapshots
    (``app.session.analysis.snapshot_since``), where a record not edited since the last check is the same
    object, never changed after the snapshot was taken. A value's problems depend only on the value, its
    record, the forms and the vocabulary, so such a record's are the same as last time: re-checking the
    large example's 70,000 values on every pause in typing was most of the check's work. A table with a
    record id twice is checked in full (a value's record is then found by id, maybe another record).
    """

    def __init__(self) -> None:
        self._known: dict[int, tuple[Record, list[Problem]]] = {}
        self._against: tuple[FormSet, Vocabulary] | None = None

    def problems(self, doc: Document, forms: FormSet, vocabulary: Vocabulary, applies: Applies) -> list[Problem]:
        """Every value's problems, as ``validate`` finds them, re-checking only records not seen last time."""
        against = self._against
        if against is None or against[0] is not forms or against[1] != vocabulary:
            self._known = {}
            self._against = (forms, vocabulary)
        known, kept = self._known, {}
        found: list[Problem] = []
        for path, value in doc.values.items():
            found.extend(_check_stored(doc, forms, vocabulary, applies, Address(path), value.data,
                                       value.sensitivity, value.sensitivity_reason))
        for table, records in doc.tables.items():
            unique = len({record.id for record in records}) == len(records)
            for record in records:
                seen = known.get(id(record)) if unique else None
                if seen is not None and seen[0] is record:
                    mine = seen[1]
                else:
                    mine = []
                    for relative, value in record.values.items():
                        mine.extend(_check_stored(doc, forms, vocabulary, applies,
                                                  Address(table_field(table, relative), record.id), value.data,
                                                  value.sensitivity, value.sensitivity_reason))
                if unique:
                    kept[id(record)] = (record, mine)
                found.extend(mine)
        self._known = kept
        return found


def validate(doc: Document, forms: FormSet, vocabulary: Vocabulary | None = None,
             applies: Applies = _always, memo: RecordProblems | None = None) -> list[Problem]:
    """Every problem of ``doc``, sorted. ``memo``: see ``RecordProblems`` (only for documents whose records are
    never changed once made, such as the live check's snapshots)."""
    vocabulary = vocabulary or Vocabulary()
    problems: list[Problem] = []
    if memo is not None:
        problems.extend(memo.problems(doc, forms, vocabulary, applies))
    else:
        for address, value in doc.addresses():
            problems.extend(_check_stored(doc, forms, vocabulary, applies, address, value.data,
                                          value.sensitivity, value.sensitivity_reason))
    for table, records in doc.tables.items():
        if not forms.has_field(table) or not forms.field(table).is_table:
            problems.append(Problem(table, "no such table in the forms"))
            continue
        seen: set[str] = set()
        for record in records:
            if not record.id or record.id in seen:
                problems.append(Problem(f"{table}[{record.id}]", "record ids must be unique and non-empty"))
            seen.add(record.id)
            spec = forms.field(table)
            if record.sensitivity is not None and record.sensitivity < spec.sensitivity \
                    and not record.sensitivity_reason:
                problems.append(Problem(f"{table}[{record.id}]", _lowered(spec.sensitivity,
                                                                         record.sensitivity)))
    problems.extend(_missing_required(doc, forms, applies))
    return sorted(problems)


def _check_stored(doc: Document, forms: FormSet, vocabulary: Vocabulary, applies: Applies,
                  address: Address, data: object, sensitivity: Sensitivity | None,
                  reason: str | None) -> list[Problem]:
    where = str(address)
    if not forms.has_field(address.field):
        return [Problem(where, "no such field in the forms")]
    spec = forms.field(address.field)
    if not spec.is_leaf:
        return [Problem(where, f"{spec.type} fields hold fields, not a value")]
    found: list[Problem] = []
    record = doc.record(address.table, address.record) if address.table and address.record else None
    if data is not None:
        message = check_value(spec, data, record, vocabulary)
        if message:
            found.append(Problem(where, message))
    if sensitivity is not None and sensitivity < spec.sensitivity and not reason:
        found.append(Problem(where, _lowered(spec.sensitivity, sensitivity)))
    return found


def _lowered(default: Sensitivity, chosen: Sensitivity) -> str:
    return (f"sensitivity lowered from {default.value} to {chosen.value} without a reason; "
            f"give the reason or raise it back")


def _missing_required(doc: Document, forms: FormSet, applies: Applies) -> list[Problem]:
    found: list[Problem] = []
    for spec in forms.all_fields():
        if not spec.required or spec.is_group:
            continue
        table = spec.table
        if table is None:
            if not applies(spec, None):
                continue
            if spec.is_table:
                if not doc.records(spec.path):
                    found.append(Problem(spec.path, f"required: add at least one {spec.label.lower()} record"))
            elif doc.get(spec.path) is None:
                found.append(Problem(spec.path, f"required: fill in {spec.label}"))
            continue
        if not applies(forms.field(table), None):
            continue
        relative = spec.path.split("[].", 1)[1]
        for record in doc.records(table):
            if applies(spec, record) and record.get(relative) is None:
                found.append(Problem(str(Address(spec.path, record.id)), f"required: fill in {spec.label}"))
    return found
