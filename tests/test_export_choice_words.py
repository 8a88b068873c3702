"""A withheld choice word is not searched for on its own in the finished file (worstcase's report, 06:06).

A withheld record holding the choice "information" hid *which* option was chosen, not the word: the word is
the product's own and is in every PDF's embedded font licence ("For further information, contact …"), so
the finished-file scan refused every public PDF of such an assessment. The report model still never holds
the withheld choice (the property tests in tests/test_leak_every_channel.py read every channel for it).
"""

from __future__ import annotations

from app.export.errors import ExportRefused
from app.export.pipeline import write_report
from app.interchange.examples import example_document
from app.model.sensitivity import Sensitivity


def test_a_public_pdf_exports_when_a_withheld_record_holds_a_plain_choice_word(tmp_path) -> None:  # type: ignore[no-untyped-def]
    doc = example_document("open-weights")
    table = "pre_deployment.worst_case_recommendations"
    record = next(r for r in doc.records(table) if r.get("kind") == "information")
    record.sensitivity = Sensitivity.INTERNAL
    try:
        exported = write_report(doc, "public", "pdf", tmp_path / "public.pdf")
    except ExportRefused as refusal:
        raise AssertionError(f"refused: {refusal}") from None
    assert exported.path.exists()


def test_a_withheld_free_text_value_is_still_searched_for(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.export.audience import filtered, scannable_texts
    from app.content.forms import load_forms
    from app.export.pipeline import build_for_audience
    doc = example_document("open-weights")
    table = "pre_deployment.worst_case_recommendations"
    record = next(r for r in doc.records(table) if r.get("kind") == "information")
    record.sensitivity = Sensitivity.INTERNAL
    view = filtered(doc, "public", load_forms())
    texts = {t.text for t in scannable_texts(view, build_for_audience(doc, "public"))}
    assert "information" not in texts
    assert any(isinstance(v.data, str) and v.data in texts and len(v.data.split()) > 3
               for v in record.values.values()), "the record's free text is still searched for"


def test_an_empty_key_figures_block_writes_no_table_instead_of_a_traceback() -> None:
    """worstcase's note (06:03): a section that yields Facts(()) made reportlab raise in the PDF writer."""
    from dataclasses import replace

    from app.content.report_layout import load_styles
    from app.export.formats import writer_for
    from app.export.pipeline import build_for_audience
    from app.export.report import Facts
    report = build_for_audience(example_document(), "public")
    first = report.sections[0]
    report = replace(report, sections=(replace(first, blocks=(Facts(()), *first.blocks)), *report.sections[1:]))
    for fmt in ("pdf", "md", "html", "json", "docx"):
        assert writer_for(fmt, load_styles()).write(report)


def test_a_wider_report_is_built_only_from_the_copy_its_audience_filter_made() -> None:
    """Fail closed: a new export path that forgets the filter stops, instead of printing withheld values."""
    import pytest

    from app.content.forms import load_forms
    from app.content.report_layout import load_layout, load_styles
    from app.export.audience import filtered
    from app.export.build import ReportRefused, Revision, Withholding, build_report
    from app.model.spans import has_span_markup

    doc = example_document()
    for _address, value in doc.addresses():  # no spans: the older span check must not be what stops it
        if isinstance(value.data, str) and has_span_markup(value.data):
            value.data = "plain"
    forms = load_forms()

    def build(source, audience, withholding=None):  # type: ignore[no-untyped-def]
        return build_report(source, audience=audience, forms=forms, layout=load_layout(), styles=load_styles(),
                            facts=None, check=None, withholding=withholding or Withholding(),
                            revision=Revision("0" * 64))

    for audience in ("public", "reviewers"):
        with pytest.raises(ReportRefused, match="audience filter did not make"):
            build(doc, audience)
        with pytest.raises(ReportRefused, match="audience filter did not make"):
            build(filtered(doc, "reviewers" if audience == "public" else "public", forms).document, audience)
        view = filtered(doc, audience, forms)
        assert build(view.document, audience, view.withholding).sections


def test_the_kept_vocabulary_is_the_worked_out_one_and_a_changed_framework_is_a_miss(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import shutil
    from app.content import frameworks
    from app.export import choice_words
    monkeypatch.setenv("RISKWRIGHT_CACHE_DIR", str(tmp_path / "cache"))
    worked_out = choice_words._worked_out()
    choice_words.choice_vocabulary.cache_clear()
    assert choice_words.choice_vocabulary() == worked_out  # a miss: worked out and kept
    kept = list((tmp_path / "cache" / "derived" / choice_words.CACHE_KIND).glob("*.json"))
    assert len(kept) == 1
    choice_words.choice_vocabulary.cache_clear()
    assert choice_words.choice_vocabulary() == worked_out  # read back from the kept file
    folder = tmp_path / "schemas"
    shutil.copytree(frameworks.frameworks_folder(), folder)
    first = sorted(p for p in folder.glob("*.yaml") if p.stem not in frameworks.NOT_FRAMEWORKS)[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    monkeypatch.setattr(frameworks, "frameworks_folder", lambda: folder)
    choice_words.choice_vocabulary.cache_clear()
    try:
        assert choice_words.choice_vocabulary() == worked_out
        assert len(list(kept[0].parent.glob("*.json"))) == 2  # a new name: the changed file was a miss
    finally:
        choice_words.choice_vocabulary.cache_clear()


def test_the_kept_vocabulary_is_named_after_the_code_that_works_it_out_too() -> None:
    """The vocabulary is an exclusion list of the leak scan: a changed rule for working it out (this release's
    word views) must be a miss, not an old list read back."""
    from pathlib import Path
    from app.export import choice_words
    from app.redaction import normalise
    inputs = choice_words._content_bytes()
    for module in (choice_words, normalise):
        assert Path(module.__file__).read_bytes() in inputs  # type: ignore[arg-type]
