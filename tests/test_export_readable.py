"""The reports as a careful reader finds them (issue 16, items 12-15).

Labels stay out of the scores chart's plotting areas, a very long model name
neither runs off the page nor breaks inside a word, the public compliance table
is written for someone who never saw the forms, and a gap is stated once.
"""

from __future__ import annotations

import io
import re

import pytest
from reportlab.graphics.shapes import Group, Rect, String
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.content.report_layout import load_styles
from app.export.chart_drawing import draw_chart
from app.export.formats import writer_for
from app.export.formats.pdf_fit import fit_words, running_title
from app.export.pipeline import build_for_audience
from app.export.report import Chart, DataTable, RecordTable, Report
from app.interchange.examples import example_document

LONG_NAME = ("Halcyon-3 Extended-Context Multimodal Research Preview with Tool Use, Code Execution and Retrieval "
             "Augmentation for Enterprise Deployment in Regulated Industries (Internal Evaluation Build, Q3 of 2025)")


@pytest.fixture(scope="module")
def doc():
    return example_document()


@pytest.fixture(scope="module")
def internal(doc) -> Report:
    return build_for_audience(doc, "internal")


@pytest.fixture(scope="module")
def public(doc) -> Report:
    return build_for_audience(doc, "public")


def _section(report: Report, kind: str):
    return next(s for s in report.sections if s.kind == kind)


def _shapes(node):
    for child in getattr(node, "contents", []):
        yield child
        if isinstance(child, Group):
            yield from _shapes(child)


def test_no_label_sits_inside_a_plotting_area_of_the_scores_chart(internal: Report):
    """Error bars can reach any height inside a panel; a label there gets crossed (item 12)."""
    chart = next(b for s in internal.sections for b in s.blocks
                 if isinstance(b, Chart) and b.kind == "evaluation_scores")
    drawing = draw_chart(chart, 480, load_styles())
    shapes = list(_shapes(drawing))
    panels = [r for r in shapes if isinstance(r, Rect) and r.height > 100]
    assert len(panels) == len(chart.spec.panels)
    labels = [s for s in shapes if isinstance(s, String) and s.text.strip()]
    assert any(s.text.strip() == "threshold" for s in labels), "the threshold line is named in the legend"
    for label in labels:
        width = stringWidth(label.text, label.fontName, label.fontSize)
        left = {"start": label.x, "middle": label.x - width / 2, "end": label.x - width}[label.textAnchor]
        for panel in panels:
            inside_x = left < panel.x + panel.width - 0.5 and left + width > panel.x + 0.5
            inside_y = label.y < panel.y + panel.height - 0.5 and label.y + label.fontSize * 0.7 > panel.y + 0.5
            assert not (inside_x and inside_y), f"{label.text.strip()!r} is drawn inside a panel"


def test_the_running_header_shortens_a_long_name_at_a_word_and_keeps_the_version():
    from app.export.fonts import SANS, register_fonts
    register_fonts()
    room = 300.0
    line = running_title(LONG_NAME, "h3-2025-08-rc2", room)
    assert stringWidth(line, SANS, 7.5) <= room
    assert line.endswith("… h3-2025-08-rc2")
    kept = line[: -len("… h3-2025-08-rc2")]
    assert LONG_NAME.startswith(kept) and LONG_NAME[len(kept)] in " ,", "cut between words"
    one_word = "Halcyon-3-" + "-".join(["Extended"] * 30)
    cut = fit_words(one_word, SANS, 7.5, 120)
    assert cut.endswith("…") and one_word.startswith(cut[:-1]) and one_word[len(cut) - 1] == "-"


def test_a_200_character_model_name_wraps_on_the_cover_and_fits_the_page_header(doc):
    from pypdf import PdfReader

    assert len(LONG_NAME) >= 200
    other = doc.copy()
    other.values["header.model.name"].data = LONG_NAME
    pdf = writer_for("pdf", load_styles()).write(build_for_audience(other, "internal"))
    reader = PdfReader(io.BytesIO(pdf))
    cover = reader.pages[0].extract_text()
    cover_words = set(re.split(r"\s+", cover))
    assert all(word in cover_words for word in LONG_NAME.split()), "every word of the name whole on the cover"
    width = float(reader.pages[2].mediabox.width)
    placed: list[tuple[float, str]] = []

    def visit(text, cm, tm, font, size):  # type: ignore[no-untyped-def]
        if text.strip():
            placed.append((tm[4] * cm[0] + cm[4], text))

    reader.pages[2].extract_text(visitor_text=visit)
    header = [text for x, text in placed if "h3-2025-08-rc2" in text]
    assert header and "…" in header[0], header
    assert all(x < width - 20 for x, _ in placed)


def test_the_public_compliance_table_speaks_to_a_public_reader(public: Report, internal: Report):
    section = _section(public, "compliance")
    table = next(b for b in section.blocks if isinstance(b, DataTable))
    assert table.columns == ("Commitment", "Result", "What the assessment shows", "Where", "Source")
    rule_ids = {f.rule_id for f in public.findings}
    paths = {f.address for f in public.findings if f.address}
    for row in table.rows:
        text = " ".join(cell.text for cell in row)
        assert not any(re.search(rf"(?<![\w-]){re.escape(rule)}(?![\w-])", text) for rule in rule_ids), text
        assert not any(path in text for path in paths) and "_" not in row[3].text, text
        assert row[1].text in {"Met", "Not met", "Evidence missing", "Partly met"}
    assert {row[1].text for row in table.rows} == {"Met"}
    wheres = {row[3].text for row in table.rows}
    assert "Safeguards and decision › Security level reached" in wheres
    assert any(re.search(r"all \d+ commitments checked are met", b.markdown)
               for b in section.blocks if hasattr(b, "markdown"))
    internal_table = next(b for b in _section(internal, "compliance").blocks if isinstance(b, DataTable))
    assert internal_table.columns[:3] == ("Result", "Rule", "Field")


def test_a_gap_is_said_once_per_table_not_once_per_record(public: Report):
    markdown = writer_for("md", load_styles()).write(public).decode("utf-8")
    assert "Not provided" not in markdown.split("## 5 ")[0].split("### Checkpoints")[1]
    assert markdown.count("Notes (in 5 of 8: ckpt-1, ckpt-2, ckpt-4, ckpt-5, ckpt-8)") == 1
    from app.export.formats.gaps import plain_gaps
    tables = [b for section in public.sections for b in section.blocks if isinstance(b, RecordTable) and b.rows]
    notes = 0
    for table in tables:
        shown, note = plain_gaps(table)
        assert not [f for e in shown.entries for g in e.groups for f in g.entries if not f.text], table.title
        notes += bool(note)
        if note:
            assert note.split(":")[0] in markdown
    assert notes >= 4
    checkpoints = markdown.split("### Checkpoints")[1].split("####")[0]
    assert "| Effective compute (FLOP) |" not in checkpoints and "redacted" not in checkpoints
    assert "not shown" not in markdown
    assert "No chart of evaluation scores against effective compute in this edition" in markdown
    assert "Effective compute (FLOP)" in markdown.split("No chart of evaluation scores")[1].split("\n")[0]
