"""Stored span markup ↔ the editor's visible text and passages, and offsets between them."""

import pytest

from app.interchange.examples import example_document
from app.model.passages import Passage, clip, join_marked, split_marked, stored_offset, visible_offset
from app.model.spans import SpanError

STORED = "Keep [[hazard:bio]]agent X[[/hazard]] and [[hazard:cyber]]exploit[[/hazard]]."


def test_split_and_join_give_back_every_stored_text_of_the_example():
    texts = [value.data for _address, value in example_document().addresses() if isinstance(value.data, str)]
    marked = [text for text in texts if "[[hazard:" in text]
    assert len(marked) >= 5
    for text in texts:
        visible, passages = split_marked(text)
        assert "[[" not in visible or not passages
        assert join_marked(visible, passages) == text


def test_passages_and_offsets():
    visible, passages = split_marked(STORED)
    assert visible == "Keep agent X and exploit."
    assert passages == (Passage(5, 12, "bio"), Passage(17, 24, "cyber"))
    for index, char in enumerate(visible):  # every visible character maps to itself in the stored text
        assert STORED[stored_offset(passages, index, inside=index < len(visible) and
                                    any(p.start <= index < p.end for p in passages))] == char
        assert visible_offset(passages, stored_offset(passages, index)) == index
    assert visible_offset(passages, STORED.index("[[/hazard]]") + 3) == 12  # inside a tag: its edge
    assert stored_offset(passages, 12) == STORED.index(" and")  # after the closing tag
    assert stored_offset(passages, 12, inside=True) == STORED.index("[[/hazard]]")


def test_a_fragment_keeps_its_part_of_a_passage():
    visible, passages = split_marked(STORED)
    fragment = join_marked(visible[8:20], clip(passages, 8, 20))
    assert fragment == "[[hazard:bio]]nt X[[/hazard]] and [[hazard:cyber]]exp[[/hazard]]"


def test_malformed_markup_is_refused_and_empty_passages_are_dropped():
    with pytest.raises(SpanError):
        split_marked("a [[hazard:bio]]b")
    with pytest.raises(SpanError):
        split_marked("a {{hazard:bio}} b")
    assert split_marked("a[[hazard:bio]][[/hazard]]b") == ("ab", ())
    assert join_marked("abc", [Passage(0, 2, "bio"), Passage(1, 3, "chem")]) == "[[hazard:bio]]ab[[/hazard]]c"
