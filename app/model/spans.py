"""Hazardous spans inside text: ``[[hazard:DOMAIN]]passage[[/hazard]]``.

Markup that looks like a span tag but is not exactly right (unclosed, nested,
unknown domain, odd spelling) is an error, never plain text: a typo must not
let a hazardous passage reach a public report. "Looks like" is judged on a
skeleton of the text — invisible format characters (soft hyphen, zero-width
space) dropped, compatibility forms folded (fullwidth, mathematical letters),
accents stripped, case folded and look-alike letters from other scripts mapped
to the Latin letters of the tag — so ``[[hazardous:bio]]``, ``[[hazard_bio]]``,
``[hazard:bio]``, ``[[haz\u00adard:bio]]`` or a Cyrillic ``а`` in "hazard" are
errors too, not prose that happens to contain brackets.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from app.model.fast_dataclass import dataclass
from app.model.sensitivity import HAZARD_DOMAINS

OPEN_TAG = "[[hazard:{domain}]]"
CLOSE_TAG = "[[/hazard]]"

_STRICT = re.compile(r"\[\[hazard:([a-z]+)\]\]|\[\[/hazard\]\]")
# Anything a person might have meant as a tag: "[[ Hazard : bio ]]", "[[/HAZARD]]", "[[hazard]]".
_LOOSE = re.compile(r"\[\[\s*/?\s*hazard\b[^\]]*\]?\]?", re.IGNORECASE)
# The same on the skeleton (see ``_skeleton``): a double bracket before any word starting "hazard", or a
# single bracket (or brace, angle bracket) around "hazard…" and at most one more word, closed at once.
_OPENERS = "[{<\u2045\u226e\u27e6\u3010\u3014\u301a\ufe37\ufe39\ufe3b\ufe47\ufe5b\ufe5d\ufe64\uff1c\uff3b\uff5b"
"""Characters whose skeleton is an opening bracket, brace or angle bracket (a test keeps the list complete)."""
_OPENER_CHARS = re.compile(f"[{re.escape(_OPENERS)}]")
_NEAR = re.compile(
    r"(?:\[\[+|\{\{+|<<+)\s*/?\s*hazard[^\]}>\n]*[\]}>]{0,2}"
    r"|[\[{<]\s*/?\s*hazard\w*(?:\s*[:_\-=.]?\s*\w+)?\s*[\]}>]")
_WORD = re.compile("hazard")
_OPENING = re.compile(r"(?:\[\[+|\{\{+|<<+|[\[{<])\s*/?\s*$")
_LOOKALIKES = {
    # Characters that UTS #39 (schemas/detectors/confusables.json) maps to a letter of "hazard", to ":"
    # or to "/"; the model imports nothing, so they are listed here, and a test keeps the list in step.
    "h": "\u029c\u0397\u041d\u04bb\u0570\u13bb\u13c2\u157c\u2c8e\ua4e7\U000102cf\U0001d6ae\U0001d6e8"
         "\U0001d722\U0001d75c\U0001d796",
    "a": "\u0251\u0391\u03b1\u0410\u0430\u13aa\u15c5\u1d00\u237a\ua4ee\U000102a0\U00016f40\U0001d6a8"
         "\U0001d6c2\U0001d6e2\U0001d6fc\U0001d71c\U0001d736\U0001d756\U0001d770\U0001d790\U0001d7aa",
    "z": "\u0396\u13c3\u1d22\ua4dc\uab93\U000102f5\U000118a9\U000118c4\U000118e5\U0001d6ad\U0001d6e7"
         "\U0001d721\U0001d75b\U0001d795",
    "r": "\u01a6\u0280\u0433\u13a1\u13d2\u1587\u1d26\u2c85\ua4e3\uab47\uab48\uab81\U000104b4\U00016f35"
         "\U0001d216",
    "d": "\u0501\u13a0\u13e7\u146f\u15de\u15ea\u1d05\ua4d2\ua4d3",
    ":": "\u02d0\u02f8\u0589\u05c3\u0703\u0704\u0903\u0a83\u16ec\u1803\u1809\u205a\u2236\ua4fd\ua789\ufe30",
    "/": "\u1735\u2041\u2044\u2215\u2571\u27cb\u29f8\u2cc6\u2f03\u3033\u30ce\u31d3\u4e3f\U0001d23a",
    "[": "\u27e6\u301a\u3010\u3014\u2045",
    "]": "\u27e7\u301b\u3011\u3015\u2046",
}
_FOLD = {char: target for target, chars in _LOOKALIKES.items() for char in chars}


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


def _skeleton(text: str, start: int = 0, visible: int | None = None) -> tuple[str, list[int]]:
    """The text from ``start`` as it looks (see the module docstring), and each character's offset in ``text``.

    ``visible`` stops after that many characters of the skeleton (invisible ones do not count, so padding a tag
    with zero-width characters cannot push it out of view).
    """
    chars: list[str] = []
    origin: list[int] = []
    for index in range(start, len(text)):
        folded = _fold(text[index])
        if not folded:
            continue
        chars.append(folded)
        origin.extend([index] * len(folded))
        if visible is not None and len(origin) >= visible:
            break
    return "".join(chars), origin


@cache
def _fold(char: str) -> str:
    """One character's skeleton: "" for an invisible format character."""
    if char.isascii():
        return char.lower()
    if unicodedata.category(char) == "Cf":
        return ""
    folded = _FOLD.get(char)
    if folded is None:
        decomposed = unicodedata.normalize("NFKD", char)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        folded = "".join(_FOLD.get(c, c) for c in folded)
    return folded


_TAG_VIEW = 48
"""Skeleton characters looked at after a bracket: a valid tag is at most 22, a near miss not much longer."""


def _near_misses(text: str) -> list[tuple[int, int]]:
    """(start, end) in ``text`` of everything that looks like a span tag."""
    if text.isascii():  # the skeleton of ASCII text is its lower case, offsets unchanged
        return _tags(text.lower())
    # Only a short stretch after each bracket-like character can be a tag: fold just those stretches.
    found: list[tuple[int, int]] = []
    for opener in _OPENER_CHARS.finditer(text):
        if (found and opener.start() < found[-1][1]) or not _starts_like_a_tag(text, opener.start()):
            continue
        view, origin = _skeleton(text, opener.start(), _TAG_VIEW)
        tag = _NEAR.match(view)
        if tag is not None:
            found.append((origin[0], origin[tag.end() - 1] + 1))
    return found


def _starts_like_a_tag(text: str, start: int) -> bool:
    """Whether brackets, then spaces or a slash, then "hazard" follow ``start`` (on the skeleton): a quick no."""
    wanted = iter("hazard")
    letter = next(wanted)
    before_word = True
    for index in range(start, len(text)):
        for char in _fold(text[index]):
            if before_word and (char in "[{< /" or char.isspace()):
                continue
            before_word = False
            if char != letter:
                return False
            letter = next(wanted, "")
            if not letter:
                return True
    return False


def _tags(view: str) -> list[tuple[int, int]]:
    # Anchored on the word (a literal search is fast) rather than trying the pattern at every offset.
    found: list[tuple[int, int]] = []
    for word in _WORD.finditer(view):
        low = max(0, word.start() - 8)
        opener = _OPENING.search(view, low, word.start())
        if opener is not None:
            tag = _NEAR.match(view, opener.start())
            if tag is not None and (not found or tag.start() >= found[-1][1]):
                found.append(tag.span())
    return found


def parse_spans(text: str) -> list[Segment]:
    """Split marked-up text into plain and hazardous segments, or raise SpanError."""
    return list(_parse(text))


@lru_cache(maxsize=8192)
def _parse(text: str) -> tuple[Segment, ...]:
    # An export parses the same texts several times (filter, flags, checks, writers); segments are frozen.
    if _bracketless(text):  # no tag, valid or not, can be in it (six in ten texts of the large example)
        return (Segment(text, None, 0),) if text else ()
    strict = {m.start(): m for m in _STRICT.finditer(text)}
    strict_ends = {m.end(): m for m in strict.values()}
    for start, end in _near_misses(text):
        hit = strict.get(start)
        if hit is None or hit.end() != end:
            inner = strict_ends.get(end)
            if inner is not None and inner.start() > start and all(
                    char in _OPENERS or unicodedata.category(char) == "Cf" for char in text[start:inner.start()]):
                continue  # brackets typed just before a valid tag ("[" + "[[/hazard]]") are plain text
            tag = text[start:end]
            disguised = _NEAR.fullmatch(tag.lower()) is None
            raise SpanError(
                f"malformed span tag {tag!r} at offset {start}"
                + (" (it holds invisible or look-alike characters)" if disguised else "")
                + f"; write [[hazard:DOMAIN]]…[[/hazard]] exactly, DOMAIN one of {', '.join(HAZARD_DOMAINS)}, "
                f"or remove the brackets if no passage is meant", start)
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
    return tuple(segments)


@lru_cache(maxsize=8192)
def has_span_markup(text: str) -> bool:
    """Whether the text holds span markup, valid or not (near misses count: they must be refused).
    Remembered per text, as ``_parse`` is: an export asks it of each value in the filter and again for
    the leak scan's strict texts."""
    if _bracketless(text):
        return False
    return _LOOSE.search(text) is not None or bool(_near_misses(text))


def _bracketless(text: str) -> bool:
    """Whether ``text`` is ASCII without a bracket, brace or angle bracket: every tag, valid or not, starts
    with one (a quick look; other texts are looked at in full)."""
    return text.isascii() and "[" not in text and "{" not in text and "<" not in text


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
