"""Markdown, HTML and JSON reports: what a reader or a program gets from each."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import jsonschema
import markdown
import pytest

from app.content.report_layout import load_styles
from app.export.formats import writer_for
from app.export.pipeline import build_for_audience
from app.interchange.examples import example_document
from app.model import Value


@pytest.fixture(scope="module")
def doc():
    return example_document()


@pytest.fixture(scope="module")
def reports(doc):
    return {audience: build_for_audience(doc, audience) for audience in ("internal", "reviewers", "public")}


def _write(report, fmt: str) -> bytes:
    return writer_for(fmt, load_styles()).write(report)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.comments: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append((tag, dict(attrs)))

    def handle_comment(self, data):  # type: ignore[no-untyped-def]
        self.comments.append(data)

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.text.append(data)


def _parse(html: str) -> _Collect:
    collect = _Collect()
    collect.feed(html)
    return collect


def test_html_is_one_self_contained_file_with_nothing_hidden(reports) -> None:
    html = _write(reports["public"], "html").decode("utf-8")
    parsed = _parse(html)
    tags = [t for t, _ in parsed.tags]
    assert tags.count("style") == 1 and "script" not in tags and "link" not in tags and "img" not in tags
    assert parsed.comments == []
    for tag, attrs in parsed.tags:
        assert "alt" not in attrs and "title" not in attrs, tag
        assert "display:none" not in (attrs.get("style") or "").replace(" ", "")
        for value in attrs.values():
            assert not (value or "").startswith(("http:", "https:", "data:")) or tag == "a", (tag, value)
    assert tags.count("svg") == 3  # charts inline; the one plotting effective compute is withheld from the public
    assert "No chart of evaluation scores against effective compute in this edition" in html
    assert 'class="banner top">PUBLIC<' in html and 'class="banner bottom">PUBLIC<' in html
    assert "@top-center" in html and 'counter(page) " of " counter(pages)' in html


def test_html_renders_markdown_and_sanitises_it(doc) -> None:
    hostile = doc.copy()
    hostile.values["header.scope"] = Value(
        "**Bold** and `code`, a [link](https://example.org/x) and a bad [one](javascript:alert(1)).\n\n"
        "<script>alert('x')</script><img src=x onerror=alert(2)>\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    html = _write(build_for_audience(hostile, "internal"), "html").decode("utf-8")
    assert "<strong>Bold</strong>" in html and "<code>code</code>" in html
    assert '<a href="https://example.org/x">link</a>' in html
    assert "javascript:" not in html and "<script>alert" not in html and "onerror" not in html
    assert re.search(r"<ul>\s*<li>one</li>\s*<li>two</li>\s*</ul>", html)
    assert re.search(r"<table>\s*<thead>", html)


def test_internal_html_marks_hazardous_passages(reports) -> None:
    html = _write(reports["internal"], "html").decode("utf-8")
    assert '<mark class="hz hz-start" data-domain="cyber">' in html
    assert '<span class="tag hazardous">HAZARDOUS</span>' in html
    public = _write(reports["public"], "html").decode("utf-8")
    assert "<mark " not in public and "tag hazardous" not in public
    assert '<span class="withheld">[redacted: hazardous detail — cybersecurity]</span>' in public


def test_markdown_report_reads_as_markdown(reports) -> None:
    text = _write(reports["internal"], "md").decode("utf-8")
    assert text.startswith("> **INTERNAL — CONTAINS HAZARDOUS INFORMATION**\n")
    assert "## Contents" in text and "- [1 Summary](#1-summary)" in text
    assert "## 1 Summary" in text and "## Appendix A Redaction log" in text
    assert "| Category | Before mitigation | After mitigation | Basis |" in text
    assert "<!--" not in text and text.count("<svg") == 4  # scorecard, scores, worst case, timeline
    assert "**⚠ HAZARDOUS · CYBERSECURITY:** <mark>" in text
    rendered = markdown.markdown(text, extensions=["tables"])
    assert "<table>" in rendered and "<h2>5 Evaluations and red-teaming</h2>" in rendered
    public = _write(reports["public"], "md").decode("utf-8")
    assert public.startswith("> **PUBLIC**\n") and "<mark>" not in public
    assert "\\[redacted: hazardous detail — cybersecurity\\]" in public or \
        "[redacted: hazardous detail — cybersecurity]" in public


def test_json_follows_its_documented_schema(reports) -> None:
    from app.content.locate import content_path  # noqa: F401 - the schema sits beside the other content schemas
    from pathlib import Path

    import app.content
    schema = json.loads((Path(app.content.__file__).parent / "jsonschema" / "report_export.schema.json").read_text())
    for audience, report in reports.items():
        data = json.loads(_write(report, "json"))
        jsonschema.Draft202012Validator(schema).validate(data)
        assert data["edition"]["audience"] == audience
    public = json.loads(_write(reports["public"], "json"))
    assert public["summary"]["overall_status"] == "compliant"
    assert public["summary"]["decision"] == "deploy_with_restrictions"
    assert public["redaction"]["total"] > 0 and public["redaction"]["withheld_records"] == 2
    assert {row["category"] for row in public["scorecard"]} == {"cybersecurity", "cbrn", "persuasion",
                                                                "model_autonomy"}
    assert all(f["url"] == "" for f in public["findings"])  # host names stay out of the public edition
    assert all("name" not in s for s in public["revision"]["signoffs"])
    internal = json.loads(_write(reports["internal"], "json"))
    assert internal["redaction"] is None
    assert any(f["url"].startswith("https://") for f in internal["findings"])


def test_json_is_utf8_without_escapes(doc) -> None:
    other = doc.copy()
    other.values["header.model.name"] = Value("Гальцион-3")
    raw = _write(build_for_audience(other, "public"), "json")
    assert "Гальцион-3".encode() in raw and b"\\u04" not in raw


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_text_formats_are_reproducible(doc, reports, fmt: str) -> None:
    again = build_for_audience(example_document(), "public")
    assert _write(again, fmt) == _write(reports["public"], fmt)
