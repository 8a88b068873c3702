"""Running detectors over text: term lists by Aho–Corasick, patterns by regex.

All term lists share one Aho–Corasick automaton (``pyahocorasick``) over the
word view, so the cost does not grow with the number of terms the way a
regex alternation does (redaction.md measured 93 s for 5,000 terms as an
alternation). Before the automaton runs, a set lookup asks whether any word
of the text starts some term at all — for most text none does, and the check
costs one pass over words already split. Pattern detectors run on the pattern
view behind cheap gates — literal ``trigger_words`` (all detectors' words in
one more Aho–Corasick pass), a ``trigger_run`` of characters (found with
``str.translate``), a ``trigger`` expression — and their candidates go through
the named check (``app.redaction.checks``).

Matching happens on normalised views; ``find`` maps every hit back to offsets
in the text it was given, so a flag can wrap exactly the matched passage.
"""

from __future__ import annotations

import re
from functools import cache
from collections.abc import Iterable, Sequence

import ahocorasick

from app.model.fast_dataclass import dataclass
from app.redaction.checks import CHECKS
from app.redaction.definitions import DetectorSpec, load_detector_specs
from app.redaction.normalise import (
    decomposed, gate_texts, locate_word_spans, original_span, pattern_view_gated, pattern_view_mapped, word_list,
    word_view, word_view_mapped,
)


@dataclass(frozen=True)
class Hit:
    """One detector hit. Offsets are in the text given to ``DetectorSet.find``."""

    detector: DetectorSpec
    start: int
    end: int
    matched: str
    """The original text of the hit (what a person sees)."""
    normalised: str
    """The hit's word view: the key for dismissals and comparisons."""


@dataclass(frozen=True)
class _PatternDetector:
    spec: DetectorSpec
    regex: re.Pattern[str]
    trigger: re.Pattern[str] | None
    gated_by_words: bool
    """Runs only when one of its ``trigger_words`` occurs (one shared Aho–Corasick pass)."""
    run_table: dict[int, str] | None = None
    """str.translate table marking ``trigger_run`` characters as "y", all else as " "."""
    run_marker: str = ""


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_TERMS = -1
"""Payload of a gate word in the shared gate automaton: "a term might be here"."""


class DetectorSet:
    """A compiled set of detectors; build once, use for every value and file."""

    def __init__(self, specs: Sequence[DetectorSpec]) -> None:
        self.specs = tuple(specs)
        self._by_id = {spec.id: spec for spec in self.specs}
        self._automaton: ahocorasick.Automaton | None = None
        self._gate_words: frozenset[str] = frozenset()
        self._patterns: list[_PatternDetector] = []
        keyed: dict[str, list[int]] = {}
        gate_words: dict[str, set[int]] = {}
        for index, spec in enumerate(self.specs):
            if spec.kind == "terms":
                for term in spec.terms:
                    key = word_view(term)
                    if key and index not in keyed.setdefault(key, []):
                        keyed[key].append(index)
            else:
                assert spec.pattern is not None
                flags = re.IGNORECASE if spec.ignore_case else 0
                for word in spec.trigger_words:
                    gate_words.setdefault(word.lower(), set()).add(len(self._patterns))
                run_table, run_marker = None, ""
                if spec.trigger_run is not None:
                    characters, length = spec.trigger_run
                    run_table = {code: "y" if chr(code) in characters else " " for code in range(128)}
                    run_marker = "y" * length
                self._patterns.append(_PatternDetector(
                    spec, re.compile(spec.pattern, flags),
                    re.compile(spec.trigger) if spec.trigger else None, bool(spec.trigger_words),
                    run_table, run_marker))
        if keyed:
            automaton = ahocorasick.Automaton()
            for key, indexes in keyed.items():
                automaton.add_word(key, (len(key), tuple(indexes)))
            automaton.make_automaton()
            self._automaton = automaton
            # A term can only match where its longest word is a word of the text.
            self._gate_words = frozenset(max(key.split(" "), key=len) for key in keyed)
            for word in self._gate_words:
                gate_words.setdefault(word, set()).add(_TERMS)
        self._gate: ahocorasick.Automaton | None = None
        if gate_words:
            gate = ahocorasick.Automaton()
            for word, payload in gate_words.items():
                gate.add_word(word, frozenset(payload))
            gate.make_automaton()
            self._gate = gate
        self.term_count = len(keyed)
        self._remembered: dict[str, tuple[tuple[DetectorSpec, str], ...]] = {}
        """``matches`` of short texts seen before (a finished file repeats its labels and placeholders)."""

    def spec(self, detector_id: str) -> DetectorSpec:
        return self._by_id[detector_id]

    # -- matching ------------------------------------------------------------
    def _term_hits(self, view: str) -> list[tuple[int, int, DetectorSpec]]:
        assert self._automaton is not None
        found: list[tuple[int, int, DetectorSpec]] = []
        size = len(view)
        for last, (length, indexes) in self._automaton.iter(view):
            start, end = last - length + 1, last + 1
            if (start == 0 or view[start - 1] == " ") and (end == size or view[end] == " "):
                found.extend((start, end, self.specs[i]) for i in indexes)
        return _longest(found)

    def _gates(self, gate_text: str) -> set[int]:
        """One Aho–Corasick pass over the lower-cased pattern view: which pattern detectors'
        trigger words occur, and (``_TERMS``) whether some term's longest word does."""
        opened: set[int] = set()
        if self._gate is not None:
            for _, payload in self._gate.iter(gate_text):
                opened |= payload
        return opened

    def _candidates(self, view: str, opened: set[int]) -> list[_PatternDetector]:
        """The pattern detectors whose cheap gates pass on ``view``."""
        ascii_view: str | None = None
        chosen: list[_PatternDetector] = []
        for index, detector in enumerate(self._patterns):
            if detector.gated_by_words and index not in opened:
                continue
            if detector.run_table is not None:
                if ascii_view is None:  # run characters are ASCII; translate is fast on ASCII text
                    ascii_view = view if view.isascii() else _NON_ASCII_RUN.sub(" ", view)
                if detector.run_marker not in ascii_view.translate(detector.run_table):
                    continue
            if detector.trigger is not None and detector.trigger.search(view) is None:
                continue
            chosen.append(detector)
        return chosen

    def _pattern_hits(self, view: str, chosen: list[_PatternDetector]) -> list[tuple[int, int, DetectorSpec]]:
        found: list[tuple[int, int, DetectorSpec]] = []
        for detector in chosen:
            check = CHECKS[detector.spec.check] if detector.spec.check else None
            for match in detector.regex.finditer(view):
                if match.end() == match.start():
                    continue
                if check is not None and not check(match.group(), detector.spec.options):
                    continue
                found.append((match.start(), match.end(), detector.spec))
        return found

    def _views(self, text: str, exhaustive: bool = False, word_view_of_text: str | None = None
               ) -> tuple[str | None, str, set[int]]:
        """(word view if a term might match, else None; pattern view; opened gates).

        The word view costs most, so it is built only when the lower-cased
        pattern view contains some term's longest word, or when the pattern
        view cannot vouch for the word view's words (``pattern_view_gated``).
        ``exhaustive`` builds it always (tests compare both ways). A caller that has the word view of
        ``text`` already (``word_view(text)``) passes it as ``word_view_of_text``.
        """
        nfkd = decomposed(text)
        pview, vouches = pattern_view_gated(text, nfkd)
        gate, joined = gate_texts(pview)
        opened = self._gates(gate)
        might_match = _TERMS in opened or (joined is not None and _TERMS in self._gates(joined))
        view = None
        if self._automaton is not None and (exhaustive or not vouches or might_match):
            if word_view_of_text is not None:
                if not self._gate_words.isdisjoint(word_view_of_text.split(" ")):
                    view = word_view_of_text
            else:
                words = word_list(text, nfkd)
                if not self._gate_words.isdisjoint(words):
                    view = " ".join(words)
        return view, pview, opened

    def find(self, text: str, exhaustive: bool = False) -> list[Hit]:
        """Every hit in ``text``, with offsets into ``text``, in order."""
        hits: list[Hit] = []
        view, pview, opened = self._views(text, exhaustive)
        if view is not None:
            found = self._term_hits(view)
            if found:
                hits.extend(self._located_terms(text, view, found))
        chosen = self._candidates(pview, opened) if self._patterns else []
        found = self._pattern_hits(pview, chosen) if chosen else []
        if found:
            mapped, origin = pattern_view_mapped(text)
            if mapped != pview:
                found = self._pattern_hits(mapped, self._candidates(mapped, self._gates(gate_texts(mapped)[0])))
            hits.extend(self._located(text, found, origin))
        hits.sort(key=lambda h: (h.start, h.end, h.detector.id))
        return hits

    def _located_terms(self, text: str, view: str, found: list[tuple[int, int, DetectorSpec]]) -> list[Hit]:
        """Term hits placed in ``text``: line by line when possible, else by mapping it all."""
        spans = locate_word_spans(text, view, [(start, end) for start, end, _ in found])
        if all(span is not None for span in spans):
            return self._hits(text, [(span[0], span[1], hit[2]) for span, hit in zip(spans, found, strict=True)
                                     if span is not None])
        mapped, origin = word_view_mapped(text)
        if mapped != view:  # the fast and mapped forms disagree: trust the mapped one
            found = self._term_hits(mapped)
        return self._located(text, found, origin)

    def _located(self, text: str, found: Iterable[tuple[int, int, DetectorSpec]],
                 origin: list[int]) -> list[Hit]:
        return self._hits(text, [(*original_span(origin, start, end), spec) for start, end, spec in found])

    def _hits(self, text: str, placed: Iterable[tuple[int, int, DetectorSpec]]) -> list[Hit]:
        hits: list[Hit] = []
        for first, last, spec in placed:
            matched = text[first:last]
            normalised = word_view(matched)
            if normalised in spec.allow:
                continue
            hits.append(Hit(spec, first, last, matched, normalised))
        return hits

    def matches(self, text: str, word_view_of_text: str | None = None) -> list[tuple[DetectorSpec, str]]:
        """Hits as (detector, matched text in its view), without mapping offsets back.

        For the output leak scanner, which needs to know *that* something
        matched and what, not where in a source value (and has the text's word
        view already: ``word_view_of_text``, exactly ``word_view(text)``).
        """
        if len(text) <= _REMEMBERED_CHARS:
            known = self._remembered.get(text)
            if known is not None:
                return list(known)
        found: list[tuple[DetectorSpec, str]] = []
        view, pview, opened = self._views(text, word_view_of_text=word_view_of_text)
        if view is not None:
            for start, end, spec in self._term_hits(view):
                if view[start:end] not in spec.allow:
                    found.append((spec, view[start:end]))
        if self._patterns:
            for start, end, spec in self._pattern_hits(pview, self._candidates(pview, opened)):
                if word_view(pview[start:end]) not in spec.allow:
                    found.append((spec, pview[start:end]))
        if len(text) <= _REMEMBERED_CHARS:
            if len(self._remembered) >= _REMEMBERED_TEXTS:
                self._remembered.clear()
            self._remembered[text] = tuple(found)
        return found


_REMEMBERED_CHARS = 256
_REMEMBERED_TEXTS = 65_536
_WORKER_SET: DetectorSet | None = None
PARALLEL_MIN_CHARS = 4_000_000
"""Below this much text a second process costs more (start-up, compiling the set) than it saves."""


def _start_worker(specs: tuple[DetectorSpec, ...]) -> None:
    global _WORKER_SET
    _WORKER_SET = DetectorSet(specs)


def _find_chunk(texts: list[str]) -> list[list[tuple[int, int, str]]]:
    assert _WORKER_SET is not None
    return [[(h.start, h.end, h.detector.id) for h in _WORKER_SET.find(text)] for text in texts]


def find_many(detectors: DetectorSet, texts: Sequence[str], workers: int | None = None,
              fork: bool = True) -> list[list[Hit]]:
    """``detectors.find`` over many texts, in ``workers`` processes when the batch is large.

    Whole-document scans and benchmarks use it; the per-edit rescan stays in
    process. Hits come back as if found here (same specs, same offsets).
    """
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    global _WORKER_SET
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    if workers <= 1 or sum(len(t) for t in texts) < PARALLEL_MIN_CHARS:
        return [detectors.find(text) for text in texts]
    chunks = [list(texts[i::workers]) for i in range(workers)]
    # Forked workers inherit the compiled set (building it again costs ~0.4 s each). A process
    # running other threads (the desktop window) must pass fork=False: its workers start fresh.
    can_fork = fork and "fork" in multiprocessing.get_all_start_methods()
    if can_fork:
        _WORKER_SET = detectors
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
    else:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker, initargs=(detectors.specs,))
    try:
        with pool:
            results = list(pool.map(_find_chunk, chunks))
    finally:
        if can_fork:
            _WORKER_SET = None
    found: list[list[Hit]] = [[] for _ in texts]
    for worker, chunk_results in enumerate(results):
        for position, placed in enumerate(chunk_results):
            index = worker + position * workers
            text = texts[index]
            found[index] = detectors._hits(text, [(start, end, detectors.spec(spec_id))
                                                  for start, end, spec_id in placed])
    return found


def _longest(found: list[tuple[int, int, DetectorSpec]]) -> list[tuple[int, int, DetectorSpec]]:
    """Drop a hit that lies inside a longer hit of the same detector ("VX" in "Russian VX")."""
    if len(found) < 2:
        return found
    kept: list[tuple[int, int, DetectorSpec]] = []
    for hit in found:
        start, end, spec = hit
        if any(other is not hit and other[2].id == spec.id and other[0] <= start and end <= other[1]
               and (other[1] - other[0]) > (end - start) for other in found):
            continue
        if hit not in kept:
            kept.append(hit)
    return kept


@cache
def default_detectors() -> DetectorSet:
    """The bundled detectors (``schemas/detectors``), compiled once per process."""
    return DetectorSet(load_detector_specs())
