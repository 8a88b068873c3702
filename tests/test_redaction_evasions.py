"""The evasion table of redaction.md: every listed disguise must still be caught.

Each row disguises a hazard term the way real documents have slipped past
naive matching. Every row is checked three ways: the word view equals the
plain term, the detector finds it *and* maps the hit back onto exactly the
disguised characters in the original text (so a flag wraps the right passage),
and the output leak scanner finds a withheld text written in that disguise.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from profiles import examples

from app.model.sensitivity import Sensitivity
from app.redaction.definitions import DetectorSpec
from app.redaction.detectors import DetectorSet
from app.redaction.leak_scan import leak_scan
from app.redaction.normalise import pattern_view, pattern_view_mapped, word_view, word_view_mapped

# (row name, disguised text, the plain term it must match)
EVASIONS: list[tuple[str, str, str]] = [
    ("plain", "anthrax", "anthrax"),
    ("upper case", "ANTHRAX", "anthrax"),
    ("mixed case", "AnThRaX", "anthrax"),
    ("zero-width space", "an\u200bthrax", "anthrax"),
    ("zero-width non-joiner", "ant\u200chrax", "anthrax"),
    ("zero-width joiner", "anth\u200drax", "anthrax"),
    ("word joiner", "anthr\u2060ax", "anthrax"),
    ("byte-order mark", "\ufeffanthrax", "anthrax"),
    ("soft hyphen", "an\u00adthrax", "anthrax"),
    ("two soft hyphens", "an\u00adth\u00adrax", "anthrax"),
    ("fullwidth letters", "ａｎｔｈｒａｘ", "anthrax"),
    ("fullwidth capitals", "ＡＮＴＨＲＡＸ", "anthrax"),
    ("mathematical bold", "𝐚𝐧𝐭𝐡𝐫𝐚𝐱", "anthrax"),
    ("mathematical script", "𝓪𝓷𝓽𝓱𝓻𝓪𝔁", "anthrax"),
    ("mathematical fraktur", "𝔞𝔫𝔱𝔥𝔯𝔞𝔵", "anthrax"),
    ("mathematical monospace", "𝚊𝚗𝚝𝚑𝚛𝚊𝚡", "anthrax"),
    ("combining acute inserted", "a\u0301nthrax", "anthrax"),
    ("several combining marks", "a\u0308n\u0303thra\u0327x", "anthrax"),
    ("precomposed accents", "änthràx", "anthrax"),
    ("Cyrillic a", "\u0430nthr\u0430x", "anthrax"),
    ("Cyrillic a and x", "\u0430nthr\u0430\u0445", "anthrax"),
    ("Greek alpha", "\u03b1nthr\u03b1x", "anthrax"),
    ("Latin alpha", "\u0251nthr\u0251x", "anthrax"),
    ("small capitals", "ᴀɴᴛʜʀᴀx", "anthrax"),
    ("hyphen and line break", "anth-\nrax", "anthrax"),
    ("hyphen, CRLF and indent", "anth-\r\n    rax", "anthrax"),
    ("Unicode hyphen and line break", "anth\u2010\nrax", "anthrax"),
    ("soft hyphen at a line break", "anth\u00ad\nrax", "anthrax"),
    # Combinations the property tests found (each once slipped through an earlier normaliser):
    ("combining mark between hyphen and line break", "anth-\u0301\nrax", "anthrax"),
    ("Markdown bold across a hyphenated line break", "anth-**\nrax**", "anthrax"),
    ("soft hyphen between hyphen and line break", "anth-\u00ad\nrax", "anthrax"),
    ("Markdown bold inside a word", "anth**rax**", "anthrax"),
    ("Markdown bold at the start", "**anth**rax", "anthrax"),
    ("Markdown italic inside a word", "an*th*rax", "anthrax"),
    ("Markdown strike inside a word", "anth~~ra~~x", "anthrax"),
    ("Markdown code inside a word", "anth`ra`x", "anthrax"),
    ("Turkish dotted capital I", "R\u0130C\u0130N", "ricin"),
    ("Turkish dotless i", "r\u0131c\u0131n", "ricin"),
    ("German sharp s", "Wei\u00dffieber", "weissfieber"),
    ("German capital sharp s", "WEI\u1e9eFIEBER", "weissfieber"),
    ("sharp s spelled out", "WEISSFIEBER", "weissfieber"),
    ("multi-word with line break", "Bacillus\n   anthracis", "bacillus anthracis"),
    ("multi-word with hyphen", "Bacillus-anthracis", "bacillus anthracis"),
    ("multi-word with non-breaking space", "Bacillus\u00a0anthracis", "bacillus anthracis"),
    ("multi-word with em dash", "Bacillus\u2014anthracis", "bacillus anthracis"),
    ("all at once", "Ａ\u200bn\u0301th\u00adr\u0430**\u0445**", "anthrax"),
]

TERMS = ("anthrax", "ricin", "Weißfieber", "Bacillus anthracis")


def _detectors() -> DetectorSet:
    spec = DetectorSpec(id="test_terms", label="Test terms", category="test agent", domain="bio",
                        sensitivity=Sensitivity.HAZARDOUS, kind="terms", terms=TERMS)
    return DetectorSet([spec])


@pytest.mark.parametrize(("name", "disguised", "plain"), EVASIONS, ids=[row[0] for row in EVASIONS])
def test_word_view_undoes_the_disguise(name: str, disguised: str, plain: str) -> None:
    assert word_view(disguised) == plain


@pytest.mark.parametrize(("name", "disguised", "plain"), EVASIONS, ids=[row[0] for row in EVASIONS])
def test_detector_finds_the_disguised_term_at_its_place(name: str, disguised: str, plain: str) -> None:
    text = f"Before it. {disguised} and after it."
    hits = _detectors().find(text)
    assert len(hits) == 1, hits
    hit = hits[0]
    assert hit.normalised == plain
    # The hit covers the disguised characters themselves (flags wrap them in a span).
    assert word_view(text[hit.start:hit.end]) == plain
    assert text[:hit.start].strip(" *\u200b\ufeff") == "Before it."
    assert text[hit.end:].lstrip("*`~") == " and after it."


@pytest.mark.parametrize(("name", "disguised", "plain"), EVASIONS, ids=[row[0] for row in EVASIONS])
def test_leak_scanner_finds_withheld_text_written_in_the_disguise(name: str, disguised: str,
                                                                   plain: str) -> None:
    withheld = f"the canary phrase {plain} qzxv"
    output = f"<p>Public text. The canary phrase {disguised} qzxv appears here.</p>".encode()
    leaks = leak_scan(output, "html", [withheld])
    assert any(leak.kind == "withheld" for leak in leaks)


def test_evasions_do_not_make_unrelated_words_match() -> None:
    detectors = _detectors()
    for text in ("anthracite mining", "the ricinus plant", "an thrax", "anthraxes", "Weiss fieber",
                 "bacillus subtilis anthracis"):
        assert detectors.find(text) == [], text


def test_pattern_view_keeps_case_and_punctuation_but_drops_disguises() -> None:
    assert pattern_view("AKIA\u200bZZZZ") == "AKIAZZZZ"
    assert pattern_view("ＣＶＥ\u2011２０９９\u2013０００１") == "CVE-2099-0001"
    assert pattern_view("s\u0435cret@l\u0430b.test") == "secret@lab.test"


_TEXT = st.text(alphabet=st.sampled_from(
    list("abcxyzAI -_*~`\n\t.,") + ["\u200b", "\u00ad", "\u0301", "\u0430", "ß", "ẞ", "İ", "ı", "ａ", "𝐛",
                                     "\u2010", "\u2014", "\u00a0", "ﬁ", "½", "東", "ـ", "\u0345"]),
    max_size=40)


@settings(max_examples=examples(1500), deadline=None)
@given(_TEXT)
def test_fast_and_mapped_word_views_agree(text: str) -> None:
    """Detection uses the fast view; flag offsets come from the mapped one — they must agree."""
    mapped, origin = word_view_mapped(text)
    assert mapped == word_view(text)
    assert len(origin) == len(mapped)
    assert origin == sorted(origin) and all(0 <= o < len(text) for o in origin)


@settings(max_examples=examples(1000), deadline=None)
@given(_TEXT)
def test_fast_and_mapped_pattern_views_agree(text: str) -> None:
    mapped, origin = pattern_view_mapped(text)
    assert mapped == pattern_view(text)
    assert len(origin) == len(mapped)


@settings(max_examples=examples(1000), deadline=None)
@given(_TEXT)
def test_word_view_is_stable(text: str) -> None:
    once = word_view(text)
    assert word_view(once) == once


_MIXED = st.lists(st.one_of(
    st.sampled_from(["anthrax", "ricin", "Bacillus", "anthracis", "Weißfieber", "the", "model", "ΒΑΣΗ", "ſarin"]),
    _TEXT), max_size=12).map(" ".join)


@settings(max_examples=examples(1500), deadline=None)
@given(_MIXED)
def test_the_cheap_gates_never_hide_a_hit(text: str) -> None:
    """Building the word view only when the pattern view says a term might be there must
    find exactly what building it always finds — at the same offsets."""
    detectors = _detectors()
    gated = [(h.start, h.end, h.normalised) for h in detectors.find(text)]
    exhaustive = [(h.start, h.end, h.normalised) for h in detectors.find(text, exhaustive=True)]
    assert gated == exhaustive


@settings(max_examples=examples(1500), deadline=None)
@given(st.lists(_MIXED, max_size=4).map("\n".join))
def test_placing_hits_line_by_line_agrees_with_mapping_the_whole_text(text: str) -> None:
    import app.redaction.normalise as normalise_module
    detectors = _detectors()
    view, origin = word_view_mapped(text)
    expected = sorted(normalise_module.original_span(origin, start, end)
                      for start, end, _ in detectors._term_hits(view)) if view else []
    region = normalise_module._REGION_CHARS
    try:
        for size in (0, 7, region):   # every line its own region, small regions, the shipped size
            normalise_module._REGION_CHARS = size
            assert sorted((h.start, h.end) for h in detectors.find(text)) == expected
    finally:
        normalise_module._REGION_CHARS = region
