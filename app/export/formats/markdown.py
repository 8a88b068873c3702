"""The Markdown report: readable as plain text, renders on common Markdown viewers.

Charts are inline SVG blocks (viewers that render HTML show them; the text
of every label stays in the file, visible to the output leak scan). The
file holds no HTML comments and no hidden markup: what it says is what it
shows.
"""

from __future__ import annotations

import re

from app.export.chart_drawing import chart_svg
from app.export.formats.base import NOT_PROVIDED, ReportWriter, audience_note, sensitivity_tag
from app.export.formats.gaps import plain_gaps
from app.export.report import (
    cover_facts,
    Block, Cell, Chart, DataTable, Facts, FieldEntry, FieldGroup, Prose, RecordEntry, RecordTable, Report,
    Section,
)
from app.export.text import DOMAIN_LABELS, spans_to_tags
from app.model.sensitivity import Sensitivity
from app.model.spans import SpanError, parse_spans

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")
_CHART_WIDTH = 640.0


def _open_mark(domain: str, first: bool) -> str:
    label = f"**⚠ HAZARDOUS · {DOMAIN_LABELS.get(domain, 'other').upper()}:** " if first else ""
    return f"{label}<mark>"


def escape(text: str) -> str:
    """Plain text as Markdown that shows exactly that text (one line)."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def slug(heading: str) -> str:
    """The anchor GitHub-style viewers give a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.lower()).strip()
    return re.sub(r" ", "-", text)


class MarkdownWriter(ReportWriter):
    format_id = "md"
    suffix = ".md"

    def write(self, report: Report) -> bytes:
        self.report = report
        self.internal = report.header.audience == "internal"
        lines: list[str] = []
        lines += self._cover(report)
        lines += self._contents(report)
        for section in report.sections:
            lines += self._section(section)
        text = "\n".join(lines)
        text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
        return text.encode("utf-8")

    # -- text ----------------------------------------------------------------
    def _inline(self, text: str) -> str:
        """A one-line value: escaped, with marked passages (internal) shown as such."""
        raw = " ".join(text.split())
        if not (self.internal and "[[hazard:" in raw):
            return escape(raw)
        try:
            segments = parse_spans(raw)
        except SpanError:
            return escape(raw)
        return "".join(_SPECIAL.sub(r"\\\1", s.text) if s.domain is None
                       else _open_mark(s.domain, True) + _SPECIAL.sub(r"\\\1", s.text) + "</mark>"
                       for s in segments)

    def _markdown(self, text: str) -> str:
        """A Markdown field as is, with marked passages (internal) turned into visible marks."""
        body = text.strip("\n")
        if self.internal and "[[hazard:" in body:
            body = spans_to_tags(body, _open_mark, "</mark>")
        return body

    def _cell(self, cell: Cell) -> str:
        return self._inline(cell.text) if cell.text else "—"

    # -- parts -------------------------------------------------------------------
    def _cover(self, report: Report) -> list[str]:
        header = report.header
        lines = [f"> **{escape(header.banner)}**", "",
                 f"# {escape(header.model)} — {escape(header.title)}", ""]
        lines += ["| | |", "| --- | --- |"]
        lines += [f"| **{fact.label}** | {escape(fact.text) if fact.text else '—'} |" for fact in cover_facts(report)]
        lines += ["", f"*{escape(audience_note(report))}*", ""]
        return lines

    def _contents(self, report: Report) -> list[str]:
        lines = ["## Contents", ""]
        for section in report.sections:
            lines.append(f"- [{escape(section.heading)}](#{slug(escape(section.heading))})")
            for block in section.blocks:
                if isinstance(block, RecordTable):
                    lines.append(f"  - [{escape(block.title)}](#{slug(escape(block.title))})")
        lines.append("")
        return lines

    def _section(self, section: Section) -> list[str]:
        lines = [f"## {escape(section.heading)}", ""]
        for block in section.blocks:
            lines += self._block(block)
        lines += [f"*{escape(self.report.header.banner)}*", ""]
        return lines

    def _block(self, block: Block) -> list[str]:
        if isinstance(block, Prose):
            body = self._markdown(block.markdown)
            return [f"*{body}*" if block.tone == "muted" and "\n" not in body else body, ""]
        if isinstance(block, FieldGroup):
            return self._group(block, 4)
        if isinstance(block, RecordTable):
            return self._records(block)
        if isinstance(block, DataTable):
            title = [f"#### {escape(block.title)}", ""] if block.title else []
            return title + self._table(block.columns, block.rows, block.markdown_columns)
        if isinstance(block, Chart):
            return [f"#### {escape(block.title)}", "", chart_svg(block, _CHART_WIDTH, self.styles), "",
                    f"*{escape(block.caption)}*", ""]
        if isinstance(block, Facts):
            rows = ["| | |", "| --- | --- |"]
            rows += [f"| **{escape(label)}** | {self._cell(cell)} |" for label, cell in block.items]
            return rows + [""]
        raise TypeError(f"no Markdown rendering for {type(block).__name__}")

    def _label(self, entry: FieldEntry) -> str:
        tag = sensitivity_tag(entry)
        return f"**{escape(entry.label)}**" + (f" `{tag}`" if tag else "")

    def _group(self, group: FieldGroup, level: int) -> list[str]:
        lines = [f"{'#' * level} {escape(group.title)}", ""] if group.title else []
        for entry in group.entries:
            if not entry.text:
                lines += [f"{self._label(entry)}: *{NOT_PROVIDED}*", ""]
            elif entry.markdown:
                body = self._markdown(entry.text)
                if entry.sensitivity == Sensitivity.HAZARDOUS:
                    body = "\n".join(f"> {line}" if line else ">" for line in body.split("\n"))
                lines += [self._label(entry), "", body, ""]
            else:
                lines += [f"{self._label(entry)}: {self._inline(entry.text)}", ""]
        return lines

    def _table(self, columns: tuple[str, ...], rows: tuple[tuple[Cell, ...], ...],
               markdown_columns: tuple[int, ...] = ()) -> list[str]:
        lines = ["| " + " | ".join(escape(c) for c in columns) + " |",
                 "| " + " | ".join("---:" if rows and rows[0][i].align == "right" else "---"
                                   for i in range(len(columns))) + " |"]
        for row in rows:
            cells = []
            for index, cell in enumerate(row):
                if index in markdown_columns and cell.text:
                    cells.append(" ".join(cell.text.split()).replace("|", "\\|"))
                else:
                    cells.append(self._cell(cell))
            lines.append("| " + " | ".join(cells) + " |")
        return lines + [""]

    def _records(self, block: RecordTable) -> list[str]:
        lines = [f"### {escape(block.title)}", ""]
        if block.help:
            lines += [f"*{escape(block.help)}*", ""]
        if not block.rows:
            return lines + ["*No records.*", ""]
        block, gaps = plain_gaps(block)
        lines += self._table(block.columns, block.rows)
        if gaps:
            lines += [f"*{escape(gaps)}*", ""]
        for entry in block.entries:
            lines += self._entry(entry)
        return lines

    def _entry(self, entry: RecordEntry) -> list[str]:
        tag = ""
        if entry.sensitivity > Sensitivity.PUBLIC:
            tag = f" `WHOLE RECORD {entry.sensitivity.value.upper()}`"
        lines = [f"#### {self._inline(entry.title)} ({escape(entry.record_id)}){tag}", ""]
        for group in entry.groups:
            lines += self._group(group, 5)
        return lines
