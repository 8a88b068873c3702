"""Field text → sanitised HTML, shared by the HTML and PDF writers.

Markdown goes through python-markdown and then nh3 (python-markdown passes
raw HTML through; nh3 removes scripts, event handlers and unknown tags).
Hazardous-span markup becomes ``<mark class="hz">`` so the internal edition
shows each passage highlighted with its domain; redaction placeholders
become ``<span class="withheld">`` so every edition shows them the same way.

Most long text in an assessment is plain prose, so text without any Markdown
syntax skips python-markdown: the large example renders several times faster
and the output is what python-markdown would have produced.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from collections.abc import Callable
from typing import Any

import nh3

from app.model.spans import SpanError, parse_spans

DOMAIN_LABELS = {"bio": "biology", "chem": "chemistry", "cyber": "cybersecurity", "autonomy": "autonomy",
                 "other": "other"}

PLACEHOLDER = re.compile(r"\[(?:redacted|withheld)\b[^\[\]\n]{0,120}\]", re.IGNORECASE)
"""The fixed placeholders the audience filter puts where text was withheld."""

_ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "code", "pre", "ul", "ol", "li", "a", "table", "thead",
                 "tbody", "tr", "th", "td", "blockquote", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "mark",
                 "span", "del", "sup", "sub"}
_ALLOWED_ATTRIBUTES = {"a": {"href"}, "mark": {"class", "data-domain"}, "span": {"class"},
                       "th": {"align"}, "td": {"align"}, "ol": {"start"}}
_MARKDOWN_SYNTAX = re.compile(r"[*_`#|<>\[\]!&\\~]|^\s*(?:[-+=]|\d+[.)])(?:\s|$)|^ {4}|^\t", re.M)
_BLOCK_PREFIX = re.compile(r"^(\s*(?:(?:[-*+]|\d+[.)])\s+|>\s*)*)")
_SPAN_TAG = re.compile(r"\[\[hazard:([a-z]+)\]\]|\[\[/hazard\]\]")


def _mark_open(domain: str, first: bool) -> str:
    css = "hz hz-start" if first else "hz"
    return f'<mark class="{css}" data-domain="{domain}">'


def spans_to_tags(text: str, opener: Callable[[str, bool], str] = _mark_open, closer: str = "</mark>") -> str:
    """Replace span markup by ``<mark>`` tags, closed and reopened on every line.

    A span may run over several lines or list items; closing it at each line
    end keeps the Markdown block structure intact and every piece marked.
    ``opener(domain, first)`` gives the opening markup (the Markdown writer
    uses its own).
    """
    try:
        segments = parse_spans(text)
    except SpanError:
        # Malformed markup never validates; show it escaped rather than guess.
        return html.escape(text, quote=False)
    out: list[str] = []
    for segment in segments:
        if segment.domain is None:
            out.append(segment.text)
            continue
        lines = segment.text.split("\n")
        first = True
        for index, line in enumerate(lines):
            prefix = _BLOCK_PREFIX.match(line).group(1) if index else ""  # type: ignore[union-attr]
            body = line[len(prefix):]
            if body.strip():
                out.append(prefix + opener(segment.domain, first) + body + closer)
                first = False
            else:
                out.append(line)
            if index < len(lines) - 1:
                out.append("\n")
    return "".join(out)


def placeholders_to_tags(text: str) -> str:
    return PLACEHOLDER.sub(lambda m: f'<span class="withheld">{html.escape(m.group(0), quote=False)}</span>',
                           text)


def _sanitise(fragment: str) -> str:
    return nh3.clean(fragment, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel=None, strip_comments=True)


@lru_cache(maxsize=1)
def _markdown() -> Any:
    """The Markdown converter, made on first use: python-markdown and its extensions take tens of
    milliseconds to import, which a Markdown or JSON export never needs. The extensions are handed over
    as the objects their names stand for (``markdown.extensions.tables`` …, default settings): given by
    name, python-markdown first looks the name up among every installed package's entry points, which
    imports ``importlib.metadata`` and reads every package's metadata (~0.03 s) to find the same class."""
    import markdown
    from markdown.extensions.fenced_code import FencedCodeExtension
    from markdown.extensions.sane_lists import SaneListExtension
    from markdown.extensions.tables import TableExtension
    return markdown.Markdown(extensions=[TableExtension(), FencedCodeExtension(), SaneListExtension()],
                             output_format="html")


def ready_markdown() -> None:
    """Make the converter and run it once over a sample of every construct the extensions handle, so the
    imports and patterns a first Markdown field pays for are paid now (a forked PDF writer calls this
    while the exporting process builds the report). Each conversion resets the converter first, so this
    leaves nothing behind that a report could show."""
    converter = _markdown()
    converter.reset()
    converter.convert("A *b* `c`\n\n- d\n- e\n\n1. f\n\n| g | h |\n|---|---|\n| i | j |\n\n```\nk\n```\n\n> l\n")
    converter.reset()


@lru_cache(maxsize=8192)
def markdown_html(text: str) -> str:
    """A Markdown field as sanitised HTML block content."""
    if not _MARKDOWN_SYNTAX.search(PLACEHOLDER.sub("", _SPAN_TAG.sub("", text))):
        tagged = placeholders_to_tags(spans_to_tags(html.escape(text, quote=False)))
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", tagged) if p.strip()]
        return "\n".join(f"<p>{p}</p>" for p in paragraphs)
    source = placeholders_to_tags(spans_to_tags(text))
    converter = _markdown()
    converter.reset()
    return _sanitise(converter.convert(source))


@lru_cache(maxsize=8192)
def inline_html(text: str) -> str:
    """A one-line value as sanitised inline HTML (spans and placeholders marked, nothing else)."""
    if "[" not in text:
        return html.escape(text, quote=False)
    escaped = html.escape(text, quote=False)
    return _sanitise(placeholders_to_tags(spans_to_tags(escaped)))


def plain_text(text: str) -> str:
    """Text without span tags, for places that cannot show formatting (PDF outline, chart labels)."""
    return _SPAN_TAG.sub("", text)
