"""Typed values as assessors type them: FLOP, dates, numbers, booleans."""

from datetime import date

import pytest

from app.model.values import format_flop, format_value, parse_value


@pytest.mark.parametrize("text, expected", [
    ("3.2e25", 3.2e25),
    ("3.2E+25", 3.2e25),
    ("32e24", 3.2e25),
    ("1e24", 1e24),
    ("  6.0e+25 ", 6.0e25),
    ("450000000000000000000000", 4.5e23),
    (2.0e25, 2.0e25),
    (7, 7.0),
])
def test_flop_accepts_scientific_notation(text, expected):
    assert parse_value("flop", text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["-3e25", "0", "0e10", "lots", "3.2 x 10^25", "1e25 FLOP", "nan", "inf",
                                  "-1", True, [1]])
def test_flop_rejects_negatives_zero_and_words(text):
    with pytest.raises(ValueError, match="positive number of FLOP"):
        parse_value("flop", text)


def test_flop_is_shown_as_people_write_it():
    assert format_flop(3.2e25) == "3.2e25"
    assert format_flop(1e24) == "1e24"
    assert format_value("flop", 9.6e25) == "9.6e25"


@pytest.mark.parametrize("raw, expected", [("2025-03-14", date(2025, 3, 14)), (date(2024, 2, 29), date(2024, 2, 29))])
def test_dates_are_iso(raw, expected):
    assert parse_value("date", raw) == expected


@pytest.mark.parametrize("raw", ["14/03/2025", "2025-02-30", "20250314", "yesterday", 20250314])
def test_bad_dates_say_the_expected_format(raw):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_value("date", raw)


def test_integers_numbers_and_booleans():
    assert parse_value("integer", "42") == 42
    assert parse_value("integer", 12.0) == 12
    with pytest.raises(ValueError, match="whole number"):
        parse_value("integer", "4.5")
    assert parse_value("number", "0.37") == 0.37
    assert isinstance(parse_value("number", 5), float)
    with pytest.raises(ValueError, match="number"):
        parse_value("number", "about five")
    assert parse_value("boolean", "yes") is True
    assert parse_value("boolean", False) is False
    with pytest.raises(ValueError, match="true or false"):
        parse_value("boolean", "maybe")


def test_empty_input_is_an_empty_value():
    assert parse_value("flop", "") is None
    assert parse_value("text", None) is None
