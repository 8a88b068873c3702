"""Sanitised HTML fragments (from ``app.export.text``) → reportlab flowables.

The HTML export and the PDF share one Markdown rendering: python-markdown +
nh3 produce a small, known set of tags, and this module maps each of them to
platypus: paragraphs with inline markup, lists, code blocks, tables that may
split over pages with their header row repeated.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Union

from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, ListFlowable, ListItem, Paragraph, Table, TableStyle, XPreformatted
from reportlab.platypus.flowables import HRFlowable

from app.export.fonts import MONO, with_fallback
from app.export.formats.pdf_styles import PdfStyles
from app.export.text import DOMAIN_LABELS


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Union[Node, str]] = field(default_factory=list)


_VOID = {"br", "hr"}


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


def parse_fragment(fragment: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(fragment)
    builder.close()
    return builder.root


_BLOCK_TAGS = {"p", "ul", "ol", "pre", "table", "blockquote", "hr", "h1", "h2", "h3", "h4", "h5", "h6"}


class MarkupConverter:
    """Convert one fragment at a time; ``hazard`` tints every block (a wholly hazardous value)."""

    def __init__(self, styles: PdfStyles) -> None:
        self.styles = styles
        colours = styles.source.colours
        self._mark_open = (f'<font backColor="{colours["hazard_background"]}" '
                           f'color="{colours["hazard_text"]}">')
        self._chip = (f'<font size="6.3" color="#ffffff" backColor="{colours["hazard_text"]}">'
                      f'<b>\u00a0HAZARDOUS · {{domain}}\u00a0</b></font>\u00a0')
        self._withheld_open = (f'<font backColor="{colours["placeholder_background"]}" '
                               f'color="{colours["placeholder_text"]}"><i>')
        self._code_open = f'<font face="{MONO}" size="{styles.code.fontSize}" backColor="{colours["code_background"]}">'
        self._link_colour = colours["accent"]
        self._tight_styles: dict[str, ParagraphStyle] = {}

    # -- inline ------------------------------------------------------------
    def inline(self, node: Node | str) -> str:
        if isinstance(node, str):
            return with_fallback(html.escape(node.replace("\n", " "), quote=False))
        inner = "".join(self.inline(child) for child in node.children)
        tag = node.tag
        if tag in ("strong", "b"):
            return f"<b>{inner}</b>"
        if tag in ("em", "i"):
            return f"<i>{inner}</i>"
        if tag == "del":
            return f"<strike>{inner}</strike>"
        if tag == "sup":
            return f"<super>{inner}</super>"
        if tag == "sub":
            return f"<sub>{inner}</sub>"
        if tag == "code":
            return f"{self._code_open}{inner}</font>"
        if tag == "br":
            return "<br/>"
        if tag == "a":
            href = node.attrs.get("href", "")
            if not href:
                return inner
            return f'<a href="{html.escape(href)}" color="{self._link_colour}"><u>{inner}</u></a>'
        if tag == "mark":
            classes = node.attrs.get("class", "").split()
            chip = ""
            if "hz-start" in classes:
                domain = DOMAIN_LABELS.get(node.attrs.get("data-domain", ""), "other").upper()
                chip = self._chip.format(domain=domain)
            return f"{chip}{self._mark_open}{inner}</font>"
        if tag == "span" and "withheld" in node.attrs.get("class", "").split():
            return f"{self._withheld_open}{inner}</i></font>"
        return inner

    def inline_html(self, fragment: str) -> str:
        """Paragraph markup for a one-line value given as sanitised inline HTML."""
        return "".join(self.inline(child) for child in parse_fragment(fragment).children)

    def _tight(self, style: ParagraphStyle) -> ParagraphStyle:
        """The style with little space after: list items sit close together."""
        tight = self._tight_styles.get(style.name)
        if tight is None:
            tight = self._tight_styles[style.name] = ParagraphStyle(f"{style.name}_li", parent=style,
                                                                    spaceAfter=2)
        return tight

    # -- blocks ------------------------------------------------------------
    def blocks(self, fragment: str, hazard: bool = False, style: ParagraphStyle | None = None) -> list[Flowable]:
        flowables = self._blocks(parse_fragment(fragment).children, hazard)
        if style is not None:
            for flowable in flowables:
                if isinstance(flowable, Paragraph):
                    flowable.style = style
        return flowables

    def _blocks(self, children: list[Node | str], hazard: bool) -> list[Flowable]:
        flowables: list[Flowable] = []
        loose: list[Node | str] = []

        def flush() -> None:
            text = "".join(self.inline(c) for c in loose).strip()
            if text:
                flowables.append(Paragraph(text, self._body(hazard)))
            loose.clear()

        for child in children:
            if isinstance(child, Node) and child.tag in _BLOCK_TAGS:
                flush()
                flowables.extend(self._block(child, hazard))
            else:
                loose.append(child)
        flush()
        return flowables

    def _body(self, hazard: bool):  # type: ignore[no-untyped-def]
        return self.styles.body_hazard if hazard else self.styles.body

    def _block(self, node: Node, hazard: bool) -> list[Flowable]:
        styles = self.styles
        tag = node.tag
        if tag == "p":
            text = "".join(self.inline(c) for c in node.children).strip()
            return [Paragraph(text, self._body(hazard))] if text else []
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return [Paragraph("".join(self.inline(c) for c in node.children), styles.md_heading)]
        if tag in ("ul", "ol"):
            return [self._list(node, hazard)]
        if tag == "pre":
            text = "".join(_text_of(c) for c in node.children).rstrip("\n")
            style = styles.code_hazard if hazard else styles.code
            return [XPreformatted(with_fallback(html.escape(text, quote=False)), style)]
        if tag == "table":
            return [self._table(node)]
        if tag == "blockquote":
            inner = self._blocks(node.children, hazard)
            for flowable in inner:
                if isinstance(flowable, Paragraph):
                    flowable.style = styles.quote
            return inner
        if tag == "hr":
            return [HRFlowable(width="100%", thickness=0.5, color=styles.colour("rule"), spaceBefore=4,
                               spaceAfter=6)]
        return []

    def _list(self, node: Node, hazard: bool) -> ListFlowable:
        items = []
        for child in node.children:
            if isinstance(child, Node) and child.tag == "li":
                content = self._blocks(child.children, hazard) or [Paragraph("", self._body(hazard))]
                for flowable in content:
                    if isinstance(flowable, Paragraph):
                        flowable.style = self._tight(flowable.style)
                items.append(ListItem(content))
        ordered = node.tag == "ol"
        start = node.attrs.get("start")
        kwargs = {"bulletType": "1", "bulletFormat": "%s."} if ordered else {
            "bulletType": "bullet", "start": "•"}
        if ordered and start and start.isdigit():
            kwargs["start"] = start
        return ListFlowable(items, leftIndent=14, bulletFontName=self.styles.body.fontName,
                            bulletFontSize=self.styles.body.fontSize, bulletColor=self.styles.colour("muted"),
                            spaceBefore=0, spaceAfter=4, **kwargs)

    def _table(self, node: Node) -> Table:
        styles = self.styles
        rows: list[list[Paragraph]] = []
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
                rows.append([Paragraph("".join(self.inline(x) for x in c.children), style) for c in cells])
                if is_header and len(rows) == header_rows + 1:
                    header_rows += 1
        width = max((len(r) for r in rows), default=1)
        for row in rows:
            row.extend(Paragraph("", styles.table) for _ in range(width - len(row)))
        table = Table(rows or [[Paragraph("", styles.table)]], repeatRows=header_rows,
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
