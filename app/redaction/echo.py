"""Echoes: a withheld value repeated in text bound for a wider audience (issue 11 item 7).

Withholding "Planned effective compute" does not help if the public training
summary says "reached the planned 6.0e25 FLOP". An *echo* is such a
repetition, and it is a flag like a detector hit: listed by ``riskwright
scan`` and in the Flags panel, it refuses a wider-audience export until a
person redacts it or dismisses it with a reason (both recorded).

What is withheld (a *source*): every value whose effective sensitivity —
the form default, raised by the assessor, at least that of its record — is
internal or hazardous, and every hazardous span. What is searched (a
*target*): every text value bound for a wider audience than the source, in
the parts outside hazardous spans (the same text the detectors read,
``app.redaction.flags``). They are compared by meaning:

* numbers by value, in any usual notation (``app.redaction.echo_values``);
* full dates in their usual spellings;
* text after the word view (``app.redaction.normalise``: case, look-alike
  letters, invisible characters, hyphenation and Markdown undone) — a whole
  value of up to eight words as a phrase (so a hazardous name typed unmarked
  in a public field is an echo), a longer one as overlapping runs of eight
  words (a copied sentence), the way the output leak scan reads withheld text.

Texts too generic to search for — under five letters, a word such as "none"
or a level word such as "high", a choice from a fixed list, a bare year, a
small or round number, a power of ten — are skipped and listed
(``EchoScan.skipped``), as the output leak scan lists its own.

``EchoScan`` keeps the withheld side and each target's parsed text, so after
an edit only the touched values are read again; when the withheld side
changed, every target is compared again against the cached parse (set
intersections and one automaton pass each), which keeps even the large
example's re-check cheap.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import field, replace
from datetime import date
from decimal import Decimal
from itertools import chain

import ahocorasick

from app.model.document import Document, Record, Value
from app.model.fast_dataclass import dataclass
from app.model.forms import FormSet
from app.model.paths import Address, table_field
from app.model.sensitivity import Sensitivity
from app.model.spans import SpanError, parse_spans
from app.model.values import TEXT_TYPES, format_value
from app.redaction.audiences import Audiences
from app.redaction.definitions import DetectorSpec
from app.redaction.echo_values import DateMention, Number, generic_number, numbers_and_dates, stated, states
from app.redaction.filtering import value_sensitivity
from app.redaction.flags import VALUE, FlagHit, _numbered, _plain_segments, _record_sensitivity
from app.redaction.leak_scan import SHINGLE_WORDS, common_text
from app.redaction.normalise import locate_word_spans, word_list, word_view, word_view_mapped

ECHO_INTERNAL = "echo_internal"
ECHO_HAZARDOUS = "echo_hazardous"
ECHO_IDS = (ECHO_INTERNAL, ECHO_HAZARDOUS)
ECHO_PREFIX = "echo of "
_CHOICES = ("enum", "category", "level", "framework")
_DIGIT = re.compile(r"\d")
_NUMBERS = ("number", "flop", "integer")
LEVEL_WORDS = frozenset({
    "low", "medium", "high", "critical", "moderate", "severe", "minimal", "elevated", "significant", "tracked",
    "research", "yes", "no", "true", "false", "done", "open", "closed", "draft", "approved", "reached",
    "forecast to reach", "cannot rule out", "not reached", "below threshold", "above threshold",
})
"""Words that stand for a level or a state: far too common to be searched for as an echo."""


def _spec(sensitivity: Sensitivity, category: str, domain: str) -> DetectorSpec:
    hazardous = sensitivity >= Sensitivity.HAZARDOUS
    return DetectorSpec(id=ECHO_HAZARDOUS if hazardous else ECHO_INTERNAL,
                        label=f"Echo of a withheld {'hazardous' if hazardous else 'internal'} value",
                        category=category, domain=domain, sensitivity=sensitivity, kind="echo")


def echo_spec(detector_id: str, domain: str | None = None) -> DetectorSpec | None:
    """The detector an echo flag was raised by (None for any other detector id): its sensitivity says
    whom the flag concerns and how redacting it withholds the text."""
    if detector_id == ECHO_INTERNAL:
        return _spec(Sensitivity.INTERNAL, "echo of a withheld value", domain or "other")
    if detector_id == ECHO_HAZARDOUS:
        return _spec(Sensitivity.HAZARDOUS, "echo of a withheld value", domain or "other")
    return None


@dataclass(frozen=True, order=True)
class Source:
    """Where a withheld text or value is: its address, how sensitive it is, a passage's domain."""

    address: str
    sensitivity: Sensitivity
    domain: str | None = None
    """The hazard domain of a hazardous passage; None for a whole value."""
    label: str = ""
    """The field's label (and record id) for people."""

    def describe(self) -> str:
        name = self.label or self.address
        return f"a passage in {name}" if self.domain else name

    @property
    def field(self) -> str:
        return Address.parse(self.address).field


@dataclass(frozen=True)
class Skipped:
    """A withheld value that is not searched for: where, and why."""

    address: str
    reason: str


@dataclass(frozen=True)
class _Contribution:
    """What one value adds to the withheld side."""

    phrases: tuple[tuple[str, Source], ...] = ()
    runs: tuple[tuple[Source, frozenset[int]], ...] = ()
    """Hashes of every run of eight words of a long withheld text, per source."""
    numbers: tuple[tuple[Decimal, int, Source], ...] = ()
    dates: tuple[tuple[date, Source], ...] = ()
    skipped: tuple[Skipped, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.phrases or self.runs or self.numbers or self.dates or self.skipped)


@dataclass(frozen=True)
class _Segment:
    """A plain part of a target text, parsed once: word view, eight-word runs, numbers and dates."""

    start: int
    text: str
    view: str
    runs: frozenset[int]
    numbers: tuple[Number, ...]
    dates: tuple[DateMention, ...]


@dataclass(frozen=True)
class _Target:
    address: Address
    text: str
    sensitivity: Sensitivity
    segments: tuple[_Segment, ...]


def _runs(words: list[str]) -> list[int]:
    """The hash of every run of eight words, by position (built in C: a zip of shifted lists)."""
    if len(words) < SHINGLE_WORDS:
        return []
    return list(map(hash, zip(*(words[k:] for k in range(SHINGLE_WORDS)), strict=False)))


def _parse_segment(start: int, text: str) -> _Segment:
    words = word_list(text)
    runs = frozenset(_runs(words))
    numbers, dates = numbers_and_dates(text)
    return _Segment(start, text, " ".join(words), runs, tuple(numbers), tuple(dates))


def _vocabulary(forms: FormSet) -> frozenset[str]:
    words = set(LEVEL_WORDS)
    for spec in forms.all_fields():
        for option in spec.options:
            words.add(word_view(option.label))
            words.add(word_view(option.id))
    return frozenset(w for w in words if w)


class _Withheld:
    """The withheld side: counted references, so one value's contribution can be taken out again."""

    def __init__(self) -> None:
        self.phrases: dict[str, dict[Source, int]] = {}
        self.runs: dict[tuple[Source, frozenset[int]], int] = {}
        self._run_keys: dict[int, None] = {}
        self._runs_stale = False
        self.numbers: dict[tuple[Decimal, int], dict[Source, int]] = {}
        self.dates: dict[date, dict[Source, int]] = {}
        self._automaton: ahocorasick.Automaton | None = None
        self._automaton_stale = True
        self._number_keys: list[tuple[float, Decimal, int]] = []
        self._numbers_stale = True
        self.shown: dict[tuple[str, object], dict[Source, int]] = {}
        """Whole values by what they say (``("p", phrase)``, ``("n", number)``, ``("d", date)``): a withheld
        value that is also the whole of a value an audience sees tells that audience nothing new."""

    @staticmethod
    def _count(table: dict, key: object, source: Source, step: int) -> bool:  # type: ignore[type-arg]
        """Add ``step`` to the count of ``source`` under ``key``; True when the key appeared or went."""
        sources = table.setdefault(key, {})
        sources[source] = sources.get(source, 0) + step
        if sources[source] <= 0:
            del sources[source]
        if not sources:
            del table[key]
            return True
        return step > 0 and len(sources) == 1 and sources[source] == 1

    def apply(self, contribution: _Contribution, step: int) -> None:
        for phrase, source in contribution.phrases:
            if self._count(self.phrases, phrase, source, step):
                self._automaton_stale = True
        for group in contribution.runs:
            count = self.runs.get(group, 0) + step
            if count > 0:
                self.runs[group] = count
            else:
                self.runs.pop(group, None)
            self._runs_stale = True
        for value, digits, source in contribution.numbers:
            if self._count(self.numbers, (value, digits), source, step):
                self._numbers_stale = True
        for day, source in contribution.dates:
            self._count(self.dates, day, source, step)

    def show(self, key: tuple[str, object], source: Source, step: int) -> None:
        self._count(self.shown, key, source, step)

    def shown_to(self, key: tuple[str, object], sensitivity: Sensitivity) -> Source | None:
        """A value saying the same as ``key`` that text of ``sensitivity`` is no narrower than, if any."""
        for source in self.shown.get(key, ()):
            if source.sensitivity <= sensitivity:
                return source
        return None

    def withholds(self, key: tuple[str, object]) -> bool:
        """Whether some withheld value says what ``key`` says (so a value showing it matters)."""
        kind, what = key
        if kind == "p":
            return what in self.phrases
        if kind == "d":
            return what in self.dates
        return any(value == what for value, _ in self.numbers)

    @property
    def run_keys(self) -> dict[int, None]:
        """Every eight-word run of every long withheld text (rebuilt after a change, at C level).

        A dict of hashes rather than a set: Python's cycle collector does not track a dict that holds only
        numbers, while it walks a set entry by entry — ~80,000 entries on the large example, walked twice by
        the window's collector after each rebuild (7 and 8 ms on the GUI thread while the person types)."""
        if self._runs_stale:
            self._runs_stale = False
            self._run_keys = dict.fromkeys(chain.from_iterable(hashes for _, hashes in self.runs))
        return self._run_keys

    def run_sources(self, key: int) -> set[Source]:
        return {source for source, hashes in self.runs if key in hashes}

    @property
    def automaton(self) -> ahocorasick.Automaton | None:
        if self._automaton_stale:
            self._automaton_stale = False
            self._automaton = None
            if self.phrases:
                automaton = ahocorasick.Automaton()
                for phrase in self.phrases:
                    automaton.add_word(phrase, (len(phrase), phrase))
                automaton.make_automaton()
                self._automaton = automaton
        return self._automaton

    def number_sources(self, number: Number, sensitivity: Sensitivity) -> set[Source]:
        """Withheld numbers that ``number`` states, unless text of ``sensitivity`` shows them as a value too."""
        if self._numbers_stale:
            self._numbers_stale = False
            self._number_keys = sorted((float(value), value, digits) for value, digits in self.numbers)
        if not self._number_keys:
            return set()
        wanted = float(number.value)
        low, high = sorted((wanted / 1.6, wanted * 1.6))
        first = bisect_left(self._number_keys, (low,))
        last = bisect_right(self._number_keys, (high, Decimal("Infinity"), 1 << 30))
        found: set[Source] = set()
        for _, value, digits in self._number_keys[first:last]:
            if states(number.value, number.digits, value, digits) and self.shown_to(("n", value), sensitivity) is None:
                found |= set(self.numbers[(value, digits)])
        return found


@dataclass
class _Found:
    start: int
    end: int
    sources: set[Source] = field(default_factory=set)


class EchoScan:
    """Echoes in one document, kept up to date edit by edit."""

    def __init__(self, forms: FormSet, audiences: Audiences) -> None:
        self.forms = forms
        self.audiences = audiences
        self.vocabulary = _vocabulary(forms)
        self._withheld = _Withheld()
        self._contributions: dict[Address, _Contribution] = {}
        self._shown: dict[Address, tuple[tuple[str, object], Source]] = {}
        self._targets: dict[Address, _Target] = {}
        self.loaded = False

    # -- keeping up with the document -------------------------------------------------
    def load(self, doc: Document) -> None:
        """Read the whole document (again)."""
        self._withheld = _Withheld()
        self._contributions = {}
        self._shown = {}
        self._targets = {}
        for path, value in doc.values.items():
            self._read(Address(path), value, None)
        for table in doc.tables:
            self._read_table(doc, table)
        self.loaded = True

    def sync(self, doc: Document, targets: Iterable[Address | str]) -> bool:
        """Read again what an edit touched (addresses, or table paths for record edits); True when the
        withheld side changed, so echoes anywhere may have come or gone."""
        if not self.loaded:
            self.load(doc)
            return True
        changed = False
        for target in targets:
            if isinstance(target, Address):
                changed |= self._refresh(doc, target)
            else:
                before = self._drop_table(target)
                self._read_table(doc, target)
                changed |= before != {a: c for a, c in self._contributions.items() if a.table == target}
        return changed

    def _refresh(self, doc: Document, address: Address) -> bool:
        old = self._contributions.pop(address, None)
        if old is not None:
            self._withheld.apply(old, -1)
        old_shown = self._unshow(address)
        self._targets.pop(address, None)
        value = doc.value(address)
        record_sensitivity = None
        if address.table is not None and address.record is not None:
            record = doc.record(address.table, address.record)
            record_sensitivity = None if record is None else _record_sensitivity(self.forms, address.table, record)
        if value is not None:
            self._read(address, value, record_sensitivity)
        new_shown = self._shown.get(address)
        if old_shown != new_shown and any(shown is not None and self._withheld.withholds(shown[0])
                                          for shown in (old_shown, new_shown)):
            return True
        return (old or _Contribution()) != self._contributions.get(address, _Contribution())

    def _unshow(self, address: Address) -> tuple[tuple[str, object], Source] | None:
        shown = self._shown.pop(address, None)
        if shown is not None:
            self._withheld.show(shown[0], shown[1], -1)
        return shown

    def _drop_table(self, table: str) -> dict[Address, _Contribution]:
        """Forget a table's values; return what they contributed to the withheld side."""
        dropped = {a: c for a, c in self._contributions.items() if a.table == table}
        for address, contribution in dropped.items():
            del self._contributions[address]
            self._withheld.apply(contribution, -1)
        for address in [a for a in self._shown if a.table == table]:
            shown = self._unshow(address)
            if shown is not None and self._withheld.withholds(shown[0]):
                dropped.setdefault(address, _Contribution())  # a shown value that mattered went: recheck
        for address in [a for a in self._targets if a.table == table]:
            del self._targets[address]
        return dropped

    def _read_table(self, doc: Document, table: str) -> None:
        for record in doc.records(table):
            self._read_record(table, record)

    def _read_record(self, table: str, record: Record) -> None:
        sensitivity = _record_sensitivity(self.forms, table, record)
        for relative, value in record.values.items():
            self._read(Address(table_field(table, relative), record.id), value, sensitivity)

    def _read(self, address: Address, value: Value, record_sensitivity: Sensitivity | None) -> None:
        if value.data is None or not self.forms.has_field(address.field):
            return
        spec = self.forms.field(address.field)
        if not spec.is_leaf:
            return
        sensitivity = value_sensitivity(spec, value, record_sensitivity)
        label = spec.label if address.record is None else f"{spec.label} ({address.record})"
        contribution = self._contribution(str(address), spec.type, value.data, sensitivity, label)
        if contribution:
            self._contributions[address] = contribution
            self._withheld.apply(contribution, +1)
        key = _whole(spec.type, value.data) if sensitivity < Sensitivity.HAZARDOUS else None
        if key is not None:
            shown = (key, Source(str(address), sensitivity, None, label))
            self._shown[address] = shown
            self._withheld.show(key, shown[1], +1)
        if spec.type in TEXT_TYPES and isinstance(value.data, str) and sensitivity < Sensitivity.HAZARDOUS:
            segments = tuple(_parse_segment(s.start, s.text) for s in _plain_segments(value.data) if s.text)
            self._targets[address] = _Target(address, value.data, sensitivity, segments)

    # -- the withheld side ---------------------------------------------------------------
    def _contribution(self, where: str, field_type: str, data: object, sensitivity: Sensitivity,
                      label: str = "") -> _Contribution:
        if field_type in TEXT_TYPES and isinstance(data, str):
            if sensitivity >= Sensitivity.HAZARDOUS:
                return self._text_contribution(where, _plain(data), Source(where, sensitivity, None, label))
            passages = self._passages(where, data, label)
            if sensitivity >= Sensitivity.INTERNAL:  # an internal text's hazardous passages are more withheld
                whole = self._text_contribution(where, _plain(data), Source(where, sensitivity, None, label))
                return _joined([whole, passages])
            return passages
        if sensitivity < Sensitivity.INTERNAL:
            return _Contribution()
        source = Source(where, sensitivity, None, label)
        if field_type in _CHOICES:
            return _Contribution(skipped=(Skipped(where, "a choice from a fixed list"),))
        if field_type in _NUMBERS and isinstance(data, (int, float)) and not isinstance(data, bool):
            value, digits = stated(format_value(field_type, data) if field_type == "flop" else data)
            why = generic_number(value, digits)
            if why:
                return _Contribution(skipped=(Skipped(where, why),))
            return _Contribution(numbers=((value, digits, source),))
        if field_type == "date" and isinstance(data, date):
            return _Contribution(dates=((data, source),))
        return _Contribution()

    def _passages(self, where: str, text: str, label: str = "") -> _Contribution:
        """Hazardous spans inside a text that is itself less sensitive."""
        try:
            segments = parse_spans(text)
        except SpanError:
            return _Contribution()
        parts = [self._text_contribution(where, s.text, Source(where, Sensitivity.HAZARDOUS, s.domain, label))
                 for s in segments if s.domain is not None and s.text.strip()]
        return _joined(parts)

    def _text_contribution(self, where: str, text: str, source: Source) -> _Contribution:
        words = word_list(text)
        if not words:
            return _Contribution()
        phrases: tuple[tuple[str, Source], ...] = ()
        runs: tuple[tuple[Source, frozenset[int]], ...] = ()
        why = None
        if len(words) > SHINGLE_WORDS:
            runs = ((source, frozenset(_runs(words))),)
        else:
            key = " ".join(words)
            why = self._generic_phrase(key, words, text)
            if why is None:
                phrases = ((key, source),)
        numbers: list[tuple[Decimal, int, Source]] = []
        found_dates: list[tuple[date, Source]] = []
        if _DIGIT.search(text):
            numbers_found, dates_found = numbers_and_dates(text)
            numbers = [(n.value, n.digits, source) for n in numbers_found if generic_number(n.value, n.digits) is None]
            # A date written so that it reads two ways (05/06/2025) is not searched for either way.
            found_dates = [(m.values[0], source) for m in dates_found if len(m.values) == 1]
        if why and not numbers and not found_dates:
            return _Contribution(skipped=(Skipped(where, why),))
        return _Contribution(phrases, runs, tuple(numbers), tuple(found_dates))

    def _generic_phrase(self, key: str, words: list[str], text: str) -> str | None:
        if sum(len(w) for w in words) < 5:
            return "too short"
        if len(words) == 1 and not any(c.isupper() or c.isdigit() for c in text):
            return "a single lower-case word"
        if common_text(key):
            return "a common word"
        if key in self.vocabulary:
            return "a level or choice word"
        if all(w.isdigit() for w in words):
            return "only digits"
        return None

    # -- finding echoes --------------------------------------------------------------------
    @property
    def skipped(self) -> list[Skipped]:
        """Withheld values not searched for, in document order of their addresses."""
        found = [s for c in self._contributions.values() for s in c.skipped]
        shown = self._withheld.shown_to
        for contribution in self._contributions.values():
            keyed: list[tuple[tuple[str, object], Source]] = [
                (("p", phrase), source) for phrase, source in contribution.phrases]
            keyed += [(("n", value), source) for value, _, source in contribution.numbers]
            keyed += [(("d", day), source) for day, source in contribution.dates]
            for key, source in keyed:
                other = shown(key, _narrower(source.sensitivity))
                if other is not None:
                    found.append(Skipped(source.address, f"also the whole of {other.address}, which wider "
                                                         f"audiences see"))
        return sorted(set(found), key=lambda s: (s.address, s.reason))

    def hits_at(self, address: Address) -> list[FlagHit]:
        target = self._targets.get(address)
        return [] if target is None else self._hits(target)

    def hits_in_table(self, table: str) -> list[FlagHit]:
        return [hit for address, target in self._targets.items() if address.table == table
                for hit in self._hits(target)]

    def all_hits(self) -> list[FlagHit]:
        if not (self._withheld.phrases or self._withheld.runs or self._withheld.numbers
                or self._withheld.dates):
            return []
        return [hit for target in self._targets.values() for hit in self._hits(target)]

    def _hits(self, target: _Target) -> list[FlagHit]:
        found: list[_Found] = []
        for segment in target.segments:
            found.extend(self._segment_hits(segment, target))
        if not found:
            return []
        raw = []
        for hit in _outermost(found):
            sensitivity = max(s.sensitivity for s in hit.sources)
            domains = sorted({s.domain for s in hit.sources if s.domain})
            ordered = sorted(hit.sources, key=lambda s: ("[" in s.address, s.address))
            described = list(dict.fromkeys(s.describe() for s in ordered))
            category = ECHO_PREFIX + ", ".join(described[:3]) + (f" and {len(described) - 3} more"
                                                                  if len(described) > 3 else "")
            spec = _spec(sensitivity, category, domains[0] if domains else "other")
            matched = target.text[hit.start:hit.end]
            raw.append((hit.start, hit.end, spec, matched, word_view(matched)))
        return _numbered(target.address, VALUE, raw, target.sensitivity, self.audiences)

    def _segment_hits(self, segment: _Segment, target: _Target) -> list[_Found]:
        withheld = self._withheld
        found: list[_Found] = []
        sensitivity = target.sensitivity
        whole = len(target.segments) == 1

        def above(sources: Iterable[Source]) -> set[Source]:
            return {s for s in sources if s.sensitivity > sensitivity}

        spans: list[tuple[int, int, set[Source]]] = []
        automaton = withheld.automaton
        if automaton is not None and segment.view:
            view, size = segment.view, len(segment.view)
            for last, (length, phrase) in automaton.iter(view):
                start, end = last - length + 1, last + 1
                if (start == 0 or view[start - 1] == " ") and (end == size or view[end] == " "):
                    sources = above(withheld.phrases.get(phrase, {}))
                    if sources and withheld.shown_to(("p", phrase), sensitivity) is not None:
                        sources = set()  # the same words are a whole value this text's readers see
                    if sources and whole and length == size:
                        # The same short answer in the same column of another record ("success rate",
                        # "Negligible") is that column's common answer, not the withheld record's secret.
                        sources = {s for s in sources if s.field != target.address.field}
                    if sources:
                        spans.append((start, end, sources))
        if segment.runs and not withheld.run_keys.keys().isdisjoint(segment.runs):
            spans.extend(self._run_spans(segment, above))
        if spans:
            found.extend(hit for hit in self._placed(segment, spans) if _reads_as_written(segment, hit))
        for number in segment.numbers:
            sources = above(withheld.number_sources(number, sensitivity))
            if sources:
                found.append(_Found(segment.start + number.start, segment.start + number.end, sources))
        for mention in segment.dates:
            sources = above(s for day in mention.values if withheld.shown_to(("d", day), sensitivity) is None
                            for s in withheld.dates.get(day, {}))
            if sources:
                found.append(_Found(segment.start + mention.start, segment.start + mention.end, sources))
        return found

    def _run_spans(self, segment: _Segment, above: Callable[[Iterable[Source]], set[Source]]
                   ) -> list[tuple[int, int, set[Source]]]:
        """Spans of the word view covered by runs of eight words some withheld text holds."""
        words = segment.view.split(" ")
        starts = [0]
        for word in words[:-1]:
            starts.append(starts[-1] + len(word) + 1)
        spans: list[tuple[int, int, set[Source]]] = []
        keys = self._withheld.run_keys
        for position, key in enumerate(_runs(words)):
            if key not in keys:
                continue
            sources = above(self._withheld.run_sources(key))
            if not sources:
                continue
            start = starts[position]
            last = position + SHINGLE_WORDS - 1
            end = starts[last] + len(words[last])
            if spans and start <= spans[-1][1]:
                previous = spans[-1]
                spans[-1] = (previous[0], end, previous[2] | sources)
            else:
                spans.append((start, end, sources))
        return spans

    @staticmethod
    def _placed(segment: _Segment, spans: list[tuple[int, int, set[Source]]]) -> list[_Found]:
        """Word-view spans placed in the segment's text (then in the value's)."""
        located = locate_word_spans(segment.text, segment.view, [(s, e) for s, e, _ in spans])
        if any(place is None for place in located):
            mapped, origin = word_view_mapped(segment.text)
            if mapped == segment.view:
                located = [(origin[s], origin[e - 1] + 1) for s, e, _ in spans]
            else:  # the two views disagree: flag the whole passage rather than guess where
                located = [(0, len(segment.text)) for _ in spans]
        return [_Found(segment.start + place[0], segment.start + place[1], sources)
                for place, (_, _, sources) in zip(located, spans, strict=True) if place is not None]


_SENTENCE_ENDS = ".!?:;|\n"
_MARKUP = " \t*_#>-([\"'`~"


def _reads_as_written(segment: _Segment, hit: _Found) -> bool:
    """A one-word echo counts only where the word stands as a name: capitalised inside a sentence.

    "Negligible" withheld beside public prose saying "not negligible", or a
    visible record whose answer is also "Negligible", is the same ordinary
    word, not the same value; "tested by Apollo" repeats a name.
    """
    local = hit.start - segment.start
    matched = segment.text[local:hit.end - segment.start]
    if " " in word_view(matched):
        return True
    letters = [c for c in matched if c.isalpha()]
    if not letters or not letters[0].isupper():
        return False
    before = segment.text[:local].rstrip(_MARKUP)
    return bool(before) and before[-1] not in _SENTENCE_ENDS


def _narrower(sensitivity: Sensitivity) -> Sensitivity:
    """The level just below ``sensitivity`` (what a wider audience sees)."""
    return Sensitivity.PUBLIC if sensitivity <= Sensitivity.INTERNAL else Sensitivity.INTERNAL


def _whole(field_type: str, data: object) -> tuple[str, object] | None:
    """What a whole value says, for comparison with withheld ones (None for long or choice values)."""
    if field_type in TEXT_TYPES and isinstance(data, str):
        if "[[" in data:
            return None
        words = word_list(data)
        return ("p", " ".join(words)) if 0 < len(words) <= SHINGLE_WORDS else None
    if field_type in _NUMBERS and isinstance(data, (int, float)) and not isinstance(data, bool):
        return ("n", stated(format_value(field_type, data) if field_type == "flop" else data)[0])
    if field_type == "date" and isinstance(data, date):
        return ("d", data)
    return None


def _plain(text: str) -> str:
    """A text without its span tags (a withheld value's words, passages included)."""
    try:
        return "".join(s.text for s in parse_spans(text))
    except SpanError:
        return text


def _joined(parts: list[_Contribution]) -> _Contribution:
    if not parts:
        return _Contribution()
    if len(parts) == 1:
        return parts[0]
    return _Contribution(tuple(p for c in parts for p in c.phrases), tuple(s for c in parts for s in c.runs),
                         tuple(n for c in parts for n in c.numbers), tuple(d for c in parts for d in c.dates),
                         tuple(s for c in parts for s in c.skipped))


def _outermost(found: list[_Found]) -> list[_Found]:
    """One hit per passage: a hit inside a longer one joins it (its sources with it)."""
    found.sort(key=lambda f: (f.start, -f.end))
    kept: list[_Found] = []
    for hit in found:
        if kept and hit.start >= kept[-1].start and hit.end <= kept[-1].end:
            kept[-1] = replace(kept[-1], sources=kept[-1].sources | hit.sources)
            continue
        kept.append(hit)
    return kept


def echo_hits(doc: Document, forms: FormSet, audiences: Audiences) -> tuple[list[FlagHit], list[Skipped]]:
    """Every echo in ``doc`` and the withheld values not searched for (a one-off scan)."""
    scan = EchoScan(forms, audiences)
    scan.load(doc)
    return scan.all_hits(), scan.skipped
