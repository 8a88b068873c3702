"""WordprocessingML pieces for the DOCX report: runs, paragraphs, fields, tables, and Markdown.

Elements are built with lxml directly (python-docx's proxy objects cost
several times more per run, which shows on the large example) and follow the
schema's child order, which Word enforces. Markdown fields arrive as the
same sanitised HTML the HTML and PDF reports use (``app.export.text``) and
are mapped tag by tag: paragraphs, bulleted and numbered lists (a new
numbering instance per list, so each starts again at one), tables, code
blocks, quotations, links (external relationships), emphasis, marked
hazardous passages (internal edition) and redaction placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from app.export.formats.docx_package import MONO_FONT
from app.export.formats.pdf_markup import Node, parse_fragment
from app.export.text import DOMAIN_LABELS

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACE = re.compile(r"[ \t\r\n]+")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def clean(text: str) -> str:
    """Text XML 1.0 can hold (control characters dropped; they never render)."""
    return _CONTROL.sub("", text)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAKE = etree.Element
_SUB = etree.SubElement


def w(tag: str, parent: etree._Element | None = None, **attrs: str) -> etree._Element:
    """A ``w:`` element (tag and attribute names in the WordprocessingML namespace)."""
    attributes = {_W + key: value for key, value in attrs.items()} if attrs else None
    if parent is None:
        return _MAKE(_W + tag, attributes) if attributes else _MAKE(_W + tag)
    return _SUB(parent, _W + tag, attributes) if attributes else _SUB(parent, _W + tag)


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


def run(text: str, fmt: Fmt = PLAIN) -> etree._Element:
    element = _MAKE(_W + "r")
    if fmt is not PLAIN and fmt != PLAIN:
        element.append(_run_properties(fmt))
    parts = clean(text).split("\n")
    for index, part in enumerate(parts):
        if index:
            w("br", element)
        if part:
            t = w("t", element)
            t.text = part
            if part != part.strip():
                t.set(_XML_SPACE, "preserve")
    return element


def _run_properties(fmt: Fmt) -> etree._Element:
    rpr = w("rPr")
    if fmt.mono:
        w("rFonts", rpr, ascii=MONO_FONT, hAnsi=MONO_FONT, cs=MONO_FONT)
    if fmt.bold:
        w("b", rpr)
    if fmt.italic:
        w("i", rpr)
    if fmt.strike:
        w("strike", rpr)
    if fmt.colour:
        w("color", rpr, val=fmt.colour)
    if fmt.size:
        w("sz", rpr, val=str(round(fmt.size * 2)))
    if fmt.underline:
        w("u", rpr, val="single")
    if fmt.back:
        w("shd", rpr, val="clear", color="auto", fill=fmt.back)
    if fmt.vert:
        w("vertAlign", rpr, val=fmt.vert)
    return rpr


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
                  indent: int | None = None, align: str | None = None) -> etree._Element:
        p = w("p")
        ppr = w("pPr", p)
        if style:
            w("pStyle", ppr, val=style)
        if keep_next:
            w("keepNext", ppr)
        if num is not None:
            numpr = w("numPr", ppr)
            w("ilvl", numpr, val=str(num[1]))
            w("numId", numpr, val=str(num[0]))
        if border:
            bdr = w("pBdr", ppr)
            w("left", bdr, val="single", sz="18", space="8", color=border)
        if shade:
            w("shd", ppr, val="clear", color="auto", fill=shade)
        if indent is not None:
            w("ind", ppr, left=str(indent))
        if align:
            w("jc", ppr, val=align)
        if len(ppr) == 0:
            p.remove(ppr)
        self.add_runs(p, runs)
        return p

    def add_runs(self, parent: etree._Element, runs: Iterable[Run]) -> None:
        link_element: etree._Element | None = None
        link_target: str | None = None
        for text, fmt in runs:
            if not text:
                continue
            if fmt.link:
                if fmt.link != link_target:
                    link_element = w("hyperlink", parent)
                    link_element.set(qn("r:id"), self.relate(fmt.link))
                    link_target = fmt.link
                assert link_element is not None
                link_element.append(run(text, replace(fmt, link=None)))
            else:
                link_element, link_target = None, None
                parent.append(run(text, fmt))

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
               quote: bool = False) -> list[etree._Element]:
        """Block content of a sanitised Markdown rendering."""
        out: list[etree._Element] = []
        for child in parse_fragment(fragment).children:
            self._block(child, base, style, out, 0, quote)
        return out

    def _block(self, node: Node | str, fmt: Fmt, style: str | None, out: list[etree._Element], depth: int,
               quote: bool) -> None:
        border = self.colours["hazard_rule"] if quote else None
        if isinstance(node, str):
            if node.strip():
                out.append(self.paragraph(self._trim([(_SPACE.sub(" ", node), fmt)]), style, border=border))
            return
        tag = node.tag
        if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6"):
            inner = replace(fmt, bold=True) if tag != "p" else fmt
            out.append(self.paragraph(self._trim(self._runs_of(node, inner)), style, border=border,
                                      keep_next=tag != "p"))
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
                self._block(child, replace(fmt, italic=True), style, out, depth, quote)
        elif tag == "table":
            out.append(self.html_table(node, fmt))
        elif tag == "hr":
            out.append(self.paragraph([("\u2014" * 3, replace(fmt, colour=self.colours["rule"]))], style,
                                      align="center"))
        else:  # inline content at block level (a bare <mark>, <em> …)
            out.append(self.paragraph(self._trim(self._runs_of(node, fmt)), style, border=border))

    def _list_item(self, item: Node, num_id: int, fmt: Fmt, out: list[etree._Element], depth: int,
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
    def table(self, header: list[list[etree._Element]] | None, rows: list[list[tuple[list[etree._Element],
              str | None]]], widths: list[float], total_twips: int) -> etree._Element:
        """A table with a repeated header row; each cell is (block elements, fill)."""
        tbl = w("tbl")
        tblpr = w("tblPr", tbl)
        w("tblStyle", tblpr, val="TableGrid")
        w("tblW", tblpr, w=str(total_twips), type="dxa")
        borders = w("tblBorders", tblpr)
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            w(side, borders, val="single", sz="4", space="0", color=self.colours["rule"])
        w("tblLayout", tblpr, type="fixed")
        margins = w("tblCellMar", tblpr)
        w("left", margins, w="70", type="dxa")
        w("right", margins, w="70", type="dxa")
        w("tblLook", tblpr, val="04A0", firstRow="1", lastRow="0", firstColumn="0", lastColumn="0",
          noHBand="0", noVBand="1")
        scale = sum(widths) or 1.0
        twips = [max(300, round(total_twips * width / scale)) for width in widths]
        grid = w("tblGrid", tbl)
        for width in twips:
            w("gridCol", grid, w=str(width))
        if header is not None:
            tr = w("tr", tbl)
            trpr = w("trPr", tr)
            w("cantSplit", trpr)
            w("tblHeader", trpr)
            for index, content in enumerate(header):
                self._cell(tr, content, twips[index], self.colours["table_header"])
        for row in rows:
            tr = w("tr", tbl)
            trpr = w("trPr", tr)
            w("cantSplit", trpr)
            for index, (content, fill) in enumerate(row):
                self._cell(tr, content, twips[min(index, len(twips) - 1)], fill)
        return tbl

    @staticmethod
    def _cell(tr: etree._Element, content: list[etree._Element], width: int, fill: str | None) -> None:
        tc = w("tc", tr)
        tcpr = w("tcPr", tc)
        w("tcW", tcpr, w=str(width), type="dxa")
        if fill:
            w("shd", tcpr, val="clear", color="auto", fill=fill.lstrip("#"))
        if not content:
            content = [w("p")]
        for element in content:
            tc.append(element)

    def html_table(self, node: Node, fmt: Fmt) -> etree._Element:
        rows: list[tuple[bool, list[Node]]] = []
        for section in node.children:
            if not isinstance(section, Node):
                continue
            for tr in (section.children if section.tag in ("thead", "tbody") else [section]):
                if isinstance(tr, Node) and tr.tag == "tr":
                    cells = [c for c in tr.children if isinstance(c, Node) and c.tag in ("th", "td")]
                    rows.append((any(c.tag == "th" for c in cells), cells))
        columns = max((len(cells) for _, cells in rows), default=1)

        def content(cell: Node, bold: bool) -> list[etree._Element]:
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


def field(instruction: str, cached: list[Run]) -> list[etree._Element]:
    """The runs of a complex field (TOC, PAGE, NUMPAGES) with its last computed result."""
    begin = w("r")
    w("fldChar", begin, fldCharType="begin", dirty="true")
    instr = w("r")
    text = w("instrText", instr)
    text.text = f" {instruction} "
    text.set(_XML_SPACE, "preserve")
    separate = w("r")
    w("fldChar", separate, fldCharType="separate")
    end = w("r")
    w("fldChar", end, fldCharType="end")
    return [begin, instr, separate, *(run(t, f) for t, f in cached), end]


def external_relation(part: object) -> Callable[[str], str]:
    def relate(url: str) -> str:
        return part.relate_to(url, RT.HYPERLINK, is_external=True)  # type: ignore[attr-defined]
    return relate
