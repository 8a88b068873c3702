"""The PDF report (reportlab platypus), in one layout pass.

A table of contents normally needs two passes (lay out, read page numbers,
lay out again). Here every page number the contents and the footers need is
drawn as a reference to a PDF form XObject that is only defined once the
last page is laid out, so the large example is laid out once: half the time.

Bookmarks are added as headings are placed, with titles from the report
model (already filtered for the audience). With ``invariant=1`` and fixed
metadata, the same report gives the same bytes.
"""

from __future__ import annotations

import copy
import html
import io
import os
import time
import unicodedata
from collections.abc import Iterable

from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate, CondPageBreak, Flowable, Frame, KeepTogether, NextPageTemplate, PageBreak, PageTemplate,
    Spacer, Table, TableStyle,
)

from app.export.chart_drawing import draw_chart
from app.export.fonts import MONO, SANS, SANS_BOLD, plain_with_fallback, with_fallback
from app.export.formats.base import NOT_PROVIDED, ReportWriter, audience_note, sensitivity_tag
from app.export.formats.gaps import plain_gaps
from app.export.formats.pdf_fit import fit_words, running_title
from app.export.formats.pdf_markup import MarkupConverter, grid_style
from app.export.formats import pdf_split
from app.export.formats.pdf_speedups import install as install_speedups
from app.export.formats.pdf_split import (
    Page, Recorder, Splice, SplitPlan, layout_state, replay, start_recording,
)
from app.export.formats.pdf_styles import Para, PdfStyles, parsing_once, pdf_styles
from app.export.formats.pdf_text import Run, RunStyle, TextBlock, TextTable, width_of
from app.export.formats.pdf_text import colour as shared_colour
from app.export.report import (
    cover_facts,
    Block, Cell, Chart, DataTable, Facts, FieldEntry, FieldGroup, Prose, RecordEntry, RecordTable, Report,
    Section,
)
from app.export.text import inline_html, markdown_html, plain_text
from app.model.sensitivity import Sensitivity
from app.redaction.beside import Branch, core_idle, may_fork

_TOTAL_FORM = "rwPageTotal"
install_speedups()


class Heading(Para):
    """A heading that becomes a bookmark (and, for levels 0-1, a contents line)."""

    def __init__(self, text: str, style, key: str, level: int, title: str) -> None:  # type: ignore[no-untyped-def]
        super().__init__(text, style)
        self.outline_key, self.outline_level, self.outline_title = key, level, title


class SectionMarker(Flowable):
    """Zero-size flowable placed before a page break: the next pages' running header."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


class ContentsLine(Flowable):
    """One line of the table of contents; its page number is a form defined after layout."""

    def __init__(self, title: str, key: str, level: int, styles: PdfStyles) -> None:
        super().__init__()
        self.title, self.key, self.level, self.styles = title, key, level, styles
        self.style = styles.toc1 if level == 0 else styles.toc2

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.style.leading

    def draw(self) -> None:
        canvas = self.canv
        font = SANS_BOLD if self.level == 0 else SANS
        size = self.style.fontSize
        indent = self.style.leftIndent
        limit = self.width - indent - 40
        title = self.title
        while stringWidth(title, font, size) > limit and len(title) > 4:
            title = title[:-2]
        if title != self.title:
            title = title.rstrip() + "…"
        canvas.setFillColor(self.style.textColor)
        baseline = self.style.leading - size - 1
        x = indent
        for face, run in plain_with_fallback(title):
            canvas.setFont(face if face != SANS else font, size)
            canvas.drawString(x, baseline, run)
            x += width_of(run, face if face != SANS else font, size)
        canvas.setStrokeColor(self.styles.colour("rule"))
        canvas.setDash(0.6, 2.4)
        canvas.setLineWidth(0.7)
        canvas.line(x + 6, baseline + 1, self.width - 28, baseline + 1)
        canvas.setDash()
        canvas.saveState()
        canvas.translate(self.width, baseline)
        canvas.doForm(_page_form(self.key))
        canvas.restoreState()
        canvas.linkRect("", self.key, (0, baseline - 2, self.width, baseline + size + 1), relative=1,
                        thickness=0)


class _Frame(Frame):
    """The page's frame. platypus copies the frame (``copy.deepcopy``) each time it measures a group kept
    together (a heading with what follows): hundreds of times for the large example. A frame holding only
    numbers, text and empty lists — as these always do — is copied without walking each value; any other
    content is copied deeply, as before."""

    def __deepcopy__(self, memo: dict[int, object]) -> _Frame:
        values = self.__dict__
        made = object.__new__(type(self))
        memo[id(self)] = made
        if all(type(value) in _PLAIN or (type(value) is list and not value) for value in values.values()):
            made.__dict__.update({name: [] if type(value) is list else value for name, value in values.items()})
        else:
            made.__dict__.update(copy.deepcopy(values, memo))
        return made


_PLAIN = frozenset({int, float, str, bool, type(None)})


def _page_form(key: str) -> str:
    return f"rwPage{key}"


class _Template(BaseDocTemplate):
    recorder: Recorder | None = None  # in a split layout's child (pdf_split): pages are recorded, not made
    splice: Splice | None = None  # here: the split layout's child, until its pages are taken
    split_from: int | None = None  # the first story element a child may take over at (None: no child)
    _plan: SplitPlan | None = None  # worked out when a core is first found idle
    replaying = False
    _branch: Branch | None = None  # in a split layout's child: how it answers
    _taken: list[Page] | None = None
    _look_at = 0.0  # when to look for an idle core again
    _story: list[Flowable] | None = None
    _story_index: dict[int, int] = {}  # noqa: RUF012 - replaced per instance; read-only here

    def __init__(self, stream: io.BytesIO, writer: PdfWriter, report: Report) -> None:
        styles = writer.pdf
        super().__init__(stream, pagesize=styles.page_size, invariant=1,
                         leftMargin=styles.margins["left"], rightMargin=styles.margins["right"],
                         topMargin=styles.margins["top"], bottomMargin=styles.margins["bottom"],
                         title=_metadata_text(f"{report.header.title}: {plain_text(report.header.model)}"),
                         author="Riskwright", subject=f"{report.header.banner} edition", creator="Riskwright",
                         producer="Riskwright", keywords="", lang="en")
        self.writer, self.report = writer, report
        self.pages_of: dict[str, int] = {}
        self.current_section = ""
        frame = _Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        cover_top = 150.0
        cover = _Frame(self.leftMargin, self.bottomMargin, self.width, self.height - cover_top, id="cover",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("cover", [cover], onPage=writer.decorate_cover),
                               PageTemplate("body", [frame], onPage=writer.decorate_page)])
        self._doSave = 0

    def decorates(self) -> bool:
        """Whether the page just begun gets its header and footer here: not in a split layout's child before
        the pages it records; not here on a page taken from the child (drawn there)."""
        if self.split_from is not None and self.recorder is None:
            self._branch_if_idle(self.split_from)
        if self.recorder is not None:
            if self._branch is not None and self._branch.orphaned():
                self._branch.give_up()  # the process that forked this child is gone: nobody takes its pages
            return self.recorder.page_begins(self.page, self._state())
        if self.splice is not None:
            # The child may have made this page and the rest (its layout standing where this one stands).
            pages = self.splice.pages_from(self.page, self._state())
            if pages is not None:
                self.splice, self._taken, self.replaying = None, pages, True
        return not self.replaying

    def _state(self) -> tuple[object, ...]:
        return layout_state(self._story or (), self.current_section)

    def _branch_if_idle(self, first: int) -> None:
        """As a page begins: fork a child to lay out and draw the second part of what is left
        (``pdf_split``) if a core is idle now and enough is left; never again once one was forked, or once
        too little is left."""
        now = time.monotonic()
        if now < self._look_at:
            return
        self._look_at = now + pdf_split.LOOK_EVERY  # a busy machine is looked at no more often than an idle one
        if not core_idle():
            return
        plan = self._plan = self._plan or SplitPlan(self._story_elements)
        head = plan.head(self._story or ())
        if head is None or head < first:
            return
        start = plan.start(head)
        self.split_from = None  # one look that found a core idle and enough left decides: a child now or never
        if start is None:
            return
        try:
            branch = Branch()
        except OSError:
            return
        if not branch.here:
            self.splice = Splice(branch)
            return
        # The child: from this page on, the layout goes on as here, drawing and recording from ``start``'s page
        # (and ends in ``lay_out``, whatever happens).
        self._branch = branch
        self.recorder = Recorder(start)
        self._story_index = plan.index
        start_recording(self.canv, [frame for template in self.pageTemplates for frame in template.frames],
                        self.recorder)

    def lay_out(self, story: list[Flowable], split_from: int | None = None) -> None:
        """``build`` the story, watching each page's start (``handle_flowable``); from story element
        ``split_from`` on, a child may take the layout's tail over (``_branch_if_idle``)."""
        self._story, self.split_from = story, split_from
        # Held for the whole layout (platypus drops placed elements), so no new object (a split part) can
        # take a story element's id.
        self._story_elements = list(story)
        forker = os.getpid()
        try:
            self.build(story)
        except BaseException:
            # A split layout's child never returns into the writer's callers — also when an interrupt meets
            # it just after the fork, before ``_branch`` is set: it is then another process than this one was.
            if self._branch is not None or os.getpid() != forker:
                Branch.give_up()
            raise
        if self._branch is not None:
            recorder = self.recorder
            assert recorder is not None
            self._branch.reply((recorder.first_page, recorder.pages, recorder.begins))

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        recorder = self.recorder
        if recorder is not None:
            if not recorder.first_page and flowables is self._story and flowables \
                    and self._story_index.get(id(flowables[0]), -1) >= recorder.start:
                recorder.first_page = self.page + 1  # the pages from the next one on are drawn and recorded
        elif self._taken is not None and flowables is self._story:
            # The page just begun and all after it are the child's: made from its record, the layout ends.
            pages, self._taken = self._taken, None
            replay(self, pages, self.place_heading)
            del flowables[:]
            return
        super().handle_flowable(flowables)

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, SectionMarker):
            self.current_section = flowable.title
            return
        if not isinstance(flowable, Heading):
            return
        if self.recorder is not None:
            self.recorder.heading(flowable.outline_key, flowable.outline_level, flowable.outline_title)
        else:
            self.place_heading(flowable.outline_key, flowable.outline_level, flowable.outline_title)

    def place_heading(self, key: str, level: int, title: str) -> None:
        """A heading's page number (for the contents), bookmark and outline entry, on the current page."""
        self.pages_of[key] = self.canv.getPageNumber()
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level, closed=level >= 1)


class PdfWriter(ReportWriter):
    format_id = "pdf"
    suffix = ".pdf"

    def write(self, report: Report) -> bytes:
        with parsing_once():
            return self._write(report)

    def _write(self, report: Report) -> bytes:
        self.pdf = pdf_styles(self.styles)
        self.markup = MarkupConverter(self.pdf)
        self.report = report
        self._keys = 0
        stream = io.BytesIO()
        doc = _Template(stream, self, report)
        self.doc = doc
        story = self._cover(report) + self._contents(report)
        first = len(story)
        for section in report.sections:
            # The marker goes before the break, so the new page's running header already names it.
            # Report kinds' short sections (one statutory item each) follow on the same page when they fit.
            brk = CondPageBreak(220) if section.kind == "fields" else PageBreak()
            story += [SectionMarker(plain_text(section.heading)), brk]
            story.extend(self._section(section))
        try:
            doc.lay_out(story, first if may_fork() else None)
        finally:
            if doc.splice is not None:
                doc.splice.close()
        canvas = doc.canv
        total = canvas.getPageNumber() - 1
        self._define_number_form(canvas, _TOTAL_FORM, str(total), right=False)
        for key in self._contents_keys:
            self._define_number_form(canvas, _page_form(key), str(doc.pages_of.get(key, "")), right=True)
        canvas.showOutline()
        canvas.save()
        return stream.getvalue()

    # -- page furniture ------------------------------------------------------
    def _define_number_form(self, canvas: Canvas, name: str, text: str, right: bool) -> None:
        canvas.beginForm(name, lowerx=-60, lowery=-4, upperx=60, uppery=14)
        style = self.pdf.toc1
        canvas.setFont(SANS, 8 if name == _TOTAL_FORM else style.fontSize - 0.5)
        canvas.setFillColor(self.pdf.colour("muted") if name == _TOTAL_FORM else self.pdf.colour("ink"))
        if right:
            canvas.drawRightString(0, 0, text)
        else:
            canvas.drawString(0, 0, text)
        canvas.endForm()

    def _banner_colours(self) -> tuple[HexColor, HexColor]:
        banner = self.styles.banners[self.report.header.tone]
        return shared_colour(banner["background"]), shared_colour(banner["text"])

    def _draw_text(self, canvas: Canvas, x: float, y: float, text: str, size: float, bold: bool = False,
                   anchor: str = "start") -> None:
        runs = plain_with_fallback(text)
        main = SANS_BOLD if bold else SANS
        width = sum(width_of(run, face if face != SANS else main, size) for face, run in runs)
        if anchor == "end":
            x -= width
        elif anchor == "middle":
            x -= width / 2
        for face, run in runs:
            face = face if face != SANS else main
            canvas.setFont(face, size)
            space = width_of(" ", face, size)
            canvas.drawString(x - space, y, f" {run} ")  # padded: see TextBlock.draw
            x += width_of(run, face, size)

    def _footer(self, canvas: Canvas, doc: _Template) -> None:
        pdf = self.pdf
        width, _ = pdf.page_size
        left, right = pdf.margins["left"], width - pdf.margins["right"]
        y = pdf.margins["bottom"] - 22
        background, _ = self._banner_colours()
        canvas.setStrokeColor(pdf.colour("rule"))
        canvas.setLineWidth(0.5)
        canvas.line(left, y + 12, right, y + 12)
        canvas.setFillColor(background)
        self._draw_text(canvas, left, y, self.report.header.banner, 7, bold=True)
        canvas.setFillColor(pdf.colour("muted"))
        label = f"Page {canvas.getPageNumber()} of "
        self._draw_text(canvas, right - 14, y, label, 8, anchor="end")
        canvas.saveState()
        canvas.translate(right - 13, y)
        canvas.doForm(_TOTAL_FORM)
        canvas.restoreState()

    def decorate_cover(self, canvas: Canvas, doc: _Template) -> None:
        if not doc.decorates():
            return
        canvas.saveState()
        pdf = self.pdf
        width, height = pdf.page_size
        background, foreground = self._banner_colours()
        canvas.setFillColor(background)
        canvas.rect(0, height - 46, width, 46, stroke=0, fill=1)
        canvas.setFillColor(foreground)
        self._draw_text(canvas, width / 2, height - 29, self.report.header.banner, 13, bold=True, anchor="middle")
        canvas.setFillColor(pdf.colour("accent"))
        canvas.rect(pdf.margins["left"], height - 118, 36, 3.2, stroke=0, fill=1)
        canvas.setFillColor(pdf.colour("muted"))
        self._draw_text(canvas, pdf.margins["left"], height - 102, self.report.header.title.upper(), 9, bold=True)
        self._footer(canvas, doc)
        canvas.restoreState()

    def decorate_page(self, canvas: Canvas, doc: _Template) -> None:
        if not doc.decorates():
            return
        canvas.saveState()
        pdf = self.pdf
        width, height = pdf.page_size
        left, right = pdf.margins["left"], width - pdf.margins["right"]
        background, foreground = self._banner_colours()
        band = height - 24
        canvas.setFillColor(background)
        canvas.rect(0, band, width, 24, stroke=0, fill=1)
        canvas.setFillColor(foreground)
        self._draw_text(canvas, width / 2, band + 8.5, self.report.header.banner, 8, bold=True, anchor="middle")
        header = self.report.header
        canvas.setFillColor(pdf.colour("muted"))
        section = doc.current_section or ""
        if section:
            section = fit_words(section, SANS, 7.5, (right - left) * 0.45)
            self._draw_text(canvas, right, band - 15, section, 7.5, anchor="end")
        room = right - left - (width_of(section, SANS, 7.5) + 18 if section else 0)
        self._draw_text(canvas, left, band - 15, running_title(plain_text(header.model), plain_text(header.version),
                                                              room), 7.5)
        self._footer(canvas, doc)
        canvas.restoreState()

    # -- cover and contents ----------------------------------------------------
    def _cover(self, report: Report) -> list[Flowable]:
        pdf = self.pdf
        header = report.header
        # Runs, not a Paragraph: a name longer than the line wraps between words, and a single word
        # wider than the page is cut after a '-', '.', '_' or '/', never in the middle of a word.
        story: list[Flowable] = [self._text(header.model, pdf.title)]
        if header.version:
            story.append(self._text(f"Version {header.version}", pdf.h2))
        story.append(Spacer(1, 18))
        shown = [fact for fact in cover_facts(report) if report.cover or fact.label != "Version"]  # under the title
        facts = [(fact.label, Cell(fact.text or "—", self.styles.statuses.get(fact.status) if fact.status else None))
                 for fact in shown]
        story.append(self._facts_table(facts, label_share=0.3, mono={fact.label for fact in shown if fact.mono}))
        story.append(Spacer(1, 22))
        story.append(Para(with_fallback(html.escape(audience_note(report))), pdf.note))
        story.append(NextPageTemplate("body"))
        story.append(PageBreak())
        return story

    def _contents(self, report: Report) -> list[Flowable]:
        self._contents_keys: list[str] = []
        lines: list[Flowable] = [Para("Contents", self.pdf.h1), Spacer(1, 4)]
        self._plan: dict[int, str] = {}
        for index, section in enumerate(report.sections):
            key = f"s{index}"
            self._plan[id(section)] = key
            self._contents_keys.append(key)
            lines.append(ContentsLine(plain_text(section.heading), key, 0, self.pdf))
            for block_index, block in enumerate(section.blocks):
                if isinstance(block, RecordTable):
                    sub = f"{key}t{block_index}"
                    self._plan[id(block)] = sub
                    self._contents_keys.append(sub)
                    lines.append(ContentsLine(plain_text(block.title), sub, 1, self.pdf))
        return lines

    # -- sections --------------------------------------------------------------
    def _inline(self, text: str) -> str:
        """Paragraph markup (headings, labels)."""
        return self.markup.inline_html(inline_html(text))

    def _runs(self, text: str, style: ParagraphStyle) -> list[Run]:
        return self.markup.runs(inline_html(text), style)

    def _text(self, text: str, style: ParagraphStyle) -> TextBlock:
        return TextBlock(self._runs(text, style), style)

    def _section(self, section: Section) -> list[Flowable]:
        key = self._plan[id(section)]
        heading = Heading(self._inline(section.heading), self.pdf.h1, key, 0, plain_text(section.heading))
        # Kept with the start of its section, like a sub-heading with its table: platypus groups the
        # heading, the sub-headings under it and the first block, so a table that fits a page but not the
        # space under the heading no longer moves on alone and leaves the heading by itself on a page.
        heading.keepWithNext = 1
        story: list[Flowable] = [heading]
        for block in section.blocks:
            story.extend(self._block(block))
        return story

    def _block(self, block: Block) -> list[Flowable]:
        if isinstance(block, Prose):
            style = {"muted": self.pdf.muted, "note": self.pdf.note}.get(block.tone)
            return self.markup.blocks(markdown_html(block.markdown), style=style)
        if isinstance(block, FieldGroup):
            return self._field_group(block)
        if isinstance(block, RecordTable):
            return self._record_table(block)
        if isinstance(block, DataTable):
            return self._data_table(block)
        if isinstance(block, Chart):
            return self._chart(block)
        if isinstance(block, Facts):
            if not block.items:  # reportlab refuses a table without rows; nothing to show is no table
                return []
            return [self._facts_table(list(block.items)), Spacer(1, 10)]
        raise TypeError(f"no PDF rendering for {type(block).__name__}")

    def _label(self, entry: FieldEntry) -> str:
        text = self._inline(entry.label)
        tag = sensitivity_tag(entry)
        if tag:
            colour = self.pdf.hex("hazard_text") if tag == "HAZARDOUS" else self.pdf.hex("muted")
            text += (f'\u00a0\u00a0<font size="6.2" color="#ffffff" backColor="{colour}">'
                     f'<b>\u00a0{tag}\u00a0</b></font>')
        return text

    def _label_runs(self, entry: FieldEntry, style: ParagraphStyle, suffix: str = "", muted: bool = True,
                    label: str | None = None) -> list[Run]:
        """A field label (``label``, else the entry's) as runs (bold) with its sensitivity chip."""
        pdf = self.pdf
        base = self.markup.base(style)
        colour = pdf.hex("muted" if muted else "ink")
        runs: list[Run] = [((entry.label if label is None else label) + suffix,
                            base.but(font=SANS_BOLD, colour=colour))]
        tag = sensitivity_tag(entry)
        if tag:
            back = pdf.hex("hazard_text") if tag == "HAZARDOUS" else pdf.hex("muted")
            runs += [("\u00a0", base), (f"\u00a0{tag}\u00a0", RunStyle(SANS_BOLD, 6.2, "#ffffff", back=back))]
        return runs + [("\u00a0 ", base)]

    def _value_block(self, entry: FieldEntry | Cell, style: ParagraphStyle) -> TextBlock:
        if not entry.text:
            return TextBlock([(NOT_PROVIDED, self.markup.base(style).but(colour=self.pdf.hex("muted")))], style)
        return self._text(entry.text, style)

    def _field_group(self, group: FieldGroup) -> list[Flowable]:
        pdf = self.pdf
        story: list[Flowable] = []
        if group.title:
            story.append(Para(self._inline(group.title), pdf.h3))
        short: list[FieldEntry] = []

        def flush() -> None:
            if short:
                story.append(self._entries_table(short))
                short.clear()

        for entry in group.entries:
            if entry.markdown and entry.text and not entry.withheld:
                flush()
                hazard = entry.sensitivity == Sensitivity.HAZARDOUS
                blocks = self.markup.blocks(markdown_html(entry.text), hazard=hazard)
                label = Para(self._label(entry), pdf.label)
                story.append(KeepTogether([label, blocks[0]]) if blocks else label)
                story.extend(blocks[1:])
            else:
                short.append(entry)
        flush()
        return story

    def _entries_table(self, rows: list[FieldEntry]) -> Table:
        pdf = self.pdf
        data = [[TextBlock(self._label_runs(entry, pdf.table_header, muted=False)[:-1], pdf.table_header),
                 self._value_block(entry, pdf.table)] for entry in rows]
        width = pdf.frame_width
        table = TextTable(data, colWidths=[width * 0.3, width * 0.7], hAlign="LEFT")
        commands: list[tuple] = [  # type: ignore[type-arg]
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LINEBELOW", (0, 0), (-1, -1), 0.3, pdf.colour("rule")),
        ]
        for index, entry in enumerate(rows):
            if entry.fill:
                commands += [("BACKGROUND", (1, index), (1, index), HexColor(entry.fill)),
                             ("LEFTPADDING", (1, index), (1, index), 4)]
            if entry.sensitivity == Sensitivity.HAZARDOUS and not entry.withheld and entry.text:
                commands += [("BACKGROUND", (1, index), (1, index), pdf.colour("hazard_background")),
                             ("LEFTPADDING", (1, index), (1, index), 4)]
        table.setStyle(TableStyle(commands))
        return table

    def _facts_table(self, items: list[tuple[str, Cell]], label_share: float = 0.34,
                     mono: set[str] | frozenset[str] = frozenset()) -> Table:
        pdf = self.pdf
        data = [[self._text(label, pdf.table_header),
                 TextBlock([(cell.text, RunStyle(MONO, 7.6, pdf.hex("ink")))], pdf.body) if label in mono
                 else self._value_block(cell, pdf.body)] for label, cell in items]
        table = TextTable(data, colWidths=[pdf.frame_width * label_share, pdf.frame_width * (1 - label_share)],
                      hAlign="LEFT")
        commands: list[tuple] = [  # type: ignore[type-arg]
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (0, -1), 0), ("LEFTPADDING", (1, 0), (1, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, pdf.colour("rule")),
        ]
        for index, (_, cell) in enumerate(items):
            if cell.fill:
                commands.append(("BACKGROUND", (1, index), (1, index), HexColor(_tint(cell.fill))))
        table.setStyle(TableStyle(commands))
        return table

    def _cells_table(self, columns: Iterable[str], rows: tuple[tuple[Cell, ...], ...], widths: list[float],
                     markdown_columns: tuple[int, ...] = ()) -> Table:
        pdf = self.pdf
        header = [self._text(c, pdf.table_header) for c in columns]
        data: list[list[Flowable]] = [header]
        fills: list[tuple] = []  # type: ignore[type-arg]
        aligned = {"left": pdf.table, "right": pdf.table_right, "center": pdf.table_center}
        for r, row in enumerate(rows, start=1):
            cells: list[Flowable] = []
            for c, cell in enumerate(row):
                if c in markdown_columns and cell.text:
                    cells.append(self.markup.blocks(markdown_html(cell.text), style=pdf.table))  # type: ignore[arg-type]
                else:
                    style = aligned.get(cell.align, pdf.table)
                    cells.append(self._text(cell.text, style) if cell.text else TextBlock([], style))
                if cell.fill:
                    fills.append(("BACKGROUND", (c, r), (c, r), HexColor(cell.fill)))
            data.append(cells)
        table = TextTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT", splitByRow=1)
        style = grid_style(pdf, 1, len(data))
        for command in fills:
            style.add(*command)
        table.setStyle(style)
        return table

    def _widths(self, columns: tuple[str, ...], rows: tuple[tuple[Cell, ...], ...],
                weights: tuple[float, ...] = ()) -> list[float]:
        """Column widths from what the cells hold: header words and short ids never break, prose wraps."""
        total = self.pdf.frame_width
        size = self.pdf.table.fontSize
        padding = 9.0
        floors, wants = [], []
        sample = rows[:300]
        for index, column in enumerate(columns):
            texts = [plain_text(row[index].text) for row in sample if index < len(row)]
            longest_word = max((width_of(w, SANS, size) for t in texts for w in t.split()[:12]), default=0.0)
            floor = max([width_of(w, SANS_BOLD, size) for w in column.split()] + [min(longest_word, total * 0.12)])
            lengths = sorted(stringWidth(t, SANS, size) for t in texts)
            typical = lengths[int(len(lengths) * 0.85)] if lengths else 0.0
            floors.append(floor + padding)
            wants.append(max(floor + padding, min(typical + padding, total * 0.45)))
        if weights and len(weights) == len(columns):
            # The weights' shares, raised to each column's floor (the excess comes off the others below).
            wants = [max(f, w / sum(weights) * total) for f, w in zip(floors, weights, strict=True)]
        if sum(wants) <= total:
            spare = total - sum(wants)
            return [w + spare * w / sum(wants) for w in wants]
        # Too wide: shrink what can wrap, never below a column's floor.
        excess = sum(wants) - total
        slack = [w - f for w, f in zip(wants, floors, strict=True)]
        if sum(slack) <= 0:
            return [total / len(columns)] * len(columns)
        share = min(1.0, excess / sum(slack))
        return [w - s * share for w, s in zip(wants, slack, strict=True)]

    def _record_table(self, block: RecordTable) -> list[Flowable]:
        pdf = self.pdf
        key = self._plan.get(id(block), self._next_key())
        story: list[Flowable] = [CondPageBreak(120),
                                 Heading(self._inline(block.title), pdf.h2, key, 1, plain_text(block.title))]
        if block.help:
            story.append(Para(self._inline(block.help), pdf.small))
        if not block.rows:
            story.append(Para("No records.", pdf.muted))
            return story
        block, gaps = plain_gaps(block)
        story.append(Spacer(1, 4))
        story.append(self._cells_table(block.columns, block.rows, self._widths(block.columns, block.rows)))
        if gaps:
            story.append(Spacer(1, 4))
            story.append(self._text(gaps, pdf.small))
        story.append(Spacer(1, 8))
        for entry in block.entries:
            story.extend(self._record_entry(entry))
        return story

    def _next_key(self) -> str:
        self._keys += 1
        return f"k{self._keys}"

    def _record_entry(self, entry: RecordEntry) -> list[Flowable]:
        pdf = self.pdf
        title = f"{self._inline(entry.title)}  <font color=\"{pdf.hex('muted')}\" size=\"8\">{entry.record_id}</font>"
        if entry.sensitivity == Sensitivity.HAZARDOUS:
            title += (f'\u00a0\u00a0<font size="6.5" color="#ffffff" backColor="{pdf.hex("hazard_text")}">'
                      f'<b>\u00a0WHOLE RECORD HAZARDOUS\u00a0</b></font>')
        elif entry.sensitivity == Sensitivity.INTERNAL:
            title += (f'\u00a0\u00a0<font size="6.5" color="#ffffff" backColor="{pdf.hex("muted")}">'
                      f'<b>\u00a0WHOLE RECORD INTERNAL\u00a0</b></font>')
        story: list[Flowable] = [Heading(title, pdf.h3, self._next_key(), 2, plain_text(entry.title))]
        missing: list[str] = []
        for group in entry.groups:
            story.extend(self._compact_group(group, missing))
        if missing:
            base = self.markup.base(pdf.small)
            story.append(TextBlock([("Not provided: ", base.but(font=SANS_BOLD)),
                                    (", ".join(missing) + ".", base)], pdf.small))
        return story

    def _compact_group(self, group: FieldGroup, missing: list[str]) -> list[Flowable]:
        """A record's fields, dense: short values run together, labels run into their text.

        Five hundred evaluation records must stay readable without a page each;
        empty fields are named once, in the entry's closing line.
        """
        pdf = self.pdf
        story: list[Flowable] = []
        facts: list[Run] = []
        style = pdf.facts
        base = self.markup.base(style)
        prefix: list[Run] = [(f"{group.title}:\u00a0 ", base.but(font=SANS_BOLD))] if group.title else []
        for entry in group.entries:
            if not entry.text:
                missing.append(f"{group.title} — {entry.label}" if group.title else entry.label)
            elif not entry.markdown or entry.withheld:
                if facts:
                    facts.append(("\u2003 ", base))
                facts += self._label_runs(entry, style, label=entry.label.replace(" ", "\u00a0"))
                value = self._runs(entry.text, style)
                back = entry.fill or (pdf.hex("hazard_background")
                                      if entry.sensitivity == Sensitivity.HAZARDOUS and not entry.withheld else None)
                if back:
                    value = [(text, run.but(back=back)) for text, run in value]
                facts += value
        if facts:
            story.append(TextBlock(prefix + facts, style))
            prefix = []
        for entry in group.entries:
            if not entry.markdown or not entry.text or entry.withheld:
                continue
            hazard = entry.sensitivity == Sensitivity.HAZARDOUS
            body = pdf.body_hazard if hazard else pdf.body
            lead = prefix + self._label_runs(entry, body, ".")
            prefix = []
            story.extend(self.markup.blocks(markdown_html(entry.text), hazard=hazard, lead=lead))
        return story

    def _data_table(self, block: DataTable) -> list[Flowable]:
        story: list[Flowable] = []
        if block.title:
            story.append(Para(self._inline(block.title), self.pdf.h3))
        if not block.rows:
            story.append(Para("None.", self.pdf.muted))
            return story
        story.append(self._cells_table(block.columns, block.rows, self._widths(block.columns, block.rows,
                                                                                block.widths),
                                       block.markdown_columns))
        story.append(Spacer(1, 10))
        return story

    def _chart(self, block: Chart) -> list[Flowable]:
        drawing = draw_chart(block, self.pdf.frame_width, self.styles)
        return [KeepTogether([Para(self._inline(block.title), self.pdf.h3), Spacer(1, 4), drawing,
                              Para(self._inline(block.caption), self.pdf.caption)])]


def _metadata_text(text: str) -> str:
    """Text for the Info dictionary: without invisible format characters (a soft hyphen has no
    meaning in a title, and PDFDocEncoding has no code for it, so readers would see raw bytes)."""
    return "".join(c for c in " ".join(text.split()) if unicodedata.category(c) != "Cf")


def _tint(colour: str) -> str:
    """Status colours are strong; a cell background gets a light version of them."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    if red + green + blue > 600:
        return colour
    return "#" + "".join(f"{round(v + (255 - v) * 0.78):02x}" for v in (red, green, blue))
