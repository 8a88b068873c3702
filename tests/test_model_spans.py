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


@pytest.mark.parametrize("text", [
    "[[hazardous:bio]]paste[[/hazardous]]",  # near-miss spellings
    "[[hazard_bio]]paste[[/hazard_bio]]",
    "[hazard:bio]paste[/hazard]",
    "{{hazard:bio}}paste{{/hazard}}",
    "[[haz\u00adard:bio]]paste[[/hazard]]",  # a soft hyphen inside the tag
    "[[hazard\u200b:bio]]paste[[/hazard]]",  # a zero-width space
    "[[h\u0430zard:bio]]paste[[/hazard]]",  # a Cyrillic a
    "[[\uff48azard:bio]]paste[[/hazard]]",  # a fullwidth h
    "\u27e6hazard:bio]]paste[[/hazard]]",  # a look-alike bracket
    "[[hazard:bio]]paste[[/haz\u0430rd]]",  # a disguised closing tag
])
def test_near_miss_markup_is_an_error_not_plain_text(text):
    """Issue #11 case 6: each of these was published as plain text by the public filter."""
    with pytest.raises(SpanError, match="malformed span tag") as raised:
        parse_spans(text)
    assert raised.value.offset in (0, text.index("paste") + 5)
    from app.model.spans import has_span_markup
    assert has_span_markup(text)  # so the filter's fast path cannot skip it


@pytest.mark.parametrize("text", [
    "Plain prose about a hazard [see annex] and [hazardous materials omitted by the lab].",
    "A list item [1] and a link [the hazard register](https://example.org/x).",
    "Valid: [[hazard:bio]]paste[[/hazard]]] with a stray bracket after, and \u00ad soft hyphens elsewhere.",
])
def test_prose_with_brackets_is_not_taken_for_markup(text):
    assert "".join(s.text for s in parse_spans(text))


def test_the_look_alike_list_follows_the_vendored_confusables():
    """The model cannot read content files, so it lists the look-alikes of the tag's letters itself."""
    import json
    import unicodedata

    from app.content.locate import content_path
    from app.model.spans import _LOOKALIKES
    data = json.loads(content_path("schemas", "detectors", "confusables.json").read_text(encoding="utf-8"))

    def decode(codes: str) -> str:
        return "".join(chr(int(code, 16)) for code in codes.split())
    expected: dict[str, set[str]] = {}
    for source, prototype in {**data["mapping"], **data["supplement"]}.items():
        char, target = decode(source), decode(prototype).casefold()
        if target in "hazrd:/" and len(target) == 1 and len(char) == 1 \
                and unicodedata.normalize("NFKC", char).casefold() not in "hazrd:/":
            expected.setdefault(target, set()).add(char)
    assert {target: set(chars) for target, chars in _LOOKALIKES.items() if target in expected} == expected


def test_validate_names_the_field_and_the_public_export_refuses_a_near_miss(tmp_path, capsys):
    from app.cli import main
    from app.interchange.examples import example_document
    from app.model import Value
    from app.store import AssessmentFile
    doc = example_document()
    doc.values["retrospective.process_changes"] = Value("We now [[h\u0430zard:bio]]grind the grey paste[[/hazard]].")
    path = tmp_path / "near.rwa"
    AssessmentFile.create(path, doc).close()
    assert main(["validate", str(path)]) == 1
    assert "retrospective.process_changes: malformed span tag" in capsys.readouterr().out
    output = tmp_path / "public.md"
    assert main(["export", str(path), "--audience", "public", "--format", "md", "-o", str(output)]) == 1
    assert "malformed span tag" in capsys.readouterr().err and not output.exists()


def test_a_bracket_typed_just_before_a_valid_tag_is_text():
    assert [(s.text, s.domain) for s in parse_spans("[[hazard:bio]][[[/hazard]]")] == [("[", "bio")]
    assert [(s.text, s.domain) for s in parse_spans("see [[[hazard:chem]]x[[/hazard]]]")] == [
        ("see [", None), ("x", "chem"), ("]", None)]


def test_every_character_that_looks_like_an_opening_bracket_is_looked_at():
    import sys
    import unicodedata

    from app.model.spans import _FOLD, _OPENERS

    def skeleton(char: str) -> str:
        folded = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).casefold()
        return _FOLD.get(char, "".join(_FOLD.get(c, c) for c in folded))
    found = {chr(code) for code in range(min(sys.maxunicode, 0x1FFFF) + 1)
             if unicodedata.category(chr(code)) not in ("Cs", "Cn") and skeleton(chr(code)) in ("[", "{", "<")}
    assert found == set(_OPENERS)


def test_tags_padded_with_invisible_characters_are_still_seen():
    text = "x [[" + "\u200b" * 200 + "haz\u00adard:bio]]paste[[/hazard]] \u2014 end"
    with pytest.raises(SpanError, match="malformed span tag"):
        parse_spans(text)
