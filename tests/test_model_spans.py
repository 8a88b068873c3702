"""Hazardous span markup: accepted exactly, refused when malformed."""

import pytest

from app.model.spans import SpanError, parse_spans, plain_text, span_at, unwrap_span, wrap_span


def test_spans_split_text_into_plain_and_hazardous_segments():
    text = "Before [[hazard:bio]]the fake Glimmerpox-7 step[[/hazard]] after."
    segments = parse_spans(text)
    assert [(s.text, s.domain) for s in segments] == [
        ("Before ", None), ("the fake Glimmerpox-7 step", "bio"), (" after.", None)]
    assert text[segments[1].start:].startswith("the fake")
    assert plain_text(text) == "Before the fake Glimmerpox-7 step after."


@pytest.mark.parametrize("text, complaint", [
    ("a [[hazard:bio]]open forever", "never closed"),
    ("[[hazard:bio]]a [[hazard:cyber]]b[[/hazard]][[/hazard]]", "cannot nest"),
    ("[[hazard:nuclearish]]x[[/hazard]]", "unknown hazard domain"),
    ("stray [[/hazard]] close", "closes no span"),
    ("[[Hazard:bio]]x[[/hazard]]", "malformed span tag"),
    ("[[hazard: bio]]x[[/hazard]]", "malformed span tag"),
    ("[[hazard]]x[[/hazard]]", "malformed span tag"),
    ("[[hazard:bio]x[[/hazard]]", "malformed span tag"),
    ("[[ /hazard ]]", "malformed span tag"),
])
def test_malformed_markup_is_an_error_not_text(text, complaint):
    with pytest.raises(SpanError, match=complaint):
        parse_spans(text)


def test_wrap_and_unwrap_a_selection():
    text = "Run the purple reagent step twice."
    start = text.index("purple")
    end = start + len("purple reagent step")
    marked = wrap_span(text, start, end, "chem")
    assert marked == "Run the [[hazard:chem]]purple reagent step[[/hazard]] twice."
    assert span_at(marked, marked.index("reagent")).domain == "chem"
    assert unwrap_span(marked, marked.index("reagent")) == text


def test_wrapping_across_an_existing_span_is_refused():
    marked = "a [[hazard:bio]]b[[/hazard]] c"
    with pytest.raises(ValueError, match="already marked"):
        wrap_span(marked, 0, len(marked), "bio")
    with pytest.raises(ValueError, match="unknown hazard domain"):
        wrap_span("abc", 0, 1, "space")
