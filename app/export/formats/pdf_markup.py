"""Sanitised HTML fragments (from ``app.export.text``) → PDF flowables.

The HTML export and the PDF share one Markdown rendering: python-markdown +
nh3 produce a small, known set of tags, and this module maps each of them to
platypus: text blocks of styled runs (``pdf_text``), lists, code blocks, and
tables that split over pages with their header row repeated. Short markup
for headings and labels (reportlab paragraph markup) comes from ``markup``.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from dataclasses import field
from html.parser import HTMLParser
from typing import Union

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, ListFlowable, ListItem, Table, TableStyle, XPreformatted
from reportlab.platypus.flowables import HRFlowable

from app.export.fonts import (
    FALLBACK, MONO, SANS, SANS_BOLD, SANS_BOLD_ITALIC, SANS_ITALIC, plain_with_fallback, with_fallback,
)
from app.export.formats.pdf_styles import PdfStyles
from app.export.formats.pdf_text import Run, RunStyle, TextBlock, TextTable
from app.export.text import DOMAIN_LABELS
from app.model.fast_dataclass import dataclass


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Union[Node, str]] = field(default_factory=list)


_VOID = {"br", "hr"}
_WHITESPACE = re.compile(r"[ \t\r\n]+")


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)((?:\s+[a-z-]+=\"[^\"]*\")*)\s*/?>")
_ATTR = re.compile(r'([a-z-]+)="([^"]*)"')


def parse_fragment(fragment: str) -> Node:
    """A tree of the sanitised fragment.

    The fragments come from nh3 or from ``app.export.text``'s own escaping, so
    tags are well formed with double-quoted attributes; a regular-expression
    tokenizer reads them several times faster than ``html.parser``. Anything
    else falls back to ``html.parser``.
    """
    if "<" not in fragment:
        return Node("root", {}, [html.unescape(fragment)])
    root = Node("root")
    stack = [root]
    cursor = 0
    stray = False
    for match in _TAG.finditer(fragment):
        if match.start() > cursor:
            raw = fragment[cursor:match.start()]
            stray = stray or "<" in raw
            stack[-1].children.append(html.unescape(raw))
        cursor = match.end()
        closing, tag, attributes = match.group(1), match.group(2), match.group(3)
        if closing:
            for index in range(len(stack) - 1, 0, -1):
                if stack[index].tag == tag:
                    del stack[index:]
                    break
            continue
        node = Node(tag, {k: html.unescape(v) for k, v in _ATTR.findall(attributes)} if attributes else {})
        stack[-1].children.append(node)
        if tag not in _VOID:
            stack.append(node)
    if cursor < len(fragment):
        stray = stray or "<" in fragment[cursor:]
        stack[-1].children.append(html.unescape(fragment[cursor:]))
    if stray:
        builder = _TreeBuilder()  # something unexpected: let the real parser read it
        builder.feed(fragment)
        builder.close()
        return builder.root
    return root



_BLOCK_TAGS = {"p", "ul", "ol", "pre", "table", "blockquote", "hr", "h1", "h2", "h3", "h4", "h5", "h6"}
_FACES = {(False, False): SANS, (True, False): SANS_BOLD, (False, True): SANS_ITALIC,
          (True, True): SANS_BOLD_ITALIC}


@dataclass(frozen=True, init=False)
class _State:
    style: RunStyle
    bold: bool = False
    italic: bool = False
    mono: bool = False

    def __init__(self, style: RunStyle, bold: bool = False, italic: bool = False, mono: bool = False) -> None:
        # One per paragraph and inline element: filled in one step (a frozen dataclass's own __init__ sets
        # each field through object.__setattr__).
        self.__dict__.update(style=style, bold=bold, italic=italic, mono=mono)

    def font(self) -> str:
        return MONO if self.mono else _FACES[(self.bold, self.italic)]


def hex_of(colour: object) -> str:
    return _hex_of(colour) if isinstance(colour, Color) else "#" + colour.hexval()[2:]  # type: ignore[attr-defined]


@lru_cache(maxsize=256)
def _hex_of(colour: Color) -> str:
    """A style's text colour as ``#rrggbb`` (asked for by every paragraph; colours compare by value)."""
    return "#" + colour.hexval()[2:]


class MarkupConverter:
    """One per PDF: converts fragments, caching what repeats (labels, enum values, ids)."""

    def __init__(self, styles: PdfStyles) -> None:
        self.styles = styles
        self.colours = colours = styles.source.colours
        self._mark_open = (f'<font backColor="{colours["hazard_background"]}" '
                           f'color="{colours["hazard_text"]}">')
        self._chip = (f'<font size="6.3" color="#ffffff" backColor="{colours["hazard_text"]}">'
                      f'<b>\u00a0HAZARDOUS · {{domain}}\u00a0</b></font>\u00a0')
        self._withheld_open = (f'<font backColor="{colours["placeholder_background"]}" '
                               f'color="{colours["placeholder_text"]}"><i>')
        self._code_open = (f'<font face="{MONO}" size="{styles.code.fontSize}" '
                           f'backColor="{colours["code_background"]}">')
        self._tight_styles: dict[str, ParagraphStyle] = {}
        self._markup_cache: dict[str, str] = {}
        self._runs_cache: dict[tuple[str, str], list[Run]] = {}

    # -- styled runs (text blocks) -------------------------------------------------
    def base(self, style: ParagraphStyle) -> RunStyle:
        return RunStyle(SANS, style.fontSize, hex_of(style.textColor))

    def _state(self, style: ParagraphStyle) -> _State:
        name = style.fontName
        return _State(self.base(style), bold=name in (SANS_BOLD, SANS_BOLD_ITALIC),
                      italic=name in (SANS_ITALIC, SANS_BOLD_ITALIC), mono=name == MONO)

    def _text_runs(self, text: str, state: _State) -> list[Run]:
        if "\n" in text or "  " in text or "\t" in text or "\r" in text:  # (single spaces stay as they are)
            text = _WHITESPACE.sub(" ", text)  # as in HTML: a line break or indent inside a paragraph is one space
        font = state.font()
        runs: list[Run] = []
        for face, chunk in plain_with_fallback(text):
            runs.append((chunk, state.style.but(font=FALLBACK if face == FALLBACK else font)))
        return runs

    def _node_runs(self, node: Node | str, state: _State) -> list[Run]:
        if isinstance(node, str):
            return self._text_runs(node, state)
        tag = node.tag
        colours = self.colours
        style = state.style
        if tag == "br":
            return [("\n", style)]
        inner = state
        prefix: list[Run] = []
        if tag in ("strong", "b"):
            inner = _State(style, True, state.italic, state.mono)
        elif tag in ("em", "i"):
            inner = _State(style, state.bold, True, state.mono)
        elif tag == "code":
            inner = _State(style.but(size=style.size * 0.9, back=colours["code_background"]), state.bold,
                           state.italic, True)
        elif tag == "a" and node.attrs.get("href"):
            inner = _State(style.but(link=node.attrs["href"], underline=True, colour=colours["accent"]),
                           state.bold, state.italic, state.mono)
        elif tag == "del":
            inner = _State(style.but(strike=True), state.bold, state.italic, state.mono)
        elif tag == "sup":
            inner = _State(style.but(size=style.size * 0.72, rise=style.size * 0.35), state.bold, state.italic,
                           state.mono)
        elif tag == "sub":
            inner = _State(style.but(size=style.size * 0.72, rise=-style.size * 0.15), state.bold,
                           state.italic, state.mono)
        elif tag == "mark":
            inner = _State(style.but(colour=colours["hazard_text"], back=colours["hazard_background"]),
                           state.bold, state.italic, state.mono)
            if "hz-start" in node.attrs.get("class", "").split():
                domain = DOMAIN_LABELS.get(node.attrs.get("data-domain", ""), "other").upper()
                chip = RunStyle(SANS_BOLD, round(style.size * 0.66, 1), "#ffffff", back=colours["hazard_text"])
                prefix = [(f"\u00a0HAZARDOUS\u00a0·\u00a0{domain}\u00a0", chip), ("\u00a0", style)]
        elif tag == "span" and "withheld" in node.attrs.get("class", "").split():
            inner = _State(style.but(colour=colours["placeholder_text"], back=colours["placeholder_background"]),
                           state.bold, True, state.mono)
        runs = list(prefix)
        for child in node.children:
            runs.extend(self._node_runs(child, inner))
        return runs

    def runs(self, fragment: str, style: ParagraphStyle) -> list[Run]:
        """Styled runs for an inline HTML fragment, in ``style``."""
        key = (fragment, style.name)
        cached = self._runs_cache.get(key)
        if cached is None:
            state = self._state(style)
            cached = [run for child in parse_fragment(fragment).children for run in self._node_runs(child, state)]
            self._runs_cache[key] = cached
        return cached

    def text(self, fragment: str, style: ParagraphStyle, lead: list[Run] | None = None) -> TextBlock:
        """A text block for an inline HTML fragment."""
        runs = self.runs(fragment, style)
        return TextBlock(list(lead) + runs if lead else runs, style)

    # -- reportlab paragraph markup (headings, labels) ---------------------------------
    def markup(self, node: Node | str) -> str:
        if isinstance(node, str):
            return with_fallback(html.escape(node.replace("\n", " "), quote=False))
        inner = "".join(self.markup(child) for child in node.children)
        tag = node.tag
        if tag in ("strong", "b"):
            return f"<b>{inner}</b>"
        if tag in ("em", "i"):
            return f"<i>{inner}</i>"
        if tag == "code":
            return f"{self._code_open}{inner}</font>"
        if tag == "br":
            return "<br/>"
        if tag == "mark":
            chip = ""
            if "hz-start" in node.attrs.get("class", "").split():
                chip = self._chip.format(domain=DOMAIN_LABELS.get(node.attrs.get("data-domain", ""),
                                                                   "other").upper())
            return f"{chip}{self._mark_open}{inner}</font>"
        if tag == "span" and "withheld" in node.attrs.get("class", "").split():
            return f"{self._withheld_open}{inner}</i></font>"
        return inner

    def inline_html(self, fragment: str) -> str:
        """Paragraph markup for a one-line value given as sanitised inline HTML."""
        markup = self._markup_cache.get(fragment)
        if markup is None:
            markup = "".join(self.markup(child) for child in parse_fragment(fragment).children)
            self._markup_cache[fragment] = markup
        return markup

    # -- blocks --------------------------------------------------------------------------
    def blocks(self, fragment: str, hazard: bool = False, style: ParagraphStyle | None = None,
               lead: list[Run] | None = None) -> list[Flowable]:
        """Flowables for an HTML block fragment; ``lead`` runs into the first paragraph."""
        body = style or (self.styles.body_hazard if hazard else self.styles.body)
        children = parse_fragment(fragment).children
        flowables = self._blocks(children, hazard, body)
        if lead:
            first = flowables[0] if flowables else None
            if isinstance(first, TextBlock) and first.style is body:
                flowables[0] = TextBlock(list(lead) + first.runs, body)
            else:
                flowables.insert(0, TextBlock(list(lead), self.styles.label))
        return flowables

    def _paragraph(self, nodes: list[Node | str], style: ParagraphStyle) -> TextBlock | None:
        state = self._state(style)
        runs = [run for child in nodes for run in self._node_runs(child, state)]
        while runs and not runs[0][0].strip():
            runs.pop(0)
        while runs and not runs[-1][0].strip():
            runs.pop()
        return TextBlock(runs, style) if runs else None

    def _blocks(self, children: list[Node | str], hazard: bool, body: ParagraphStyle) -> list[Flowable]:
        flowables: list[Flowable] = []
        loose: list[Node | str] = []

        def flush() -> None:
            block = self._paragraph(loose, body)
            if block is not None:
                flowables.append(block)
            loose.clear()

        for child in children:
            if isinstance(child, Node) and child.tag in _BLOCK_TAGS:
                flush()
                flowables.extend(self._block(child, hazard, body))
            else:
                loose.append(child)
        flush()
        return flowables

    def _block(self, node: Node, hazard: bool, body: ParagraphStyle) -> list[Flowable]:
        styles = self.styles
        tag = node.tag
        if tag == "p":
            block = self._paragraph(node.children, body)
            return [block] if block is not None else []
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            block = self._paragraph(node.children, styles.md_heading)
            return [block] if block is not None else []
        if tag in ("ul", "ol"):
            return [self._list(node, hazard, body)]
        if tag == "pre":
            text = "".join(_text_of(c) for c in node.children).rstrip("\n")
            style = styles.code_hazard if hazard else styles.code
            return [XPreformatted(with_fallback(html.escape(text, quote=False)), style)]
        if tag == "table":
            return [self._table(node)]
        if tag == "blockquote":
            return self._blocks(node.children, hazard, styles.quote)
        if tag == "hr":
            return [HRFlowable(width="100%", thickness=0.5, color=styles.colour("rule"), spaceBefore=4,
                               spaceAfter=6)]
        return []

    def _tight(self, style: ParagraphStyle) -> ParagraphStyle:
        """The style with little space after: list items sit close together."""
        tight = self._tight_styles.get(style.name)
        if tight is None:
            tight = self._tight_styles[style.name] = ParagraphStyle(f"{style.name}_li", parent=style,
                                                                    spaceAfter=2)
        return tight

    def _list(self, node: Node, hazard: bool, body: ParagraphStyle) -> ListFlowable:
        items = []
        tight = self._tight(body)
        for child in node.children:
            if isinstance(child, Node) and child.tag == "li":
                content = self._blocks(child.children, hazard, tight) or [TextBlock([], tight)]
                items.append(ListItem(content))
        ordered = node.tag == "ol"
        start = node.attrs.get("start")
        kwargs: dict[str, object] = ({"bulletType": "1", "bulletFormat": "%s."} if ordered
                                     else {"bulletType": "bullet", "start": "•"})
        if ordered and start and start.isdigit():
            kwargs["start"] = start
        return ListFlowable(items, leftIndent=14, bulletFontName=SANS, bulletFontSize=body.fontSize,
                            bulletColor=self.styles.colour("muted"), spaceBefore=0, spaceAfter=4, **kwargs)

    def _table(self, node: Node) -> Table:
        styles = self.styles
        rows: list[list[Flowable]] = []
        header_rows = 0
        for section in node.children:
            if not isinstance(section, Node):
                continue
            row_nodes = [section] if section.tag == "tr" else [r for r in section.children
                                                               if isinstance(r, Node) and r.tag == "tr"]
            for row in row_nodes:
                cells = [c for c in row.children if isinstance(c, Node) and c.tag in ("th", "td")]
                is_header = section.tag == "thead" or all(c.tag == "th" for c in cells)
                style = styles.table_header if is_header else styles.table
                rows.append([self._paragraph(c.children, style) or TextBlock([], style) for c in cells])
                if is_header and len(rows) == header_rows + 1:
                    header_rows += 1
        width = max((len(r) for r in rows), default=1)
        for cells_of_row in rows:
            cells_of_row.extend(TextBlock([], styles.table) for _ in range(width - len(cells_of_row)))
        table = TextTable(rows or [[TextBlock([], styles.table)]], repeatRows=header_rows,
                      colWidths=[styles.frame_width * 0.96 / width] * width, hAlign="LEFT")
        table.setStyle(grid_style(styles, header_rows, len(rows)))
        return table


def grid_style(styles: PdfStyles, header_rows: int, row_count: int) -> TableStyle:
    commands: list[tuple] = [  # type: ignore[type-arg]
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, styles.colour("rule")),
    ]
    if header_rows:
        commands += [("BACKGROUND", (0, 0), (-1, header_rows - 1), styles.colour("table_header")),
                     ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.8, styles.colour("muted"))]
    stripe = HexColor(styles.source.colours["table_stripe"])
    for row in range(header_rows + 1, row_count, 2):
        commands.append(("BACKGROUND", (0, row), (-1, row), stripe))
    return TableStyle(commands)


def _text_of(node: Node | str) -> str:
    if isinstance(node, str):
        return node
    return "".join(_text_of(c) for c in node.children)
