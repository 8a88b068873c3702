"""One thin writer per output format, all fed the same report model.

The formats themselves are listed once, in ``app.model.outputs.FORMATS``.
"""

from __future__ import annotations

from app.content.report_layout import ReportStyles
from app.export.formats.base import ReportWriter
from app.model.outputs import FORMAT_IDS, FORMATS, OutputFormat

__all__ = ["FORMATS", "FORMAT_IDS", "OutputFormat", "ready_writer", "writer_for"]


def writer_for(format_id: str, styles: ReportStyles) -> ReportWriter:
    if format_id == "pdf":
        from app.export.formats.pdf import PdfWriter
        return PdfWriter(styles)
    if format_id == "md":
        from app.export.formats.markdown import MarkdownWriter
        return MarkdownWriter(styles)
    if format_id == "html":
        from app.export.formats.html import HtmlWriter
        return HtmlWriter(styles)
    if format_id == "json":
        from app.export.formats.json import JsonWriter
        return JsonWriter(styles)
    if format_id == "docx":
        from app.export.formats.docx import DocxWriter
        return DocxWriter(styles)
    raise ValueError(f"unknown format {format_id!r}; expected one of {', '.join(FORMAT_IDS)}")


def ready_writer(format_id: str, styles: ReportStyles) -> ReportWriter:
    """The writer for ``format_id`` with what its first report would otherwise load on the way — the
    PDF's embedded fonts, read from their files, python-markdown for Markdown fields, the chart
    renderer — loaded now (a forked child calls this while the
    exporting process is still building the report)."""
    writer = writer_for(format_id, styles)
    if format_id in ("pdf", "docx"):  # both draw charts, measuring their text in the report's fonts
        from app.export.fonts import register_fonts
        from app.export.text import ready_markdown
        if format_id == "pdf":
            import reportlab.graphics.renderPDF  # noqa: F401 - what drawing the first chart imports
        register_fonts()
        ready_markdown()  # python-markdown and its extensions: ~0.05 s on first use
    return writer
