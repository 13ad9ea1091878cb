"""geo.core.fmt: French numbers, and words that agree with them (« 0 habitant »)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from geo.core import fmt
from geo.core.coverage import headline_text

N = fmt.NNBSP


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0 habitant"),
        (1, "1 habitant"),
        (1.4, "1 habitant"),
        (1.6, "2 habitants"),  # agreed with the number written
        (2, "2 habitants"),
        (12345, f"12{N}345 habitants"),
        (-1, "-1 habitant"),
    ],
)
def test_inhabitants_agree_with_the_number_written(value, expected):
    assert fmt.inhabitants(value) == expected


def test_count_with_an_irregular_plural():
    assert fmt.count(0, "commune adhérente", "communes adhérentes") == "0 commune adhérente"
    assert fmt.count(3, "commune adhérente", "communes adhérentes") == "3 communes adhérentes"


def test_french_number_formats():
    assert fmt.integer(68350798) == f"68{N}350{N}798"
    # One rounding rule for a share, everywhere: one decimal (README).
    assert fmt.percent(0.5712) == f"57,1{fmt.NBSP}%"
    assert fmt.percent(0.702076) == f"70,2{fmt.NBSP}%"  # never « 70 % » beside « 70,2 % »
    assert fmt.decimal(1234.56) == f"1{N}234,6"


def test_a_headline_with_nobody_covered_is_singular():
    figures = SimpleNamespace(
        covered_share=0.0,
        covered_population=0,
        total_population=1234,
        counting_rule="règle",
    )
    text = headline_text(figures)
    assert "0 habitant sur" in text and "habitants" not in text
