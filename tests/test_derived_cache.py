"""What a run works out from content files is kept between runs, and a kept copy is never trusted blindly."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.content import derived_cache
from app.content.yaml_source import MarkedDict, MarkedList, load_yaml_text, position_of
from app.redaction import normalise


def _kept(kind: str) -> list[Path]:
    return sorted((derived_cache.cache_folder() / "derived" / kind).glob("*.json"))


def test_parsed_yaml_comes_back_with_every_position(tmp_path: Path) -> None:
    text = "title: Pre-deployment\nfields:\n  - id: a\n    when: 2026-01-05\n  - id: b\n    score: 0.5\n"
    first = load_yaml_text(text, "forms/x.yaml")
    assert len(_kept("content-yaml-1")) == 1
    again = load_yaml_text(text, "forms/x.yaml")
    assert again == first
    assert isinstance(again, MarkedDict) and isinstance(again["fields"], MarkedList)
    assert position_of(again, ["fields", 1, "score"]) == position_of(first, ["fields", 1, "score"]) == (6, 12)
    assert again["fields"][0].key_marks == first["fields"][0].key_marks


def test_a_file_that_does_not_parse_is_never_kept() -> None:
    from app.content.errors import ContentError
    with pytest.raises(ContentError):
        load_yaml_text("a: [1, 2\n", "forms/broken.yaml")
    assert _kept("content-yaml-1") == []


def test_a_damaged_cache_file_is_a_miss_not_an_error() -> None:
    text = "a: 1\n"
    load_yaml_text(text, "x.yaml")
    (kept,) = _kept("content-yaml-1")
    kept.write_text('{"d": [1, 1], "e": [["a"', encoding="utf-8")
    assert load_yaml_text(text, "x.yaml") == {"a": 1}


def test_folding_tables_from_the_cache_equal_a_fresh_build() -> None:
    normalise._folding.cache_clear()
    built = normalise._build_folding()
    from_cache = normalise._folding()  # written by this call (the test's cache folder starts empty) …
    normalise._folding.cache_clear()
    assert normalise._folding() == built == from_cache  # … and read back by this one
    assert _kept("confusable-folding")


def test_schema_checks_are_remembered_only_for_data_that_passed() -> None:
    from app.content.yaml_source import schema_errors
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "additionalProperties": False}
    good = load_yaml_text("n: 1\n", "x.yaml")
    assert schema_errors(good, schema, "x.yaml") == []
    assert len(_kept("schema-valid-1")) == 1
    assert schema_errors(load_yaml_text("n: 1\n", "x.yaml"), schema, "x.yaml") == []  # from the mark
    bad = load_yaml_text("n: '1'\nm: 2\n", "y.yaml")  # a string where a number belongs: not the same data
    for _ in range(2):  # worked out (and located) every time, never marked
        assert [(e.line, e.message) for e in schema_errors(bad, schema, "y.yaml")] == [
            (2, "unknown key 'm'; allowed here: n"), (1, "'1' is not of type 'integer'")]
    assert len(_kept("schema-valid-1")) == 1
