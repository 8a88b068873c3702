"""Hazardous spans inside text: ``[[hazard:DOMAIN]]passage[[/hazard]]``.

Markup that looks like a span tag but is not exactly right (unclosed, nested,
unknown domain, odd spelling) is an error, never plain text: a typo must not
let a hazardous passage reach a public report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.model.sensitivity import HAZARD_DOMAINS

OPEN_TAG = "[[hazard:{domain}]]"
CLOSE_TAG = "[[/hazard]]"

_STRICT = re.compile(r"\[\[hazard:([a-z]+)\]\]|\[\[/hazard\]\]")
# Anything a person might have meant as a tag: "[[ Hazard : bio ]]", "[[/HAZARD]]", "[[hazard]]".
_LOOSE = re.compile(r"\[\[\s*/?\s*hazard\b[^\]]*\]?\]?", re.IGNORECASE)


class SpanError(ValueError):
    """Malformed span markup; ``offset`` is the character position in the text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class Segment:
    """A run of text; ``domain`` is set when the run is a hazardous passage."""

    text: str
    domain: str | None = None
    start: int = 0
    """Offset of the segment's text (after any opening tag) in the marked-up source."""


def parse_spans(text: str) -> list[Segment]:
    """Split marked-up text into plain and hazardous segments, or raise SpanError."""
    strict = {m.start(): m for m in _STRICT.finditer(text)}
    for loose in _LOOSE.finditer(text):
        hit = strict.get(loose.start())
        if hit is None or hit.end() != loose.end():
            raise SpanError(
                f"malformed span tag {loose.group(0)!r} at offset {loose.start()}; "
                f"write [[hazard:DOMAIN]]…[[/hazard]] with DOMAIN one of {', '.join(HAZARD_DOMAINS)}",
                loose.start(),
            )
    segments: list[Segment] = []
    open_domain: str | None = None
    open_at = 0
    cursor = 0
    for match in _STRICT.finditer(text):
        domain = match.group(1)
        if domain is not None:
            if open_domain is not None:
                raise SpanError(
                    f"hazard span opened at offset {match.start()} inside another span "
                    f"(opened at {open_at}); spans cannot nest", match.start())
            if domain not in HAZARD_DOMAINS:
                raise SpanError(
                    f"unknown hazard domain {domain!r} at offset {match.start()}; "
                    f"expected one of {', '.join(HAZARD_DOMAINS)}", match.start())
            if match.start() > cursor:
                segments.append(Segment(text[cursor:match.start()], None, cursor))
            open_domain, open_at, cursor = domain, match.start(), match.end()
        else:
            if open_domain is None:
                raise SpanError(f"[[/hazard]] at offset {match.start()} closes no span", match.start())
            segments.append(Segment(text[cursor:match.start()], open_domain, cursor))
            open_domain, cursor = None, match.end()
    if open_domain is not None:
        raise SpanError(f"hazard span opened at offset {open_at} is never closed", open_at)
    if cursor < len(text):
        segments.append(Segment(text[cursor:], None, cursor))
    return segments


def has_span_markup(text: str) -> bool:
    return _LOOSE.search(text) is not None


def plain_text(text: str) -> str:
    """The text without tags (hazardous passages kept): what an internal reader sees."""
    return "".join(s.text for s in parse_spans(text))


def wrap_span(text: str, start: int, end: int, domain: str) -> str:
    """Mark ``text[start:end]`` (offsets in the marked-up text) hazardous.

    The selection must lie in plain text, outside every existing span and tag.
    """
    if domain not in HAZARD_DOMAINS:
        raise ValueError(f"unknown hazard domain {domain!r}; expected one of {', '.join(HAZARD_DOMAINS)}")
    if not 0 <= start < end <= len(text):
        raise ValueError("select some text to mark hazardous")
    for segment in parse_spans(text):
        seg_end = segment.start + len(segment.text)
        if segment.domain is None and segment.start <= start and end <= seg_end:
            return (text[:start] + OPEN_TAG.format(domain=domain) + text[start:end]
                    + CLOSE_TAG + text[end:])
    raise ValueError("the selection overlaps a passage that is already marked; unmark it first")


def span_at(text: str, offset: int) -> Segment | None:
    """The hazardous segment containing ``offset`` (tags included), if any."""
    for segment in parse_spans(text):
        if segment.domain is None:
            continue
        tag_start = segment.start - len(OPEN_TAG.format(domain=segment.domain))
        tag_end = segment.start + len(segment.text) + len(CLOSE_TAG)
        if tag_start <= offset <= tag_end:
            return segment
    return None


def unwrap_span(text: str, offset: int) -> str:
    """Remove the tags of the span containing ``offset``, keeping its passage."""
    segment = span_at(text, offset)
    if segment is None:
        raise ValueError("there is no marked passage here")
    tag_start = segment.start - len(OPEN_TAG.format(domain=segment.domain))
    seg_end = segment.start + len(segment.text)
    return text[:tag_start] + segment.text + text[seg_end + len(CLOSE_TAG):]
