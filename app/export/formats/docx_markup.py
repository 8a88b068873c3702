"""WordprocessingML pieces for the DOCX report: runs, paragraphs, fields, tables, and Markdown.

The document body is written as WordprocessingML text and parsed once
(``parse_body``): building tens of thousands of lxml elements one by one
costs several times more on the large example. Child elements follow the
schema's order, which Word enforces. Markdown fields arrive as the same
sanitised HTML the HTML and PDF reports use (``app.export.text``) and are
mapped tag by tag: paragraphs, bulleted and numbered lists (a new numbering
instance per list, so each starts again at one), tables, code blocks,
quotations, links (external relationships), emphasis, marked hazardous
passages (internal edition) and redaction placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import lru_cache
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from app.export.formats.docx_package import MONO_FONT
from app.export.formats.pdf_markup import Node, parse_fragment
from app.export.text import DOMAIN_LABELS
from app.model.fast_dataclass import dataclass

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACE = re.compile(r"[ \t\r\n]+")
NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
}
_DECLARATIONS = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def clean(text: str) -> str:
    """Text XML 1.0 can hold (control characters dropped; they never render)."""
    return _CONTROL.sub("", text)


def esc(text: str) -> str:
    """Text or attribute value, escaped for XML."""
    return (clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


_TWIPS_PER_CHAR = 100
"""A generous average width of a bold character in the 8-point table text."""


def word_twips(text: str) -> int:
    """Twips a column needs to hold the longest word of ``text`` on one line, cell margins included."""
    longest = max((len(word) for word in text.split()), default=0)
    return longest * _TWIPS_PER_CHAR + 200


def column_twips(widths: list[float], total: int, minimums: list[int] | None = None) -> list[int]:
    """Column widths in twips: shares of ``total`` by ``widths``, each raised to its minimum, the
    difference taken from the columns that have room to spare."""
    scale = sum(widths) or 1.0
    twips = [max(300, round(total * width / scale)) for width in widths]
    if not minimums:
        return twips
    floors = [max(300, m) for m in minimums]
    if sum(floors) >= total:
        return [max(300, round(total * f / sum(floors))) for f in floors]
    for _ in range(len(twips)):
        short = [i for i, w in enumerate(twips) if w < floors[i]]
        if not short:
            break
        needed = sum(floors[i] - twips[i] for i in short)
        for i in short:
            twips[i] = floors[i]
        spare = [i for i in range(len(twips)) if i not in short and twips[i] > floors[i]]
        room = sum(twips[i] - floors[i] for i in spare)
        for i in spare:
            twips[i] -= round(needed * (twips[i] - floors[i]) / room) if room else 0
    return twips


def fill_body(document: Any, parts: list[str]) -> None:
    """Put the block-level XML ``parts`` into the document's body, before its section properties.

    The document part is serialised once, the parts are spliced in as text and the whole is parsed
    once: moving thousands of parsed paragraphs into the tree one by one cost more than writing them."""
    from docx.oxml.parser import parse_xml

    part = document.part
    xml = etree.tostring(part.element, encoding="unicode")
    head_end = xml.index(">")
    missing = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items()
                       if f"xmlns:{prefix}=" not in xml[:head_end])
    sect_pr = xml.rindex("<w:sectPr")
    spliced = xml[:head_end] + (" " + missing if missing else "") + xml[head_end:sect_pr] + "".join(parts) \
        + xml[sect_pr:]
    part._element = parse_xml(spliced.encode())


def parse_body(parts: Iterable[str]) -> list[etree._Element]:
    """Block-level WordprocessingML text (paragraphs, tables) as elements, in order."""
    root = etree.fromstring(f"<w:body {_DECLARATIONS}>{''.join(parts)}</w:body>".encode(), _PARSER)
    return list(root)


@dataclass(frozen=True)
class Fmt:
    """How a run looks. Colours are ``rrggbb`` without '#'."""

    bold: bool = False
    italic: bool = False
    mono: bool = False
    strike: bool = False
    colour: str | None = None
    back: str | None = None
    size: float | None = None
    """Points; None keeps the paragraph style's size."""
    vert: str | None = None
    """``superscript`` or ``subscript``."""
    link: str | None = None
    underline: bool = False


PLAIN = Fmt()
Run = tuple[str, Fmt]


@lru_cache(maxsize=512)
def _run_properties(fmt: Fmt) -> str:
    if fmt == PLAIN:
        return ""
    parts = []
    if fmt.mono:
        parts.append(f'<w:rFonts w:ascii="{MONO_FONT}" w:hAnsi="{MONO_FONT}" w:cs="{MONO_FONT}"/>')
    if fmt.bold:
        parts.append("<w:b/>")
    if fmt.italic:
        parts.append("<w:i/>")
    if fmt.strike:
        parts.append("<w:strike/>")
    if fmt.colour:
        parts.append(f'<w:color w:val="{fmt.colour}"/>')
    if fmt.size:
        parts.append(f'<w:sz w:val="{round(fmt.size * 2)}"/>')
    if fmt.underline:
        parts.append('<w:u w:val="single"/>')
    if fmt.back:
        parts.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{fmt.back}"/>')
    if fmt.vert:
        parts.append(f'<w:vertAlign w:val="{fmt.vert}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>"


def run(text: str, fmt: Fmt = PLAIN) -> str:
    pieces = []
    for index, part in enumerate(text.split("\n")):
        if index:
            pieces.append("<w:br/>")
        if part:
            pieces.append(f'<w:t xml:space="preserve">{esc(part)}</w:t>' if part != part.strip()
                          else f"<w:t>{esc(part)}</w:t>")
    return f"<w:r>{_run_properties(fmt)}{''.join(pieces)}</w:r>"


class Body:
    """Builds block content for one part (the document body, a table cell, a header).

    ``relate`` turns a URL into a relationship id of the part the content
    goes to, so links in a header relate to the header part.
    """

    def __init__(self, relate: Callable[[str], str], new_list: Callable[[bool, int], int],
                 colours: dict[str, str]) -> None:
        self.relate = relate
        self.new_list = new_list
        self.colours = {k: v.lstrip("#") for k, v in colours.items()}

    # -- paragraphs ---------------------------------------------------------------
    def paragraph(self, runs: Iterable[Run], style: str | None = None, *, num: tuple[int, int] | None = None,
                  shade: str | None = None, keep_next: bool = False, border: str | None = None,
                  indent: int | None = None, align: str | None = None) -> str:
        ppr = []
        if style:
            ppr.append(f'<w:pStyle w:val="{style}"/>')
        if keep_next:
            ppr.append("<w:keepNext/>")
        if num is not None:
            ppr.append(f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>')
        if border:
            ppr.append(f'<w:pBdr><w:left w:val="single" w:sz="18" w:space="8" w:color="{border}"/></w:pBdr>')
        if shade:
            ppr.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/>')
        if indent is not None:
            ppr.append(f'<w:ind w:left="{indent}"/>')
        if align:
            ppr.append(f'<w:jc w:val="{align}"/>')
        properties = f"<w:pPr>{''.join(ppr)}</w:pPr>" if ppr else ""
        return f"<w:p>{properties}{self.runs(runs)}</w:p>"

    def runs(self, runs: Iterable[Run]) -> str:
        out: list[str] = []
        link_target: str | None = None
        for text, fmt in runs:
            if not text:
                continue
            if fmt.link != link_target and link_target is not None:
                out.append("</w:hyperlink>")
                link_target = None
            if fmt.link:
                if fmt.link != link_target:
                    out.append(f'<w:hyperlink r:id="{self.relate(fmt.link)}">')
                    link_target = fmt.link
                out.append(run(text, replace(fmt, link=None)))
            else:
                out.append(run(text, fmt))
        if link_target is not None:
            out.append("</w:hyperlink>")
        return "".join(out)

    # -- inline HTML (sanitised fragments from app.export.text) ---------------------
    def inline_runs(self, fragment: str, base: Fmt = PLAIN) -> list[Run]:
        runs: list[Run] = []
        for child in parse_fragment(fragment).children:
            self._node_runs(child, base, runs)
        return runs

    def _node_runs(self, node: Node | str, fmt: Fmt, out: list[Run]) -> None:
        if isinstance(node, str):
            out.append((_SPACE.sub(" ", node), fmt))
            return
        tag, colours = node.tag, self.colours
        inner = fmt
        if tag == "br":
            out.append(("\n", fmt))
            return
        if tag in ("strong", "b"):
            inner = replace(fmt, bold=True)
        elif tag in ("em", "i"):
            inner = replace(fmt, italic=True)
        elif tag == "code":
            inner = replace(fmt, mono=True, back=colours["code_background"])
        elif tag == "a" and node.attrs.get("href"):
            inner = replace(fmt, link=node.attrs["href"], underline=True, colour=colours["accent"])
        elif tag == "del":
            inner = replace(fmt, strike=True)
        elif tag == "sup":
            inner = replace(fmt, vert="superscript")
        elif tag == "sub":
            inner = replace(fmt, vert="subscript")
        elif tag == "mark":
            inner = replace(fmt, colour=colours["hazard_text"], back=colours["hazard_background"])
            if "hz-start" in node.attrs.get("class", "").split():
                domain = DOMAIN_LABELS.get(node.attrs.get("data-domain", ""), "other").upper()
                out.append((f"\u00a0HAZARDOUS · {domain}\u00a0", Fmt(bold=True, colour="FFFFFF",
                                                                        back=colours["hazard_text"], size=7)))
                out.append(("\u00a0", fmt))
        elif tag == "span" and "withheld" in node.attrs.get("class", "").split():
            inner = replace(fmt, italic=True, colour=colours["placeholder_text"],
                            back=colours["placeholder_background"])
        for child in node.children:
            self._node_runs(child, inner, out)

    # -- block HTML ---------------------------------------------------------------
    def blocks(self, fragment: str, base: Fmt = PLAIN, style: str | None = None,
               quote: bool = False, shade: str | None = None) -> list[str]:
        """Block content of a sanitised Markdown rendering (``shade``: a background for its paragraphs)."""
        out: list[str] = []
        for child in parse_fragment(fragment).children:
            self._block(child, base, style, out, 0, quote, shade)
        return out

    def _block(self, node: Node | str, fmt: Fmt, style: str | None, out: list[str], depth: int,
               quote: bool, shade: str | None = None) -> None:
        border = self.colours["hazard_rule"] if quote else None
        if isinstance(node, str):
            if node.strip():
                out.append(self.paragraph(self._trim([(_SPACE.sub(" ", node), fmt)]), style, border=border,
                                          shade=shade))
            return
        tag = node.tag
        if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6"):
            inner = replace(fmt, bold=True) if tag != "p" else fmt
            out.append(self.paragraph(self._trim(self._runs_of(node, inner)), style, border=border,
                                      keep_next=tag != "p", shade=shade))
        elif tag in ("ul", "ol"):
            start = int(node.attrs.get("start", "1") or 1) if tag == "ol" else 1
            num_id = self.new_list(tag == "ol", start)
            for item in node.children:
                if isinstance(item, Node) and item.tag == "li":
                    self._list_item(item, num_id, fmt, out, depth, quote)
        elif tag == "pre":
            text = "".join(_text_of(node)).rstrip("\n")
            out.append(self.paragraph([(text, replace(fmt, mono=True))], "CodeBlock",
                                      shade=self.colours["code_background"], border=border))
        elif tag == "blockquote":
            for child in node.children:
                self._block(child, replace(fmt, italic=True), style, out, depth, quote, shade)
        elif tag == "table":
            out.append(self.html_table(node, fmt))
        elif tag == "hr":
            out.append(self.paragraph([("\u2014" * 3, replace(fmt, colour=self.colours["rule"]))], style,
                                      align="center"))
        else:  # inline content at block level (a bare <mark>, <em> …)
            out.append(self.paragraph(self._trim(self._runs_of(node, fmt)), style, border=border, shade=shade))

    def _list_item(self, item: Node, num_id: int, fmt: Fmt, out: list[str], depth: int,
                   quote: bool) -> None:
        inline: list[Node | str] = []
        nested: list[Node] = []
        for child in item.children:
            if isinstance(child, Node) and child.tag in ("ul", "ol", "pre", "table", "blockquote"):
                nested.append(child)
            elif isinstance(child, Node) and child.tag == "p":
                inline.extend(child.children)
                inline.append(" ")
            else:
                inline.append(child)
        runs: list[Run] = []
        for child in inline:
            self._node_runs(child, fmt, runs)
        out.append(self.paragraph(self._trim(runs), "ListParagraph", num=(num_id, min(depth, 5)),
                                  border=self.colours["hazard_rule"] if quote else None))
        for child in nested:
            if child.tag in ("ul", "ol"):
                start = int(child.attrs.get("start", "1") or 1) if child.tag == "ol" else 1
                inner_id = self.new_list(child.tag == "ol", start)
                for grandchild in child.children:
                    if isinstance(grandchild, Node) and grandchild.tag == "li":
                        self._list_item(grandchild, inner_id, fmt, out, depth + 1, quote)
            else:
                self._block(child, fmt, None, out, depth + 1, quote)

    def _runs_of(self, node: Node, fmt: Fmt) -> list[Run]:
        runs: list[Run] = []
        for child in node.children:
            self._node_runs(child, fmt, runs)
        return runs

    @staticmethod
    def _trim(runs: list[Run]) -> list[Run]:
        if runs:
            runs[0] = (runs[0][0].lstrip(" "), runs[0][1])
            runs[-1] = (runs[-1][0].rstrip(" "), runs[-1][1])
        return runs

    # -- tables -------------------------------------------------------------------
    def table(self, header: list[list[str]] | None, rows: list[list[tuple[list[str], str | None]]],
              widths: list[float], total_twips: int, minimums: list[int] | None = None) -> str:
        """A table with a repeated header row; each cell is (block content, fill). ``minimums`` are
        twips a column needs so its header's longest word does not break."""
        rule = self.colours["rule"]
        borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{rule}"/>'
                          for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        twips = column_twips(widths, total_twips, minimums)
        out = ['<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>', f'<w:tblW w:w="{total_twips}" w:type="dxa"/>',
               f"<w:tblBorders>{borders}</w:tblBorders>", '<w:tblLayout w:type="fixed"/>',
               '<w:tblCellMar><w:left w:w="70" w:type="dxa"/><w:right w:w="70" w:type="dxa"/></w:tblCellMar>',
               '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
               'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
               *(f'<w:gridCol w:w="{width}"/>' for width in twips), "</w:tblGrid>"]
        if header is not None:
            out.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>")
            out += [self._cell(content, twips[index], self.colours["table_header"])
                    for index, content in enumerate(header)]
            out.append("</w:tr>")
        last = len(twips) - 1
        for row in rows:
            out.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            out += [self._cell(content, twips[min(index, last)], fill) for index, (content, fill) in enumerate(row)]
            out.append("</w:tr>")
        out.append("</w:tbl>")
        return "".join(out)

    @staticmethod
    def _cell(content: list[str], width: int, fill: str | None) -> str:
        shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill.lstrip("#")}"/>' if fill else ""
        return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr>{"".join(content) or "<w:p/>"}</w:tc>'

    def html_table(self, node: Node, fmt: Fmt) -> str:
        rows: list[tuple[bool, list[Node]]] = []
        for section in node.children:
            if not isinstance(section, Node):
                continue
            for tr in (section.children if section.tag in ("thead", "tbody") else [section]):
                if isinstance(tr, Node) and tr.tag == "tr":
                    cells = [c for c in tr.children if isinstance(c, Node) and c.tag in ("th", "td")]
                    rows.append((any(c.tag == "th" for c in cells), cells))
        columns = max((len(cells) for _, cells in rows), default=1)

        def content(cell: Node, bold: bool) -> list[str]:
            runs = self._trim(self._runs_of(cell, replace(fmt, bold=bold)))
            return [self.paragraph(runs, "TableText")]

        header = None
        body_rows = rows
        if rows and rows[0][0]:
            header = [content(c, True) for c in rows[0][1]]
            body_rows = rows[1:]
        data: list[list[tuple[list[Any], str | None]]] = [[(content(c, False), None) for c in cells]
                                                           for _, cells in body_rows]
        return self.table(header, data, [1.0] * columns, 9000)


def _text_of(node: Node | str) -> Iterable[str]:
    if isinstance(node, str):
        yield node
        return
    for child in node.children:
        yield from _text_of(child)


def field(instruction: str, cached: list[Run]) -> str:
    """The runs of a complex field (TOC, PAGE, NUMPAGES) with its last computed result."""
    return ('<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {esc(instruction)} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            + "".join(run(t, f) for t, f in cached) + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def external_relation(part: object) -> Callable[[str], str]:
    def relate(url: str) -> str:
        return part.relate_to(url, RT.HYPERLINK, is_external=True)  # type: ignore[attr-defined]
    return relate
