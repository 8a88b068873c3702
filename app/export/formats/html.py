"""The HTML report: one self-contained file, its CSS inside, charts as inline SVG.

All text from the assessment arrives either escaped or as HTML that
python-markdown produced and nh3 sanitised (``app.export.text``). The page
itself carries no comments, no hidden elements and no ``title`` or ``alt``
attributes: every character in the file is one a reader can see. The
audience banner is fixed at the top and bottom of the window, so printed
pages repeat it too.
"""

from __future__ import annotations

import html

from app.export.chart_drawing import chart_svg
from app.export.fonts import CSS_STACK
from app.export.formats.base import NOT_PROVIDED, ReportWriter, audience_note, sensitivity_tag
from app.export.formats.gaps import plain_gaps
from app.export.report import (
    cover_facts,
    Block, Cell, Chart, DataTable, Facts, FieldEntry, FieldGroup, Prose, RecordEntry, RecordTable, Report,
    Section,
)
from app.export.text import inline_html, markdown_html
from app.model.sensitivity import Sensitivity

_CHART_WIDTH = 680.0


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _css_string(text: str) -> str:
    """Text as the inside of a CSS string (the banner in printed page margins)."""
    return "".join(ch if ch.isalnum() or ch in " -—·:" else f"\\{ord(ch):x} " for ch in text)


class HtmlWriter(ReportWriter):
    format_id = "html"
    suffix = ".html"

    def write(self, report: Report) -> bytes:
        self.report = report
        self._anchors: dict[int, str] = {}
        header = report.header
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(header.title)}: {_e(header.model)}</title>",
            f"<style>{self._css()}</style>",
            "</head>",
            f'<body class="tone-{_e(header.tone)}">',
            f'<div class="banner top">{_e(header.banner)}</div>',
            "<main>",
        ]
        parts += self._cover(report)
        parts += self._contents(report)
        for section in report.sections:
            parts += self._section(section)
        parts += ["</main>", f'<div class="banner bottom">{_e(header.banner)}</div>', "</body>", "</html>"]
        return ("\n".join(parts) + "\n").encode("utf-8")

    # -- style -------------------------------------------------------------------
    def _css(self) -> str:
        c = self.styles.colours
        banner = self.styles.banners[self.report.header.tone]
        body = self.styles.type["body"]
        return f"""
:root {{ --ink: {c['ink']}; --muted: {c['muted']}; --rule: {c['rule']}; --accent: {c['accent']}; }}
* {{ box-sizing: border-box; }}
html {{ font-family: {CSS_STACK}; color: var(--ink); background: #ffffff; }}
body {{ margin: 0; font-size: {body.size * 1.6:.1f}px; line-height: {body.leading / body.size:.2f}; }}
main {{ max-width: 54rem; margin: 0 auto; padding: 3.5rem 1.5rem 4rem; }}
.banner {{ position: fixed; left: 0; right: 0; z-index: 2; text-align: center; font-weight: bold;
  letter-spacing: .04em; font-size: 12px; padding: .35rem; background: {banner['background']};
  color: {banner['text']}; }}
.banner.top {{ top: 0; }} .banner.bottom {{ bottom: 0; }}
h1, h2, h3, h4, h5 {{ line-height: 1.25; }}
h1 {{ color: var(--accent); font-size: 1.9rem; margin: 3rem 0 .8rem; padding-top: 1rem;
  border-top: 3px solid var(--accent); }}
h2 {{ color: var(--accent); font-size: 1.3rem; margin: 2rem 0 .5rem; }}
h3 {{ font-size: 1.08rem; margin: 1.5rem 0 .3rem; }}
h4 {{ font-size: .95rem; margin: 1rem 0 .3rem; }}
.cover h1 {{ border: 0; font-size: 2.6rem; margin: 1rem 0 .2rem; color: var(--ink); }}
.kicker {{ color: var(--muted); font-weight: bold; letter-spacing: .06em; text-transform: uppercase;
  font-size: .8rem; margin-top: 2rem; }}
.note {{ background: {c['accent_light']}; padding: .8rem 1rem; border-radius: 4px; }}
.muted, .help, .caption {{ color: var(--muted); }}
.help, .caption {{ font-size: .85rem; }} .caption {{ font-style: italic; }}
table {{ border-collapse: collapse; width: 100%; margin: .5rem 0 1.2rem; font-size: .86rem; }}
th, td {{ text-align: left; vertical-align: top; padding: .3rem .45rem; border-bottom: 1px solid var(--rule); }}
thead th {{ background: {c['table_header']}; border-bottom: 1.5px solid var(--muted); }}
tbody tr:nth-child(even) td {{ background: {c['table_stripe']}; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }} td.center {{ text-align: center; }}
table.fields th {{ width: 30%; font-size: .8rem; color: var(--ink); background: none;
  border-bottom: 1px solid var(--rule); }}
.label {{ font-weight: bold; color: var(--muted); font-size: .82rem; margin: .9rem 0 .2rem; }}
.tag {{ display: inline-block; font-size: .66rem; font-weight: bold; letter-spacing: .04em; color: #fff;
  background: var(--muted); border-radius: 3px; padding: 0 .35rem; margin-left: .4rem;
  vertical-align: middle; }}
.tag.hazardous {{ background: {c['hazard_text']}; }}
.hazard-block {{ background: {c['hazard_background']}; border-left: 3px solid {c['hazard_rule']};
  padding: .2rem .8rem; }}
mark.hz {{ background: {c['hazard_background']}; color: {c['hazard_text']};
  border-bottom: 1px solid {c['hazard_rule']}; }}
mark.hz-start::before {{ content: "\\26A0  HAZARDOUS \\00B7  " attr(data-domain); font-size: .66rem;
  font-weight: bold; color: #fff; background: {c['hazard_text']}; border-radius: 2px; padding: 0 .3rem;
  margin-right: .3rem; text-transform: uppercase; }}
.withheld {{ background: {c['placeholder_background']}; color: {c['placeholder_text']}; font-style: italic;
  padding: 0 .25rem; border-radius: 2px; }}
pre {{ background: {c['code_background']}; padding: .6rem .8rem; overflow-x: auto; font-size: .82rem; }}
code {{ background: {c['code_background']}; padding: 0 .2rem; font-size: .88em; }}
a {{ color: var(--accent); }}
nav.contents ol {{ list-style: none; padding-left: 0; }} nav.contents ol ol {{ padding-left: 1.4rem; }}
nav.contents li {{ margin: .2rem 0; }}
figure {{ margin: 1rem 0 1.5rem; }} figure svg {{ max-width: 100%; height: auto; }}
.record {{ border-top: 1px solid var(--rule); margin-top: 1.2rem; }}
.record-id {{ color: var(--muted); font-weight: normal; font-size: .8rem; margin-left: .4rem; }}
@page {{ size: {self.styles.page_size}; margin: 2.2cm 1.9cm 2cm;
  @top-center {{ content: "{_css_string(self.report.header.banner)}"; color: {banner['background']};
    font: bold 8pt {CSS_STACK}; border-bottom: 2pt solid {banner['background']}; width: 100%; }}
  @bottom-left {{ content: "{_css_string(self.report.header.banner)}"; color: {banner['background']};
    font: bold 7pt {CSS_STACK}; }}
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages); color: {c['muted']};
    font: 8pt {CSS_STACK}; }} }}
@media print {{ .banner {{ display: none; }} main {{ max-width: none; padding: 0; }}
  h1 {{ break-before: page; }} .cover h1 {{ break-before: auto; }} }}
""".strip()

    # -- text ----------------------------------------------------------------------
    def _inline(self, text: str) -> str:
        return inline_html(text)

    def _cell(self, cell: Cell, markdown: bool = False) -> str:
        css = {"right": ' class="num"', "center": ' class="center"'}.get(cell.align, "")
        fill = f' style="background:{cell.fill}"' if cell.fill else ""
        if not cell.text:
            content = "—"
        elif markdown:
            content = markdown_html(cell.text)
        else:
            content = self._inline(cell.text)
        return f"<td{css}{fill}>{content}</td>"

    # -- parts -----------------------------------------------------------------------
    def _cover(self, report: Report) -> list[str]:
        header = report.header
        rows = [(fact.label, fact.text) for fact in cover_facts(report)]
        parts = ['<section class="cover">', f'<p class="kicker">{_e(header.title)}</p>',
                 f"<h1>{self._inline(header.model)}</h1>", '<table class="fields"><tbody>']
        parts += [f"<tr><th>{_e(label)}</th>\n<td>{self._inline(value) if value else '—'}</td></tr>"
                  for label, value in rows]
        parts += ["</tbody></table>", f'<p class="note">{_e(audience_note(report))}</p>', "</section>"]
        return parts

    def _contents(self, report: Report) -> list[str]:
        parts = ['<nav class="contents">', "<h2>Contents</h2>", "<ol>"]
        for index, section in enumerate(report.sections):
            anchor = f"s{index}"
            self._anchors[id(section)] = anchor
            parts.append(f'<li><a href="#{anchor}">{self._inline(section.heading)}</a>')
            subs = [(i, b) for i, b in enumerate(section.blocks) if isinstance(b, RecordTable)]
            if subs:
                parts.append("<ol>")
                for block_index, block in subs:
                    sub = f"{anchor}t{block_index}"
                    self._anchors[id(block)] = sub
                    parts.append(f'<li><a href="#{sub}">{self._inline(block.title)}</a></li>')
                parts.append("</ol>")
            parts.append("</li>")
        parts += ["</ol>", "</nav>"]
        return parts

    def _section(self, section: Section) -> list[str]:
        parts = [f'<section id="{self._anchors[id(section)]}">', f"<h1>{self._inline(section.heading)}</h1>"]
        for block in section.blocks:
            parts += self._block(block)
        parts.append("</section>")
        return parts

    def _block(self, block: Block) -> list[str]:
        if isinstance(block, Prose):
            css = {"muted": "muted", "note": "note"}.get(block.tone, "prose")
            return [f'<div class="{css}">{markdown_html(block.markdown)}</div>']
        if isinstance(block, FieldGroup):
            return self._group(block, "h3")
        if isinstance(block, RecordTable):
            return self._records(block)
        if isinstance(block, DataTable):
            title = [f"<h3>{self._inline(block.title)}</h3>"] if block.title else []
            return title + self._table(block.columns, block.rows, block.markdown_columns)
        if isinstance(block, Chart):
            return ["<figure>", f"<h3>{self._inline(block.title)}</h3>",
                    chart_svg(block, _CHART_WIDTH, self.styles),
                    f'<figcaption class="caption">{self._inline(block.caption)}</figcaption>', "</figure>"]
        if isinstance(block, Facts):
            rows = [f"<tr><th>{_e(label)}</th>\n{self._cell(cell)}</tr>" for label, cell in block.items]
            return ['<table class="fields"><tbody>', *rows, "</tbody></table>"]
        raise TypeError(f"no HTML rendering for {type(block).__name__}")

    def _label(self, entry: FieldEntry) -> str:
        tag = sensitivity_tag(entry)
        chip = f' <span class="tag {tag.lower()}">{tag}</span>' if tag else ""
        return f"{_e(entry.label)}{chip}"

    def _value(self, entry: FieldEntry) -> str:
        if not entry.text:
            return f'<span class="muted">{NOT_PROVIDED}</span>'
        return self._inline(entry.text)

    def _group(self, group: FieldGroup, heading: str) -> list[str]:
        parts = [f"<{heading}>{self._inline(group.title)}</{heading}>"] if group.title else []
        short: list[FieldEntry] = []

        def flush() -> None:
            if short:
                parts.append('<table class="fields"><tbody>')
                for entry in short:
                    style = ""
                    if entry.fill:
                        style = f' style="background:{entry.fill}"'
                    elif entry.sensitivity == Sensitivity.HAZARDOUS and entry.text and not entry.withheld:
                        style = f' style="background:{self.styles.colours["hazard_background"]}"'
                    parts.append(f"<tr><th>{self._label(entry)}</th>\n<td{style}>{self._value(entry)}</td></tr>")
                parts.append("</tbody></table>")
                short.clear()

        for entry in group.entries:
            if entry.markdown and entry.text and not entry.withheld:
                flush()
                body = markdown_html(entry.text)
                if entry.sensitivity == Sensitivity.HAZARDOUS:
                    body = f'<div class="hazard-block">{body}</div>'
                parts += [f'<div class="label">{self._label(entry)}</div>', body]
            else:
                short.append(entry)
        flush()
        return parts

    def _table(self, columns: tuple[str, ...], rows: tuple[tuple[Cell, ...], ...],
               markdown_columns: tuple[int, ...] = ()) -> list[str]:
        parts = ["<table>", "<thead><tr>\n" + "\n".join(f"<th>{_e(c)}</th>" for c in columns) + "\n</tr></thead>",
                 "<tbody>"]
        for row in rows:
            # Cells on their own lines: text extracted from the file never runs two cells together.
            parts.append("<tr>\n" + "\n".join(self._cell(cell, i in markdown_columns) for i, cell in enumerate(row))
                         + "\n</tr>")
        parts += ["</tbody>", "</table>"]
        return parts

    def _records(self, block: RecordTable) -> list[str]:
        anchor = self._anchors.get(id(block), "")
        parts = [f'<h2 id="{anchor}">{self._inline(block.title)}</h2>']
        if block.help:
            parts.append(f'<p class="help">{self._inline(block.help)}</p>')
        if not block.rows:
            return parts + ['<p class="muted">No records.</p>']
        block, gaps = plain_gaps(block)
        parts += self._table(block.columns, block.rows)
        if gaps:
            parts.append(f'<p class="help">{_e(gaps)}</p>')
        for entry in block.entries:
            parts += self._entry(entry)
        return parts

    def _entry(self, entry: RecordEntry) -> list[str]:
        tag = ""
        if entry.sensitivity > Sensitivity.PUBLIC:
            css = "hazardous" if entry.sensitivity == Sensitivity.HAZARDOUS else "internal"
            tag = f' <span class="tag {css}">WHOLE RECORD {entry.sensitivity.value.upper()}</span>'
        parts = ['<div class="record">', f'<h3>{self._inline(entry.title)}<span class="record-id">'
                                         f'{_e(entry.record_id)}</span>{tag}</h3>']
        for group in entry.groups:
            parts += self._group(group, "h4")
        parts.append("</div>")
        return parts
