"""The Word (DOCX) report: the same report model as the PDF, as a document people can edit.

Legal and policy colleagues draft in Word, so this edition uses Word's own
structure rather than a look-alike: the built-in Title and Heading styles
(the navigation pane and the contents field read them), a table-of-contents
field Word refreshes on opening, real tables with a repeated header row,
bulleted and numbered lists, charts as pictures whose alt text carries every
word drawn in them, and the audience banner in every page header and footer.

Like every writer it sees only the report model, which for a wider audience
was built from the filtered copy: withheld passages arrive as fixed
placeholders and are shown as such. The document properties hold the report
title and edition, a fixed date and "Riskwright" as author — never a person,
a template path, a time stamp or anything the template brought along (see
``docx_package``), and the bytes are reproducible.
"""

from __future__ import annotations

import io

from docx.oxml.ns import qn
from docx.shared import Emu
from lxml import etree

from app.export.chart_drawing import draw_chart
from app.export.chart_raster import chart_strings, drawing_png
from app.export.formats.base import NOT_PROVIDED, ReportWriter, audience_note, sensitivity_tag
from app.export.formats.docx_markup import (
    PLAIN, Body, Fmt, Run, external_relation, field, fill_body, parse_body, run, word_twips,
)
from app.export.formats.gaps import plain_gaps
from app.export.formats.docx_package import (
    add_list, finished_bytes, new_document, protect_personal_data, set_properties,
)
from app.export.report import (
    cover_facts,
    Block, Cell, Chart, DataTable, Facts, FieldEntry, FieldGroup, Prose, RecordEntry, RecordTable, Report,
    Section,
)
from app.export.text import inline_html, markdown_html, plain_text
from app.model.sensitivity import Sensitivity

_TWIPS_PER_MM = 1440 / 25.4
_EMU_PER_PT = 12700
_CHART_WIDTH_PT = 480.0
_TOC = 'TOC \\o "1-3" \\h \\z \\u'
"""Word's contents field: heading levels 1-3, entries as links, outline levels too."""


class DocxWriter(ReportWriter):
    format_id = "docx"
    suffix = ".docx"

    def write(self, report: Report) -> bytes:
        self.report = report
        self.internal = report.header.audience == "internal"
        colours = {k: v.lstrip("#") for k, v in self.styles.colours.items()}
        self.colours = colours
        self.document = document = new_document(self.styles)
        self.body = Body(external_relation(document.part), lambda numbered, start: add_list(document, numbered,
                                                                                           start), colours)
        margins = self.styles.margins_mm
        page_mm = 210.0 if self.styles.page_size.upper() == "A4" else 215.9
        self.text_twips = round((page_mm - margins["left"] - margins["right"]) * _TWIPS_PER_MM)
        self.parts: list[str] = []
        self._pictures = 0
        header = report.header
        set_properties(document, plain_text(f"{header.title}: {header.model}"), f"{header.banner} edition")
        if not self.internal:
            protect_personal_data(document)
        self._running_header_and_footer()
        self._cover()
        for section in report.sections:
            self._section(section)
        fill_body(document, self.parts)
        return finished_bytes(document)

    # -- plumbing -------------------------------------------------------------------
    def _add(self, xml: str) -> None:
        self.parts.append(xml)

    def _para(self, runs: list[Run], style: str | None = None, **options: object) -> None:
        self._add(self.body.paragraph(runs, style, **options))  # type: ignore[arg-type]

    def _inline(self, text: str, fmt: Fmt = PLAIN) -> list[Run]:
        return self.body.inline_runs(inline_html(text), fmt) if text else []

    def _placeholder(self, text: str) -> list[Run]:
        colours = self.colours
        return [(text, Fmt(italic=True, colour=colours["placeholder_text"], back=colours["placeholder_background"]))]

    def _tag(self, tag: str | None) -> list[Run]:
        if not tag:
            return []
        back = self.colours["hazard_text"] if tag == "HAZARDOUS" else self.colours["muted"]
        return [("\u00a0", PLAIN), (f"\u00a0{tag}\u00a0", Fmt(bold=True, size=7, colour="FFFFFF", back=back))]

    def _cell_runs(self, cell: Cell, fmt: Fmt = PLAIN) -> list[Run]:
        if cell.withheld:
            return self._placeholder(cell.text) if cell.text else []
        runs = self._inline(cell.text, fmt) if cell.text else [("—", fmt)]
        tag = sensitivity_tag(cell) if self.report.header.audience != "public" else None
        return runs + self._tag(tag)

    # -- running header, footer and cover ----------------------------------------------
    def _running_header_and_footer(self) -> None:
        header = self.report.header
        banner = self.styles.banners[header.tone]
        section = self.document.sections[0]
        section.different_first_page_header_footer = False
        chip = Fmt(bold=True, colour=banner["text"].lstrip("#"), back=banner["background"].lstrip("#"))
        muted = Fmt(colour=self.colours["muted"])
        head = section.header._element  # noqa: SLF001 - the header part's XML root
        for old in list(head):
            head.remove(old)
        head.extend(parse_body([self.body.paragraph(
            [(f"\u00a0{header.banner}\u00a0", chip), ("   ", PLAIN),
             *self._inline(f"{header.title}: {header.model}", muted)], "Header")]))
        foot = section.footer._element  # noqa: SLF001
        for old in list(foot):
            foot.remove(old)
        runs = (self.body.runs([(f"\u00a0{header.banner}\u00a0", chip), ("   Page ", muted)])
                + field("PAGE", [("1", muted)]) + run(" of ", muted) + field("NUMPAGES", [("1", muted)])
                + run(f"   Revision {header.revision_hash[:12]}", muted))
        foot.extend(parse_body([f'<w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>{runs}</w:p>']))

    def _cover(self) -> None:
        report, header = self.report, self.report.header
        banner = self.styles.banners[header.tone]
        self._para([(header.banner, Fmt(bold=True, colour=banner["text"].lstrip("#")))], "Banner",
                   shade=banner["background"].lstrip("#"))
        self._para(self._inline(header.model), "Title")
        self._para([(header.title, Fmt(colour=self.colours["muted"], size=13))])
        self._add(self._facts_table([(fact.label, Cell(fact.text)) for fact in cover_facts(report)]))
        self._para([(audience_note(report), PLAIN)], "Muted")
        self._contents()

    def _contents(self) -> None:
        self._para([("Contents", PLAIN)], "TOCHeading")
        cached: list[Run] = []
        for section in self.report.sections:
            cached.append((plain_text(section.heading) + "\n", PLAIN))
            for block in section.blocks:
                if isinstance(block, RecordTable):
                    cached.append(("\u2003" + plain_text(block.title) + "\n", PLAIN))
        self._add("<w:p>" + field(_TOC, cached) + "</w:p>")
        self._add('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')

    # -- sections and blocks --------------------------------------------------------
    def _section(self, section: Section) -> None:
        self._para(self._inline(section.heading), "Heading1")
        for block in section.blocks:
            self._block(block)

    def _block(self, block: Block) -> None:
        if isinstance(block, Prose):
            self._prose(block)
        elif isinstance(block, FieldGroup):
            self._group(block, "Heading3")
        elif isinstance(block, RecordTable):
            self._records(block)
        elif isinstance(block, DataTable):
            if block.title:
                self._para(self._inline(block.title), "Heading3")
            self._add(self._data_table(block))
        elif isinstance(block, Chart):
            self._chart(block)
        elif isinstance(block, Facts):
            self._add(self._facts_table(list(block.items)))
        else:  # pragma: no cover - the report model has no other blocks
            raise TypeError(f"no DOCX rendering for {type(block).__name__}")

    def _prose(self, prose: Prose) -> None:
        style = {"muted": "Muted", "note": None}.get(prose.tone)
        shade = self.colours["accent_light"] if prose.tone == "note" else None
        for xml in self.body.blocks(markdown_html(prose.markdown), style=style, shade=shade):
            self._add(xml)

    def _label_runs(self, entry: FieldEntry) -> list[Run]:
        return [(entry.label, Fmt(bold=True))] + self._tag(sensitivity_tag(entry))

    def _group(self, group: FieldGroup, heading: str) -> None:
        if group.title:
            self._para(self._inline(group.title), heading)
        muted = Fmt(italic=True, colour=self.colours["muted"])
        for entry in group.entries:
            label = self._label_runs(entry)
            if not entry.text:
                self._para(label + [(": ", PLAIN), (NOT_PROVIDED, muted)])
            elif entry.withheld:
                self._para(label + [(": ", PLAIN)] + self._placeholder(entry.text))
            elif entry.markdown:
                self._para(label, keep_next=True)
                hazardous = self.internal and entry.sensitivity == Sensitivity.HAZARDOUS
                for xml in self.body.blocks(markdown_html(entry.text), quote=hazardous):
                    self._add(xml)
            else:
                fill = entry.fill.lstrip("#") if entry.fill else None
                value = self._inline(entry.text, Fmt(back=fill) if fill else PLAIN)
                self._para(label + [(": ", PLAIN)] + value)

    def _records(self, block: RecordTable) -> None:
        self._para(self._inline(block.title), "Heading2")
        if block.help:
            self._para([(block.help, PLAIN)], "Muted")
        if not block.rows:
            self._para([("No records.", PLAIN)], "Muted")
            return
        block, gaps = plain_gaps(block)
        header = [[self.body.paragraph([(c, Fmt(bold=True))], "TableText")] for c in block.columns]
        rows = []
        for row in block.rows:
            cells = []
            for cell in row:
                align = {"right": "right", "center": "center"}.get(cell.align)
                cells.append(([self.body.paragraph(self._cell_runs(cell), "TableText", align=align)],
                              cell.fill))
            rows.append(cells)
        self._add(self.body.table(header, rows, _content_widths(block.columns, block.rows), self.text_twips,
                                  _minimums(block.columns, block.rows)))
        if gaps:
            self._para([(gaps, PLAIN)], "Muted")
        for entry in block.entries:
            self._entry(entry)

    def _entry(self, entry: RecordEntry) -> None:
        tag: list[Run] = []
        if entry.sensitivity > Sensitivity.PUBLIC:
            tag = self._tag(f"WHOLE RECORD {entry.sensitivity.value.upper()}")
        self._para(self._inline(entry.title) + [(f"  ({entry.record_id})", Fmt(colour=self.colours["muted"],
                                                                                bold=False))] + tag, "Heading3")
        for group in entry.groups:
            self._group(group, "Heading4")

    def _data_table(self, block: DataTable) -> str:
        header = [[self.body.paragraph([(c, Fmt(bold=True))], "TableText")] for c in block.columns]
        rows = []
        for row in block.rows:
            cells = []
            for index, cell in enumerate(row):
                if index in block.markdown_columns and cell.text:
                    content = self.body.blocks(markdown_html(cell.text), style="TableText")
                else:
                    align = {"right": "right", "center": "center"}.get(cell.align)
                    content = [self.body.paragraph(self._cell_runs(cell), "TableText", align=align)]
                cells.append((content, cell.fill))
            rows.append(cells)
        widths = list(block.widths) or _content_widths(block.columns, block.rows)
        return self.body.table(header, rows, widths, self.text_twips, _minimums(block.columns, block.rows))

    def _facts_table(self, items: list[tuple[str, Cell]]) -> str:
        rows = []
        for label, cell in items:
            rows.append([([self.body.paragraph([(label, Fmt(bold=True))], "TableText")], None),
                         ([self.body.paragraph(self._cell_runs(cell), "TableText")], cell.fill)])
        return self.body.table(None, rows, [1.0, 2.2], self.text_twips)

    def _chart(self, chart: Chart) -> None:
        self._para(self._inline(chart.title), "Heading3")
        drawing = draw_chart(chart, _CHART_WIDTH_PT, self.styles)
        png, width_px, height_px = drawing_png(drawing)
        scale = min(1.0, (self.text_twips / 20.0) / (width_px / 2.0))
        width = Emu(round(width_px / 2.0 * scale * _EMU_PER_PT))
        height = Emu(round(height_px / 2.0 * scale * _EMU_PER_PT))
        inline = self.document.part.new_pic_inline(io.BytesIO(png), width, height)
        doc_pr = inline.find(qn("wp:docPr"))
        self._pictures += 1  # python-docx numbers from the ids already in the body, which is written at the end
        doc_pr.set("id", str(self._pictures))
        words = " · ".join(dict.fromkeys(chart_strings(drawing)))
        doc_pr.set("name", f"Chart: {plain_text(chart.title)}")
        doc_pr.set("descr", plain_text(f"{chart.title}. {chart.caption} Labels shown: {words}"))
        picture_name = inline.find(".//" + qn("pic:cNvPr"))
        if picture_name is not None:
            picture_name.set("name", "chart.png")
        picture = etree.tostring(inline, encoding="unicode")
        self._add(f"<w:p><w:pPr><w:keepNext/></w:pPr><w:r><w:drawing>{picture}</w:drawing></w:r></w:p>")
        self._para([(chart.caption, PLAIN)], "Caption")


def _content_widths(columns: tuple[str, ...], rows: tuple[tuple[Cell, ...], ...]) -> list[float]:
    """Relative widths from what the columns hold: a column of short numbers stays narrow, prose gets room."""
    widths = []
    for index, name in enumerate(columns):
        lengths = [len(row[index].text) for row in rows if index < len(row) and row[index].text]
        typical = sum(lengths) / len(lengths) if lengths else 0.0
        widths.append(max(float(max((len(w) for w in name.split()), default=1)), min(typical, 60.0)) + 4.0)
    return widths


def _minimums(columns: tuple[str, ...], rows: tuple[tuple[Cell, ...], ...]) -> list[int]:
    """Twips each column needs so neither its header nor a word of up to 16 letters in its cells breaks."""
    minimums = []
    for index, name in enumerate(columns):
        words = [w for row in rows if index < len(row) for w in row[index].text.split() if len(w) <= 16]
        minimums.append(max(word_twips(name), word_twips(max(words, key=len, default=""))))
    return minimums
