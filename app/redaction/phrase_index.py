"""Whole-word phrases found in a word view by one Aho–Corasick pass over words, not letters.

The leak scan looks for every withheld text in every channel of a finished
file, long texts as overlapping runs of eight words: the large example gives
some 80,000 phrases of about fifty letters each. Built letter by letter, that
automaton has millions of states and took over a second to build, and each
search had to check word boundaries afterwards. Here each distinct word of the
withheld texts gets one code (a character of its own), a phrase is the string
of its words' codes, and a channel's words are coded the same way with a
dictionary lookup each (C-level ``map``); words no phrase uses get a code no
phrase holds. The automaton is about eight states per phrase, boundaries
need no checking (every code is a whole word), and what is found is exactly
what the letter-by-letter search found: the phrase's words, in order, as
whole words of the view.

Phrases of exactly the run length — every run of a long text, ~80,000 of the
large example's phrases — skip the automaton: they are kept as tuples of words
in a dictionary, and a view's runs (tuples built in C by zipping shifted word
lists) are compared with them in one set operation; only where that finds
something are positions worked out. Building the automaton for them took most
of the index's ~0.17 s. What ``find`` returns is unchanged: every phrase, in
order of where it ends, the longer first where two end on the same word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import repeat
from typing import Generic, TypeVar

import ahocorasick

Payload = TypeVar("Payload")

_OTHER = "\x00"
"""The code of every word no phrase holds (never part of a phrase)."""
_REMEMBERED_CHARS = 256
_REMEMBERED_VIEWS = 65_536
_FIRST_CODE = 1
_SURROGATES = range(0xD800, 0xE000)
_CODES = 0x110000 - len(_SURROGATES) - _FIRST_CODE


def _code_point(number: int) -> str:
    """The ``number``-th code, skipping surrogates; past the last code they repeat, which can only
    make two phrases look alike (a search finds more, never less)."""
    number = number % _CODES + _FIRST_CODE
    if number >= _SURROGATES.start:
        number += len(_SURROGATES)
    return chr(number)


class PhraseIndex(Generic[Payload]):
    """Phrases (lists of words in the word view) with a payload each; add all, then ``freeze``."""

    def __init__(self, run: int = 8) -> None:
        self.run = run
        """Phrases of this many words (every run of a long text) are kept as word tuples, not in the automaton."""
        self._codes: dict[str, str] = {}
        self._automaton = ahocorasick.Automaton()
        self._short = 0
        self._runs: dict[tuple[str, ...], Payload] = {}
        self._frozen = False
        self.count = 0
        self._known_stretch = re.compile(f"[^{re.escape(_OTHER)}]{{{run},}}")
        """``run`` or more words in a row that each have a code (words of some phrase), in a coded view."""
        self._found: dict[str, tuple[tuple[str, Payload], ...]] = {}
        """What ``find`` found in short views seen before (a finished file repeats its labels)."""

    def _encode(self, words: Iterable[str]) -> str:
        codes = self._codes
        encoded = []
        for word in words:
            code = codes.get(word)
            if code is None:
                code = codes[word] = _code_point(len(codes))
            encoded.append(code)
        return "".join(encoded)

    def add_text(self, words: list[str], run: int, payload: Payload) -> int:
        """Add ``words`` as one phrase when it has at most ``run`` words, else every run of ``run``
        consecutive words; a phrase already added keeps its first payload. Returns how many were new."""
        if self._frozen:
            raise RuntimeError("phrases cannot be added once the index is frozen")
        if run != self.run:
            raise ValueError(f"this index keeps runs of {self.run} words, not {run}")
        if len(words) >= run:
            codes = self._codes  # every word of a run gets a code: ``find`` looks for runs among coded words only
            for word in dict.fromkeys(words).keys() - codes.keys():
                codes[word] = _code_point(len(codes))
            runs = self._runs
            before = len(runs)
            for key in zip(*(words[k:] for k in range(run)), strict=False):
                runs.setdefault(key, payload)  # a phrase already added keeps its first payload
            added = len(runs) - before
        else:
            coded = self._encode(words)
            added = 0
            if coded and coded not in self._automaton:
                self._automaton.add_word(coded, (len(coded), payload))
                self._short += 1
                added = 1
        self.count += added
        return added

    def freeze(self) -> None:
        if not self._frozen:
            self._frozen = True
            if self._short:
                self._automaton.make_automaton()

    def find(self, view: str, words: list[str] | None = None) -> list[tuple[str, Payload]]:
        """(phrase as words separated by single spaces, payload) for each phrase in ``view`` (a word
        view: words separated by single spaces), in order of where they end. ``words``, when the caller
        has them, are ``view.split(" ")`` (``app.redaction.normalise.word_view_and_words``)."""
        if not self.count or not view:
            return []
        self.freeze()
        short = len(view) <= _REMEMBERED_CHARS
        if short:
            known = self._found.get(view)
            if known is not None:
                return list(known)
        if words is None:
            words = view.split(" ")
        coded = "".join(map(self._codes.get, words, repeat(_OTHER, len(words))))
        placed: list[tuple[int, int, Payload]] = []
        if self._short:
            placed = [(end, length, payload) for end, (length, payload) in self._automaton.iter(coded)]
        run, runs = self.run, self._runs
        if runs and len(words) >= run:
            # A run stands only where ``run`` words in a row are words of some phrase (coded): a channel's
            # other stretches (a content stream's operators and numbers, a font's bytes) are never zipped.
            at_runs: list[tuple[int, int, Payload]] = []
            for stretch in self._known_stretch.finditer(coded):
                start = stretch.start()
                part = words[start:stretch.end()]
                if runs.keys().isdisjoint(zip(*(part[k:] for k in range(run)), strict=False)):
                    continue
                at_runs += [(start + first + run - 1, run, runs[key])
                            for first, key in enumerate(zip(*(part[k:] for k in range(run)), strict=False))
                            if key in runs]
            if at_runs:
                # In order of where they end, the longer first (as the automaton reports them); sort is stable.
                placed = sorted(placed + at_runs, key=lambda item: (item[0], -item[1])) if placed else at_runs
        found = [(" ".join(words[end - length + 1:end + 1]), payload) for end, length, payload in placed]
        if short:
            if len(self._found) >= _REMEMBERED_VIEWS:
                self._found.clear()
            self._found[view] = tuple(found)
        return found
