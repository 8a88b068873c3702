"""Every piece of text a report model holds, for checks that compare a file with its model."""

from __future__ import annotations

from collections.abc import Iterator

from app.export.report import (
    Block, Chart, DataTable, Facts, FieldGroup, Prose, RecordTable, Report,
)


def _block_texts(block: Block) -> Iterator[str]:
    if isinstance(block, Prose):
        yield block.markdown
    elif isinstance(block, FieldGroup):
        if block.title:
            yield block.title
        for entry in block.entries:
            yield entry.label
            yield entry.text
    elif isinstance(block, RecordTable):
        yield block.title
        yield block.help
        yield from block.columns
        for row in block.rows:
            yield from (cell.text for cell in row)
        for record in block.entries:
            yield record.title
            for group in record.groups:
                yield from _block_texts(group)
    elif isinstance(block, DataTable):
        if block.title:
            yield block.title
        yield from block.columns
        for row in block.rows:
            yield from (cell.text for cell in row)
    elif isinstance(block, Chart):
        yield block.title
        yield block.caption
    elif isinstance(block, Facts):
        for label, cell in block.items:
            yield label
            yield cell.text


def report_texts(report: Report) -> Iterator[str]:
    header = report.header
    yield from (header.title, header.model, header.version, header.developer, header.framework_title,
                header.assessment_date, header.status, header.banner)
    for section in report.sections:
        yield section.title
        for block in section.blocks:
            yield from _block_texts(block)
