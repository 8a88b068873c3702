"""Hazardous passages as an editor holds them: the visible text and where its passages are.

The stored value keeps the markup (``[[hazard:bio]]…[[/hazard]]``, see
``app.model.spans``): the store, the filter, the detectors and the leak scan
read it. A person should not have to: the editor shows the text without tags
and draws each passage as a marked region. This module converts between the
two — ``split_marked`` (stored → visible text + passages) and ``join_marked``
(back) — and maps offsets between them (a flag or a search hit names an offset
in the stored text; the editor selects it in the visible one).

Passages are non-empty, sorted and never overlap; ``join_marked`` of
``split_marked`` gives back the same text for every value that parses, except
that an empty passage (``[[hazard:bio]][[/hazard]]``) has nothing to show and
is dropped.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from app.model.fast_dataclass import dataclass
from app.model.spans import CLOSE_TAG, OPEN_TAG, parse_spans


@dataclass(frozen=True)
class Passage:
    """A hazardous passage: ``visible[start:end]``, of ``domain`` (bio, chem, cyber, autonomy, other)."""

    start: int
    end: int
    domain: str


def split_marked(text: str) -> tuple[str, tuple[Passage, ...]]:
    """The text without tags and its passages; SpanError if the markup is malformed."""
    if "[" not in text:  # no tag can be there (near misses need a bracket too): the common case, at once
        parse_spans(text)  # still refuses look-alike markup such as "{{hazard:bio}}"
        return text, ()
    pieces: list[str] = []
    passages: list[Passage] = []
    at = 0
    for segment in parse_spans(text):
        if segment.domain is not None and segment.text:
            passages.append(Passage(at, at + len(segment.text), segment.domain))
        pieces.append(segment.text)
        at += len(segment.text)
    return "".join(pieces), tuple(passages)


def join_marked(visible: str, passages: Iterable[Passage]) -> str:
    """The stored form: ``visible`` with each passage wrapped in its tags."""
    pieces: list[str] = []
    at = 0
    for passage in sorted(passages, key=lambda p: p.start):
        if passage.end <= passage.start or passage.start < at:
            continue  # empty, or overlapping one already written: never produce nested tags
        pieces += [visible[at:passage.start], OPEN_TAG.format(domain=passage.domain),
                   visible[passage.start:passage.end], CLOSE_TAG]
        at = passage.end
    pieces.append(visible[at:])
    return "".join(pieces)


def clip(passages: Sequence[Passage], start: int, end: int) -> list[Passage]:
    """The parts of ``passages`` inside ``[start, end)``, as offsets from ``start`` (a copied fragment)."""
    return [Passage(max(p.start, start) - start, min(p.end, end) - start, p.domain)
            for p in passages if p.start < end and p.end > start]


def _tag_lengths(passage: Passage) -> tuple[int, int]:
    return len(OPEN_TAG.format(domain=passage.domain)), len(CLOSE_TAG)


def visible_offset(passages: Sequence[Passage], stored: int) -> int:
    """Where the stored text's offset ``stored`` lies in the visible text (an offset inside a tag: its edge)."""
    shift = 0
    for passage in passages:
        opening, closing = _tag_lengths(passage)
        open_at = passage.start + shift
        if stored < open_at:
            break
        if stored < open_at + opening:
            return passage.start
        close_at = open_at + opening + (passage.end - passage.start)
        if stored < close_at:
            return stored - shift - opening
        if stored < close_at + closing:
            return passage.end
        shift += opening + closing
    return stored - shift


def stored_offset(passages: Sequence[Passage], visible: int, inside: bool = False) -> int:
    """Where the visible offset ``visible`` lies in the stored text.

    At a passage's edge the offset is ambiguous (before or after a tag):
    ``inside`` chooses the side within the passage.
    """
    starts = [p.start for p in passages]
    shift = 0
    for passage in passages[:bisect.bisect_right(starts, visible)]:
        opening, closing = _tag_lengths(passage)
        if visible > passage.end or (visible == passage.end and not inside):
            shift += opening + closing
        elif visible > passage.start or inside:
            shift += opening
    return visible + shift
