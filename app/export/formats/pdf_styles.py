"""Paragraph and table styles for the PDF, derived from ``reports/styles.yaml``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaParser

from app.content.report_layout import ReportStyles
from app.export.fonts import MONO, SANS, SANS_BOLD, SANS_ITALIC, register_fonts
from app.export.formats.pdf_text import colour as shared_colour
from app.model.fast_dataclass import dataclass


@dataclass
class PdfStyles:
    source: ReportStyles
    page_size: tuple[float, float]
    margins: dict[str, float]
    body: ParagraphStyle
    body_hazard: ParagraphStyle
    muted: ParagraphStyle
    note: ParagraphStyle
    small: ParagraphStyle
    caption: ParagraphStyle
    label: ParagraphStyle
    facts: ParagraphStyle
    table: ParagraphStyle
    table_header: ParagraphStyle
    table_right: ParagraphStyle
    table_center: ParagraphStyle
    code: ParagraphStyle
    code_hazard: ParagraphStyle
    quote: ParagraphStyle
    md_heading: ParagraphStyle
    title: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    toc1: ParagraphStyle
    toc2: ParagraphStyle

    def colour(self, key: str) -> Color:
        return shared_colour(self.source.colours[key])  # one object per colour (asked for on every page)

    def hex(self, key: str) -> str:
        return self.source.colours[key]

    @property
    def frame_width(self) -> float:
        return self.page_size[0] - self.margins["left"] - self.margins["right"]


def pdf_styles(source: ReportStyles) -> PdfStyles:
    register_fonts()
    colours = source.colours
    ink = HexColor(colours["ink"])
    muted = HexColor(colours["muted"])
    accent = HexColor(colours["accent"])

    def size(key: str) -> tuple[float, float]:
        text = source.type[key]
        return text.size, text.leading

    body_size, body_leading = size("body")
    body = ParagraphStyle("body", fontName=SANS, fontSize=body_size, leading=body_leading, textColor=ink,
                          spaceAfter=body_leading * 0.45, alignment=TA_LEFT)
    table_size, table_leading = size("table")
    small_size, small_leading = size("small")
    code_size, code_leading = size("code")
    h1_size, h1_leading = size("heading1")
    h2_size, h2_leading = size("heading2")
    h3_size, h3_leading = size("heading3")
    title_size, title_leading = size("title")
    code = ParagraphStyle("code", parent=body, fontName=MONO, fontSize=code_size, leading=code_leading,
                          backColor=HexColor(colours["code_background"]), borderPadding=(4, 5, 4, 5),
                          leftIndent=5, rightIndent=5, spaceBefore=4, spaceAfter=8)
    hazard_back = HexColor(colours["hazard_background"])
    hazard_rule = HexColor(colours["hazard_rule"])
    return PdfStyles(
        source=source,
        page_size=A4 if source.page_size == "A4" else letter,
        margins={k: v * mm for k, v in source.margins_mm.items()},
        body=body,
        body_hazard=ParagraphStyle("body_hazard", parent=body, backColor=hazard_back, borderColor=hazard_rule,
                                   borderWidth=0, borderPadding=(2, 4, 2, 4), leftIndent=4, rightIndent=4),
        muted=ParagraphStyle("muted", parent=body, textColor=muted),
        note=ParagraphStyle("note", parent=body, textColor=ink, backColor=HexColor(colours["accent_light"]),
                            borderPadding=(5, 6, 5, 6), leftIndent=6, rightIndent=6, spaceBefore=4,
                            spaceAfter=10),
        small=ParagraphStyle("small", parent=body, fontSize=small_size, leading=small_leading,
                             textColor=muted, spaceAfter=2),
        caption=ParagraphStyle("caption", parent=body, fontName=SANS_ITALIC, fontSize=small_size,
                               leading=small_leading, textColor=muted, spaceBefore=2, spaceAfter=12),
        label=ParagraphStyle("label", parent=body, fontName=SANS_BOLD, fontSize=small_size + 0.3,
                             leading=small_leading + 1, textColor=muted, spaceBefore=5, spaceAfter=2),
        facts=ParagraphStyle("facts", parent=body, fontSize=table_size, leading=table_leading + 1.5,
                             spaceAfter=body_leading * 0.4),
        table=ParagraphStyle("table", parent=body, fontSize=table_size, leading=table_leading, spaceAfter=0),
        table_right=ParagraphStyle("table_right", parent=body, fontSize=table_size, leading=table_leading,
                                   spaceAfter=0, alignment=2),
        table_center=ParagraphStyle("table_center", parent=body, fontSize=table_size, leading=table_leading,
                                    spaceAfter=0, alignment=1),
        table_header=ParagraphStyle("table_header", parent=body, fontName=SANS_BOLD, fontSize=table_size,
                                    leading=table_leading, textColor=ink, spaceAfter=0),
        code=code,
        code_hazard=ParagraphStyle("code_hazard", parent=code, backColor=hazard_back),
        quote=ParagraphStyle("quote", parent=body, leftIndent=12, textColor=muted, fontName=SANS_ITALIC),
        md_heading=ParagraphStyle("md_heading", parent=body, fontName=SANS_BOLD, spaceBefore=4, spaceAfter=3),
        title=ParagraphStyle("title", parent=body, fontName=SANS_BOLD, fontSize=title_size,
                             leading=title_leading, textColor=ink, spaceAfter=6),
        h1=ParagraphStyle("h1", parent=body, fontName=SANS_BOLD, fontSize=h1_size, leading=h1_leading,
                          textColor=accent, spaceBefore=0, spaceAfter=10),
        h2=ParagraphStyle("h2", parent=body, fontName=SANS_BOLD, fontSize=h2_size, leading=h2_leading,
                          textColor=accent, spaceBefore=14, spaceAfter=6, keepWithNext=1),
        h3=ParagraphStyle("h3", parent=body, fontName=SANS_BOLD, fontSize=h3_size, leading=h3_leading,
                          textColor=ink, spaceBefore=10, spaceAfter=3, keepWithNext=1),
        toc1=ParagraphStyle("toc1", parent=body, fontName=SANS_BOLD, fontSize=body_size + 0.5,
                            leading=body_leading + 5),
        toc2=ParagraphStyle("toc2", parent=body, fontSize=body_size - 0.5, leading=body_leading + 1,
                            leftIndent=16, textColor=muted),
    )


_PARSED: dict[tuple[str, ParagraphStyle], tuple[str, ParagraphStyle, list[Any], Any]] | None = None
"""Markup parsed once per document (``parsing_once``): (markup, style) → reportlab's parse of it."""
_WRAPPED: dict[tuple[str, ParagraphStyle, ParagraphStyle, float], tuple[Any, ...]] | None = None
"""One-line paragraphs broken once per document (``parsing_once``): (markup, style, style now, width) →
what reportlab's wrap leaves on the paragraph."""
_TEMPLATES: dict[tuple[str, ParagraphStyle, int], Any] | None = None  # (parsed style, fragments), or False
_TAGS = re.compile(r"(<[^<>]*>)")
_SLOT = 0xF0000  # a private-use plane: a placeholder character per text between tags
_SLOTS = re.compile("[\U000F0000-\U000FFFFF]")


@contextmanager
def parsing_once() -> Iterator[None]:
    """While one PDF is written, a paragraph whose markup and style an earlier paragraph had is not parsed
    again: it gets copies of that paragraph's fragments (a kind's report repeats the same headings and
    labels hundreds of times; reportlab's markup parser is pure Python). Such a paragraph that fits on one
    line at a width an earlier one was wrapped to takes over that one's line (reportlab's line breaking is
    pure Python too; drawing only reads the line, and a one-line paragraph is never split). Forgotten when
    the block ends."""
    global _PARSED, _WRAPPED, _TEMPLATES
    _PARSED, _WRAPPED, _TEMPLATES = {}, {}, {}
    try:
        yield
    finally:
        _PARSED, _WRAPPED, _TEMPLATES = None, None, None


def _copies(frags: list[Any]) -> list[Any]:
    """Fresh fragment objects (layout gives a fragment attributes of its own), the same one for the same one."""
    made: dict[int, Any] = {}
    return [made[id(f)] if id(f) in made else made.setdefault(id(f), f.clone()) for f in frags]


class Para(Paragraph):
    """A paragraph that remembers its line breaks for the width it was last wrapped to.

    Platypus wraps most paragraphs two or three times at the same width (a
    heading kept with the next block, table cells measured and then drawn,
    the frame's own fit test). Line breaking is the single largest cost of
    the large report, and its result depends only on the width and style.
    Its markup is parsed once per document for the same text and style (``parsing_once``).
    """

    def _setup(self, text: str, style: ParagraphStyle, bulletText: Any, frags: Any,  # noqa: N803 - reportlab API
               cleaner: Any) -> None:
        parsed = _PARSED
        if parsed is None or frags is not None or bulletText is not None or cleaner is not cleanBlockQuotedText \
                or self.caseSensitive != 1:
            super()._setup(text, style, bulletText, frags, cleaner)
            return
        key = (text, style)
        self._parsed_as = key
        found = parsed.get(key)
        if found is None:
            if not self._setup_from_template(text, style):
                super()._setup(text, style, bulletText, frags, cleaner)
            done: Any = self  # reportlab's attributes, untyped
            parsed[key] = (done.text, done.style, _copies(done.frags), done.bulletText)
            return
        mine: Any = self
        mine.text, mine.style, kept, mine.bulletText = found
        mine.frags = _copies(kept)
        mine.debug = 0

    def _setup_from_template(self, text: str, style: ParagraphStyle) -> bool:
        """Set up from the fragments of an earlier paragraph with the same tags and plain text in the same
        places (``parsing_once``): a record's heading differs from the next one only in its title and id.
        The tags are parsed once, with a placeholder character standing for each text; the fragments get
        this paragraph's texts in their places. False (nothing done) for text with entities, or a style
        that transforms text."""
        templates = _TEMPLATES
        if templates is None or style.textTransform:
            return False
        cleaned = cleanBlockQuotedText(text)
        pieces = _TAGS.split(cleaned)
        texts = pieces[0::2]
        if any("&" in piece or _SLOTS.search(piece) for piece in texts):
            return False
        skeleton = "".join(piece if number % 2 or not piece else chr(_SLOT + number // 2)
                           for number, piece in enumerate(pieces))
        template: Any = templates.get((skeleton, style, self.caseSensitive))
        if template is None:
            parser = ParaParser()
            parser.caseSensitive = self.caseSensitive
            parsed_style, parsed_frags, bullet = parser.parse(skeleton, style)
            template = False if parsed_frags is None or bullet else (parsed_style, parsed_frags)
            templates[(skeleton, style, self.caseSensitive)] = template
        if template is False:
            return False
        parsed_style, parsed_frags = template
        places = {_SLOT + number: piece for number, piece in enumerate(texts) if piece}
        fragments = _copies(parsed_frags)
        for fragment in {id(f): f for f in fragments}.values():
            if isinstance(getattr(fragment, "text", None), str):
                fragment.text = fragment.text.translate(places)
        mine: Any = self  # reportlab's attributes, untyped
        mine.text, mine.frags, mine.style, mine.bulletText, mine.debug = cleaned, fragments, parsed_style, None, 0
        return True

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab API
        memo = self.__dict__.get("_wrap_memo")
        key = (availWidth, id(self.style))
        if memo is not None and memo[0] == key:
            self.width = availWidth
            self.height = memo[1]
            self.blPara = memo[2]
            return availWidth, memo[1]
        mine: Any = self  # reportlab's attributes, untyped
        wrapped, parsed_as = _WRAPPED, self.__dict__.get("_parsed_as")
        shared = None if wrapped is None or parsed_as is None else (*parsed_as, mine.style, availWidth)
        if shared is not None and (found := wrapped.get(shared)) is not None:  # type: ignore[union-attr]
            (mine.height, mine.blPara, mine.frags, mine._width_max, mine._splitLongWordCount, mine._hyphenations,
             widths) = found
            mine.width, mine._wrapWidths = availWidth, list(widths)
            self._wrap_memo = (key, mine.height, mine.blPara)
            return availWidth, mine.height
        width, height = super().wrap(availWidth, availHeight)
        self._wrap_memo = (key, height, self.blPara)
        lines = getattr(mine.__dict__.get("blPara"), "lines", ())
        if shared is not None and len(lines) == 1 and height < 0x7FFFFFFF and mine.width == availWidth:
            wrapped[shared] = (height, mine.blPara, mine.frags, mine._width_max,  # type: ignore[index]
                               mine._splitLongWordCount, mine._hyphenations, list(mine._wrapWidths))
        return width, height
